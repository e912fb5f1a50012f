//! Typed views of the objects aisgate checks, decoded from JSON.
//!
//! The views hold only the fields rules read (with k8s-openapi types for the leaves), so a
//! malformed field a rule reads is refused with its path, while unknown or unrelated fields
//! cost nothing and never block. They are read by hand (`model/read.rs`), not through serde, which
//! keeps the policy module small. Mutations edit the original JSON, never these views.

pub mod affinity;
pub mod aistore;
mod kubernetes;
pub mod map;
pub mod meta;
pub mod node;
pub(crate) mod read;
pub use read::{Checked, Present};
pub mod statefulset;
pub mod volume;

use std::sync::Arc;

use serde_json::Value;

use crate::finding::ObjectRef;
use crate::names;
use crate::path::JsonPath;
use crate::settings::Settings;
use aistore::{AiStore, Role};
use statefulset::{AisWorkload, Flavor, StatefulSet};
use volume::{PersistentVolume, PersistentVolumeClaim};

/// The kinds aisgate targets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    AiStore,
    StatefulSet,
    PersistentVolume,
    PersistentVolumeClaim,
}

/// Where a targeted kind lives in the Kubernetes API: what the policy's admission rules
/// (`policy/metadata.yml`, generated from [`Kind::ALL`]) and the deployment samples name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiResource {
    /// API group, `""` for the core group.
    pub group: &'static str,
    pub version: &'static str,
    /// The plural resource name admission rules match on.
    pub resource: &'static str,
    pub kind: &'static str,
}

impl ApiResource {
    /// `apiVersion` as objects carry it: `group/version`, or `version` for the core group.
    #[must_use]
    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.to_owned() } else { format!("{}/{}", self.group, self.version) }
    }
}

impl Kind {
    /// Every targeted kind, in the order the policy's admission rules list them.
    pub const ALL: [Kind; 4] = [Kind::AiStore, Kind::StatefulSet, Kind::PersistentVolume, Kind::PersistentVolumeClaim];

    /// The API resource of this kind; the only version aisgate reads.
    #[must_use]
    pub fn resource(self) -> ApiResource {
        match self {
            Kind::AiStore => {
                ApiResource { group: aistore::API_GROUP, version: "v1beta1", resource: "aistores", kind: aistore::KIND }
            }
            Kind::StatefulSet => {
                ApiResource { group: "apps", version: "v1", resource: "statefulsets", kind: statefulset::KIND }
            }
            Kind::PersistentVolume => {
                ApiResource { group: "", version: "v1", resource: "persistentvolumes", kind: volume::PV_KIND }
            }
            Kind::PersistentVolumeClaim => {
                ApiResource { group: "", version: "v1", resource: "persistentvolumeclaims", kind: volume::PVC_KIND }
            }
        }
    }

    /// The kind of an object by `apiVersion`/`kind`. `Ok(None)`: not a kind aisgate checks.
    pub fn of(api_version: &str, kind: &str) -> Result<Option<Kind>, DecodeError> {
        let (group, _) = api_version.rsplit_once('/').unwrap_or(("", api_version));
        // `core/v1` is a common misspelling of the core group's `v1`: refuse it with the fix.
        let group = if group == "core" { "" } else { group };
        let Some(found) = Kind::ALL.into_iter().find(|k| k.resource().group == group && k.resource().kind == kind)
        else {
            return Ok(None);
        };
        // `api_version == resource.api_version()`, without making the latter for every object.
        let resource = found.resource();
        let supported = match api_version.rsplit_once('/') {
            Some((group, version)) => {
                !resource.group.is_empty() && group == resource.group && version == resource.version
            }
            None => resource.group.is_empty() && api_version == resource.version,
        };
        if supported {
            Ok(Some(found))
        } else {
            let supported = resource.api_version();
            Err(DecodeError::new(
                JsonPath::from_keys("apiVersion"),
                format!("apiVersion `{api_version}` is not supported for {kind}; expected `{supported}`"),
            ))
        }
    }
}

/// An object of a targeted kind that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{path}: {message}", if *.in_old_object { "oldObject " } else { "" })]
pub struct DecodeError {
    /// The offending field.
    pub path: JsonPath,
    pub message: String,
    /// The error is in the previous version of the object (UPDATE).
    pub in_old_object: bool,
}

impl DecodeError {
    pub(crate) fn new(path: JsonPath, message: impl Into<String>) -> Self {
        Self { path, message: message.into(), in_old_object: false }
    }
}

/// A decoded AIS object. Boxed as a context's [`Object`](crate::context::Object) is, so
/// that offline linting checks an object and keeps it for the rules across objects
/// without copying it (an `AiStore` is over 1 KB, a PV about 400 bytes).
#[derive(Debug, Clone)]
pub enum AisObject {
    AiStore(Box<AiStore>),
    StatefulSet(Box<StatefulSet>, AisWorkload),
    PersistentVolume(Box<PersistentVolume>),
    PersistentVolumeClaim(Box<PersistentVolumeClaim>),
}

impl AisObject {
    /// The kind of this object.
    #[must_use]
    pub fn kind(&self) -> Kind {
        match self {
            AisObject::AiStore(_) => Kind::AiStore,
            AisObject::StatefulSet(..) => Kind::StatefulSet,
            AisObject::PersistentVolume(_) => Kind::PersistentVolume,
            AisObject::PersistentVolumeClaim(_) => Kind::PersistentVolumeClaim,
        }
    }
}

/// The object under check: its JSON, its typed view and its identity (shared with the
/// report and the context that hold the object, so it is made once).
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub raw: &'a Value,
    pub object: AisObject,
    pub reference: Arc<ObjectRef>,
}

