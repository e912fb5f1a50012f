//! `v1` `PersistentVolume` and `PersistentVolumeClaim`.

use super::read::read_struct;
use k8s_openapi::api::core::v1::VolumeNodeAffinity;
use serde_json::Value;

use super::affinity::LabelSelector;
use super::map::SmallMap;
use super::meta::Metadata;
use super::read::{Checked, FromJson, Present, Read};

pub const PV_KIND: &str = "PersistentVolume";
pub const PVC_KIND: &str = "PersistentVolumeClaim";

#[derive(Debug, Clone, Default)]
pub struct PersistentVolume {
    pub metadata: Metadata,
    pub spec: PvSpec,
}

read_struct!(PersistentVolume, "struct PersistentVolume", derived { "metadata" => metadata, "spec" => spec });

#[derive(Debug, Clone, Default)]
pub struct PvSpec {
    /// Quantities are kept as raw JSON so a malformed one is a finding, not a decoding error.
    pub capacity: SmallMap<Value>,
    pub access_modes: Vec<String>,
    pub volume_mode: Option<String>,
    pub host_path: Option<HostPathSource>,
    pub local: Option<LocalSource>,
    pub nfs: Option<Present>,
    pub cephfs: Option<Present>,
    pub glusterfs: Option<Present>,
    pub iscsi: Option<Present>,
    pub csi: Option<CsiSource>,
    pub claim_ref: Option<ClaimRef>,
    pub node_affinity: Option<PvNodeAffinity>,
    pub storage_class_name: Option<String>,
    pub persistent_volume_reclaim_policy: Option<String>,
}

read_struct!(PvSpec, "struct PvSpec", derived {
    "capacity" => capacity,
    "accessModes" => access_modes,
    "volumeMode" => volume_mode,
    "hostPath" => host_path,
    "local" => local,
    "nfs" => nfs,
    "cephfs" => cephfs,
    "glusterfs" => glusterfs,
    "iscsi" => iscsi,
    "csi" => csi,
    "claimRef" => claim_ref,
    "nodeAffinity" => node_affinity,
    "storageClassName" => storage_class_name,
    "persistentVolumeReclaimPolicy" => persistent_volume_reclaim_policy,
});

/// A PV's `nodeAffinity` (k8s-openapi's `VolumeNodeAffinity`, read and refused as it is).
/// Most PVs pin one node: `required` is one term whose one expression is
/// `kubernetes.io/hostname In [<node>]`. Such an affinity keeps that node alone, in place of
/// six nested allocations (the selector, its terms, their expressions, key, operator,
/// values), and is read without them when nothing else is written.
#[derive(Debug, Clone)]
pub enum PvNodeAffinity {
    /// The one node `required` pins (a term's empty `matchFields` is not kept: no rule tells it from none).
    Pinned(String),
    /// Any other affinity, as written (never one that pins one node: the reader keeps that as `Pinned`).
    Other(VolumeNodeAffinity),
}

impl FromJson for PvNodeAffinity {
    fn read(value: &Value) -> Read<Self> {
        if let Some(node) = pinned_as_written(value) {
            return Ok(PvNodeAffinity::Pinned(node.to_owned()));
        }
        let affinity = VolumeNodeAffinity::read(value)?;
        Ok(match pinned_of(&affinity) {
            Some(node) => PvNodeAffinity::Pinned(node.to_owned()),
            None => PvNodeAffinity::Other(affinity),
        })
    }
}

/// The one key of an object that has only that key.
fn only<'v>(value: &'v Value, key: &str) -> Option<&'v Value> {
    match value {
        Value::Object(map) if map.len() == 1 => map.get(key),
        _ => None,
    }
}

/// The node of an affinity written exactly as `{required: {nodeSelectorTerms:
/// [{matchExpressions: [{key: kubernetes.io/hostname, operator: In, values: [<node>]}]}]}}`
/// (no other key anywhere): what the reader would find, read without building it.
fn pinned_as_written(value: &Value) -> Option<&str> {
    let required = only(value, "required")?;
    let [term] = only(required, "nodeSelectorTerms")?.as_array()?.as_slice() else { return None };
    let [expression] = only(term, "matchExpressions")?.as_array()?.as_slice() else { return None };
    let Value::Object(expression) = expression else { return None };
    let is = |key: &str, expected: &str| expression.get(key).and_then(Value::as_str) == Some(expected);
    if expression.len() != 3 || !is("key", super::statefulset::HOSTNAME_LABEL) || !is("operator", "In") {
        return None;
    }
    match expression.get("values")?.as_array()?.as_slice() {
        [Value::String(node)] => Some(node),
        _ => None,
    }
}

/// The one node a required node affinity pins by `kubernetes.io/hostname`, if it pins exactly one.
fn pinned_of(affinity: &VolumeNodeAffinity) -> Option<&str> {
    let required = affinity.required.as_ref()?;
    let [term] = required.node_selector_terms.as_slice() else { return None };
    if term.match_fields.as_ref().is_some_and(|f| !f.is_empty()) {
        return None;
    }
    let [expression] = term.match_expressions.as_deref()? else { return None };
    if expression.key != super::statefulset::HOSTNAME_LABEL || expression.operator != "In" {
        return None;
    }
    match expression.values.as_deref()? {
        [node] => Some(node.as_str()),
        _ => None,
    }
}

