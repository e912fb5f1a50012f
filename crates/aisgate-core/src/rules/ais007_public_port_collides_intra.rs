use crate::declare_rule;
use crate::model::AisObject;
use crate::model::aistore::{DEFAULT_INTRA_CONTROL_PORT, DEFAULT_INTRA_DATA_PORT, Role, port_number};
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a role of an AIStore whose `portPublic` equals its `portIntraControl` or its
    /// `portIntraData`. Unset ports are the operator's defaults: `portPublic` 51080 (proxies)
    /// or 51081 (targets), `portIntraControl` 51082, `portIntraData` 51083.
    ///
    /// ## Why is this bad?
    /// Each AIS node listens on three networks, public, intra-cluster control and
    /// intra-cluster data, each on its own port in the same pod. Two of them on one port
    /// cannot both bind: the node fails to start (or, with `hostNetwork`, collides on the host).
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   proxySpec:
    ///     portPublic: 51082
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   proxySpec:
    ///     portPublic: 51080
    ///     portIntraControl: 51082
    ///     portIntraData: 51083
    /// ```
    pub struct PublicPortCollidesIntra {
        code: "AIS007",
        name: "public-port-collides-intra",
        severity: Deny,
        scope: Object,
        kinds: [AiStore],
        summary: "portPublic equals portIntraControl or portIntraData in one role",
        fix: None,
    }
}

impl Rule for PublicPortCollidesIntra {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        for role in [Role::Proxy, Role::Target] {
            let spec = ais.role(role);
            let spec_path = JsonPath::from_keys("spec").key(role.spec_key());
            let public = spec.port_public.as_ref().map_or(Some(role.default_public_port()), port_number);
            let intra = [
                ("portIntraControl", &spec.port_intra_control, DEFAULT_INTRA_CONTROL_PORT),
                ("portIntraData", &spec.port_intra_data, DEFAULT_INTRA_DATA_PORT),
            ];
            for (field, port, default) in intra {
                let number = port.as_ref().map_or(Some(default), port_number);
                let (Some(public), Some(number)) = (public, number) else { continue };
                if public != number {
                    continue;
                }
                // Point at the field written in the spec; with both written, at the intra port.
                let (at, message) = if port.is_some() {
                    (
                        field,
                        format!("{field} {number} equals portPublic: each AIS network needs its own port; change one"),
                    )
                } else {
                    (
                        "portPublic",
                        format!("portPublic {public} equals the default {field}: each AIS network needs its own port"),
                    )
                };
                out.push(Violation::new(spec_path.key(at), message));
            }
        }
    }
}