/// Reads a typed view of `value`; a malformed field is refused with its path.
pub(crate) fn decode_as<T: read::FromJson>(value: &Value) -> Result<T, DecodeError> {
    T::read(value).map_err(|error| DecodeError::new(error.path(), error.into_message()))
}

pub(crate) fn text<'v>(value: &'v Value, key: &'static str) -> Result<&'v str, DecodeError> {
    match value.get(key) {
        None | Some(Value::Null) => Ok(""),
        Some(Value::String(s)) => Ok(s),
        Some(_) => Err(DecodeError::new(JsonPath::root().key(key), "expected a string")),
    }
}

/// Decodes `value` if it is an AIS object; `Ok(None)` for anything aisgate leaves alone.
pub fn decode<'a>(value: &'a Value, settings: &Settings) -> Result<Option<Subject<'a>>, DecodeError> {
    if !value.is_object() {
        return Err(DecodeError::new(JsonPath::root(), "expected a Kubernetes object (a JSON object)"));
    }
    let api_version = text(value, "apiVersion")?;
    let kind_name = text(value, "kind")?;
    let Some(kind) = Kind::of(api_version, kind_name)? else {
        return Ok(None);
    };
    let object = match kind {
        Kind::AiStore => Some(AisObject::AiStore(Box::new(decode_as(value)?))),
        Kind::StatefulSet => {
            let sts: StatefulSet = decode_as(value)?;
            workload_of(&sts, settings).map(|workload| AisObject::StatefulSet(Box::new(sts), workload))
        }
        Kind::PersistentVolume => {
            let pv: PersistentVolume = decode_as(value)?;
            is_ais_pv(&pv, settings).then(|| AisObject::PersistentVolume(Box::new(pv)))
        }
        Kind::PersistentVolumeClaim => {
            let pvc: PersistentVolumeClaim = decode_as(value)?;
            is_ais_pvc(&pvc, settings).then(|| AisObject::PersistentVolumeClaim(Box::new(pvc)))
        }
    };
    Ok(object.map(|object| {
        let metadata = match &object {
            AisObject::AiStore(o) => &o.metadata,
            AisObject::StatefulSet(o, _) => &o.metadata,
            AisObject::PersistentVolume(o) => &o.metadata,
            AisObject::PersistentVolumeClaim(o) => &o.metadata,
        };
        let reference = metadata.reference(api_version, kind_name);
        Subject { raw: value, object, reference }
    }))
}

pub(crate) fn workload_of(sts: &StatefulSet, settings: &Settings) -> Option<AisWorkload> {
    let labels = &sts.metadata.labels;
    let template_labels = &sts.spec.template.metadata.labels;
    let owned = sts.owned_by_aistore();
    statefulset::classify_labels(labels, owned)
        .or_else(|| statefulset::classify_labels(template_labels, owned))
        .or_else(|| {
            let selector = settings.stateful_set_selector.as_ref()?;
            if !names::selector_matches(selector, labels) {
                return None;
            }
            let role = ["app.kubernetes.io/component", "component", "type"]
                .iter()
                .find_map(|key| labels.get(key).and_then(|v| Role::parse(v)))
                .or_else(|| sts.metadata.display_name().ends_with("-proxy").then_some(Role::Proxy))
                .unwrap_or(Role::Target);
            Some(AisWorkload { role, flavor: Flavor::Selected })
        })
}

pub(crate) fn is_ais_pv(pv: &PersistentVolume, settings: &Settings) -> bool {
    let claim_is_ais = pv
        .spec
        .claim_ref
        .as_ref()
        .and_then(|claim| claim.name.as_deref())
        .is_some_and(|name| names::ClaimName::parse(name).is_some());
    claim_is_ais
        || pv.spec.storage_class_name.as_deref().is_some_and(|class| settings.is_ais_storage_class(class))
        || pv.metadata.labels.contains_key("mpath")
}

pub(crate) fn is_ais_pvc(pvc: &PersistentVolumeClaim, settings: &Settings) -> bool {
    let labels = &pvc.metadata.labels;
    // Claims the operator's StatefulSets create carry their selector labels only:
    // `app.kubernetes.io/name: <cluster>` and `app.kubernetes.io/component: proxy|target`.
    let operator_selector = labels.get("app.kubernetes.io/component").and_then(|c| aistore::Role::parse(c)).is_some()
        && labels.contains_key("app.kubernetes.io/name");
    operator_selector
        || statefulset::classify_labels(labels, false).is_some()
        || pvc.spec.storage_class_name.as_deref().is_some_and(|class| settings.is_ais_storage_class(class))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Only the exact `apiVersion` of a kind is supported: `group/version`, or `version` alone
    /// for the core group (not `/v1`, `core/v1` or another version).
    #[test]
    fn kinds_need_their_exact_api_version() {
        for (api_version, kind, supported) in [
            ("v1", "PersistentVolume", true),
            ("apps/v1", "StatefulSet", true),
            ("ais.nvidia.com/v1beta1", "AIStore", true),
            ("/v1", "PersistentVolume", false),
            ("core/v1", "PersistentVolumeClaim", false),
            ("v2", "PersistentVolume", false),
            ("apps/v1beta2", "StatefulSet", false),
        ] {
            let found = Kind::of(api_version, kind);
            assert_eq!(found.is_ok(), supported, "{api_version} {kind}");
            assert!(found.is_err() || found.is_ok_and(|k| k.is_some()), "{api_version} {kind}");
        }
        assert_eq!(Kind::of("v1", "ConfigMap"), Ok(None));
        assert_eq!(Kind::of("apps/v1", "Deployment"), Ok(None));
        assert_eq!(Kind::of("/apps/v1", "StatefulSet"), Ok(None)); // Group `/apps`: not one aisgate reads.
    }
}
