use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `AIStore` with `targetSpec.hostNetwork: true` and a `targetSpec.hostPort` that
    /// is set (not `0`) and differs from the target container port. The operator gives the
    /// container `servicePort`; when it is unset, this rule falls back to `portPublic`, then to
    /// the default 51081.
    ///
    /// ## Why is this bad?
    /// In the host's network namespace a container port *is* a host port, so Kubernetes
    /// requires `hostPort` to be `0` or equal to `containerPort`. The operator webhook does not
    /// check this: the `AIStore` is accepted, then the API server refuses the target
    /// `StatefulSet` the operator generates, and no target ever starts.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     hostNetwork: true
    ///     servicePort: 51081
    ///     portPublic: 51081
    ///     hostPort: 8081
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     hostNetwork: true
    ///     servicePort: 51081
    ///     portPublic: 51081
    /// ```
    pub struct HostNetworkPortMismatch {
        code: "AIS023",
        name: "host-network-port-mismatch",
        severity: Deny,
        scope: Object,
        kinds: [AiStore],
        summary: "Targets on the host network set a hostPort other than their container port: their StatefulSet is refused",
        fix: None,
    }
}

/// Default target public (and service) port.
const DEFAULT_TARGET_PORT: i64 = 51081;

/// The port number a field holds, if it is one.
fn port_number(port: Option<&IntOrString>) -> Option<i64> {
    match port? {
        IntOrString::Int(n) => Some(i64::from(*n)),
        IntOrString::String(s) => s.trim().parse().ok(),
    }
}

impl Rule for HostNetworkPortMismatch {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        let target = &ais.spec.target_spec;
        if target.host_network != Some(true) {
            return;
        }
        let Some(host_port) = port_number(target.host_port.as_ref()).filter(|p| *p != 0) else { return };
        // Ports outside 1..65535 are port-out-of-range's to report.
        let valid = |port: &i64| (1..=65535).contains(port);
        let (source, container_port) = match (target.service_port.as_ref(), target.port_public.as_ref()) {
            (Some(port), _) => ("servicePort", port_number(Some(port))),
            (None, Some(port)) => ("portPublic", port_number(Some(port))),
            (None, None) => ("default", Some(DEFAULT_TARGET_PORT)),
        };
        let Some(container_port) = container_port.filter(valid) else { return };
        if valid(&host_port) && host_port != container_port {
            out.push(Violation::new(
                JsonPath::from_keys("spec.targetSpec.hostPort"),
                format!(
                    "hostPort {host_port} != container port {container_port} ({source}) on hostNetwork: \
                     the target StatefulSet is refused; remove hostPort"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use crate::model::decode;
    use crate::settings::Settings;

    use super::*;

    fn messages(spec: &serde_json::Value) -> Vec<String> {
        let object = json!({"apiVersion": "ais.nvidia.com/v1beta1", "kind": "AIStore", "metadata": {"name": "ais"}, "spec": spec.clone()});
        let settings = Settings::default();
        let subject = decode(&object, &settings).unwrap().unwrap();
        let mut out = Vec::new();
        HostNetworkPortMismatch.check(&Check { subject: &subject, old: None, settings: &settings }, &mut out);
        out.into_iter().map(|v| v.message).collect()
    }

    #[test]
    fn longest_message_fits() {
        let found = messages(&json!({"targetSpec": {"hostNetwork": true, "servicePort": 65534, "hostPort": 65535}}));
        assert_eq!(found.len(), 1);
        assert!(found.iter().all(|m| m.chars().count() <= 120), "{found:?}");
    }

    #[test]
    fn falls_back_to_public_port_then_default() {
        assert_eq!(
            messages(&json!({"targetSpec": {"hostNetwork": true, "portPublic": "8081", "hostPort": 8081}})).len(),
            0
        );
        assert_eq!(messages(&json!({"targetSpec": {"hostNetwork": true, "hostPort": 51081}})).len(), 0);
        assert_eq!(messages(&json!({"targetSpec": {"hostNetwork": true, "hostPort": 8081}})).len(), 1);
        assert_eq!(messages(&json!({"targetSpec": {"hostNetwork": false, "hostPort": 8081}})).len(), 0);
        assert_eq!(
            messages(&json!({"targetSpec": {"hostNetwork": true, "servicePort": "x", "hostPort": 8081}})).len(),
            0
        );
    }
}
