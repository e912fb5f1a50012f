//! Annotating the policy module the way `kwctl annotate -m metadata.yml -u README.md` does
//! (kwctl is not on the package registries, so the project does it itself).
//!
//! kwctl reads `metadata.yml` into policy-evaluator's `Metadata`, sets `protocolVersion`
//! from the module, adds the `io.kubewarden.kwctl` and `io.kubewarden.policy.usage`
//! annotations, and writes the metadata as compact JSON into the custom section
//! `io.kubewarden.metadata`. [`PolicyMetadata`] mirrors that type field for field, in its
//! serialization order, so policy-server and `kwctl inspect` read the same thing. Unlike
//! kwctl, unknown keys in `metadata.yml` are refused rather than silently dropped.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use wasmparser::{Encoding, Parser, Payload};

use crate::yaml::{self, YamlError};

/// The custom section Kubewarden reads a policy's metadata from.
pub const METADATA_SECTION: &str = "io.kubewarden.metadata";
/// The annotation holding the usage text (the README).
pub const USAGE_ANNOTATION: &str = "io.kubewarden.policy.usage";
/// The annotation kwctl records its version in.
pub const KWCTL_ANNOTATION: &str = "io.kubewarden.kwctl";
/// The kwctl release whose `annotate` output this module reproduces, recorded where kwctl
/// records its own version (nothing reads it back; it tells a reader which format to expect).
pub const KWCTL_FORMAT_VERSION: &str = "1.31.0";
/// The waPC guest entry point; a module without it is not a waPC policy.
const WAPC_GUEST_CALL: &str = "__guest_call";

/// Why a module could not be annotated.
#[derive(Debug, thiserror::Error)]
pub enum AnnotateError {
    /// `metadata.yml` is not valid YAML or does not have the metadata's shape.
    #[error(transparent)]
    Metadata(#[from] YamlError),
    /// `metadata.yml` parses but is not valid Kubewarden metadata.
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    /// The module could not be read as WebAssembly.
    #[error("the policy module is not a WebAssembly module: {0}")]
    Wasm(#[from] wasmparser::BinaryReaderError),
    /// The module is not a waPC policy (the only execution mode aisgate builds).
    #[error("the policy module does not export `{WAPC_GUEST_CALL}`: it is not a waPC (kubewarden-wapc) policy")]
    NotWapc,
    /// The module is a component, not a core module.
    #[error("the policy module is a WebAssembly component; Kubewarden policies are core modules")]
    Component,
    /// The module carries the metadata section more than once.
    #[error("the policy module has {0} `{METADATA_SECTION}` sections; expected at most one")]
    DuplicateSection(usize),
    /// The section is not the JSON kwctl writes.
    #[error("the `{METADATA_SECTION}` section is not valid metadata JSON: {0}")]
    SectionJson(serde_json::Error),
}

/// The waPC protocol version the module speaks; the Kubewarden SDK's guests answer `v1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProtocolVersion {
    #[serde(rename = "v1")]
    V1,
}

/// An admission operation, as Kubernetes spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Operation {
    #[serde(rename = "CREATE")]
    Create,
    #[serde(rename = "UPDATE")]
    Update,
    #[serde(rename = "DELETE")]
    Delete,
    #[serde(rename = "CONNECT")]
    Connect,
    #[serde(rename = "*")]
    All,
}

/// One admission rule: which requests reach the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AdmissionRule {
    pub api_groups: Vec<String>,
    pub api_versions: Vec<String>,
    pub resources: Vec<String>,
    pub operations: Vec<Operation>,
}

/// How the policy is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ExecutionMode {
    #[default]
    #[serde(rename = "kubewarden-wapc")]
    KubewardenWapc,
    #[serde(rename = "opa")]
    Opa,
    #[serde(rename = "gatekeeper")]
    OpaGatekeeper,
    #[serde(rename = "wasi")]
    Wasi,
}

/// What the policy evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PolicyType {
    #[default]
    #[serde(rename = "kubernetes")]
    Kubernetes,
    #[serde(rename = "raw")]
    Raw,
}

/// A kind the policy may look up in the cluster.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ContextAwareResource {
    pub api_version: String,
    pub kind: String,
}

const fn yes() -> bool {
    true
}

/// Kubewarden policy metadata: `metadata.yml` in, the section's JSON out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PolicyMetadata {
    #[serde(default)]
    pub protocol_version: Option<ProtocolVersion>,
    pub rules: Vec<AdmissionRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub annotations: Option<BTreeMap<String, String>>,
    pub mutating: bool,
    #[serde(default = "yes")]
    pub background_audit: bool,
    #[serde(default)]
    pub execution_mode: ExecutionMode,
    #[serde(default)]
    pub policy_type: PolicyType,
    #[serde(default)]
    pub context_aware_resources: BTreeSet<ContextAwareResource>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_capabilities: Option<BTreeSet<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_kubewarden_version: Option<String>,
}

