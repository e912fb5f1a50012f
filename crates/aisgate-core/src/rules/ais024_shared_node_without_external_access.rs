use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Notes an `AIStore` whose targets may share nodes (`targetSpec.disablePodAntiAffinity:
    /// true`) and that gives clients outside the cluster no way to reach them: no
    /// `targetSpec.hostPort`, no `targetSpec.hostNetwork`, no `targetSpec.externalAccess` and
    /// no (deprecated) `enableExternalLB: true`.
    ///
    /// Informational: this is the right setup for a cluster used only from inside
    /// Kubernetes. Turn the rule off, or exempt the object, when that is the intent.
    ///
    /// ## Why is this bad?
    /// A proxy answers a GET or PUT by redirecting the client to the target that holds the
    /// object. Targets sharing nodes cannot bind host ports (see `host-port-on-shared-node`),
    /// so without `externalAccess` (one load balancer per target) a client outside the cluster
    /// is redirected to an address it cannot reach, and only in-cluster clients work.
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
    /// ```
    ///
    /// Use instead: when clients outside the cluster need the data,
    /// ```yaml
    /// spec:
    ///   proxySpec:
    ///     externalAccess: {}
    ///   targetSpec:
    ///     size: 4
    ///     disablePodAntiAffinity: true
    ///     externalAccess: {}
    /// ```
    pub struct SharedNodeWithoutExternalAccess {
        code: "AIS024",
        name: "shared-node-without-external-access",
        severity: Warn,
        scope: Object,
        kinds: [AiStore],
        summary: "Targets sharing nodes have no host ports and no externalAccess: only in-cluster clients reach them",
        fix: None,
    }
}

fn has_host_port(port: Option<&IntOrString>) -> bool {
    match port {
        None => false,
        Some(IntOrString::Int(n)) => *n != 0,
        Some(IntOrString::String(s)) => s.trim() != "0",
    }
}

impl Rule for SharedNodeWithoutExternalAccess {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        let target = &ais.spec.target_spec;
        let reachable = has_host_port(target.host_port.as_ref())
            || target.host_network == Some(true)
            || target.external_access.as_ref().is_some_and(|access| !access.is_null())
            || ais.spec.enable_external_lb == Some(true);
        if ais.targets_share_nodes() && !reachable {
            out.push(Violation::new(
                JsonPath::from_keys("spec.targetSpec"),
                "targets share nodes, no hostPort or externalAccess: only in-cluster clients reach them; \
                 add externalAccess if needed",
            ));
        }
    }
}
