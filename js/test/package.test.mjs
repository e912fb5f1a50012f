// The npm package against the CLI: every fixture and example linted by both must give the
// same JSON report, rule list, explanations and error messages. Needs `scripts/build-js`
// (js/dist) and the CLI binary: AISGATE_BIN, or target/debug/aisgate under CARGO_TARGET_DIR.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";

import * as aisgate from "../node.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const CLI = resolve(ROOT, process.env.AISGATE_BIN ?? join(process.env.CARGO_TARGET_DIR ?? "target", "debug", "aisgate"));
const SCRATCH = mkdtempSync(join(tmpdir(), "aisgate-js-test-"));
/** The date the Rust fixture harness judges exemptions against (tests/src/fixtures.rs). */
const FIXTURE_TODAY = "2026-11-21";

if (!existsSync(CLI)) {
  throw new Error(`no aisgate CLI at ${CLI}: build it (cargo build -p aisgate-cli) or set AISGATE_BIN`);
}

function cli(args) {
  const run = spawnSync(CLI, args, { cwd: ROOT, encoding: "utf8" });
  if (run.error) throw run.error;
  return run;
}

function cliReport(args) {
  const run = cli(["lint", "--format", "json", "--fail-on", "never", ...args]);
  assert.ok([0, 2].includes(run.status), `aisgate ${args.join(" ")}: exit ${run.status}\n${run.stderr}`);
  return JSON.parse(run.stdout);
}

function files(dir, keep) {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path, keep) : keep(name) ? [path] : [];
    });
}

/** The fixtures as tests/src/fixtures.rs reads them: header lines, settings, old version. */
function fixtures() {
  return files(join(ROOT, "fixtures"), (name) => /^(deny|allow)-.*\.yaml$/.test(name) && !name.endsWith(".old.yaml"))
    .filter((path) => !/\/fixtures\/(bundles|admission)\//.test(path))
    .map((path) => {
      const text = readFileSync(path, "utf8");
      const header = (prefix) => text.split("\n").filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length).trim());
      const oldPath = path.replace(/\.yaml$/, ".old.yaml");
      return {
        path: relative(ROOT, path),
        rule: path.split("/").at(-2),
        deny: path.split("/").at(-1).startsWith("deny-"),
        text,
        settings: header("# settings:")[0] ?? null,
        expected: header("# expect:").sort(),
        old: existsSync(oldPath) ? { path: relative(ROOT, oldPath), text: readFileSync(oldPath, "utf8") } : null,
      };
    });
}

const FIXTURES = fixtures();

test("there are fixtures for every rule", () => {
  const covered = new Set(FIXTURES.map((f) => f.rule));
  // Rules across objects have their scenarios in fixtures/bundles/ (tests/tests/bundles.rs).
  const missing = aisgate.rules().filter((r) => r.scope !== "bundle").map((r) => r.name).filter((name) => !covered.has(name));
  assert.deepEqual(missing, []);
  assert.ok(FIXTURES.length >= 2 * aisgate.rules().filter((r) => r.scope !== "bundle").length, `only ${FIXTURES.length} fixtures`);
});

test("every fixture: the same JSON report as `aisgate lint --format json`", () => {
  let findings = 0;
  for (const fixture of FIXTURES) {
    const args = [];
    if (fixture.settings) {
      const file = join(SCRATCH, "settings.json");
      writeFileSync(file, fixture.settings);
      args.push("--settings", file);
    }
    if (fixture.old) args.push("--old", fixture.old.path);
    const expected = cliReport([...args, fixture.path]);
    const actual = aisgate.lint(fixture.text, fixture.settings, { file: fixture.path, old: fixture.old?.text });
    assert.deepStrictEqual(actual, expected, fixture.path);
    findings += actual.findings.length;
  }
  assert.ok(findings > FIXTURES.length, `only ${findings} findings over ${FIXTURES.length} fixtures`);
});

test("every fixture: the rule fires exactly at its `# expect:` paths", () => {
  const failures = [];
  for (const fixture of FIXTURES) {
    const report = aisgate.lint(fixture.text, fixture.settings && JSON.parse(fixture.settings), {
      file: fixture.path,
      old: fixture.old?.text,
      today: FIXTURE_TODAY,
    });
    const paths = report.findings.filter((f) => f.rule === fixture.rule).map((f) => f.path).sort();
    if (fixture.deny && fixture.expected.length === 0) failures.push(`${fixture.path}: no # expect: lines`);
    try {
      assert.deepEqual(paths, fixture.expected);
    } catch {
      failures.push(`${fixture.path}: ${fixture.rule} at ${JSON.stringify(paths)}, expected ${JSON.stringify(fixture.expected)}`);
    }
  }
  assert.deepEqual(failures, []);
});