impl PolicyMetadata {
    /// Reads `metadata.yml` (`file` names it in errors) and checks it as kwctl does.
    pub fn from_yaml(text: &str, file: &str) -> Result<Self, AnnotateError> {
        let metadata: PolicyMetadata = yaml::decode(text, file)?;
        metadata.check().map_err(|message| AnnotateError::Invalid { file: file.to_owned(), message })?;
        Ok(metadata)
    }

    fn check(&self) -> Result<(), String> {
        if self.rules.is_empty() {
            return Err("rules: at least one admission rule is required".to_owned());
        }
        for (i, rule) in self.rules.iter().enumerate() {
            for (field, values) in
                [("apiGroups", &rule.api_groups), ("apiVersions", &rule.api_versions), ("resources", &rule.resources)]
            {
                if values.is_empty() {
                    return Err(format!("rules[{i}].{field}: must not be empty"));
                }
                if values.len() > 1 && values.iter().any(|v| v == "*") {
                    return Err(format!("rules[{i}].{field}: no other entry is allowed beside `*`"));
                }
            }
            if rule.operations.is_empty() {
                return Err(format!("rules[{i}].operations: must not be empty"));
            }
            if rule.operations.len() > 1 && rule.operations.contains(&Operation::All) {
                return Err(format!("rules[{i}].operations: no other entry is allowed beside `*`"));
            }
        }
        if self.execution_mode != ExecutionMode::KubewardenWapc {
            return Err("executionMode: aisgate annotates kubewarden-wapc policies only".to_owned());
        }
        Ok(())
    }

    /// The metadata kwctl would embed: protocol version set, kwctl and usage annotations added.
    #[must_use]
    pub fn annotated(mut self, usage: Option<&str>) -> Self {
        self.protocol_version = Some(ProtocolVersion::V1);
        let annotations = self.annotations.get_or_insert_with(BTreeMap::new);
        annotations.insert(KWCTL_ANNOTATION.to_owned(), KWCTL_FORMAT_VERSION.to_owned());
        if let Some(usage) = usage {
            annotations.insert(USAGE_ANNOTATION.to_owned(), usage.to_owned());
        }
        self
    }
}

/// `module` with `metadata` in its `io.kubewarden.metadata` section: every other section
/// copied byte for byte, an existing metadata section replaced, the new one appended last
/// (where kwctl puts it).
pub fn annotate(module: &[u8], metadata: &PolicyMetadata) -> Result<Vec<u8>, AnnotateError> {
    let mut out = wasm_encoder::Module::new();
    let mut guest_call = false;
    for payload in Parser::new(0).parse_all(module) {
        let payload = payload?;
        match &payload {
            Payload::Version { encoding: Encoding::Component, .. } => return Err(AnnotateError::Component),
            Payload::ExportSection(exports) => {
                for export in exports.clone() {
                    let export = export?;
                    guest_call |= export.name == WAPC_GUEST_CALL && export.kind == wasmparser::ExternalKind::Func;
                }
            }
            Payload::CustomSection(section) if section.name() == METADATA_SECTION => continue,
            _ => {}
        }
        if let Some((id, range)) = payload.as_section() {
            let data = usize::try_from(range.start)
                .ok()
                .zip(usize::try_from(range.end).ok())
                .and_then(|(start, end)| module.get(start..end))
                .unwrap_or_default();
            out.section(&wasm_encoder::RawSection { id, data });
        }
    }
    if !guest_call {
        return Err(AnnotateError::NotWapc);
    }
    let json = serde_json::to_vec(metadata).map_err(AnnotateError::SectionJson)?;
    out.section(&wasm_encoder::CustomSection { name: METADATA_SECTION.into(), data: json.into() });
    Ok(out.finish())
}

/// The raw bytes of the module's metadata section, `None` when it has none.
pub fn metadata_section(module: &[u8]) -> Result<Option<Vec<u8>>, AnnotateError> {
    let mut found = Vec::new();
    for payload in Parser::new(0).parse_all(module) {
        if let Payload::CustomSection(section) = payload?
            && section.name() == METADATA_SECTION
        {
            found.push(section.data().to_vec());
        }
    }
    match found.len() {
        0 | 1 => Ok(found.pop()),
        n => Err(AnnotateError::DuplicateSection(n)),
    }
}

