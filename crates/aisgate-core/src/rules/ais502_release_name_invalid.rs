use crate::declare_rule;
use crate::model::AisObject;
use crate::model::statefulset::Flavor;
use crate::names;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// On a `StatefulSet` of the legacy AIS Helm chart (labels `component: proxy|target` and an
    /// `app` containing `ais`), flags a `release` label (on the `StatefulSet`, else on its pod
    /// template) that is not a DNS-1123 label: lower-case letters, digits and `-`, starting
    /// and ending with a letter or digit, at most 63 characters.
    ///
    /// ## Why is this bad?
    /// The chart builds its names from the release: the base name `<release>-ais`, the
    /// `StatefulSets` and Services `<release>-ais-proxy` / `<release>-ais-target`, the pods'
    /// host names, the state directories `/etc/ais/<release>/…` and the node label values
    /// `<release>-ais` and `<release>-ais-electable`. Service names and pod host names must
    /// be DNS labels, so with a release such as `ais.v2` or `Prod_1` these objects are
    /// refused or the pods cannot be reached by name. Helm itself refuses such release
    /// names; they come from manifests rendered or edited by other means.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: ais.v2-ais-target
    ///   labels: {app: ais, component: target, release: ais.v2}
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   name: ais-v2-ais-target
    ///   labels: {app: ais, component: target, release: ais-v2}
    /// ```
    pub struct ReleaseNameInvalid {
        code: "AIS502",
        name: "release-name-invalid",
        severity: Deny,
        scope: Object,
        kinds: [StatefulSet],
        summary: "A legacy AIS Helm release name (label release) that is not a DNS-1123 label",
        fix: None,
    }
}

impl Rule for ReleaseNameInvalid {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::StatefulSet(sts, workload) = check.object() else { return };
        if workload.flavor != Flavor::LegacyChart {
            return;
        }
        let (release, path) = if let Some(release) = sts.metadata.label("release") {
            (release, JsonPath::from_keys("metadata.labels.release"))
        } else if let Some(release) = sts.spec.template.metadata.labels.text("release") {
            (release, JsonPath::from_keys("spec.template.metadata.labels.release"))
        } else {
            return;
        };
        if names::is_dns1123_label(release) {
            return;
        }
        let message = if release.is_empty() {
            "release label is empty: the chart's names (<release>-ais-…) need a release; set a DNS-1123 label"
                .to_owned()
        } else {
            format!(
                "release {} is not a DNS-1123 label: the Service and pod names built from it are refused; use [a-z0-9-]",
                names::abbreviate(release, 40)
            )
        };
        out.push(Violation::new(path, message));
    }
}
