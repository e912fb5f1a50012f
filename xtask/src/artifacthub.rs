//! `artifacthub/artifacthub-pkg.yml` and `artifacthub-repo.yml`, derived from
//! `policy/metadata.yml` and `policy/questions-ui.yml` with the field set
//! `kwctl scaffold artifacthub` writes for Kubewarden policies.

use std::collections::BTreeMap;

use saphyr::Yaml;

use crate::annotate::PolicyMetadata;
use crate::yaml::{self, mapping, string};

/// The Artifact Hub package of Kubewarden policies recommends the controller chart.
const CONTROLLER_CHART: &str = "https://artifacthub.io/packages/helm/kubewarden/kubewarden-controller";

/// A metadata annotation that is missing or malformed.
#[derive(Debug, thiserror::Error)]
#[error("policy/metadata.yml: annotation `{annotation}`: {message}")]
pub struct PackageError {
    annotation: &'static str,
    message: String,
}

fn annotation<'m>(annotations: &'m BTreeMap<String, String>, key: &'static str) -> Result<&'m str, PackageError> {
    annotations
        .get(key)
        .map(String::as_str)
        .filter(|v| !v.trim().is_empty())
        .ok_or(PackageError { annotation: key, message: "required for the Artifact Hub package".to_owned() })
}

/// `Name <email>, Other <email>` as Artifact Hub maintainers.
fn maintainers(authors: &str) -> Result<Vec<(String, String)>, PackageError> {
    authors
        .split(',')
        .map(|author| {
            let author = author.trim();
            let parsed = author.strip_suffix('>').and_then(|rest| rest.split_once('<')).and_then(|(name, email)| {
                let (name, email) = (name.trim(), email.trim());
                (!name.is_empty() && email.contains('@') && !email.contains(char::is_whitespace))
                    .then(|| (name.to_owned(), email.to_owned()))
            });
            parsed.ok_or_else(|| PackageError {
                annotation: "io.kubewarden.policy.author",
                message: format!("`{author}` is not `Name <email>` (Artifact Hub lists maintainers with an email)"),
            })
        })
        .collect()
}

fn rules_yaml(metadata: &PolicyMetadata) -> String {
    let list = |values: &[String]| Yaml::Sequence(values.iter().map(|v| string(v.as_str())).collect());
    let rules = metadata
        .rules
        .iter()
        .map(|rule| {
            let operations: Vec<String> = rule
                .operations
                .iter()
                .filter_map(|op| serde_json::to_value(op).ok()?.as_str().map(str::to_owned))
                .collect();
            mapping([
                ("apiGroups", list(&rule.api_groups)),
                ("apiVersions", list(&rule.api_versions)),
                ("resources", list(&rule.resources)),
                ("operations", list(&operations)),
            ])
        })
        .collect();
    yaml::emit(&Yaml::Sequence(rules))
}

fn context_aware_yaml(metadata: &PolicyMetadata) -> String {
    let resources = metadata
        .context_aware_resources
        .iter()
        .map(|r| mapping([("apiVersion", string(r.api_version.as_str())), ("kind", string(r.kind.as_str()))]))
        .collect();
    yaml::emit(&Yaml::Sequence(resources))
}

/// What the package needs besides the metadata.
#[derive(Debug, Clone, Copy)]
pub struct PackageInputs<'a> {
    /// The release, from the workspace.
    pub version: &'a str,
    /// RFC 3339; kept from the existing file while the version is unchanged.
    pub created_at: &'a str,
    /// `policy/questions-ui.yml`, verbatim.
    pub questions_ui: &'a str,
}

