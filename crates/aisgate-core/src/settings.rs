//! The one settings schema shared by the policy, the CLI and the JavaScript package
//! (interfaces.md §2).
//!
//! Settings arrive as JSON (`validate` and `validate_settings` payloads, or the CLI's YAML
//! turned into JSON). Every field is optional. Unknown keys and bad values are refused with
//! the field's path and the allowed values; cross-field checks (rule names exist, JSONPath
//! queries parse, dates are dates) happen in [`Settings::from_json`].

#[cfg(feature = "schema")]
use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::finding::Severity;
use crate::model::affinity::LabelSelector;
use crate::model::read::{FromJson, Read, Shape, fields, read_struct, variant};
use crate::path::Segment;
use crate::registry;

/// A refused setting: where, and what is allowed there.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("settings: {field}: {message}")]
pub struct SettingsError {
    /// Dotted path of the offending field, `exemptions[0].reason`.
    pub field: String,
    pub message: String,
}

impl SettingsError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

/// The level a rule is set to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    /// Reject at admission; fail CI.
    Deny,
    /// Admit with a Kubernetes warning; fail CI only with `--fail-on warn`.
    Warn,
    /// Do not run the rule.
    Off,
}

impl FromJson for RuleLevel {
    fn read(value: &Value) -> Read<Self> {
        Ok(match variant(value, &["deny", "warn", "off"])? {
            "deny" => RuleLevel::Deny,
            "warn" => RuleLevel::Warn,
            _ => RuleLevel::Off,
        })
    }
}

impl RuleLevel {
    #[must_use]
    pub fn severity(self) -> Option<Severity> {
        match self {
            RuleLevel::Deny => Some(Severity::Deny),
            RuleLevel::Warn => Some(Severity::Warn),
            RuleLevel::Off => None,
        }
    }
}

/// Which automatic fixes run. Offline `fix` applies these plus the offline-only ones.
// One switch per mutation is the settings contract (interfaces.md §2), not a state machine.
#[allow(clippy::struct_excessive_bools)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Mutations {
    /// Set `persistentVolumeReclaimPolicy: Retain` on AIS PVs created with `Delete` or `Recycle` (AIS203).
    pub retain_reclaim_policy: bool,
    /// Add the operator's required pod anti-affinity to AIS StatefulSets created without one (AIS101).
    pub add_pod_anti_affinity: bool,
    /// Remove `hostPort` from targets meant to share nodes (AIS020).
    pub strip_host_port_on_shared_nodes: bool,
    /// Move deprecated AIStore fields to their replacements (AIS002).
    pub migrate_deprecated_fields: bool,
}

impl Default for Mutations {
    fn default() -> Self {
        Self {
            retain_reclaim_policy: true,
            add_pod_anti_affinity: false,
            strip_host_port_on_shared_nodes: false,
            migrate_deprecated_fields: true,
        }
    }
}

read_struct!(Mutations, "struct Mutations", derived deny_unknown true {
    "retainReclaimPolicy" => retain_reclaim_policy,
    "addPodAntiAffinity" => add_pod_anti_affinity,
    "stripHostPortOnSharedNodes" => strip_host_port_on_shared_nodes,
    "migrateDeprecatedFields" => migrate_deprecated_fields,
});

/// One of the mutation switches, named by its settings key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mutation {
    RetainReclaimPolicy,
    AddPodAntiAffinity,
    StripHostPortOnSharedNodes,
    MigrateDeprecatedFields,
}

impl Mutation {
    #[must_use]
    pub fn key(self) -> &'static str {
        match self {
            Mutation::RetainReclaimPolicy => "retainReclaimPolicy",
            Mutation::AddPodAntiAffinity => "addPodAntiAffinity",
            Mutation::StripHostPortOnSharedNodes => "stripHostPortOnSharedNodes",
            Mutation::MigrateDeprecatedFields => "migrateDeprecatedFields",
        }
    }
}

