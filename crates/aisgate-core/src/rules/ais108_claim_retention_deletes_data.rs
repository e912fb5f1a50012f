use crate::declare_rule;
use crate::model::AisObject;
use crate::model::aistore::{AiStore, RetentionPolicy, Role};
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags `whenDeleted: Delete` or `whenScaled: Delete` in
    /// `spec.persistentVolumeClaimRetentionPolicy` of an AIS target `StatefulSet` that has
    /// claim templates, and in the `AIStore`'s `targetSpec.pvcRetentionPolicy` (targets with
    /// claim-backed mounts or PVC state storage) or `proxySpec.pvcRetentionPolicy` (proxies
    /// with PVC state storage).
    ///
    /// ## Why is this bad?
    /// With `whenDeleted: Delete`, deleting the `StatefulSet` (or the `AIStore`, which deletes
    /// it) deletes every claim; with `whenScaled: Delete`, scaling down deletes the claims
    /// of the removed ordinals, and `shutdownCluster: true`, which scales the cluster to 0,
    /// deletes all of them. A released PV with reclaim policy `Delete` (the default of
    /// dynamically provisioned volumes) is deleted with its data; a `Retain` PV survives
    /// but is `Released` and no longer binds to the recreated claim without manual
    /// clean-up. For proxies the claims hold cluster state (cluster map, configuration).
    /// The default, `Retain`, keeps claims and data.
    ///
    /// ## Example
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     pvcRetentionPolicy:
    ///       whenDeleted: Delete
    ///       whenScaled: Delete
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///   targetSpec:
    ///     pvcRetentionPolicy:
    ///       whenDeleted: Retain
    ///       whenScaled: Retain
    /// ```
    pub struct ClaimRetentionDeletesData {
        code: "AIS108",
        name: "claim-retention-deletes-data",
        severity: Warn,
        scope: Object,
        kinds: [AiStore, StatefulSet],
        summary: "An AIS claim retention policy deletes target claims (and possibly their data) on delete or scale-down",
        fix: None,
    }
}

fn report(policy: &RetentionPolicy, base: &JsonPath, role: Role, out: &mut Vec<Violation>) {
    let what = match role {
        Role::Target => "target data claims",
        Role::Proxy => "proxy state claims",
    };
    if policy.when_deleted.as_deref() == Some("Delete") {
        out.push(Violation::new(
            base.key("whenDeleted"),
            format!("whenDeleted: Delete removes the {what} with the StatefulSet (volumes too if PVs reclaim Delete); set Retain"),
        ));
    }
    if policy.when_scaled.as_deref() == Some("Delete") {
        out.push(Violation::new(
            base.key("whenScaled"),
            format!("whenScaled: Delete removes the {what} on scale-down and on shutdownCluster (size 0); set Retain"),
        ));
    }
}

/// Whether the operator gives this role's pods claims at all.
fn role_has_claims(ais: &AiStore, role: Role) -> bool {
    let pvc_state =
        ais.spec.state_storage.as_ref().is_some_and(|s| s.pvc.is_some()) || ais.spec.state_storage_class.is_some();
    let claim_mounts =
        role == Role::Target && ais.spec.target_spec.mounts.iter().any(|m| m.use_host_path != Some(true));
    pvc_state || claim_mounts
}

impl Rule for ClaimRetentionDeletesData {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        match check.object() {
            AisObject::StatefulSet(sts, workload)
                if workload.role == Role::Target && !sts.spec.volume_claim_templates.is_empty() =>
            {
                if let Some(policy) = &sts.spec.persistent_volume_claim_retention_policy {
                    report(
                        policy,
                        &JsonPath::from_keys("spec.persistentVolumeClaimRetentionPolicy"),
                        Role::Target,
                        out,
                    );
                }
            }
            AisObject::AiStore(ais) => {
                for role in [Role::Proxy, Role::Target] {
                    if let Some(policy) = &ais.role(role).pvc_retention_policy
                        && role_has_claims(ais, role)
                    {
                        let base = JsonPath::from_keys("spec").key(role.spec_key()).key("pvcRetentionPolicy");
                        report(policy, &base, role, out);
                    }
                }
            }
            _ => {}
        }
    }
}