test("examples: the same report as the CLI, with lines and columns", () => {
  const examples = files(join(ROOT, "examples"), (name) => /\.(ya?ml|json)$/.test(name));
  assert.ok(examples.length >= 3);
  for (const path of examples) {
    const file = relative(ROOT, path);
    const expected = cliReport([file]);
    assert.deepStrictEqual(aisgate.lint(readFileSync(path, "utf8"), null, { file }), expected, file);
  }
  const aistore = aisgate.lint(readFileSync(join(ROOT, "examples/aistore.yaml"), "utf8"), undefined, { file: "a.yaml" });
  const hostPort = aistore.findings.find((f) => f.code === "AIS020");
  assert.deepEqual(
    [hostPort.rule, hostPort.severity, hostPort.path, hostPort.file, hostPort.line, hostPort.column],
    ["host-port-on-shared-node", "deny", "$.spec.targetSpec.hostPort", "a.yaml", 32, 15],
  );
});

test("unreadable text: the same errors as the CLI, in the report rather than thrown", () => {
  const text = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: a\n";
  const file = join(SCRATCH, "broken.yaml");
  writeFileSync(file, text);
  const expected = cliReport([file]);
  const actual = aisgate.lint(text, null, { file });
  assert.deepStrictEqual(actual, expected);
  assert.equal(actual.errors.length, 1);
  assert.equal(actual.errors[0].line, 3);
});

test("settings as an object, JSON or YAML text give the same findings", () => {
  const text = readFileSync(join(ROOT, "examples/aistore.yaml"), "utf8");
  // Sorted: the report orders findings by their position in the text.
  const codes = (settings) => aisgate.lint(text, settings).findings.map((f) => `${f.code}:${f.severity}`).sort();
  const asObject = codes({ rules: { "mutable-image-tag": "off", AIS020: "warn" } });
  assert.deepEqual(asObject, codes('{"rules": {"mutable-image-tag": "off", "AIS020": "warn"}}'));
  assert.deepEqual(asObject, codes("rules:\n  mutable-image-tag: off\n  AIS020: warn\n"));
  assert.deepEqual(asObject, ["AIS002:warn", "AIS020:warn"]);
  assert.deepEqual(codes(null), codes(undefined));
  assert.deepEqual(codes(null), ["AIS002:warn", "AIS020:deny", "AIS034:warn"]);
});

test("bad settings throw the CLI's message", () => {
  const cases = {
    "rules:\n  no-such-rule: off\n":
      "settings:2:17: invalid settings: rules.no-such-rule: unknown rule; use a rule name or code from `aisgate rules` (e.g. host-port-on-shared-node or AIS020)",
    "mutations: {retainReclaimPolicy: sometimes}\n": null,
    "rules: [\n": "settings:1:9: YAML syntax error: while parsing a node, did not find expected node content",
    "rules: {}\n---\nrules: {}\n": "settings:3:1: expected one document, found another here",
    "# nothing\n": "settings: empty: expected one YAML or JSON document",
  };
  for (const [settings, message] of Object.entries(cases)) {
    const file = join(SCRATCH, "bad-settings.yaml");
    writeFileSync(file, settings);
    const run = cli(["lint", "--settings", file, "examples/aistore.yaml"]);
    assert.equal(run.status, 2);
    let thrown;
    assert.throws(() => aisgate.lint("", settings), (error) => {
      thrown = error;
      return error instanceof Error;
    });
    if (message) assert.equal(thrown.message, message);
    // The CLI names the file it read the settings from; the package calls the text `settings`.
    assert.ok(thrown.message.startsWith("settings:"), thrown.message);
    const located = `${file}${thrown.message.slice("settings".length)}`;
    assert.equal(run.stderr, `aisgate: ${located}\n`);
  }
  assert.throws(() => aisgate.lint("", 42), { message: "settings: expected an object, YAML or JSON text, or null" });
  // Settings given as an object: the field, without a line in text the caller never wrote.
  assert.throws(() => aisgate.lint("", { rules: { AIS020: "loud" } }), {
    message: "settings: rules.AIS020: unknown variant `loud`, expected one of `deny`, `warn`, `off`",
  });
  assert.throws(() => aisgate.lint("", { exemptions: [{ rules: ["AIS020"] }] }), {
    message: "settings: exemptions[0].reason: required: say why these findings are accepted",
  });
});

