/**
 * Lints manifests (multi-document YAML or JSON, `List` kinds, `helm template` output) and
 * returns the report of `aisgate lint --format json`: findings with file, line and column,
 * unreadable parts as `errors`, and a summary.
 * @param text - the manifests
 * @param settings - the policy's settings, as an object or as YAML or JSON text
 * @param options - the file name findings carry, an old version for update rules, the date
 * @throws Error with the CLI's message for invalid settings or options
 */
export function lint(text: string, settings?: Settings | string | null, options?: LintOptions | null): LintReport;

/**
 * Applies the fixes, as `aisgate fix` does: the offline-only fixes plus the mutations the
 * settings switch on (`mutations`), edited into the text so that unchanged documents stay
 * byte-identical and comments survive. Returns the fixed text (the input when nothing
 * needed fixing). Throws an `Error` for invalid settings, with the CLI's message.
 * @param text - the manifests
 * @param settings - the policy's settings, as an object or as YAML or JSON text
 */
export function fix(text: string, settings?: Settings | string | null): string;

/** Severity of a finding: `deny` rejects at admission and fails CI; `warn` is reported. */
export type Severity = "deny" | "warn";

/** The Kubernetes object a finding is about. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** One problem, at the line and column (both 1-based) of the offending node. */
export interface Finding {
  code: string;
  rule: string;
  severity: Severity;
  message: string;
  object: ObjectRef;
  /** JSONPath of the offending node within its object, `$.spec.targetSpec.hostPort`. */
  path: string;
  file: string;
  line: number;
  column: number;
  /** The Helm template the object came from (`# Source:` comment). */
  helmSource?: string;
  /** Other objects involved. */
  related?: ObjectRef[];
  /** Why the finding is exempt (in `suppressed` only). */
  reason?: string;
}

/** A part of the input that could not be read. */
export interface ReportError {
  file: string;
  line: number;
  column: number;
  message: string;
}

export interface Summary {
  files: number;
  documents: number;
  objects: number;
  /** Documents that are not Kubernetes objects (Helm values, empty documents). */
  skipped: number;
  deny: number;
  warn: number;
}

/** The report of `aisgate lint --format json`, version 1. */
export interface LintReport {
  version: 1;
  findings: Finding[];
  /** Findings an exemption accepted, with its reason. */
  suppressed: Finding[];
  errors: ReportError[];
  summary: Summary;
}

export type RuleLevel = "deny" | "warn" | "off";

/** aisgate's settings, the Kubewarden policy's schema; every field optional, unknown keys refused. */
export interface Settings {
  /** Per rule name or code. */
  rules?: Record<string, RuleLevel>;
  mutations?: {
    retainReclaimPolicy?: boolean;
    addPodAntiAffinity?: boolean;
    stripHostPortOnSharedNodes?: boolean;
    migrateDeprecatedFields?: boolean;
  };
  exemptions?: Array<{
    rules: string[];
    namespaces?: string[];
    names?: string[];
    /** RFC 9535 JSONPath queries. */
    paths?: string[];
    reason: string;
    /** Last day in force, `YYYY-MM-DD`. */
    expires?: string;
  }>;
  aisStorageClasses?: string[];
  topologyKeys?: string[];
  sharedNodeAnnotation?: string;
  networkCsiDrivers?: string[];
  statefulSetSelector?: {
    matchLabels?: Record<string, string>;
    matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
  };
  clusterContext?: { enabled?: boolean; failurePolicy?: "ignore" | "fail" };
}

/** `lint`'s options. */
export interface LintOptions {
  /** The file name findings carry; `-` by default. */
  file?: string;
  /** The previous version of the objects, for update rules (the CLI's `--old`). */
  old?: string;
  /** The date exemptions expire against, `YYYY-MM-DD`; today (UTC) by default. */
  today?: string;
}

/** One rule of the catalog. */
export interface RuleInfo {
  code: string;
  name: string;
  /** The default severity. */
  severity: Severity;
  /** `update` rules need the previous version (`LintOptions.old`). */
  scope: "object" | "update" | "bundle" | "object / bundle";
  summary: string;
  fix: {
    summary: string;
    /** The `mutations` setting that turns the fix on at admission; `null`: offline fix only. */
    mutation: string | null;
    createOnly: boolean;
  } | null;
  /** The rule's documentation, Markdown (`explain` adds a heading). */
  documentation: string;
}
