use std::borrow::Cow;

use serde_json::Value;

use crate::declare_rule;
use crate::model::AisObject;
use crate::names;
use crate::path::{JsonPath, MakePath};
use crate::quantity::{Quantity, QuantityError};
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Checks every storage size an AIS object states: a `PersistentVolume`'s
    /// `spec.capacity.storage`, a `PersistentVolumeClaim`'s or claim template's
    /// `resources.requests.storage`, and an `AIStore`'s `spec.targetSpec.mounts[].size`. It
    /// denies a size that is not a Kubernetes quantity (`10GB`, `3 Ti`, `ten`), or is zero or
    /// negative, and warns when the size is not a whole number of bytes (`5.8Ti`). A plain
    /// number (`size: 1000`) is a valid quantity in bytes.
    ///
    /// ## Why is this bad?
    /// A claim binds only to a PV whose capacity is at least the claim's request, and the
    /// operator requests each mount's `size`. A malformed quantity is refused (by the API
    /// server for PVs and claims, by the `AIStore` CRD's validation for mounts), and Kubernetes
    /// refuses a claim that requests zero or negative storage. A fractional byte count
    /// such as `5.8Ti` (6377167441100.8 bytes) is accepted by Kubernetes, but operators
    /// before v2.16.1 failed to bind claims for such sizes; current operators round the
    /// request down to whole bytes. Writing whole bytes (or a whole number of `Gi`) works
    /// with every version.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     mounts:
    ///       - {path: /ais/nvme0n1, size: 3TB, storageClass: ais-local-storage}
    ///       - {path: /ais/nvme1n1, size: 5.8Ti, storageClass: ais-local-storage}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     mounts:
    ///       - {path: /ais/nvme0n1, size: 3T, storageClass: ais-local-storage}
    ///       - {path: /ais/nvme1n1, size: 5939Gi, storageClass: ais-local-storage}
    /// ```
    pub struct CapacityInvalid {
        code: "AIS208",
        name: "capacity-invalid",
        severity: Deny,
        scope: Object,
        kinds: [AiStore, StatefulSet, PersistentVolume, PersistentVolumeClaim],
        summary: "A PV capacity, claim request or mount size is not a positive Kubernetes quantity, or not whole bytes",
        fix: None,
    }
}

/// At most this many characters of a user-written size go into a message.
const SHOWN: usize = 20;

fn error_reason(error: &QuantityError) -> String {
    match error {
        QuantityError::Empty => "empty".to_owned(),
        QuantityError::NoDigits => "no digits".to_owned(),
        QuantityError::UnknownSuffix(suffix) => format!("unknown suffix {}", names::abbreviate(suffix.trim(), 8)),
        QuantityError::TooLarge => "too large".to_owned(),
    }
}

fn not_a_quantity(path: JsonPath, what: &str, kind: &str) -> Violation {
    Violation::new(path, format!("{what} is {kind}, not a Kubernetes quantity; write a size such as 3Ti or 3T"))
}