test("bad options throw, naming the option", () => {
  assert.throws(() => aisgate.lint("", null, { fil: "a.yaml" }), {
    message: "options: unknown field `fil`, expected one of `file`, `old`, `today`",
  });
  assert.throws(() => aisgate.lint("", null, { today: "2026-13-01" }), {
    message: "options.today: `2026-13-01` is not a date; expected YYYY-MM-DD",
  });
  assert.throws(() => aisgate.lint("", null, "a.yaml"), {
    message: "options: expected an object with `file`, `old` or `today`",
  });
});

test("rules(): the CLI's rule list", () => {
  const listed = cli(["rules"]).stdout.trimEnd().split("\n");
  const rules = aisgate.rules();
  assert.equal(rules.length, listed.length);
  rules.forEach((rule, i) => {
    assert.deepEqual(listed[i].split(/\s+/).slice(0, 3), [rule.code, rule.name, rule.severity]);
    assert.ok(listed[i].endsWith(` ${rule.summary}`), listed[i]);
    assert.ok(["object", "update", "bundle", "object / bundle"].includes(rule.scope), rule.scope);
  });
  const retain = rules.find((r) => r.code === "AIS203");
  assert.equal(retain.fix.mutation, "retainReclaimPolicy");
  assert.equal(typeof retain.fix.summary, "string");
});

test("explain(): the CLI's text for every rule, by code and by name", () => {
  for (const rule of aisgate.rules()) {
    const printed = cli(["explain", rule.code]).stdout;
    assert.equal(`${aisgate.explain(rule.code)}\n`, printed, rule.code);
    assert.equal(aisgate.explain(rule.name), aisgate.explain(rule.code));
    assert.equal(aisgate.explain(rule.code), `# ${rule.code} ${rule.name} (${rule.severity})\n\n${rule.documentation}`);
  }
  const run = cli(["explain", "AIS999"]);
  assert.equal(run.status, 2);
  assert.throws(() => aisgate.explain("AIS999"), (error) => run.stderr === `aisgate: ${error.message}\n`);
});

test("defaultSettings() and version() match the engine", () => {
  const defaults = aisgate.defaultSettings();
  assert.deepEqual(defaults.mutations, {
    retainReclaimPolicy: true,
    addPodAntiAffinity: false,
    stripHostPortOnSharedNodes: false,
    migrateDeprecatedFields: true,
  });
  // The defaults are valid settings themselves.
  assert.deepEqual(aisgate.lint("", defaults).summary, aisgate.lint("").summary);
  assert.equal(`aisgate ${aisgate.version()}\n`, cli(["--version"]).stdout);
});

test("every function the TypeScript declarations name is exported", () => {
  const declared = [...readFileSync(join(ROOT, "js/dist/aisgate.d.ts"), "utf8").matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
  assert.ok(declared.includes("lint") && declared.includes("fix"), declared.join(" "));
  assert.deepEqual(declared.filter((name) => typeof aisgate[name] !== "function"), []);
});

test("fix(): the same text as `aisgate fix` on every fixture", () => {
  let changed = 0;
  for (const fixture of FIXTURES) {
    const args = ["fix"];
    if (fixture.settings) {
      const file = join(SCRATCH, "settings.json");
      writeFileSync(file, fixture.settings);
      args.push("--settings", file);
    }
    const run = cli([...args, fixture.path]);
    assert.equal(run.status, 0, `aisgate fix ${fixture.path}: ${run.stderr}`);
    const fixed = aisgate.fix(fixture.text, fixture.settings);
    assert.equal(fixed, run.stdout, fixture.path);
    if (fixed !== fixture.text) changed++;
  }
  assert.ok(changed > 0, "no fixture was changed by fix");
});

test("the TypeScript declarations type-check a strict usage (tsc --noEmit)", () => {
  const tsc = join(ROOT, "node_modules", ".bin", "tsc");
  execFileSync(tsc, ["-p", fileURLToPath(new URL("./tsconfig.json", import.meta.url))], { stdio: "pipe" });
});
