use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::bundle::{BundleCheck, BundleViolation, HostPort, Workload, matching_nodes};
use crate::declare_rule;
use crate::model::AisObject;
use crate::model::aistore::Role;
use crate::model::map::SmallMap;
use crate::names;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an `AIStore` whose proxies and targets ask for the same host port:
    /// `spec.proxySpec.hostPort` equal to `spec.targetSpec.hostPort` (a port given as a
    /// number or as a numeric string; `0` means no host port).
    ///
    /// Across objects, it flags a proxy and a target workload (AIS StatefulSets, or the roles
    /// of different `AIStore` objects) whose pods can share a node and that bind the same
    /// host port and protocol (`hostPort`, or every `containerPort` with `hostNetwork: true`).
    /// Pods can share a node unless their nodeSelectors pin different host names or, when
    /// the input has `Node` objects, no Node satisfies both nodeSelectors. Both workloads are
    /// reported, each naming the other.
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
        scope: ObjectAndBundle,
        kinds: [AiStore],
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

    fn check_bundle(&self, check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        Self::bundle(check, out);
    }
}

/// Whether pods of both workloads may land on one node.
fn can_share(check: &BundleCheck<'_>, a: &Workload, b: &Workload) -> bool {
    if b.node_selector.iter().any(|(key, value)| a.node_selector.get(key).is_some_and(|old| old != value)) {
        return false;
    }
    let both: SmallMap =
        a.node_selector.iter().chain(&b.node_selector).map(|(key, value)| (key, value.clone())).collect();
    check.context.nodes().is_empty() || !matching_nodes(check.context, &both).is_empty()
}

fn clash_message(port: &HostPort, other: &Workload, check: &BundleCheck<'_>) -> String {
    let name = check.name(other.source);
    let roles = match other.role {
        Role::Proxy => "proxies",
        Role::Target => "targets",
    };
    let role = other.role.as_str();
    names::first_fitting(vec![
        format!(
            "hostPort {}/{} is also bound by {roles} of {name}, which can share nodes with these pods: one stays Pending",
            port.port, port.protocol
        ),
        format!("hostPort {} is also a {role} host port of {name}: on a shared node one pod stays Pending", port.port),
    ])
}

impl ProxyTargetHostPortClash {
    fn bundle(check: &BundleCheck<'_>, out: &mut Vec<BundleViolation>) {
        // Every host port with its workload, grouped by port and protocol.
        let mut by_port: Vec<(&Workload, &HostPort)> =
            check.analysis.workloads.iter().flat_map(|w| w.host_ports.iter().map(move |port| (w, port))).collect();
        crate::sort::sort_by(&mut by_port, |a, b| (a.1.port, &a.1.protocol).cmp(&(b.1.port, &b.1.protocol)));
        for group in by_port.chunk_by(|a, b| (a.1.port, &a.1.protocol) == (b.1.port, &b.1.protocol)) {
            let of_role = |role| group.iter().filter(move |(w, _)| w.role == role);
            for (target, target_port) in of_role(Role::Target) {
                for (proxy, proxy_port) in of_role(Role::Proxy) {
                    // One AIStore's own roles are the single-object half's.
                    if target.source == proxy.source || !can_share(check, target, proxy) {
                        continue;
                    }
                    out.push(BundleViolation::new(
                        target.source,
                        target_port.path.clone(),
                        clash_message(target_port, proxy, check),
                        vec![proxy.source],
                    ));
                    out.push(BundleViolation::new(
                        proxy.source,
                        proxy_port.path.clone(),
                        clash_message(proxy_port, target, check),
                        vec![target.source],
                    ));
                }
            }
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