impl Mutations {
    #[must_use]
    pub fn enabled(&self, mutation: Mutation) -> bool {
        match mutation {
            Mutation::RetainReclaimPolicy => self.retain_reclaim_policy,
            Mutation::AddPodAntiAffinity => self.add_pod_anti_affinity,
            Mutation::StripHostPortOnSharedNodes => self.strip_host_port_on_shared_nodes,
            Mutation::MigrateDeprecatedFields => self.migrate_deprecated_fields,
        }
    }
}

/// Findings that an administrator accepts, with the reason recorded.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Exemption {
    /// Rule names or codes (required).
    pub rules: Vec<String>,
    /// Namespaces (globs); empty means every namespace.
    pub namespaces: Vec<String>,
    /// Object names (globs); empty means every name.
    pub names: Vec<String>,
    /// JSONPath (RFC 9535) queries; a finding is exempt when its path is at or below a selected node.
    pub paths: Vec<String>,
    /// Why (required): shown with suppressed findings.
    pub reason: String,
    /// Last day (`YYYY-MM-DD`, UTC) on which the exemption applies.
    pub expires: Option<String>,
}

read_struct!(Exemption, "struct Exemption", derived deny_unknown true {
    "rules" => rules,
    "namespaces" => namespaces,
    "names" => names,
    "paths" => paths,
    "reason" => reason,
    "expires" => expires,
});

/// What happens when a cluster lookup fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum FailurePolicy {
    /// Admit, with a warning that the cross-object rules could not run.
    #[default]
    Ignore,
    /// Reject the request.
    Fail,
}

impl FromJson for FailurePolicy {
    fn read(value: &Value) -> Read<Self> {
        Ok(match variant(value, &["ignore", "fail"])? {
            "fail" => FailurePolicy::Fail,
            _ => FailurePolicy::Ignore,
        })
    }
}

/// Rules across objects at admission: the policy looks up the cluster's AIStores,
/// StatefulSets, PVCs, PVs, StorageClasses and Nodes through the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct ClusterContext {
    /// Run the bundle rules (AIS401-AIS410, and the bundle halves of AIS022 and AIS105) at admission.
    pub enabled: bool,
    /// When a lookup fails: `ignore` admits on the object rules alone with a warning; `fail` rejects.
    pub failure_policy: FailurePolicy,
}

read_struct!(ClusterContext, "struct ClusterContext", derived deny_unknown true {
    "enabled" => enabled,
    "failurePolicy" => failure_policy,
});

/// Guards against hostile or runaway input. Every refusal names its limit and the setting
/// that raises it (`limits.<key>`). The offline reader's limits apply to the CLI and the
/// JavaScript package; `maxRequestBytes` to the policy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Limits {
    /// Largest admission request the policy evaluates (object, old object and settings), in
    /// bytes. The API server caps a request body at 3 MiB, and an UPDATE review carries the
    /// object twice, so anything near the default is not from a real API server.
    pub max_request_bytes: usize,
    /// Largest single input (a file or stdin), in bytes.
    pub max_input_bytes: usize,
    /// Largest input of one run, all files together, in bytes.
    pub max_total_bytes: usize,
    /// Most Kubernetes objects in one run (`List` items count one each).
    pub max_objects: usize,
    /// Deepest nesting of YAML mappings and sequences.
    pub max_depth: usize,
    /// Most nodes that YAML aliases may copy in one input (stops "billion laughs").
    pub max_alias_nodes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_request_bytes: 8 << 20,
            max_input_bytes: 64 << 20,
            max_total_bytes: 256 << 20,
            max_objects: 50_000,
            max_depth: 128,
            max_alias_nodes: 100_000,
        }
    }
}

read_struct!(Limits, "struct Limits", derived deny_unknown true {
    "maxRequestBytes" => max_request_bytes,
    "maxInputBytes" => max_input_bytes,
    "maxTotalBytes" => max_total_bytes,
    "maxObjects" => max_objects,
    "maxDepth" => max_depth,
    "maxAliasNodes" => max_alias_nodes,
});

impl Limits {
    /// The refusal for a value over a limit: what, the limit, and the setting to raise it.
    #[must_use]
    pub fn refusal(what: &str, limit: usize, unit: &str, key: &str) -> String {
        format!("{what}, over the limit of {limit} {unit}; raise it with the setting limits.{key}")
    }
}

