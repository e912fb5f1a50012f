//! What a rule reports.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::path::JsonPath;

/// Longest finding message, in characters: admission warnings beyond 120 characters are
/// truncated by kubectl, so every message is written to fit.
pub const MAX_MESSAGE: usize = 120;

/// How a finding affects admission and CI: `deny` rejects, `warn` is admitted with a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warn,
    Deny,
}

impl Severity {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Warn => "warn",
            Severity::Deny => "deny",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The Kubernetes object a finding is about. `apiVersion` and `kind` are nearly always of
/// a few known values, held without a copy ([`ObjectRef::known`]): a large bundle has one
/// `ObjectRef` per object.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ObjectRef {
    pub api_version: Cow<'static, str>,
    pub kind: Cow<'static, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    pub name: String,
}

/// The `apiVersion`s and kinds aisgate reads, and the usual kinds around them.
const KNOWN: &[&str] = &[
    "v1",
    "apps/v1",
    "ais.nvidia.com/v1beta1",
    "storage.k8s.io/v1",
    "policy/v1",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "StatefulSet",
    "AIStore",
    "Node",
    "StorageClass",
    "Service",
    "ConfigMap",
    "Secret",
    "ServiceAccount",
    "PodDisruptionBudget",
    "Namespace",
];

impl ObjectRef {
    /// `text` as an `apiVersion` or kind: a known one without a copy, else a copy.
    #[must_use]
    pub fn known(text: &str) -> Cow<'static, str> {
        KNOWN
            .iter()
            .find(|known| **known == text)
            .map_or_else(|| Cow::Owned(text.to_owned()), |known| Cow::Borrowed(*known))
    }
}

impl fmt::Display for ObjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.namespace {
            Some(ns) => write!(f, "{} {}/{}", self.kind, ns, self.name),
            None => write!(f, "{} {}", self.kind, self.name),
        }
    }
}

/// One problem found in one object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// Stable code, `AIS020`.
    pub code: &'static str,
    /// Stable kebab-case name of the problem, `host-port-on-shared-node`.
    pub rule: &'static str,
    pub severity: Severity,
    /// What is wrong and what to do, one line.
    pub message: String,
    pub object: ObjectRef,
    /// The offending node; for a missing field, the nearest existing parent.
    pub path: JsonPath,
    /// Other objects involved (bundle rules).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<ObjectRef>,
}

impl Finding {
    /// `AIS020 host-port-on-shared-node: <message>`, the form used in admission messages.
    #[must_use]
    pub fn headline(&self) -> String {
        format!("{} {}: {}", self.code, self.rule, self.message)
    }
}
