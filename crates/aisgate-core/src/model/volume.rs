//! `v1` `PersistentVolume` and `PersistentVolumeClaim`.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{HostPathVolumeSource, LocalVolumeSource, ObjectReference, VolumeNodeAffinity};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde::Deserialize;
use serde_json::Value;

use super::meta::Metadata;

pub const PV_KIND: &str = "PersistentVolume";
pub const PVC_KIND: &str = "PersistentVolumeClaim";

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolume {
    pub metadata: Metadata,
    pub spec: PvSpec,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PvSpec {
    /// Quantities are kept as raw JSON so a malformed one is a finding, not a decoding error.
    pub capacity: BTreeMap<String, Value>,
    pub access_modes: Vec<String>,
    pub volume_mode: Option<String>,
    pub host_path: Option<HostPathVolumeSource>,
    pub local: Option<LocalVolumeSource>,
    pub nfs: Option<Value>,
    pub cephfs: Option<Value>,
    pub glusterfs: Option<Value>,
    pub iscsi: Option<Value>,
    pub csi: Option<CsiSource>,
    pub claim_ref: Option<ObjectReference>,
    pub node_affinity: Option<VolumeNodeAffinity>,
    pub storage_class_name: Option<String>,
    pub persistent_volume_reclaim_policy: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct CsiSource {
    pub driver: String,
}

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

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct PersistentVolumeClaim {
    pub metadata: Metadata,
    pub spec: ClaimSpec,
}

/// The spec of a claim or a StatefulSet claim template.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClaimSpec {
    pub access_modes: Vec<String>,
    pub volume_mode: Option<String>,
    pub storage_class_name: Option<String>,
    pub resources: ClaimResources,
    pub selector: Option<LabelSelector>,
    pub volume_name: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ClaimResources {
    pub requests: BTreeMap<String, Value>,
}

impl super::AisObject {
    /// The claim specs this object carries, with their paths: an AIS PVC's `spec`, or each
    /// `volumeClaimTemplates[i].spec` of an AIS `StatefulSet`. Empty for other kinds.
    #[must_use]
    pub fn claim_specs(&self) -> Vec<(crate::path::JsonPath, &ClaimSpec)> {
        match self {
            super::AisObject::PersistentVolumeClaim(pvc) => vec![(crate::path::JsonPath::from_keys("spec"), &pvc.spec)],
            super::AisObject::StatefulSet(sts, _) => sts
                .spec
                .volume_claim_templates
                .iter()
                .enumerate()
                .map(|(i, template)| {
                    (crate::path::JsonPath::from_keys("spec.volumeClaimTemplates").index(i).key("spec"), &template.spec)
                })
                .collect(),
            _ => Vec::new(),
        }
    }
}
