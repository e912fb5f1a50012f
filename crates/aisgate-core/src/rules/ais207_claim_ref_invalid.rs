use crate::declare_rule;
use crate::model::AisObject;
use crate::names;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags the `claimRef` of an AIS `PersistentVolume` when it has no `namespace` or no
    /// `name` (missing or empty), or a `kind` other than `PersistentVolumeClaim`.
    ///
    /// ## Why is this bad?
    /// A `claimRef` pre-binds the PV: it is reserved for the claim named there and no other.
    /// The API server accepts a `claimRef` without a namespace or a name, but a claim always
    /// has both, so such a PV waits for a claim that can never exist: it stays `Available`
    /// and unusable, and the target claim meant for it stays `Pending` (Kubernetes issues
    /// 71843, 99266). Only a `PersistentVolumeClaim` can bind a PV; another `kind` means the
    /// reference was written for something else.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-nvme0n1}
    /// spec:
    ///   claimRef:
    ///     name: ais-ais-nvme0n1-ais-target-0
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   claimRef:
    ///     apiVersion: v1
    ///     kind: PersistentVolumeClaim
    ///     namespace: ais
    ///     name: ais-ais-nvme0n1-ais-target-0
    /// ```
    pub struct ClaimRefInvalid {
        code: "AIS207",
        name: "claim-ref-invalid",
        severity: Deny,
        scope: Object,
        kinds: [PersistentVolume],
        summary: "An AIS PV's claimRef lacks a namespace or a name, or does not refer to a PersistentVolumeClaim",
        fix: None,
    }
}

impl Rule for ClaimRefInvalid {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::PersistentVolume(pv) = check.object() else { return };
        let Some(claim) = &pv.spec.claim_ref else { return };
        // Paths are built only for a finding.
        let claim_path = || JsonPath::from_keys("spec.claimRef");
        // A missing field is reported at `claimRef`, an empty one at the field itself.
        let at = |field: &'static str, value: Option<&String>| {
            if value.is_some() { claim_path().key(field) } else { claim_path() }
        };
        if claim.namespace.as_deref().unwrap_or_default().is_empty() {
            out.push(Violation::new(
                at("namespace", claim.namespace.as_ref()),
                "claimRef has no namespace: the PV waits for a claim that cannot exist; set the AIS cluster's namespace",
            ));
        }
        if claim.name.as_deref().unwrap_or_default().is_empty() {
            out.push(Violation::new(
                at("name", claim.name.as_ref()),
                "claimRef has no name: the PV waits for a claim that cannot exist; set <template>-<cluster>-target-<i>",
            ));
        }
        if let Some(kind) = claim.kind.as_deref().filter(|kind| !kind.is_empty() && *kind != "PersistentVolumeClaim") {
            out.push(Violation::new(
                claim_path().key("kind"),
                format!(
                    "claimRef kind {}: only a PersistentVolumeClaim binds a PV; set kind: PersistentVolumeClaim",
                    names::abbreviate(kind, 30)
                ),
            ));
        }
    }
}
