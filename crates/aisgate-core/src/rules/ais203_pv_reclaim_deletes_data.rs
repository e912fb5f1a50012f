use serde_json::Value;

use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, FixInput, FixMeta, Rule, Violation};
use crate::settings::Mutation;

declare_rule! {
    /// ## What it does
    /// Flags an AIS PersistentVolume whose `persistentVolumeReclaimPolicy` is `Delete` or
    /// `Recycle`.
    ///
    /// ## Why is this bad?
    /// `Retain` is the only safe value for a target's disk. With `Delete`, releasing the
    /// claim (deleting the cluster, scaling down with `whenScaled: Delete`) deletes the
    /// volume: on dynamically provisioned storage the data is gone, and on a hostPath PV the
    /// deletion fails and leaves the PV `Failed`. `Recycle` is deprecated and wipes the
    /// volume (`rm -rf` of its contents). Static PVs default to `Retain`; these values are
    /// written on purpose or copied from a generic example.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-sda}
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   persistentVolumeReclaimPolicy: Delete
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   persistentVolumeReclaimPolicy: Retain
    /// ```
    ///
    /// ## Fix
    /// On by default (`mutations.retainReclaimPolicy`): the policy sets `Retain` on CREATE.
    pub struct PvReclaimDeletesData {
        code: "AIS203",
        name: "pv-reclaim-deletes-data",
        severity: Deny,
        scope: Object,
        kinds: [PersistentVolume],
        summary: "An AIS PV's reclaim policy is Delete or Recycle: releasing its claim destroys the data",
        fix: Some(FixMeta {
            mutation: Some(Mutation::RetainReclaimPolicy),
            create_only: true,
            summary: "set persistentVolumeReclaimPolicy: Retain",
        }),
    }
}

impl Rule for PvReclaimDeletesData {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::PersistentVolume(pv) = check.object() else { return };
        if let Some(policy @ ("Delete" | "Recycle")) = pv.spec.persistent_volume_reclaim_policy.as_deref() {
            out.push(Violation::new(
                JsonPath::from_keys("spec.persistentVolumeReclaimPolicy"),
                format!("reclaim policy {policy} destroys target data when the claim is released; set Retain"),
            ));
        }
    }

    fn fix(&self, object: &mut Value, input: &FixInput<'_>) -> Option<String> {
        let field = input.violation.path.lookup_mut(object)?;
        let previous = field.as_str()?.to_owned();
        *field = Value::String("Retain".to_owned());
        Some(format!("set persistentVolumeReclaimPolicy to Retain (was {previous})"))
    }
}
