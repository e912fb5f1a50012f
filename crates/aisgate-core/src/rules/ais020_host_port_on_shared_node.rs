use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use crate::declare_rule;
use crate::model::AisObject;
use crate::path::{JsonPath, Segment};
use crate::rule::{Check, FixInput, FixMeta, Operation, Rule, Violation};
use crate::settings::Mutation;

declare_rule! {
    /// ## What it does
    /// Flags AIS targets that are meant to share a node while their pods bind host ports
    /// (`hostPort` set, or `hostNetwork: true`).
    ///
    /// Sharing is meant when the AIStore sets `targetSpec.disablePodAntiAffinity: true`, when
    /// an operator-managed target StatefulSet has no pod anti-affinity (the operator drops it
    /// only for that flag), when a StatefulSet carries the shared-node annotation
    /// (`aisgate.io/shared-nodes: "true"` by default, see `sharedNodeAnnotation`), or when
    /// its nodeSelector pins a single `kubernetes.io/hostname` and it has several replicas.
    ///
    /// ## Why is this bad?
    /// All pods of one StatefulSet get the same ports. A node can give a host port to one
    /// pod only, so the second target scheduled on a node stays `Pending` with
    /// `node(s) didn't have free ports for the requested pod ports`.
    ///
    /// Drop `hostPort`: targets talk to each other through the Service port, and clients
    /// outside the cluster reach each target through its own LoadBalancer
    /// (`targetSpec.externalAccess`).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     size: 4
    ///     disablePodAntiAffinity: true
    ///     hostPort: 51081
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     size: 4
    ///     disablePodAntiAffinity: true
    ///     externalAccess: {}
    /// ```
    ///
    /// ## Fix
    /// With `mutations.stripHostPortOnSharedNodes: true`, the policy removes the `hostPort`
    /// (on an AIStore only at CREATE: the operator refuses host-port changes on UPDATE).
    pub struct HostPortOnSharedNode {
        code: "AIS020",
        name: "host-port-on-shared-node",
        severity: Deny,
        scope: Object,
        kinds: [AiStore, StatefulSet],
        summary: "Targets meant to share a node bind host ports: the second target on a node stays Pending",
        fix: Some(FixMeta {
            mutation: Some(Mutation::StripHostPortOnSharedNodes),
            create_only: false,
            summary: "remove hostPort",
        }),
    }
}

const ADVICE: &str = "remove it, use externalAccess";

fn port_text(port: &IntOrString) -> String {
    match port {
        IntOrString::Int(n) => n.to_string(),
        IntOrString::String(s) => s.clone(),
    }
}

impl Rule for HostPortOnSharedNode {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        match check.object() {
            AisObject::AiStore(ais) if ais.targets_share_nodes() => {
                let spec = JsonPath::from_keys("spec.targetSpec");
                let target = &ais.spec.target_spec;
                if let Some(port) = target.host_port.as_ref().filter(|p| **p != IntOrString::Int(0)) {
                    out.push(Violation::new(
                        spec.key("hostPort"),
                        format!(
                            "hostPort {} on targets sharing nodes: the 2nd target per node stays Pending; {ADVICE}",
                            port_text(port)
                        ),
                    ));
                }
                if target.host_network == Some(true) {
                    out.push(Violation::new(
                        spec.key("hostNetwork"),
                        "hostNetwork on targets sharing nodes: the 2nd target per node stays Pending; turn it off, use externalAccess",
                    ));
                }
            }
            AisObject::StatefulSet(sts, workload) => {
                let Some(sharing) = sts.sharing(workload, &check.settings.shared_node_annotation) else { return };
                let pod = JsonPath::from_keys("spec.template.spec");
                for (key, i, container) in sts.running_containers() {
                    for (j, port) in container.ports.iter().enumerate() {
                        if let Some(host_port) = port.host_port.filter(|p| *p != 0) {
                            out.push(Violation::new(
                                pod.key(key).index(i).key("ports").index(j).key("hostPort"),
                                format!(
                                    "hostPort {host_port}: targets share nodes ({}), 2nd pod per node stays Pending; {ADVICE}",
                                    sharing.describe()
                                ),
                            ));
                        }
                    }
                }
                if sts.host_network() {
                    out.push(Violation::new(
                        pod.key("hostNetwork"),
                        format!("hostNetwork on targets sharing nodes ({}): the 2nd pod per node stays Pending; turn it off", sharing.describe()),
                    ));
                }
            }
            _ => {}
        }
    }

    fn fix(&self, object: &mut Value, input: &FixInput<'_>) -> Option<String> {
        let path = &input.violation.path;
        if path.last() != Some(&Segment::Key("hostPort".into())) {
            return None; // hostNetwork is a design decision, not ours to undo.
        }
        if matches!(input.subject.object, AisObject::AiStore(_)) && input.operation == Operation::Update {
            return None; // The operator's webhook refuses host-port changes on UPDATE.
        }
        let port = path.parent().lookup_mut(object)?.as_object_mut()?.remove("hostPort")?;
        Some(format!("removed hostPort {port} at {path}"))
    }
}
