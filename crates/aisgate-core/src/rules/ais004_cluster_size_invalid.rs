use crate::declare_rule;
use crate::model::AisObject;
use crate::model::aistore::Role;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an AIStore whose cluster size is missing or invalid:
    /// - neither `spec.size` nor both `proxySpec.size` and `targetSpec.size`;
    /// - a size (`spec.size`, `proxySpec.size`, `targetSpec.size`) that is 0 or below -1;
    /// - size -1 (autoscaling: one pod per matching node) for a role without that role's
    ///   `nodeSelector`. `spec.size: -1` autoscales both roles.
    ///
    /// ## Why is this bad?
    /// The operator's validating webhook rejects each of these, so the object never becomes a
    /// cluster; this rule reports it in CI, before `kubectl apply`. A role size falls back to
    /// `spec.size`, so without either there is nothing to deploy. Autoscaling without a
    /// nodeSelector would put an AIS pod on every node of the Kubernetes cluster.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     size: -1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   proxySpec:
    ///     size: 3
    ///   targetSpec:
    ///     size: -1
    ///     nodeSelector:
    ///       nvidia.com/ais-target: ais
    /// ```
    pub struct ClusterSizeInvalid {
        code: "AIS004",
        name: "cluster-size-invalid",
        severity: Deny,
        scope: Object,
        kinds: [AiStore],
        summary: "No cluster size, a size of 0 or below -1, or size -1 (autoscale) without a nodeSelector",
        fix: None,
    }
}

fn size_is_invalid(size: i64) -> bool {
    size == 0 || size < -1
}

impl Rule for ClusterSizeInvalid {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        let raw = check.subject.raw;
        let spec = &ais.spec;

        if let Some(size) = spec.size.filter(|s| size_is_invalid(*s)) {
            out.push(Violation::new(
                JsonPath::from_keys("spec.size"),
                format!("cluster size {size} is invalid: use at least 1, or -1 for one pod per matching node"),
            ));
        }
        if spec.size.is_none() {
            match (spec.proxy_spec.size, spec.target_spec.size) {
                (None, None) => out.push(Violation::new(
                    JsonPath::from_keys("spec").nearest_existing(raw),
                    "no cluster size: set spec.size, or both proxySpec.size and targetSpec.size",
                )),
                (None, Some(_)) | (Some(_), None) => {
                    let role = if spec.proxy_spec.size.is_none() { Role::Proxy } else { Role::Target };
                    let key = role.spec_key();
                    out.push(Violation::new(
                        JsonPath::from_keys("spec").key(key).nearest_existing(raw),
                        format!("no {key}.size and no spec.size to fall back on: set {key}.size or spec.size"),
                    ));
                }
                (Some(_), Some(_)) => {}
            }
        }

        for role in [Role::Proxy, Role::Target] {
            let key = role.spec_key();
            let role_spec = ais.role(role);
            if let Some(size) = role_spec.size.filter(|s| size_is_invalid(*s)) {
                out.push(Violation::new(
                    JsonPath::from_keys("spec").key(key).key("size"),
                    format!(
                        "{} size {size} is invalid: use at least 1, or -1 for one per matching node",
                        role.as_str()
                    ),
                ));
            }
            let autoscaling = spec.size == Some(-1) || role_spec.size == Some(-1);
            if autoscaling && role_spec.node_selector.is_empty() {
                let by = if role_spec.size == Some(-1) { format!("{key}.size") } else { "spec.size".to_owned() };
                out.push(Violation::new(
                    JsonPath::from_keys("spec").key(key).nearest_existing(raw),
                    format!(
                        "{by} -1 without {key}.nodeSelector would run a {} on every node: set the nodeSelector",
                        role.as_str()
                    ),
                ));
            }
        }
    }
}
