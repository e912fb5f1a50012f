use serde_json::Value;

use crate::declare_rule;
use crate::model::AisObject;
use crate::names;
use crate::path::{JsonPath, MakePath};
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags the access modes of an AIS `PersistentVolume`, an AIS `PersistentVolumeClaim`, or a
    /// `volumeClaimTemplates` entry of an AIS `StatefulSet` unless they are exactly one of
    /// `ReadWriteOnce` or `ReadWriteOncePod`: a shared mode (`ReadWriteMany`,
    /// `ReadOnlyMany`), an unknown mode, several modes, or none.
    ///
    /// ## Why is this bad?
    /// A target disk has exactly one writer, its target. `ReadWriteMany` on a local disk is
    /// a contradiction (`hostPath`/`local` volumes cannot be shared across nodes) and usually
    /// comes from a generic shared-storage example; `ReadOnlyMany` leaves the target unable
    /// to write. When claims bind by class and selector, a claim asking for `ReadWriteMany`
    /// matches none of the `ReadWriteOnce` disk PVs made for it and the target stays
    /// `Pending`. Claims and PVs without access modes are refused by the API server.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: v1
    /// kind: PersistentVolume
    /// metadata: {name: node1-pv-ais-nvme0n1}
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   accessModes: [ReadWriteMany]
    ///   hostPath: {path: /ais/nvme0n1}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   storageClassName: ais-local-storage
    ///   accessModes: [ReadWriteOnce]
    ///   hostPath: {path: /ais/nvme0n1}
    /// ```
    pub struct AccessModeInvalid {
        code: "AIS204",
        name: "access-mode-invalid",
        severity: Deny,
        scope: Object,
        kinds: [StatefulSet, PersistentVolume, PersistentVolumeClaim],
        summary: "An AIS PV, PVC or claim template does not use exactly one of ReadWriteOnce or ReadWriteOncePod",
        fix: None,
    }
}

fn is_single_writer(mode: &str) -> bool {
    matches!(mode, "ReadWriteOnce" | "ReadWriteOncePod")
}

fn mode_message(mode: &str) -> String {
    match mode {
        "ReadWriteMany" => {
            "ReadWriteMany: a target disk has one writer and a local disk cannot be shared; use ReadWriteOnce"
                .to_owned()
        }
        "ReadOnlyMany" => "ReadOnlyMany: targets write to their disks; use ReadWriteOnce".to_owned(),
        other => format!("unknown access mode {}; use ReadWriteOnce", names::abbreviate(other, 40)),
    }
}

/// Checks the access modes of one spec at `spec` (a PV's, a PVC's or a claim template's) in
/// `raw`. Paths are built only for a finding (`dyn`: one copy of this function).
fn check_modes(raw: &Value, spec: &dyn MakePath, modes: &[String], what: &str, out: &mut Vec<Violation>) {
    let path = || spec.make().key("accessModes");
    if modes.is_empty() {
        // An empty list is reported where it is written, a missing one at its parent.
        let written = path();
        let at = if written.lookup(raw).is_some_and(|v| !v.is_null()) { written } else { spec.make() };
        out.push(Violation::new(
            at,
            format!("{what} has no accessModes and is refused; set accessModes: [ReadWriteOnce]"),
        ));
        return;
    }
    let mut all_single_writer = true;
    for (j, mode) in modes.iter().enumerate() {
        if !is_single_writer(mode) {
            all_single_writer = false;
            out.push(Violation::new(path().index(j), mode_message(mode)));
        }
    }
    if all_single_writer && modes.len() > 1 {
        out.push(Violation::new(
            path(),
            format!(
                "{} access modes listed; a target disk takes exactly one: keep ReadWriteOnce (or ReadWriteOncePod)",
                modes.len()
            ),
        ));
    }
}

impl Rule for AccessModeInvalid {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let object = check.object();
        match object {
            AisObject::PersistentVolume(pv) => {
                check_modes(check.subject.raw, &|| JsonPath::from_keys("spec"), &pv.spec.access_modes, "PV", out);
            }
            AisObject::PersistentVolumeClaim(_) | AisObject::StatefulSet(..) => {
                let what = if matches!(object, AisObject::StatefulSet(..)) { "claim template" } else { "claim" };
                for (at, spec) in object.claim_specs() {
                    check_modes(check.subject.raw, &|| at.path(), &spec.access_modes, what, out);
                }
            }
            AisObject::AiStore(_) => {}
        }
    }
}
