// The playground: the aisgate package (pkg/, built by scripts/build-js) over a text area.
// Everything runs here; after the .wasm has loaded the page makes no requests.
import * as aisgate from "./pkg/aisgate.js";

const $ = (id) => document.getElementById(id);
const source = $("source");
const FILE_NAME = "manifest.yaml";

const state = {
  catalog: [],
  /** code -> "deny" | "warn" | "off", only for rules set away from their default */
  levels: new Map(),
  mutations: {},
  lastText: null,
};

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name === "class") node.className = value;
    else if (name.startsWith("data-")) node.setAttribute(name, value);
    else node[name] = value;
  }
  node.append(...children);
  return node;
}

function settings() {
  return { rules: Object.fromEntries(state.levels), mutations: { ...state.mutations } };
}

// ---- checking ----------------------------------------------------------------------------

function check() {
  const text = source.value;
  const started = performance.now();
  let report;
  try {
    report = aisgate.lint(text, settings(), { file: FILE_NAME });
  } catch (error) {
    showStatus(`Settings refused: ${error.message}`, "error");
    return;
  }
  renderFindings(text, report);
  renderFix(text);
  const elapsed = performance.now() - started;
  document.body.dataset.checkedMs = elapsed.toFixed(1);
  document.body.dataset.checks = String(Number(document.body.dataset.checks ?? 0) + 1);
  showStatus(`Checked in ${elapsed.toFixed(0)} ms with aisgate ${aisgate.version()}.`);
}

function renderFindings(text, report) {
  const lines = text.split("\n");
  const worst = new Map();
  for (const finding of report.findings) {
    if (worst.get(finding.line) !== "deny") worst.set(finding.line, finding.severity);
  }
  for (const error of report.errors) worst.set(error.line, "deny");

  $("gutter").replaceChildren(
    ...lines.map((_, i) => {
      const severity = worst.get(i + 1);
      return element("span", { class: severity ? `mark ${severity}` : "", "data-line": String(i + 1) }, `${i + 1}\n`);
    }),
  );
  $("backdrop").replaceChildren(
    ...lines.map((line, i) => {
      const severity = worst.get(i + 1);
      return element("span", { class: severity ? `line ${severity}` : "line" }, `${line}\n`);
    }),
  );

  const sorted = [...report.findings].sort((a, b) => a.line - b.line || a.column - b.column);
  $("findings").replaceChildren(
    ...sorted.map((finding) =>
      element(
        "li",
        {
          class: `finding ${finding.severity}`,
          "data-line": String(finding.line),
          "data-column": String(finding.column),
          "data-code": finding.code,
        },
        element("button", { type: "button", class: "at", title: "Show in the text", onclick: () => reveal(finding.line, finding.column) },
          `${finding.line}:${finding.column}`),
        element("span", { class: "severity" }, finding.severity),
        element("a", { href: `#rule-${finding.code}`, class: "rule", title: "What this rule checks and why" },
          `${finding.code} ${finding.rule}`),
        element("span", { class: "message" }, finding.message),
        element("span", { class: "where" }, `${finding.object.kind} ${finding.object.name} at ${finding.path}`),
      ),
    ),
  );
  $("errors").replaceChildren(
    ...report.errors.map((error) =>
      element("li", { class: "error", "data-line": String(error.line) },
        element("button", { type: "button", class: "at", onclick: () => reveal(error.line, error.column) }, `${error.line}:${error.column}`),
        ` ${error.message}`),
    ),
  );
  const s = report.summary;
  $("summary").textContent =
    `${s.deny} deny, ${s.warn} warn in ${s.objects} object${s.objects === 1 ? "" : "s"}` +
    (s.skipped ? ` (${s.skipped} document${s.skipped === 1 ? "" : "s"} skipped)` : "") +
    (report.errors.length ? `; ${report.errors.length} unreadable` : "");
  syncScroll();
}

function renderFix(text) {
  const apply = $("apply-fix");
  let fixed;
  try {
    fixed = aisgate.fix(text, settings());
  } catch (error) {
    $("fix-status").textContent = `Cannot fix: ${error.message}`;
    apply.disabled = true;
    return;
  }
  state.fixed = fixed;
  $("fixed").textContent = fixed;
  if (fixed === text) {
    $("fix-status").textContent = "Nothing to fix automatically: the findings' messages say what to change.";
    $("diff").replaceChildren();
    apply.disabled = true;
    return;
  }
  apply.disabled = false;
  const patch = globalThis.Diff.structuredPatch(FILE_NAME, FILE_NAME, text, fixed, "", "", { context: 3 });
  $("fix-status").textContent = `${patch.hunks.length} change${patch.hunks.length === 1 ? "" : "s"}:`;
  $("diff").replaceChildren(
    ...patch.hunks.flatMap((hunk) => [
      element("span", { class: "hunk" }, `@@ -${hunk.oldStart},${hunk.oldLines} +${hunk.newStart},${hunk.newLines} @@\n`),
      ...hunk.lines.map((line) =>
        element("span", { class: line[0] === "+" ? "added" : line[0] === "-" ? "removed" : "context" }, `${line}\n`),
      ),
    ]),
  );
}

// ---- the editor --------------------------------------------------------------------------

