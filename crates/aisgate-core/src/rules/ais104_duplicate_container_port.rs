use crate::declare_rule;
use crate::model::AisObject;
use crate::names;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags two ports of one AIS pod template that declare the same `containerPort` and
    /// `protocol` (default `TCP`), or the same port `name`. Counted are the containers and
    /// the sidecar init containers (`restartPolicy: Always`), which run side by side for the
    /// pod's lifetime.
    ///
    /// ## Why is this bad?
    /// All containers of a pod share one network namespace: only one process can listen on a
    /// port, so the second container fails to bind and restarts forever (an AIS node that
    /// cannot open its public port never joins the cluster). A repeated port name makes
    /// Services, probes and `NetworkPolicies` that refer to the port by name ambiguous; within
    /// one container Kubernetes refuses it outright, and the `StatefulSet` then creates no pods.
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: ais-node
    ///     ports: [{name: http, containerPort: 51080}]
    ///   - name: metrics-proxy
    ///     ports: [{name: http, containerPort: 51080}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   - name: metrics-proxy
    ///     ports: [{name: metrics, containerPort: 9100}]
    /// ```
    pub struct DuplicateContainerPort {
        code: "AIS104",
        name: "duplicate-container-port",
        severity: Deny,
        scope: Object,
        kinds: [StatefulSet],
        summary: "Two ports of one AIS pod share a containerPort and protocol, or a port name",
        fix: None,
    }
}

impl Rule for DuplicateContainerPort {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::StatefulSet(sts, _) = check.object() else { return };
        // Where each port was first seen, as (container key, container, port): paths and
        // texts are built only for a finding.
        let mut numbers: Vec<(i32, &str, (&str, usize, usize))> = Vec::new();
        let mut port_names: Vec<(&str, (&str, usize, usize))> = Vec::new();
        let at = |(key, i, j): (&str, usize, usize)| format!("{key}[{i}].ports[{j}]");
        let path = |key: &'static str, i: usize, j: usize| {
            JsonPath::from_keys("spec.template.spec").key(key).index(i).key("ports").index(j)
        };
        for (key, i, container) in sts.running_containers() {
            for (j, port) in container.ports.iter().enumerate() {
                let protocol = port.protocol.as_deref().unwrap_or("TCP");
                if port.container_port != 0 {
                    if let Some((_, _, first)) =
                        numbers.iter().find(|(n, p, _)| *n == port.container_port && *p == protocol)
                    {
                        out.push(Violation::new(
                            path(key, i, j).key("containerPort"),
                            format!(
                                "containerPort {}/{protocol} is also declared at {}: the pod shares one network; use another port",
                                port.container_port,
                                at(*first)
                            ),
                        ));
                    } else {
                        numbers.push((port.container_port, protocol, (key, i, j)));
                    }
                }
                if let Some(name) = port.name.as_deref().filter(|n| !n.is_empty()) {
                    if let Some((_, first)) = port_names.iter().find(|(n, _)| *n == name) {
                        out.push(Violation::new(
                            path(key, i, j).key("name"),
                            format!(
                                "port name {} is also used at {}: references by name are ambiguous; rename one",
                                names::abbreviate(name, 20),
                                at(*first)
                            ),
                        ));
                    } else {
                        port_names.push((name, (key, i, j)));
                    }
                }
            }
        }
    }
}
