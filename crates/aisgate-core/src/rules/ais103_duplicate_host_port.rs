use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags two ports of one AIS pod template that bind the same host port: the same
    /// `hostPort` and `protocol` (default `TCP`) on the same `hostIP` (an empty or
    /// `0.0.0.0` hostIP means every address, so it collides with any other). Counted are the
    /// containers and the sidecar init containers (`restartPolicy: Always`), which run for
    /// the pod's lifetime; ordinary init containers run before them and do not count. With
    /// `hostNetwork: true` every `containerPort` is bound on the node, so it counts as a
    /// host port.
    ///
    /// ## Why is this bad?
    /// A node has one of each host port. The API server accepts the `StatefulSet` (it does not
    /// validate the containers of its pod template) and then refuses every pod the controller
    /// creates from it (`FailedCreate`, duplicate `hostPort`); where pod validation does not
    /// look, the second process fails to bind and the pod never becomes ready. Either way no
    /// proxy or target of the `StatefulSet` runs.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   template:
    ///     spec:
    ///       containers:
    ///         - name: aisnode
    ///           ports: [{containerPort: 9090, hostPort: 9090}]
    ///         - name: exporter
    ///           ports: [{containerPort: 9091, hostPort: 9090}]
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///         - name: exporter
    ///           ports: [{containerPort: 9091, hostPort: 9091}]
    /// ```
    pub struct DuplicateHostPort {
        code: "AIS103",
        name: "duplicate-host-port",
        severity: Deny,
        scope: Object,
        kinds: [StatefulSet],
        summary: "Two ports of one AIS pod bind the same host port, host IP and protocol",
        fix: None,
    }
}

/// One host binding of the pod.
struct Binding<'a> {
    ip: &'a str,
    port: i32,
    protocol: &'a str,
    /// Where it is bound: the containers key, the container's and the port's index.
    at: (&'static str, usize, usize),
}

fn is_wildcard(ip: &str) -> bool {
    ip.is_empty() || ip == "0.0.0.0" || ip == "::"
}

impl Binding<'_> {
    fn collides(&self, other: &Binding) -> bool {
        self.port == other.port
            && self.protocol == other.protocol
            && (self.ip == other.ip || is_wildcard(self.ip) || is_wildcard(other.ip))
    }
}

impl Rule for DuplicateHostPort {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::StatefulSet(sts, _) = check.object() else { return };
        let host_network = sts.host_network();
        let mut seen: Vec<Binding> = Vec::new();
        for (key, i, container) in sts.running_containers() {
            for (j, port) in container.ports.iter().enumerate() {
                let host_port = port.host_port.filter(|p| *p != 0);
                let (number, field) = match (host_network, host_port) {
                    (true, Some(_)) => (port.container_port, "hostPort"),
                    (true, None) => (port.container_port, "containerPort"),
                    (false, Some(p)) => (p, "hostPort"),
                    (false, None) => continue,
                };
                if number == 0 {
                    continue;
                }
                let binding = Binding {
                    ip: port.host_ip.as_deref().unwrap_or_default(),
                    port: number,
                    protocol: port.protocol.as_deref().unwrap_or("TCP"),
                    at: (key, i, j),
                };
                if let Some(first) = seen.iter().find(|b| b.collides(&binding)) {
                    let what = if host_network { "host-network port" } else { "host port" };
                    let (first_key, first_i, first_j) = first.at;
                    out.push(Violation::new(
                        JsonPath::from_keys("spec.template.spec").key(key).index(i).key("ports").index(j).key(field),
                        format!(
                            "{what} {}/{} is already bound by {first_key}[{first_i}].ports[{first_j}]: the pod cannot run; give each port its own number",
                            binding.port, binding.protocol
                        ),
                    ));
                } else {
                    seen.push(binding);
                }
            }
        }
    }
}
