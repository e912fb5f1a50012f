// The playground in headless Chromium (Debian's `chromium`, driven by playwright-core),
// served by web/serve.mjs: paste a faulty manifest, see the finding at its line, switch the
// rule, read its explanation, drop a file, fix, and make no request after the page is ready.
// Needs `scripts/build-js` (web/pkg). CHROMIUM overrides /usr/bin/chromium. Writes a
// screenshot and the load+lint timing of the largest example to web/test/screenshots/.
import { after, before, test } from "node:test";
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { chromium } from "playwright-core";

import * as aisgate from "../../js/node.js";
import { serve } from "../serve.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const OUT = fileURLToPath(new URL("./screenshots/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

// Targets that share nodes (disablePodAntiAffinity) and bind a host port: AIS020 at line 23.
/** The AIS020 deny fixture, the same text crates/aisgate-js's unit tests judge. */
const FAULTY = readFileSync(join(ROOT, "fixtures/host-port-on-shared-node/deny-aistore-host-port.yaml"), "utf8");
const HOST_PORT_LINE = FAULTY.split("\n").findIndex((line) => line.includes("hostPort:")) + 1;

let server;
let context;
let page;
let origin;
/** Every request the page made: url and whether the page was ready then. */
const requests = [];
let ready = false;

/**
 * Chromium with a fresh profile, and nothing it would fetch on its own. Its launch is tried
 * three times: headless Chromium on a CI machine once crashed (SIGSEGV) before opening any
 * page, and passed when run again; a crash after the launch still fails the test.
 */
async function launch() {
  for (let attempt = 1; ; attempt++) {
    try {
      return await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), "aisgate-chromium-")), {
        executablePath: CHROMIUM,
        headless: true,
        args: [
          "--no-sandbox",
          "--disable-gpu",
          "--disable-quic",
          "--no-first-run",
          "--disable-background-networking",
          "--disable-component-update",
          "--disable-sync",
        ],
        viewport: { width: 1500, height: 1000 },
      });
    } catch (error) {
      if (attempt === 3) throw error;
      console.error(`chromium did not start (attempt ${attempt} of 3): ${error.message.split("\n")[0]}`);
    }
  }
}

before(async () => {
  mkdirSync(OUT, { recursive: true });
  server = await serve();
  origin = `http://127.0.0.1:${server.address().port}`;
  context = await launch();
  context.on("request", (request) => requests.push({ url: request.url(), ready }));
  page = context.pages()[0] ?? (await context.newPage());
  const problems = [];
  page.on("pageerror", (error) => problems.push(error.message));
  page.on("console", (message) => {
    if (message.type() === "error" || message.type() === "warning") problems.push(message.text());
  });
  page.problems = problems;
});

after(async () => {
  await context?.close();
  server?.close();
});

async function settle(action) {
  const checks = Number(await page.getAttribute("body", "data-checks"));
  await action();
  await page.waitForFunction((n) => Number(document.body.dataset.checks) > n, checks);
}

/** Pastes `text` into the editor through the clipboard, as a person does, and waits for the check. */
async function paste(text) {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await page.focus("#source");
  await settle(() => page.keyboard.press("Control+V"));
}

async function findingsAt() {
  return page.$$eval("#findings li", (items) =>
    items.map((li) => ({
      code: li.dataset.code,
      line: Number(li.dataset.line),
      column: Number(li.dataset.column),
      severity: li.classList.contains("deny") ? "deny" : "warn",
      message: li.querySelector(".message").textContent,
    })),
  );
}

test("loads, then lints the largest example; timings recorded", async () => {
  const walk = (dir) =>
    readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? walk(join(dir, name)) : [join(dir, name)]));
  const examples = walk(join(ROOT, "examples"))
    .filter((path) => /\.ya?ml$/.test(path))
    .sort((a, b) => statSync(b).size - statSync(a).size);
  const largest = examples[0];
  const text = readFileSync(largest, "utf8");

  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin });
  const started = performance.now();
  await page.goto(`${origin}/`);
  await page.waitForSelector("body[data-ready='true']");
  const loaded = performance.now();
  ready = true;
  await paste(text);
  const linted = performance.now();

  const expected = aisgate.lint(text, aisgate.defaultSettings(), { file: "manifest.yaml" });
  assert.ok(expected.findings.length > 0, `${largest} has no findings`);
  const shown = await findingsAt();
  const byPosition = (a, b) => a.line - b.line || a.column - b.column;
  assert.deepEqual(
    shown.sort(byPosition),
    expected.findings
      .map(({ code, line, column, severity, message }) => ({ code, line, column, severity, message }))
      .sort(byPosition),
  );

  const wasm = readFileSync(join(ROOT, "web/pkg/aisgate_bg.wasm"));
  const metrics = {
    example: largest.slice(ROOT.length),
    exampleBytes: text.length,
    loadMs: Math.round(loaded - started),
    pasteToFindingsMs: Math.round(linted - loaded),
    loadAndLintMs: Math.round(linted - started),
    lintInPageMs: Number(await page.getAttribute("body", "data-checked-ms")),
    wasmBytes: wasm.length,
    wasmGzipBytes: gzipSync(wasm, { level: 9 }).length,
  };
  writeFileSync(join(OUT, "metrics.json"), `${JSON.stringify(metrics, null, 2)}\n`);
  console.log(`# playground: ${JSON.stringify(metrics)}`);
});