/// The default annotation a hand-written StatefulSet uses to declare intended co-location.
pub const DEFAULT_SHARED_NODE_ANNOTATION: &str = "aisgate.io/shared-nodes";
/// The default storage class of AIS data volumes.
pub const DEFAULT_AIS_STORAGE_CLASS: &str = "ais-local-storage";

fn default_storage_classes() -> Vec<String> {
    vec![DEFAULT_AIS_STORAGE_CLASS.to_owned()]
}

fn default_shared_node_annotation() -> String {
    DEFAULT_SHARED_NODE_ANNOTATION.to_owned()
}

/// aisgate's settings. Construct with [`Settings::from_json`] so that every check runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[cfg_attr(
    feature = "schema",
    schemars(
        description = "aisgate settings: one schema for the Kubewarden policy, the CLI (`--settings`) and the JavaScript package. Every field is optional; unknown keys are refused."
    )
)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct Settings {
    /// Per rule name or code: `deny`, `warn` or `off`.
    #[cfg_attr(feature = "schema", schemars(with = "BTreeMap<String, RuleLevel>"))]
    pub rules: RuleLevels,
    /// Which automatic fixes the policy applies at admission (offline `fix` applies them too).
    pub mutations: Mutations,
    /// Findings to accept; the only way to exempt anything at admission (objects never exempt themselves).
    pub exemptions: Vec<Exemption>,
    /// Storage classes whose PVs and PVCs are AIS data volumes.
    pub ais_storage_classes: Vec<String>,
    /// Storage classes whose volumes are made by hand, so every target claim needs a PV
    /// (AIS401); also any `kubernetes.io/no-provisioner` class and any class PVs are given for.
    pub static_storage_classes: Vec<String>,
    /// Extra well-known node topology keys for pod anti-affinity (AIS031).
    pub topology_keys: Vec<String>,
    /// Annotation (value `"true"`) by which a hand-written StatefulSet declares that its pods share nodes.
    pub shared_node_annotation: String,
    /// CSI drivers whose volumes are network filesystems (AIS206).
    pub network_csi_drivers: Vec<String>,
    /// Extra StatefulSets to treat as AIS workloads, by label selector (role from `app.kubernetes.io/component`, `component` or `type`).
    #[cfg_attr(feature = "schema", schemars(with = "Option<LabelSelectorSchema>"))]
    pub stateful_set_selector: Option<LabelSelector>,
    /// Rules across objects at admission.
    pub cluster_context: ClusterContext,
    /// Guards against hostile or runaway input; each refusal names the limit and this setting.
    pub limits: Limits,
}

read_struct!(Settings, "struct Settings", derived deny_unknown true {
    "rules" => rules,
    "mutations" => mutations,
    "exemptions" => exemptions,
    "aisStorageClasses" => ais_storage_classes,
    "staticStorageClasses" => static_storage_classes,
    "topologyKeys" => topology_keys,
    "sharedNodeAnnotation" => shared_node_annotation,
    "networkCsiDrivers" => network_csi_drivers,
    "statefulSetSelector" => stateful_set_selector,
    "clusterContext" => cluster_context,
    "limits" => limits,
});

impl Default for Settings {
    fn default() -> Self {
        Self {
            rules: RuleLevels::default(),
            mutations: Mutations::default(),
            exemptions: Vec::new(),
            ais_storage_classes: default_storage_classes(),
            static_storage_classes: Vec::new(),
            topology_keys: Vec::new(),
            shared_node_annotation: default_shared_node_annotation(),
            network_csi_drivers: Vec::new(),
            stateful_set_selector: None,
            cluster_context: ClusterContext::default(),
            limits: Limits::default(),
        }
    }
}

/// The `rules` setting: levels by rule name or code, as given (a JSON object, written back as
/// one). A list, not a `BTreeMap`: the engine looks up a few entries, and a map type of its
/// own costs the policy module its own copy of the B-tree code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RuleLevels(Vec<(String, RuleLevel)>);