/// A PV's `hostPath` (k8s-openapi's `HostPathVolumeSource`): its path; `type` is checked, not kept.
#[derive(Debug, Clone, Default)]
pub struct HostPathSource {
    pub path: String,
    pub type_: Checked<Option<String>>,
}

read_struct!(HostPathSource, "HostPathVolumeSource", kubernetes { "path" => path: plain, "type" => type_ });

/// A PV's `local` source (k8s-openapi's `LocalVolumeSource`): its path; `fsType` is checked, not kept.
#[derive(Debug, Clone, Default)]
pub struct LocalSource {
    pub path: String,
    pub fs_type: Checked<Option<String>>,
}

read_struct!(LocalSource, "LocalVolumeSource", kubernetes { "fsType" => fs_type, "path" => path: plain });

/// A PV's `claimRef` (k8s-openapi's `ObjectReference`): the fields rules read; the others
/// are checked, not kept.
#[derive(Debug, Clone, Default)]
pub struct ClaimRef {
    pub kind: Option<String>,
    pub namespace: Option<String>,
    pub name: Option<String>,
    pub api_version: Checked<Option<String>>,
    pub field_path: Checked<Option<String>>,
    pub resource_version: Checked<Option<String>>,
    pub uid: Checked<Option<String>>,
}

read_struct!(ClaimRef, "ObjectReference", kubernetes {
    "apiVersion" => api_version,
    "fieldPath" => field_path,
    "kind" => kind,
    "name" => name,
    "namespace" => namespace,
    "resourceVersion" => resource_version,
    "uid" => uid,
});

#[derive(Debug, Clone, Default)]
pub struct CsiSource {
    pub driver: String,
}

read_struct!(CsiSource, "struct CsiSource", derived { "driver" => driver });

impl PersistentVolume {
    /// The local disk this PV points at: `(key, path)` for hostPath or local volumes.
    #[must_use]
    pub fn disk_path(&self) -> Option<(&'static str, &str)> {
        if let Some(host_path) = &self.spec.host_path {
            return Some(("hostPath", host_path.path.as_str()));
        }
        self.spec.local.as_ref().map(|local| ("local", local.path.as_str()))
    }
}

#[derive(Debug, Clone, Default)]
pub struct PersistentVolumeClaim {
    pub metadata: Metadata,
    pub spec: ClaimSpec,
}

read_struct!(PersistentVolumeClaim, "struct PersistentVolumeClaim", derived { "metadata" => metadata, "spec" => spec });

/// The spec of a claim or a StatefulSet claim template.
#[derive(Debug, Clone, Default)]
pub struct ClaimSpec {
    pub access_modes: Vec<String>,
    pub volume_mode: Option<String>,
    pub storage_class_name: Option<String>,
    pub resources: ClaimResources,
    pub selector: Option<LabelSelector>,
    pub volume_name: Option<String>,
}

read_struct!(ClaimSpec, "struct ClaimSpec", derived {
    "accessModes" => access_modes,
    "volumeMode" => volume_mode,
    "storageClassName" => storage_class_name,
    "resources" => resources,
    "selector" => selector,
    "volumeName" => volume_name,
});

#[derive(Debug, Clone, Default)]
pub struct ClaimResources {
    pub requests: SmallMap<Value>,
}

read_struct!(ClaimResources, "struct ClaimResources", derived { "requests" => requests });

/// Where a claim spec is in its object: a PVC's `spec`, or `volumeClaimTemplates[i].spec` of a
/// StatefulSet. Its path is made only for a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimAt(Option<usize>);

impl ClaimAt {
    /// The path of the claim spec.
    #[must_use]
    pub fn path(self) -> crate::path::JsonPath {
        match self.0 {
            None => crate::path::JsonPath::from_keys("spec"),
            Some(i) => crate::path::JsonPath::from_keys("spec.volumeClaimTemplates").index(i).key("spec"),
        }
    }
}

impl super::AisObject {
    /// The claim specs this object carries, with where they are: an AIS PVC's `spec`, or each
    /// `volumeClaimTemplates[i].spec` of an AIS `StatefulSet`. Empty for other kinds.
    #[must_use]
    pub fn claim_specs(&self) -> Vec<(ClaimAt, &ClaimSpec)> {
        match self {
            super::AisObject::PersistentVolumeClaim(pvc) => vec![(ClaimAt(None), &pvc.spec)],
            super::AisObject::StatefulSet(sts, _) => sts
                .spec
                .volume_claim_templates
                .iter()
                .enumerate()
                .map(|(i, template)| (ClaimAt(Some(i)), &template.spec))
                .collect(),
            _ => Vec::new(),
        }
    }
}

pub const STORAGE_CLASS_KIND: &str = "StorageClass";