test("a pasted manifest shows its finding at the right line", async () => {
  await settle(() => page.click("#clear"));
  await paste(FAULTY);
  assert.equal(await page.inputValue("#source"), FAULTY);

  const hostPort = (await findingsAt()).find((f) => f.code === "AIS020");
  assert.deepEqual(hostPort, {
    code: "AIS020",
    line: HOST_PORT_LINE,
    column: 15,
    severity: "deny",
    message: aisgate.lint(FAULTY).findings.find((f) => f.code === "AIS020").message,
  });
  // The gutter and the text behind the editor mark that line.
  assert.equal(await page.getAttribute(`#gutter [data-line='${HOST_PORT_LINE}']`, "class"), "mark deny");
  const marked = await page.$$eval("#backdrop .line", (lines) =>
    lines.flatMap((line, i) => (line.classList.contains("deny") ? [i + 1] : [])),
  );
  assert.deepEqual(marked, [HOST_PORT_LINE]);
  assert.equal(await page.textContent("#summary"), "1 deny, 0 warn in 1 object");

  // Clicking the finding's position selects the offending value in the text.
  await page.click(`#findings li[data-code='AIS020'] .at`);
  const selected = await page.$eval("#source", (s) => s.value.slice(s.selectionStart, s.selectionEnd));
  assert.equal(selected, "51081");
});

test("the rule list switches rules and severities", async () => {
  const level = "#rules select[data-code='AIS020']";
  await settle(() => page.selectOption(level, "warn"));
  assert.deepEqual((await findingsAt()).map((f) => `${f.code} ${f.severity}`), ["AIS020 warn"]);
  await settle(() => page.selectOption(level, "off"));
  assert.deepEqual(await findingsAt(), []);
  assert.equal(await page.textContent("#summary"), "0 deny, 0 warn in 1 object");
  await settle(() => page.selectOption(level, ""));
  assert.deepEqual((await findingsAt()).map((f) => `${f.code} ${f.severity}`), ["AIS020 deny"]);
});

test("each finding links to its rule's explanation", async () => {
  await page.click("#findings li[data-code='AIS020'] a.rule");
  await page.waitForSelector("#explanation[open]");
  assert.equal(await page.textContent("#explanation-title"), "AIS020 host-port-on-shared-node");
  assert.equal(await page.textContent("#explanation-text"), aisgate.explain("AIS020"));
  await page.click("#explanation .close");
  await page.waitForSelector("#explanation:not([open])", { state: "attached" });
  assert.equal(await page.evaluate(() => location.hash), "");
});

test("dropped files are linted", async () => {
  const pv = readFileSync(join(ROOT, "examples/storage.yaml"), "utf8");
  const transfer = await page.evaluateHandle((text) => {
    const data = new DataTransfer();
    data.items.add(new File([text], "storage.yaml", { type: "application/yaml" }));
    return data;
  }, pv);
  await settle(() => page.dispatchEvent("#editor", "drop", { dataTransfer: transfer }));
  assert.equal(await page.inputValue("#source"), pv);
  const expected = aisgate.lint(pv).findings.map((f) => `${f.code}@${f.line}`).sort();
  assert.deepEqual((await findingsAt()).map((f) => `${f.code}@${f.line}`).sort(), expected);
});

test("the fix removes the finding, with the change shown as a diff", async () => {
  await settle(() => page.fill("#source", FAULTY));
  await settle(() => page.check("#mutations input[data-mutation='stripHostPortOnSharedNodes']"));
  await page.waitForSelector("#apply-fix:not([disabled])");
  const removed = await page.$$eval("#diff .removed", (lines) => lines.map((l) => l.textContent));
  assert.deepEqual(removed, ["-    hostPort: 51081\n"]);
  await settle(() => page.click("#apply-fix"));
  assert.equal(await page.inputValue("#source"), aisgate.fix(FAULTY, { mutations: { stripHostPortOnSharedNodes: true } }));
  assert.deepEqual((await findingsAt()).filter((f) => f.code === "AIS020"), []);
});

test("a screenshot of the page with findings", async () => {
  await settle(() => page.click("#sample"));
  await page.screenshot({ path: join(OUT, "playground.png") });
});

test("no request leaves the machine, and none at all after the page is ready", () => {
  const early = requests.filter((r) => !r.ready).map((r) => r.url.slice(origin.length));
  assert.ok(requests.every((r) => r.url.startsWith(`${origin}/`)), JSON.stringify(requests));
  assert.deepEqual(requests.filter((r) => r.ready), []);
  assert.deepEqual(early.sort(), [
    "/",
    "/pkg/aisgate.js",
    "/pkg/aisgate_bg.wasm",
    "/pkg/diff.min.js",
    "/playground.css",
    "/playground.js",
  ]);
  assert.deepEqual(page.problems, []);
});
