use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};
use crate::settings::DEFAULT_AIS_STORAGE_CLASS;

declare_rule! {
    /// ## What it does
    /// Flags a data mount of an AIStore (`targetSpec.mounts[]` without `useHostPath: true`)
    /// that has no `size` or no `storageClass`.
    ///
    /// ## Why is this bad?
    /// Each such mount becomes a claim template of the target StatefulSet, filled from the
    /// mount. Without `size` the claim requests no storage, so it is refused or binds to any
    /// volume whatever its capacity. Without `storageClass` the cluster's default class
    /// applies: usually a network or cloud class rather than the local disks prepared for
    /// AIS, and statically prepared PVs of `ais-local-storage` are never used.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   targetSpec:
    ///     mounts:
    ///       - path: /ais/nvme0n1
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   targetSpec:
    ///     mounts:
    ///       - path: /ais/nvme0n1
    ///         size: 3Ti
    ///         storageClass: ais-local-storage
    /// ```
    pub struct MountWithoutSizeOrClass {
        code: "AIS012",
        name: "mount-without-size-or-class",
        severity: Warn,
        scope: Object,
        kinds: [AiStore],
        summary: "A data mount without size (its claim requests no storage) or storageClass (the default class applies)",
        fix: None,
    }
}

impl Rule for MountWithoutSizeOrClass {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::AiStore(ais) = check.object() else { return };
        let class = check.settings.ais_storage_classes.first().map_or(DEFAULT_AIS_STORAGE_CLASS, String::as_str);
        let mounts = JsonPath::from_keys("spec.targetSpec.mounts");
        for (i, mount) in ais.spec.target_spec.mounts.iter().enumerate() {
            if mount.use_host_path == Some(true) {
                continue;
            }
            let at = mounts.index(i);
            if mount.size.as_ref().is_none_or(serde_json::Value::is_null) {
                out.push(Violation::new(
                    at.clone(),
                    "data mount without size: its claim requests no storage; set size to the disk's capacity",
                ));
            }
            if mount.storage_class.is_none() {
                out.push(Violation::new(
                    at,
                    format!("data mount without storageClass gets the cluster's default class; set one, e.g. {class}"),
                ));
            }
        }
    }
}