/// `artifacthub-pkg.yml`.
pub fn package(metadata: &PolicyMetadata, inputs: PackageInputs<'_>) -> Result<String, PackageError> {
    let empty = BTreeMap::new();
    let annotations = metadata.annotations.as_ref().unwrap_or(&empty);
    let version = inputs.version;
    let declared = annotation(annotations, "io.kubewarden.policy.version")?;
    if declared != version {
        return Err(PackageError {
            annotation: "io.kubewarden.policy.version",
            message: format!("`{declared}` differs from the workspace version {version}; run `cargo xtask gen`"),
        });
    }
    let source = annotation(annotations, "io.kubewarden.policy.source")?;
    let image = format!("{}:v{version}", annotation(annotations, "io.kubewarden.policy.ociUrl")?);
    let mut links = Vec::new();
    if source.starts_with("https://github.com/") {
        let wasm = format!("{}/releases/download/v{version}/policy.wasm", source.trim_end_matches('/'));
        links.push(mapping([("name", string("policy")), ("url", string(wasm))]));
    }
    links.push(mapping([("name", string("source")), ("url", string(source))]));
    let keywords = annotation(annotations, "io.artifacthub.keywords")?
        .split(',')
        .map(str::trim)
        .map(|k| {
            if k.is_empty() {
                Err(PackageError { annotation: "io.artifacthub.keywords", message: "an empty keyword".to_owned() })
            } else {
                Ok(string(k))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let maintainers = maintainers(annotation(annotations, "io.kubewarden.policy.author")?)?
        .into_iter()
        .map(|(name, email)| mapping([("name", string(name)), ("email", string(email))]))
        .collect();
    let install = format!(
        "Fetch the annotated policy with [kwctl](https://docs.kubewarden.io/reference/kwctl-cli):\n\
         ```console\nkwctl pull registry://{image}\n```\n\
         Then deploy it with a `ClusterAdmissionPolicy` (PersistentVolumes are cluster-scoped), for example \
         the samples in [deploy/]({source}/tree/v{version}/deploy):\n\
         ```console\nkwctl scaffold manifest -t ClusterAdmissionPolicy registry://{image}\n```\n"
    );
    let mut kubewarden = vec![
        ("kubewarden/mutation", string(metadata.mutating.to_string())),
        ("kubewarden/questions-ui", string(inputs.questions_ui)),
        ("kubewarden/resources", string(annotation(annotations, "io.artifacthub.resources")?)),
        ("kubewarden/rules", string(rules_yaml(metadata))),
    ];
    if !metadata.context_aware_resources.is_empty() {
        kubewarden.push(("kubewarden/contextAwareResources", string(context_aware_yaml(metadata))));
    }
    if let Some(hidden) = annotations.get("io.kubewarden.hidden-ui") {
        kubewarden.push(("kubewarden/hidden-ui", string(hidden.as_str())));
    }
    kubewarden.sort_by_key(|(key, _)| *key);
    let package = mapping([
        ("version", string(version)),
        ("name", string(annotation(annotations, "io.kubewarden.policy.title")?)),
        ("displayName", string(annotation(annotations, "io.artifacthub.displayName")?)),
        ("createdAt", string(inputs.created_at)),
        ("description", string(annotation(annotations, "io.kubewarden.policy.description")?)),
        ("license", string(annotation(annotations, "io.kubewarden.policy.license")?)),
        ("homeURL", string(annotation(annotations, "io.kubewarden.policy.url")?)),
        ("containersImages", Yaml::Sequence(vec![mapping([("name", string("policy")), ("image", string(image))])])),
        ("keywords", Yaml::Sequence(keywords)),
        ("links", Yaml::Sequence(links)),
        ("install", string(install)),
        ("maintainers", Yaml::Sequence(maintainers)),
        ("provider", mapping([("name", string("kubewarden"))])),
        ("recommendations", Yaml::Sequence(vec![mapping([("url", string(CONTROLLER_CHART))])])),
        ("annotations", mapping(kubewarden)),
    ]);
    Ok(format!(
        "# Artifact Hub package of the aisgate Kubewarden policy, the fields `kwctl scaffold artifacthub`\n\
         # writes. Generated by `cargo xtask gen` from policy/metadata.yml, policy/questions-ui.yml and the\n\
         # workspace version; do not edit. `createdAt` changes only with the version.\n{}",
        yaml::emit(&package)
    ))
}

/// `artifacthub-repo.yml`: the repository's owners, and its `repositoryID` once Artifact Hub
/// has assigned one (kept from the existing file).
pub fn repository(metadata: &PolicyMetadata, repository_id: Option<&str>) -> Result<String, PackageError> {
    let empty = BTreeMap::new();
    let annotations = metadata.annotations.as_ref().unwrap_or(&empty);
    let owners = maintainers(annotation(annotations, "io.kubewarden.policy.author")?)?
        .into_iter()
        .map(|(name, email)| mapping([("name", string(name)), ("email", string(email))]))
        .collect();
    let mut entries = Vec::new();
    if let Some(id) = repository_id {
        entries.push(("repositoryID", string(id)));
    }
    entries.push(("owners", Yaml::Sequence(owners)));
    Ok(format!(
        "# Artifact Hub repository metadata. Generated by `cargo xtask gen` from policy/metadata.yml (owners:\n\
         # io.kubewarden.policy.author). Add `repositoryID: <id>` once Artifact Hub assigns one; gen keeps it.\n{}",
        yaml::emit(&mapping(entries))
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maintainers_need_an_email() {
        assert_eq!(
            maintainers("A B <a@b.io>, C <c@d.io>").unwrap(),
            [("A B".to_owned(), "a@b.io".to_owned()), ("C".to_owned(), "c@d.io".to_owned())]
        );
        assert_eq!(
            maintainers("aisgate developers").unwrap_err().to_string(),
            "policy/metadata.yml: annotation `io.kubewarden.policy.author`: `aisgate developers` is not `Name <email>` (Artifact Hub lists maintainers with an email)"
        );
    }
}