/// `storage.k8s.io/v1` `StorageClass`: how claims of the class get volumes.
#[derive(Debug, Clone, Default)]
pub struct StorageClass {
    pub metadata: Metadata,
    pub provisioner: String,
    pub volume_binding_mode: Option<String>,
}

read_struct!(StorageClass, "struct StorageClass", derived {
    "metadata" => metadata,
    "provisioner" => provisioner,
    "volumeBindingMode" => volume_binding_mode,
});

/// The provisioner of classes whose volumes an administrator creates by hand.
pub const NO_PROVISIONER: &str = "kubernetes.io/no-provisioner";
/// The annotation that marks the cluster's default class.
pub const DEFAULT_CLASS_ANNOTATION: &str = "storageclass.kubernetes.io/is-default-class";

impl StorageClass {
    /// Volumes of this class are created by hand (statically provisioned).
    #[must_use]
    pub fn is_static(&self) -> bool {
        self.provisioner == NO_PROVISIONER
    }

    #[must_use]
    pub fn is_default(&self) -> bool {
        self.metadata.annotations.text(DEFAULT_CLASS_ANNOTATION) == Some("true")
    }
}

impl PersistentVolume {
    /// The one node the PV's required node affinity pins by `kubernetes.io/hostname`, if it pins exactly one.
    #[must_use]
    pub fn pinned_node(&self) -> Option<&str> {
        match self.spec.node_affinity.as_ref()? {
            PvNodeAffinity::Pinned(node) => Some(node),
            // The reader keeps an affinity that pins one node as `Pinned`.
            PvNodeAffinity::Other(_) => None,
        }
    }

    /// The storage capacity in whole bytes, when it is a valid quantity.
    #[must_use]
    pub fn capacity_bytes(&self) -> Option<u128> {
        let text = self.spec.capacity.get("storage")?.as_str()?;
        crate::quantity::Quantity::parse(text).ok()?.floor()
    }

    /// The storage capacity as written.
    #[must_use]
    pub fn capacity_text(&self) -> Option<&str> {
        self.spec.capacity.get("storage")?.as_str()
    }

    /// `volumeMode` as the API server defaults it.
    #[must_use]
    pub fn volume_mode(&self) -> &str {
        self.spec.volume_mode.as_deref().unwrap_or("Filesystem")
    }

    /// The class; `""` when none is set (such a PV binds only claims that ask for no class).
    #[must_use]
    pub fn class(&self) -> &str {
        self.spec.storage_class_name.as_deref().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// An affinity pinning one node is read as `Pinned`, written exactly so (read without
    /// building it) or not; anything else as written; refusals are the full reader's.
    #[test]
    fn node_affinity_pinning_one_node_keeps_the_node() {
        let expression = json!({"key": "kubernetes.io/hostname", "operator": "In", "values": ["n1"]});
        let affinity = |term: Value| json!({"required": {"nodeSelectorTerms": [term]}});
        let pinned = |value: &Value| match PvNodeAffinity::read(value) {
            Ok(PvNodeAffinity::Pinned(node)) => Ok(Some(node)),
            Ok(PvNodeAffinity::Other(other)) => Ok(pinned_of(&other).map(str::to_owned)),
            Err(error) => Err(format!("{}: {}", error.path(), error.message())),
        };
        let written = affinity(json!({"matchExpressions": [expression]}));
        assert_eq!(pinned_as_written(&written), Some("n1"));
        assert_eq!(pinned(&written), Ok(Some("n1".to_owned())));
        for value in [
            affinity(json!({"matchExpressions": [expression], "matchFields": []})),
            affinity(json!({"matchExpressions": [expression], "x": 1})),
            json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [expression]}], "x": null}}),
        ] {
            assert_eq!(pinned_as_written(&value), None, "{value}");
            assert_eq!(pinned(&value), Ok(Some("n1".to_owned())), "{value}");
            assert!(matches!(PvNodeAffinity::read(&value), Ok(PvNodeAffinity::Pinned(_))), "{value}");
        }
        for value in [
            affinity(
                json!({"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["a", "b"]}]}),
            ),
            affinity(
                json!({"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "NotIn", "values": ["a"]}]}),
            ),
            affinity(json!({"matchExpressions": [{"key": "zone", "operator": "In", "values": ["a"]}]})),
            affinity(json!({"matchExpressions": [expression], "matchFields": [expression]})),
            json!({"required": {"nodeSelectorTerms": [{"matchExpressions": [expression]}, {}]}}),
            json!({"required": null}),
            json!({}),
        ] {
            assert_eq!(pinned(&value), Ok(None), "{value}");
        }
        assert_eq!(
            pinned(&affinity(json!({"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": [1]}]}))),
            Err("$.required.nodeSelectorTerms[0].matchExpressions[0].values[0]: invalid type: integer `1`, expected a string"
                .to_owned())
        );
        assert_eq!(
            pinned(&json!({"required": {"nodeSelectorTerms": {}}})),
            Err("$.required.nodeSelectorTerms: invalid type: map, expected a sequence".to_owned())
        );
    }
}