impl RuleLevels {
    /// The level set for `key` (a rule name or code, as written in the settings).
    #[must_use]
    pub fn get(&self, key: &str) -> Option<RuleLevel> {
        self.0.iter().find(|(k, _)| k == key).map(|&(_, level)| level)
    }

    /// The rule names and codes given.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(|(key, _)| key.as_str())
    }
}

impl FromJson for RuleLevels {
    fn read(value: &Value) -> Read<Self> {
        let mut levels = Vec::new();
        fields(value, "a map", Shape::Kubernetes, &mut |key: &str, value: &Value| -> Read<bool> {
            levels.push((key.to_owned(), RuleLevel::read(value)?));
            Ok(true)
        })?;
        Ok(RuleLevels(levels))
    }
}

impl Serialize for RuleLevels {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.0.iter().map(|(key, level)| (key, level)))
    }
}

/// The documented shape of a Kubernetes label selector (the settings decode it as k8s-openapi's `LabelSelector`).
#[cfg(feature = "schema")]
#[derive(schemars::JsonSchema)]
#[schemars(rename = "LabelSelector")]
#[serde(rename_all = "camelCase")]
#[allow(dead_code)] // Only its schema is used.
struct LabelSelectorSchema {
    /// Labels that must all be present with these values.
    #[serde(default)]
    match_labels: BTreeMap<String, String>,
    /// Requirements (`key`, `operator`: `In`, `NotIn`, `Exists`, `DoesNotExist`, `values`) that must all hold.
    #[serde(default)]
    match_expressions: Vec<Value>,
}

/// A calendar date (UTC), as `YYYY-MM-DD` reads: the last day of an exemption, or today.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: u16,
    month: u8,
    day: u8,
}

impl Date {
    /// The date, if the day exists in that month and year (the year within 0001-9999).
    #[must_use]
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let leap = year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400));
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        ((1..=9999).contains(&year) && (1..=days).contains(&day)).then_some(Date { year, month, day })
    }
}

