use crate::declare_rule;
use crate::model::AisObject;
use crate::model::aistore::{Role, port_number};
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a role of an AIStore whose `servicePort` differs from its `portPublic`, or whose
    /// `hostPort` is set and differs from its `portPublic`. An unset `portPublic` is the
    /// operator's default: 51080 for proxies, 51081 for targets.
    ///
    /// ## Why is this bad?
    /// AIS redirects clients to `<node address>:<portPublic>` (a proxy redirects each object
    /// request to the target that holds it). A Service or host port other than `portPublic`
    /// is where clients first connect, but not where the redirects send them, so requests
    /// that work through the first hop fail or time out on the redirect.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     servicePort: 51081
    ///     portPublic: 51081
    ///     hostPort: 8081
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     servicePort: 51081
    ///     portPublic: 51081
    ///     hostPort: 51081
    /// ```
    pub struct PublicPortMismatch {
        code: "AIS006",
        name: "public-port-mismatch",
        severity: Warn,
        scope: Object,
        kinds: [AiStore],
        summary: "servicePort or hostPort differs from portPublic, the port clients are redirected to",
        fix: None,
    }
}

impl Rule for PublicPortMismatch {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        for role in [Role::Proxy, Role::Target] {
            let spec = ais.role(role);
            let spec_path = JsonPath::from_keys("spec").key(role.spec_key());
            // An unparseable or out-of-range port is AIS005's finding, not a mismatch.
            let valid = |n: &i64| (1..=65535).contains(n);
            let public = match &spec.port_public {
                Some(port) => match port_number(port).filter(valid) {
                    Some(n) => n,
                    None => continue,
                },
                None => role.default_public_port(),
            };
            let public_text = if spec.port_public.is_some() {
                format!("portPublic {public}")
            } else {
                format!("default portPublic {public}")
            };
            if let Some(service) = spec.service_port.as_ref().and_then(port_number).filter(valid)
                && service != public
            {
                out.push(Violation::new(
                    spec_path.key("servicePort"),
                    format!("servicePort {service} differs from {public_text}, where clients are redirected: make them equal"),
                ));
            }
            if let Some(host) = spec.host_port.as_ref().and_then(port_number).filter(valid)
                && host != public
            {
                out.push(Violation::new(
                    spec_path.key("hostPort"),
                    format!(
                        "hostPort {host} differs from {public_text}, where clients are redirected: make them equal"
                    ),
                ));
            }
        }
    }
}
