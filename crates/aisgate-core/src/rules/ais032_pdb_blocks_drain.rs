use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `AIStore` with `targetSpec.pdb.enabled: true` whose `maxUnavailable` is unset
    /// (the operator then uses 0) or zero (`0`, `"0"` or `"0%"`).
    ///
    /// ## Why is this bad?
    /// A pod disruption budget that allows no target to be unavailable makes every eviction
    /// fail. `kubectl drain`, node upgrades and cluster-autoscaler scale-downs retry forever
    /// on any node that runs a target, so node maintenance hangs until someone deletes the
    /// budget or the pod by hand.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     pdb:
    ///       enabled: true
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     pdb:
    ///       enabled: true
    ///       maxUnavailable: 1
    /// ```
    pub struct PdbBlocksDrain {
        code: "AIS032",
        name: "pdb-blocks-drain",
        severity: Warn,
        scope: Object,
        kinds: [AiStore],
        summary: "The target PodDisruptionBudget allows no unavailable target: node drains block forever",
        fix: None,
    }
}

/// Whether `maxUnavailable` allows no disruption: `0`, `"0"`, `"0%"`.
fn is_zero(value: &IntOrString) -> bool {
    match value {
        IntOrString::Int(n) => *n == 0,
        IntOrString::String(s) => {
            let number = s.trim();
            let number = number.strip_suffix('%').unwrap_or(number);
            number.parse::<i64>().is_ok_and(|n| n == 0)
        }
    }
}

impl Rule for PdbBlocksDrain {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        let Some(pdb) = ais.spec.target_spec.pdb.as_ref().filter(|pdb| pdb.enabled == Some(true)) else { return };
        let at = JsonPath::from_keys("spec.targetSpec.pdb");
        match &pdb.max_unavailable {
            None => out.push(Violation::new(
                at,
                "target PDB without maxUnavailable (0 by default) blocks every node drain; set maxUnavailable: 1",
            )),
            Some(value) if is_zero(value) => {
                let shown = match value {
                    IntOrString::Int(n) => n.to_string(),
                    IntOrString::String(s) if s.trim().ends_with('%') => "\"0%\"".to_owned(),
                    IntOrString::String(_) => "\"0\"".to_owned(),
                };
                out.push(Violation::new(
                    at.key("maxUnavailable"),
                    format!("target PDB with maxUnavailable {shown} blocks every node drain; set maxUnavailable: 1"),
                ));
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_values() {
        assert!(is_zero(&IntOrString::Int(0)));
        assert!(is_zero(&IntOrString::String("0".to_owned())));
        assert!(is_zero(&IntOrString::String("0%".to_owned())));
        assert!(!is_zero(&IntOrString::Int(1)));
        assert!(!is_zero(&IntOrString::String("10%".to_owned())));
    }
}
