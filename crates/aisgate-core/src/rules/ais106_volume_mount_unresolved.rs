use crate::declare_rule;
use crate::model::AisObject;
use crate::names;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a `volumeMounts[].name` in any container or init container of an AIS
    /// `StatefulSet` that names neither a pod `volumes` entry nor a `volumeClaimTemplates`
    /// entry. When a volume differs only in punctuation or case, the message names it.
    ///
    /// ## Why is this bad?
    /// The API server does not check a `StatefulSet`'s pod template against its volumes, so
    /// the `StatefulSet` is accepted; every pod the controller then creates is refused
    /// (`FailedCreate`: `volumeMounts[…].name: Not found`), and no proxy or target starts.
    /// The legacy Helm chart shipped exactly this bug: its hostPath data volumes were named
    /// `fspath-ais-sda` (`/` replaced by `-`) while the mounts said `fspath.ais.sda`
    /// (`/` replaced by `.`).
    ///
    /// ## Example
    /// ```yaml
    /// containers:
    ///   - name: ais
    ///     volumeMounts: [{name: fspath.ais.sda, mountPath: /ais/sda}]
    /// volumes:
    ///   - name: fspath-ais-sda
    ///     hostPath: {path: /ais/sda}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    ///     volumeMounts: [{name: fspath-ais-sda, mountPath: /ais/sda}]
    /// ```
    pub struct VolumeMountUnresolved {
        code: "AIS106",
        name: "volume-mount-unresolved",
        severity: Deny,
        scope: Object,
        kinds: [StatefulSet],
        summary: "A volumeMount of an AIS StatefulSet names no volume and no volumeClaimTemplate",
        fix: None,
    }
}

/// A volume name reduced to its letters and digits, for suggestions.
fn skeleton(name: &str) -> String {
    name.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()).collect()
}

impl Rule for VolumeMountUnresolved {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::StatefulSet(sts, _) = check.object() else { return };
        let known: Vec<&str> = sts
            .spec
            .template
            .spec
            .volumes
            .iter()
            .map(|v| v.name.as_str())
            .chain(sts.spec.volume_claim_templates.iter().filter_map(|t| t.metadata.name.as_deref()))
            .collect();
        for (key, i, container) in sts.containers() {
            for (j, mount) in container.volume_mounts.iter().enumerate() {
                if known.contains(&mount.name.as_str()) {
                    continue;
                }
                let wanted = skeleton(&mount.name);
                let similar = known.iter().find(|k| !wanted.is_empty() && skeleton(k) == wanted);
                let name = names::abbreviate(&mount.name, 40);
                let message = match similar {
                    Some(volume) => format!(
                        "volumeMount {name} names no volume or claim template: pods are refused; did you mean {}?",
                        names::abbreviate(volume, 40)
                    ),
                    None => format!(
                        "volumeMount {name} names no volume or claim template: pods are refused; add the volume or fix the name"
                    ),
                };
                let at = JsonPath::from_keys("spec.template.spec")
                    .key(key)
                    .index(i)
                    .key("volumeMounts")
                    .index(j)
                    .key("name");
                out.push(Violation::new(at, message));
            }
        }
    }
}