/// The module's metadata, decoded as policy-server decodes it.
pub fn read_metadata(module: &[u8]) -> Result<Option<PolicyMetadata>, AnnotateError> {
    metadata_section(module)?
        .map(|bytes| serde_json::from_slice(&bytes).map_err(AnnotateError::SectionJson))
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    const METADATA: &str = "rules:\n  - apiGroups: [\"\"]\n    apiVersions: [v1]\n    resources: [pods]\n    operations: [CREATE]\nmutating: false\n";

    /// A module exporting `__guest_call` (and one that does not).
    fn module(export: &str) -> Vec<u8> {
        let mut types = wasm_encoder::TypeSection::new();
        types.ty().function([wasm_encoder::ValType::I32, wasm_encoder::ValType::I32], [wasm_encoder::ValType::I32]);
        let mut functions = wasm_encoder::FunctionSection::new();
        functions.function(0);
        let mut exports = wasm_encoder::ExportSection::new();
        exports.export(export, wasm_encoder::ExportKind::Func, 0);
        let mut code = wasm_encoder::CodeSection::new();
        let mut body = wasm_encoder::Function::new([]);
        body.instructions().i32_const(1).end();
        code.function(&body);
        let mut module = wasm_encoder::Module::new();
        module.section(&types).section(&functions).section(&exports).section(&code);
        module.section(&wasm_encoder::CustomSection { name: "name".into(), data: b"\x00\x02\x01x".as_slice().into() });
        module.finish()
    }

    #[test]
    fn writes_the_section_kwctl_writes() {
        let metadata = PolicyMetadata::from_yaml(METADATA, "metadata.yml").unwrap().annotated(Some("# Usage\n"));
        let annotated = annotate(&module(WAPC_GUEST_CALL), &metadata).unwrap();
        let section = metadata_section(&annotated).unwrap().unwrap();
        assert_eq!(
            String::from_utf8(section).unwrap(),
            r##"{"protocolVersion":"v1","rules":[{"apiGroups":[""],"apiVersions":["v1"],"resources":["pods"],"operations":["CREATE"]}],"annotations":{"io.kubewarden.kwctl":"1.31.0","io.kubewarden.policy.usage":"# Usage\n"},"mutating":false,"backgroundAudit":true,"executionMode":"kubewarden-wapc","policyType":"kubernetes","contextAwareResources":[]}"##
        );
        wasmparser::Validator::new().validate_all(&annotated).unwrap();
    }

    #[test]
    fn reannotating_replaces_the_section() {
        let first = PolicyMetadata::from_yaml(METADATA, "m.yml").unwrap().annotated(Some("one"));
        let second = PolicyMetadata::from_yaml(METADATA, "m.yml").unwrap().annotated(Some("two"));
        let once = annotate(&module(WAPC_GUEST_CALL), &first).unwrap();
        let twice = annotate(&once, &second).unwrap();
        assert_eq!(read_metadata(&twice).unwrap(), Some(second.clone()));
        assert_eq!(twice, annotate(&module(WAPC_GUEST_CALL), &second).unwrap(), "nothing else changes");
    }

    #[test]
    fn refuses_modules_that_are_not_wapc_policies() {
        let metadata = PolicyMetadata::from_yaml(METADATA, "m.yml").unwrap();
        assert_eq!(
            annotate(&module("run"), &metadata).unwrap_err().to_string(),
            "the policy module does not export `__guest_call`: it is not a waPC (kubewarden-wapc) policy"
        );
        assert!(
            annotate(b"not wasm", &metadata)
                .unwrap_err()
                .to_string()
                .starts_with("the policy module is not a WebAssembly module: ")
        );
    }

    #[test]
    fn refuses_bad_metadata_with_file_line_and_field() {
        let error = |text: &str| PolicyMetadata::from_yaml(text, "metadata.yml").unwrap_err().to_string();
        assert_eq!(
            error(&format!("{METADATA}contextAware: false\n")),
            "metadata.yml:7:1: contextAware: unknown field `contextAware`, expected one of `protocolVersion`, `rules`, `annotations`, `mutating`, `backgroundAudit`, `executionMode`, `policyType`, `contextAwareResources`, `hostCapabilities`, `minimumKubewardenVersion`"
        );
        assert_eq!(
            error(&METADATA.replace("CREATE", "CREATE, DELET")),
            "metadata.yml:5:26: rules[0].operations[1]: unknown variant `DELET`, expected one of `CREATE`, `UPDATE`, `DELETE`, `CONNECT`, `*`"
        );
        assert_eq!(error(&METADATA.replace("[pods]", "[]")), "metadata.yml: rules[0].resources: must not be empty");
        assert_eq!(
            error(&format!("{METADATA}annotations:\n  io.kubewarden.policy.version: 1.0\n")),
            "metadata.yml:8:33: annotations.io.kubewarden.policy.version: invalid type: floating point `1.0`, expected a string"
        );
        assert_eq!(
            error("rules: [\n"),
            "metadata.yml:1:9: YAML syntax error: while parsing a node, did not find expected node content"
        );
    }
}