function reveal(line, column) {
  const lines = source.value.split("\n");
  let offset = 0;
  for (let i = 0; i < line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  const lineLength = lines[line - 1]?.length ?? 0;
  source.focus();
  source.setSelectionRange(offset + Math.min(column - 1, lineLength), offset + lineLength);
  const lineHeight = parseFloat(getComputedStyle(source).lineHeight);
  source.scrollTop = Math.max(0, (line - 3) * lineHeight);
  syncScroll();
}

function syncScroll() {
  $("backdrop").scrollTop = source.scrollTop;
  $("backdrop").scrollLeft = source.scrollLeft;
  $("gutter").scrollTop = source.scrollTop;
}

let pending;
function scheduleCheck() {
  clearTimeout(pending);
  pending = setTimeout(check, 120);
}

async function load(files) {
  const texts = await Promise.all([...files].map(async (file) => ({ name: file.name, text: await file.text() })));
  source.value = texts.length === 1
    ? texts[0].text
    : texts.map(({ name, text }) => `# file: ${name}\n${text.replace(/\n*$/, "\n")}`).join("---\n");
  check();
}

// ---- rules and explanations --------------------------------------------------------------

function renderRules() {
  $("rules").tBodies[0].replaceChildren(
    ...state.catalog.map((rule) => {
      const level = element("select", { "aria-label": `Level of ${rule.code} ${rule.name}`, "data-code": rule.code },
        element("option", { value: "" }, `default (${rule.severity})`),
        element("option", { value: "deny" }, "deny"),
        element("option", { value: "warn" }, "warn"),
        element("option", { value: "off" }, "off"));
      level.addEventListener("change", () => {
        if (level.value) state.levels.set(rule.code, level.value);
        else state.levels.delete(rule.code);
        check();
      });
      return element("tr", { "data-code": rule.code },
        element("td", {}, element("a", { href: `#rule-${rule.code}`, title: "Explain" }, rule.code)),
        element("td", { title: rule.summary }, rule.name),
        element("td", {}, level));
    }),
  );

  const defaults = aisgate.defaultSettings().mutations;
  $("mutations").replaceChildren(
    ...Object.keys(defaults).map((key) => {
      const rule = state.catalog.find((r) => r.fix?.mutation === key);
      const box = element("input", { type: "checkbox", checked: defaults[key], "data-mutation": key });
      state.mutations[key] = defaults[key];
      box.addEventListener("change", () => {
        state.mutations[key] = box.checked;
        check();
      });
      return element("label", { class: "mutation" }, box, ` ${key}`,
        rule ? element("span", { class: "hint" }, ` ${rule.code}: ${rule.fix.summary}`) : "");
    }),
  );
}

function showExplanation() {
  const match = /^#rule-(AIS\d{3})$/.exec(location.hash);
  const dialog = $("explanation");
  if (!match) {
    if (dialog.open) dialog.close();
    return;
  }
  const rule = state.catalog.find((r) => r.code === match[1]);
  $("explanation-title").textContent = rule ? `${rule.code} ${rule.name}` : match[1];
  try {
    $("explanation-text").textContent = aisgate.explain(match[1]);
  } catch (error) {
    $("explanation-text").textContent = error.message;
  }
  if (!dialog.open) dialog.showModal();
}

function showStatus(message, kind = "ok") {
  $("status").textContent = message;
  $("status").className = kind;
}

// ---- start -------------------------------------------------------------------------------

async function start() {
  await aisgate.default();
  state.catalog = aisgate.rules();
  renderRules();

  // Typing is checked once it pauses; a paste or a drop at once.
  source.addEventListener("input", (event) => {
    if (event.inputType?.startsWith("insertFrom")) {
      clearTimeout(pending);
      check();
    } else {
      scheduleCheck();
    }
  });
  source.addEventListener("scroll", syncScroll);
  $("files").addEventListener("change", (event) => load(event.target.files));
  $("sample").addEventListener("click", () => {
    source.value = $("sample-manifest").textContent;
    source.scrollTop = 0;
    check();
  });
  $("clear").addEventListener("click", () => {
    source.value = "";
    check();
  });
  $("apply-fix").addEventListener("click", () => {
    source.value = state.fixed;
    check();
  });
  const editor = $("editor");
  editor.addEventListener("dragover", (event) => {
    event.preventDefault();
    editor.classList.add("dropping");
  });
  editor.addEventListener("dragleave", () => editor.classList.remove("dropping"));
  editor.addEventListener("drop", (event) => {
    event.preventDefault();
    editor.classList.remove("dropping");
    if (event.dataTransfer.files.length) load(event.dataTransfer.files);
  });
  $("explanation").addEventListener("close", () => {
    if (location.hash.startsWith("#rule-")) history.replaceState(null, "", location.pathname);
  });
  window.addEventListener("hashchange", showExplanation);

  check();
  showExplanation();
  showStatus(`Ready: ${state.catalog.length} rules, aisgate ${aisgate.version()}. Paste or drop manifests.`);
  document.body.dataset.ready = "true";
}

start().catch((error) => {
  showStatus(`The rule engine did not load: ${error.message}`, "error");
  document.body.dataset.ready = "failed";
});