impl std::fmt::Display for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// Parses `YYYY-MM-DD` (exactly: four, two and two digits).
#[must_use]
pub fn parse_date(text: &str) -> Option<Date> {
    let bytes = text.as_bytes();
    let [y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = *bytes else { return None };
    let digits =
        |digits: &[u8]| digits.iter().try_fold(0_u16, |n, &d| d.is_ascii_digit().then(|| n * 10 + u16::from(d - b'0')));
    let month = u8::try_from(digits(&[m1, m2])?).ok()?;
    let day = u8::try_from(digits(&[d1, d2])?).ok()?;
    Date::new(digits(&[y1, y2, y3, y4])?, month, day)
}

/// The UTC date of a Unix timestamp in seconds (from year 1970 on).
#[must_use]
pub fn date_from_unix(seconds: i64) -> Option<Date> {
    if seconds < 0 {
        return None;
    }
    // Howard Hinnant's `civil_from_days`, for days since 1970-01-01.
    let z = seconds / 86_400 + 719_468;
    let era = z / 146_097;
    let day_of_era = z - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let shifted_month = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * shifted_month + 2) / 5 + 1;
    let month = if shifted_month < 10 { shifted_month + 3 } else { shifted_month - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    Date::new(u16::try_from(year).ok()?, u8::try_from(month).ok()?, u8::try_from(day).ok()?)
}

impl Settings {
    /// Decodes and checks settings. `null` means defaults.
    pub fn from_json(value: &Value) -> Result<Self, SettingsError> {
        if value.is_null() {
            return Ok(Self::default());
        }
        if !value.is_object() {
            return Err(SettingsError::new("(root)", "expected an object of settings"));
        }
        let settings = Settings::read(value).map_err(|error| {
            let mut field = String::new();
            for segment in error.segments() {
                match segment {
                    Segment::Key(key) if field.is_empty() => field.push_str(key),
                    Segment::Key(key) => {
                        field.push('.');
                        field.push_str(key);
                    }
                    Segment::Index(index) => {
                        let _ = write!(field, "[{index}]");
                    }
                }
            }
            SettingsError::new(if field.is_empty() { "(root)".to_owned() } else { field }, error.into_message())
        })?;
        settings.check()?;
        Ok(settings)
    }

    fn check(&self) -> Result<(), SettingsError> {
        for key in self.rules.keys() {
            if registry::find(key).is_none() {
                return Err(SettingsError::new(
                    format!("rules.{key}"),
                    "unknown rule; use a rule name or code from `aisgate rules` (e.g. host-port-on-shared-node or AIS020)",
                ));
            }
        }
        for (i, exemption) in self.exemptions.iter().enumerate() {
            let field = |name: &str| format!("exemptions[{i}].{name}");
            if exemption.rules.is_empty() {
                return Err(SettingsError::new(field("rules"), "required: list the rule names or codes to exempt"));
            }
            for rule in &exemption.rules {
                if registry::find(rule).is_none() {
                    return Err(SettingsError::new(
                        field("rules"),
                        format!("unknown rule `{rule}`; use a rule name or code"),
                    ));
                }
            }
            if exemption.reason.trim().is_empty() {
                return Err(SettingsError::new(field("reason"), "required: say why these findings are accepted"));
            }
            for (key, globs) in [("namespaces", &exemption.namespaces), ("names", &exemption.names)] {
                for pattern in globs {
                    if let Err(error) = glob::Pattern::new(pattern) {
                        return Err(SettingsError::new(
                            field(key),
                            format!("`{pattern}` is not a glob: {}", error.msg),
                        ));
                    }
                }
            }
            for (j, query) in exemption.paths.iter().enumerate() {
                if let Err(error) = crate::query::parse(query) {
                    return Err(SettingsError::new(
                        format!("exemptions[{i}].paths[{j}]"),
                        format!("`{query}` is not an RFC 9535 JSONPath query: {error}"),
                    ));
                }
            }
            if let Some(expires) = &exemption.expires
                && parse_date(expires).is_none()
            {
                return Err(SettingsError::new(
                    field("expires"),
                    format!("`{expires}` is not a date; expected YYYY-MM-DD"),
                ));
            }
        }
        for (key, list) in [
            ("aisStorageClasses", &self.ais_storage_classes),
            ("staticStorageClasses", &self.static_storage_classes),
            ("topologyKeys", &self.topology_keys),
        ] {
            if list.iter().any(|item| item.trim().is_empty()) {
                return Err(SettingsError::new(key, "entries must not be empty"));
            }
        }
        if self.shared_node_annotation.trim().is_empty() {
            return Err(SettingsError::new(
                "sharedNodeAnnotation",
                "must not be empty; default is aisgate.io/shared-nodes",
            ));
        }
        let limits = &self.limits;
        for (key, value) in [
            ("maxRequestBytes", limits.max_request_bytes),
            ("maxInputBytes", limits.max_input_bytes),
            ("maxTotalBytes", limits.max_total_bytes),
            ("maxObjects", limits.max_objects),
            ("maxDepth", limits.max_depth),
            ("maxAliasNodes", limits.max_alias_nodes),
        ] {
            if value == 0 {
                return Err(SettingsError::new(format!("limits.{key}"), "must be at least 1"));
            }
        }
        Ok(())
    }

    /// The severity a rule runs at, or `None` when it is off.
    #[must_use]
    pub fn level(&self, code: &str, name: &str, default: Severity) -> Option<Severity> {
        match self.rules.get(code).or_else(|| self.rules.get(name)) {
            Some(level) => level.severity(),
            None => Some(default),
        }
    }

    #[must_use]
    pub fn is_ais_storage_class(&self, class: &str) -> bool {
        self.ais_storage_classes.iter().any(|c| c == class)
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn error(value: impl Into<Value>) -> String {
        Settings::from_json(&value.into()).unwrap_err().to_string()
    }

    #[test]
    fn empty_object_and_null_are_defaults() {
        assert_eq!(Settings::from_json(&json!({})).unwrap(), Settings::default());
        assert_eq!(Settings::from_json(&Value::Null).unwrap(), Settings::default());
    }

    #[test]
    fn refuses_unknown_keys_with_allowed_ones() {
        let message = error(json!({"mutation": {}}));
        assert!(
            message.starts_with("settings: (root): unknown field `mutation`, expected one of `rules`, `mutations`"),
            "{message}"
        );
        assert_eq!(
            error(json!({"mutations": {"retain": true}})),
            "settings: mutations: unknown field `retain`, expected one of `retainReclaimPolicy`, `addPodAntiAffinity`, `stripHostPortOnSharedNodes`, `migrateDeprecatedFields`"
        );
    }

    #[test]
    fn refuses_bad_levels_and_rules() {
        assert_eq!(
            error(json!({"rules": {"mutable-image-tag": "error"}})),
            "settings: rules.mutable-image-tag: unknown variant `error`, expected one of `deny`, `warn`, `off`"
        );
        assert!(error(json!({"rules": {"AIS999": "off"}})).starts_with("settings: rules.AIS999: unknown rule"));
    }

    #[test]
    fn checks_exemptions() {
        let base = json!({"rules": ["AIS020"], "reason": "dev"});
        let with = |key: &str, value: Value| {
            let mut e = base.clone();
            e[key] = value;
            error(json!({"exemptions": [e]}))
        };
        assert_eq!(
            with("reason", json!(" ")),
            "settings: exemptions[0].reason: required: say why these findings are accepted"
        );
        assert_eq!(
            with("expires", json!("31/01/2027")),
            "settings: exemptions[0].expires: `31/01/2027` is not a date; expected YYYY-MM-DD"
        );
        assert_eq!(
            with("paths", json!(["$.spec", "$.spec[?"])),
            "settings: exemptions[0].paths[1]: `$.spec[?` is not an RFC 9535 JSONPath query: at column 9: expected a filter expression (a comparison, a query, a function or `(`)"
        );
        assert!(with("names", json!(["[a"])).starts_with("settings: exemptions[0].names: `[a` is not a glob"));
        assert_eq!(
            with("rules", json!([])),
            "settings: exemptions[0].rules: required: list the rule names or codes to exempt"
        );
        let ok = json!({"exemptions": [{"rules": ["host-port-on-shared-node"], "namespaces": ["ais-*"], "reason": "x", "expires": "2027-01-31", "paths": ["$.spec.template.spec.containers[?@.name=='sidecar']"]}]});
        assert!(Settings::from_json(&ok).is_ok());
    }

    #[test]
    fn dates_are_calendar_days() {
        assert_eq!(parse_date("2027-01-31").map(|d| d.to_string()).as_deref(), Some("2027-01-31"));
        assert!(parse_date("2028-02-29").is_some());
        for bad in [
            "2027-02-29",
            "1900-02-29",
            "2027-13-01",
            "2027-00-10",
            "2027-04-31",
            "0000-01-01",
            "31/01/2027",
            "2027-1-31",
            "+2027-01-31",
            "2027-01-31 ",
            "２０２７-01-31",
            "",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert!(parse_date("2027-01-31") < parse_date("2027-02-01"));
        assert!(parse_date("2026-12-31") < parse_date("2027-01-01"));
        for (seconds, date) in [
            (0, "1970-01-01"),
            (86_399, "1970-01-01"),
            (951_782_400, "2000-02-29"),
            (1_763_683_200, "2025-11-21"),
            (4_107_542_399, "2100-02-28"),
            (4_107_542_400, "2100-03-01"),
        ] {
            assert_eq!(date_from_unix(seconds).map(|d| d.to_string()).as_deref(), Some(date), "{seconds}");
        }
        assert_eq!(date_from_unix(-1), None);
    }

    #[test]
    fn level_by_code_or_name() {
        let settings =
            Settings::from_json(&json!({"rules": {"AIS034": "off", "host-port-on-shared-node": "warn"}})).unwrap();
        assert_eq!(settings.level("AIS034", "mutable-image-tag", Severity::Warn), None);
        assert_eq!(settings.level("AIS020", "host-port-on-shared-node", Severity::Deny), Some(Severity::Warn));
        assert_eq!(settings.level("AIS001", "removed-field", Severity::Deny), Some(Severity::Deny));
    }
}
