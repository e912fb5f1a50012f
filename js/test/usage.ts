// Type-checked by package.test.mjs (`tsc --noEmit`, strict): the declarations describe what
// the package returns, and misuse does not compile.
import init, { explain, lint, rules, defaultSettings, version } from "../dist/aisgate.js";
import type { Finding, LintReport, RuleInfo, Settings } from "../dist/aisgate.js";

export async function check(text: string): Promise<string[]> {
  await init();
  const settings: Settings = { rules: { "mutable-image-tag": "off" }, mutations: { retainReclaimPolicy: true } };
  const report: LintReport = lint(text, settings, { file: "x.yaml", today: "2026-11-21" });
  lint(text);
  lint(text, "rules: {AIS020: warn}");
  const lines: string[] = report.findings.map((f: Finding) => `${f.file}:${f.line}:${f.column} ${f.code} ${f.severity}`);
  const fixable: RuleInfo[] = rules().filter((rule) => rule.fix?.mutation !== null);
  const deny: number = report.summary.deny + report.errors.length;
  const mutations: boolean | undefined = defaultSettings().mutations?.retainReclaimPolicy;
  return [...lines, explain("AIS020"), version(), String(fixable.length + deny), String(mutations)];
}

// @ts-expect-error a rule level is deny, warn or off
lint("", { rules: { "mutable-image-tag": "silent" } });
// @ts-expect-error options are file, old and today
lint("", null, { fil: "x.yaml" });
// @ts-expect-error findings carry line numbers, not strings
const line: string = lint("").findings[0].line;
