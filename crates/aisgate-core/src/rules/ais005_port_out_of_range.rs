use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;

use crate::declare_rule;
use crate::model::AisObject;
use crate::model::aistore::{Role, port_number};
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a port of `proxySpec` or `targetSpec` (`servicePort`, `portPublic`,
    /// `portIntraControl`, `portIntraData`, `hostPort`) that is outside 1..65535, or a string
    /// that is not a number (the CRD accepts an int or a string for most of them).
    ///
    /// ## Why is this bad?
    /// The operator reads these ports as numbers: a string such as `"http"` reads as 0. Its
    /// validating webhook rejects a service or AIS port outside 1..65535, and Kubernetes
    /// rejects the generated pods or Service for an invalid `hostPort` or `containerPort`;
    /// this rule reports it in CI, before `kubectl apply`. A `hostPort: 0` binds no host port
    /// at all: remove it instead.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     servicePort: 51081
    ///     portPublic: 510810
    ///     portIntraControl: intra-control
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     servicePort: 51081
    ///     portPublic: 51081
    ///     portIntraControl: 51082
    /// ```
    pub struct PortOutOfRange {
        code: "AIS005",
        name: "port-out-of-range",
        severity: Deny,
        scope: Object,
        kinds: [AiStore],
        summary: "An AIStore port outside 1..65535 or a string that is not a number",
        fix: None,
    }
}

impl Rule for PortOutOfRange {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        for role in [Role::Proxy, Role::Target] {
            let spec_path = JsonPath::from_keys("spec").key(role.spec_key());
            for (field, port) in ais.role(role).ports() {
                let Some(port) = port else { continue };
                let message = match (port, port_number(port)) {
                    (_, Some(n)) if (1..=65535).contains(&n) => continue,
                    (IntOrString::String(text), None) => {
                        format!("{field} \"{text}\" is not a port number: use a number in 1..65535")
                    }
                    (_, Some(0)) if field == "hostPort" => {
                        "hostPort 0 binds no host port: remove it, or use 1..65535".to_owned()
                    }
                    (_, n) => format!("{field} {} is outside 1..65535: use a valid port", n.unwrap_or_default()),
                };
                out.push(Violation::new(spec_path.key(field), message));
            }
        }
    }
}
