//! Label selectors and pod (anti-)affinity as the views hold them: k8s-openapi's shapes,
//! names and reading rules, with `matchLabels` a [`SmallMap`] like every other string map of
//! the views (k8s-openapi's `BTreeMap<String, String>` was 8.7 KB of B-tree code in the
//! policy module for these alone). Fields no rule reads are checked and not kept.

use k8s_openapi::api::core::v1::NodeAffinity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;
use serde::Serialize;

use super::map::SmallMap;
use super::read::{Checked, read_struct};

/// A label selector: `matchLabels` and `matchExpressions`, all of which must hold. Written
/// (in the settings) as k8s-openapi writes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_expressions: Option<Vec<LabelSelectorRequirement>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub match_labels: Option<SmallMap>,
}

read_struct!(LabelSelector, "LabelSelector", kubernetes {
    "matchExpressions" => match_expressions,
    "matchLabels" => match_labels,
});

/// A pod's affinity; `podAffinity` is only checked.
#[derive(Debug, Clone, Default)]
pub struct Affinity {
    pub node_affinity: Option<NodeAffinity>,
    pub pod_affinity: Checked<Option<PodAffinity>>,
    pub pod_anti_affinity: Option<PodAntiAffinity>,
}

read_struct!(Affinity, "Affinity", kubernetes {
    "nodeAffinity" => node_affinity,
    "podAffinity" => pod_affinity,
    "podAntiAffinity" => pod_anti_affinity,
});

/// Pod affinity, which no rule reads: its terms are checked, not kept.
#[derive(Debug, Clone, Copy, Default)]
pub struct PodAffinity {
    preferred_during_scheduling_ignored_during_execution: Checked<Option<Vec<WeightedPodAffinityTerm>>>,
    required_during_scheduling_ignored_during_execution: Checked<Option<Vec<PodAffinityTerm>>>,
}

read_struct!(PodAffinity, "PodAffinity", kubernetes {
    "preferredDuringSchedulingIgnoredDuringExecution" => preferred_during_scheduling_ignored_during_execution,
    "requiredDuringSchedulingIgnoredDuringExecution" => required_during_scheduling_ignored_during_execution,
});

/// Pod anti-affinity: terms that keep pods away from the pods they select.
#[derive(Debug, Clone, Default)]
pub struct PodAntiAffinity {
    pub preferred_during_scheduling_ignored_during_execution: Option<Vec<WeightedPodAffinityTerm>>,
    pub required_during_scheduling_ignored_during_execution: Option<Vec<PodAffinityTerm>>,
}

read_struct!(PodAntiAffinity, "PodAntiAffinity", kubernetes {
    "preferredDuringSchedulingIgnoredDuringExecution" => preferred_during_scheduling_ignored_during_execution,
    "requiredDuringSchedulingIgnoredDuringExecution" => required_during_scheduling_ignored_during_execution,
});

/// A preferred term with its weight.
#[derive(Debug, Clone, Default)]
pub struct WeightedPodAffinityTerm {
    pub pod_affinity_term: PodAffinityTerm,
    pub weight: i32,
}

read_struct!(WeightedPodAffinityTerm, "WeightedPodAffinityTerm", kubernetes {
    "podAffinityTerm" => pod_affinity_term: plain,
    "weight" => weight: plain,
});

/// The pods a term selects (by labels, in namespaces) and the topology it spreads them over.
#[derive(Debug, Clone, Default)]
pub struct PodAffinityTerm {
    pub label_selector: Option<LabelSelector>,
    pub match_label_keys: Checked<Option<Vec<String>>>,
    pub mismatch_label_keys: Checked<Option<Vec<String>>>,
    pub namespace_selector: Checked<Option<LabelSelector>>,
    pub namespaces: Option<Vec<String>>,
    pub topology_key: String,
}

read_struct!(PodAffinityTerm, "PodAffinityTerm", kubernetes {
    "labelSelector" => label_selector,
    "matchLabelKeys" => match_label_keys,
    "mismatchLabelKeys" => mismatch_label_keys,
    "namespaceSelector" => namespace_selector,
    "namespaces" => namespaces,
    "topologyKey" => topology_key: plain,
});
