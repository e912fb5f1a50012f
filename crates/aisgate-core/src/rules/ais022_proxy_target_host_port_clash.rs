use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, RuleMeta, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `AIStore` whose proxies and targets ask for the same host port:
    /// `spec.proxySpec.hostPort` equal to `spec.targetSpec.hostPort` (a port given as a
    /// number or as a numeric string; `0` means no host port).
    ///
    /// ## Why is this bad?
    /// The usual AIS deployment runs one proxy and one target on every node. A node can give
    /// a host port to one pod only, so wherever a proxy and a target meet, the one scheduled
    /// second stays `Pending` with `node(s) didn't have free ports for the requested pod
    /// ports`. The defaults avoid this: proxies use 51080, targets 51081.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   proxySpec:
    ///     servicePort: 51080
    ///     portPublic: 51080
    ///     hostPort: 51080
    ///   targetSpec:
    ///     servicePort: 51080
    ///     portPublic: 51080
    ///     hostPort: 51080
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   proxySpec:
    ///     servicePort: 51080
    ///     portPublic: 51080
    ///     hostPort: 51080
    ///   targetSpec:
    ///     servicePort: 51081
    ///     portPublic: 51081
    ///     hostPort: 51081
    /// ```
    pub struct ProxyTargetHostPortClash {
        code: "AIS022",
        name: "proxy-target-host-port-clash",
        severity: Deny,
        scope: Object,
        summary: "Proxies and targets bind the same host port: wherever they meet on a node, one stays Pending",
        fix: None,
    }
}

/// The port number a field holds, if it is one (`0`: no port).
fn port_number(port: Option<&IntOrString>) -> Option<i64> {
    let number = match port? {
        IntOrString::Int(n) => i64::from(*n),
        IntOrString::String(s) => s.trim().parse().ok()?,
    };
    (number != 0).then_some(number)
}

impl Rule for ProxyTargetHostPortClash {
    fn meta(&self) -> &'static RuleMeta {
        &Self::META
    }

    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        let proxy = port_number(ais.spec.proxy_spec.host_port.as_ref());
        let target = port_number(ais.spec.target_spec.host_port.as_ref());
        if let (Some(proxy), Some(target)) = (proxy, target)
            && proxy == target
        {
            out.push(Violation::new(
                JsonPath::from_keys("spec.targetSpec.hostPort"),
                format!("proxies and targets both use hostPort {target}: a node runs one of each, the 2nd stays Pending; use another port"),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn port_numbers() {
        assert_eq!(port_number(Some(&IntOrString::Int(51080))), Some(51080));
        assert_eq!(port_number(Some(&IntOrString::String("51080".to_owned()))), Some(51080));
        assert_eq!(port_number(Some(&IntOrString::Int(0))), None);
        assert_eq!(port_number(Some(&IntOrString::String("http".to_owned()))), None);
        assert_eq!(port_number(None), None);
    }
}