/// Judges one size, `what` naming it in the message (`capacity`, `storage request`, `mount size`).
/// The path is built only for a finding (`dyn`: one copy of this function, not one per caller).
fn judge(value: &Value, path: &dyn MakePath, what: &str) -> Option<Violation> {
    let text: Cow<'_, str> = match value {
        Value::Null => return None,
        Value::String(s) => Cow::Borrowed(s),
        Value::Number(n) => Cow::Owned(n.to_string()),
        Value::Bool(_) => return Some(not_a_quantity(path.make(), what, "true/false")),
        Value::Array(_) => return Some(not_a_quantity(path.make(), what, "a list")),
        Value::Object(_) => return Some(not_a_quantity(path.make(), what, "an object")),
    };
    let shown = || names::abbreviate(&text, SHOWN);
    let quantity = match Quantity::parse(&text) {
        Ok(quantity) => quantity,
        Err(error) => {
            let shown = shown();
            return Some(Violation::new(
                path.make(),
                format!(
                    "{what} `{shown}` is not a Kubernetes quantity ({}); write e.g. 3Ti or 3T",
                    error_reason(&error)
                ),
            ));
        }
    };
    if !quantity.is_positive() {
        let sign = if quantity.floor() == Some(0) { "zero" } else { "negative" };
        let shown = shown();
        return Some(Violation::new(
            path.make(),
            format!("{what} `{shown}` is {sign}: Kubernetes needs a positive size; set the disk's size, e.g. 3Ti"),
        ));
    }
    if !quantity.is_whole() {
        let bytes = quantity.floor().unwrap_or_default().to_string();
        let advice = if bytes.len() <= 20 { format!("write {bytes}") } else { "write whole bytes".to_owned() };
        let shown = shown();
        return Some(Violation::warning(
            path.make(),
            format!("{what} `{shown}` is not whole bytes: operators before v2.16.1 failed to bind it; {advice}"),
        ));
    }
    None
}

impl Rule for CapacityInvalid {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let object = check.object();
        match object {
            AisObject::AiStore(ais) => {
                let mounts = JsonPath::from_keys("spec.targetSpec.mounts");
                for (i, mount) in ais.spec.target_spec.mounts.iter().enumerate() {
                    if let Some(size) = &mount.size {
                        out.extend(judge(size, &|| mounts.index(i).key("size"), "mount size"));
                    }
                }
            }
            AisObject::PersistentVolume(pv) => {
                if let Some(storage) = pv.spec.capacity.get("storage") {
                    out.extend(judge(storage, &|| JsonPath::from_keys("spec.capacity.storage"), "capacity"));
                }
            }
            AisObject::PersistentVolumeClaim(_) | AisObject::StatefulSet(..) => {
                for (at, claim) in object.claim_specs() {
                    if let Some(storage) = claim.resources.requests.get("storage") {
                        out.extend(judge(storage, &|| at.path().keys("resources.requests.storage"), "storage request"));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn verdict(value: &Value) -> Option<(String, bool)> {
        judge(value, &JsonPath::root, "size").map(|v| (v.message, v.at_most.is_some()))
    }

    #[test]
    fn numbers_and_whole_quantities_pass() {
        assert_eq!(verdict(&json!(1000)), None);
        assert_eq!(verdict(&json!("5T")), None);
        assert_eq!(verdict(&json!("1.5Ki")), None);
        assert_eq!(verdict(&Value::Null), None);
    }

    #[test]
    fn invalid_zero_negative_deny() {
        let (message, warning) = verdict(&json!("10GB")).unwrap();
        assert_eq!(message, "size `10GB` is not a Kubernetes quantity (unknown suffix GB); write e.g. 3Ti or 3T");
        assert!(!warning);
        assert!(verdict(&json!("0")).unwrap().0.contains("is zero"));
        assert!(verdict(&json!(-5)).unwrap().0.contains("is negative"));
        assert!(verdict(&json!(true)).unwrap().0.contains("true/false"));
        assert!(verdict(&json!("")).unwrap().0.contains("(empty)"));
    }

    #[test]
    fn fractional_bytes_warn() {
        let (message, warning) = verdict(&json!("5.8Ti")).unwrap();
        assert!(warning);
        assert!(message.ends_with("write 6377167441100"), "{message}");
        assert!(verdict(&json!(1.5)).unwrap().1);
    }

    #[test]
    fn long_values_keep_messages_short() {
        let long = "9".repeat(30);
        for value in [
            json!("x".repeat(300)),
            json!(format!("1{}", "Q".repeat(40))),
            json!(format!("-{long}")),
            json!(format!("{long}.5")),
        ] {
            let message = judge(&value, &JsonPath::root, "storage request").unwrap().message;
            assert!(message.chars().count() <= 120, "{message}");
        }
    }
}
