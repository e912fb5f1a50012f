//! Object metadata: only what the rules read, so admission requests full of `managedFields`
//! are decoded quickly and unknown fields cost nothing.

use std::sync::Arc;

use super::map::SmallMap;
use super::read::read_struct;
use crate::finding::ObjectRef;

#[derive(Debug, Clone, Default)]
pub struct Metadata {
    pub name: Option<String>,
    pub generate_name: Option<String>,
    pub namespace: Option<String>,
    pub labels: SmallMap,
    pub annotations: SmallMap,
    pub owner_references: Vec<OwnerReference>,
}

read_struct!(Metadata, "struct Metadata", derived {
    "name" => name,
    "generateName" => generate_name,
    "namespace" => namespace,
    "labels" => labels,
    "annotations" => annotations,
    "ownerReferences" => owner_references,
});

#[derive(Debug, Clone, Default)]
pub struct OwnerReference {
    pub api_version: String,
    pub kind: String,
    pub name: String,
}

read_struct!(OwnerReference, "struct OwnerReference", derived {
    "apiVersion" => api_version,
    "kind" => kind,
    "name" => name,
});

impl Metadata {
    /// The identity of the object this is the metadata of, as findings name it.
    #[must_use]
    pub fn reference(&self, api_version: &str, kind: &str) -> Arc<ObjectRef> {
        Arc::new(ObjectRef {
            api_version: ObjectRef::known(api_version),
            kind: ObjectRef::known(kind),
            namespace: self.namespace.clone().filter(|ns| !ns.is_empty()),
            name: self.display_name(),
        })
    }

    /// The name, or `generateName` followed by `*` when the server will pick the name.
    #[must_use]
    pub fn display_name(&self) -> String {
        match (&self.name, &self.generate_name) {
            (Some(name), _) => name.clone(),
            (None, Some(prefix)) => format!("{prefix}*"),
            (None, None) => String::new(),
        }
    }

    #[must_use]
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.text(key)
    }
}
