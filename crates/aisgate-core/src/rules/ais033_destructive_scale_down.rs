use serde_json::Value;

use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `AIStore` whose target scale-down can lose data:
    ///
    /// - `targetSpec.scaleDownMode: decommission`;
    /// - `safe_decommission` (set, or left to its default) while
    ///   `configToUpdate.rebalance.enabled` is `false`.
    ///
    /// ## Why is this bad?
    /// On scale-down, `decommission` rebalances a target's objects away and then deletes
    /// its on-disk data; with rebalance off, nothing is migrated first and the data is simply
    /// gone. `safe_decommission` (the default) keeps the disk contents, but relies on
    /// rebalance to move the objects to the remaining targets: with rebalance off, the
    /// removed target's objects stay behind on its disks and the cluster no longer serves
    /// them. Objects in AIS buckets have no other copy.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   configToUpdate:
    ///     rebalance:
    ///       enabled: false
    ///   targetSpec:
    ///     scaleDownMode: decommission
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   configToUpdate:
    ///     rebalance:
    ///       enabled: true
    ///   targetSpec:
    ///     scaleDownMode: safe_decommission
    /// ```
    pub struct DestructiveScaleDown {
        code: "AIS033",
        name: "destructive-scale-down",
        severity: Warn,
        scope: Object,
        kinds: [AiStore],
        summary: "Target scale-down deletes data (decommission) or drops it unmigrated (rebalance disabled)",
        fix: None,
    }
}

impl Rule for DestructiveScaleDown {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        let rebalance_off = ais
            .spec
            .config_to_update
            .as_ref()
            .and_then(|config| config.get("rebalance"))
            .and_then(|rebalance| rebalance.get("enabled"))
            == Some(&Value::Bool(false));
        // The CRD defaults scaleDownMode to safe_decommission.
        match ais.spec.target_spec.scale_down_mode.as_deref().unwrap_or("safe_decommission") {
            "decommission" => out.push(Violation::new(
                JsonPath::from_keys("spec.targetSpec.scaleDownMode"),
                if rebalance_off {
                    "decommission with rebalance disabled deletes removed targets' data unmigrated; use safe_decommission, enable rebalance"
                } else {
                    "decommission deletes a removed target's on-disk data; use safe_decommission (the default)"
                },
            )),
            "safe_decommission" if rebalance_off => out.push(Violation::new(
                JsonPath::from_keys("spec.configToUpdate.rebalance.enabled"),
                "rebalance disabled: scaling targets down leaves their objects behind, unserved; enable rebalance",
            )),
            _ => {}
        }
    }
}
