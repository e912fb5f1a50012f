//! The one list of rules. Codes and names are a contract (rules.md): never renamed, never reused.

use crate::rule::{Rule, RuleMeta};
use crate::rules;

/// A rule with its catalog entry beside it, as `declare_rule!` registers it (each rule
/// module's `REGISTERED`). The engine reads the entry of every rule for every object: a field
/// read, not a call through `dyn Rule` (in the policy module an indirect call that a fresh
/// instance, policy-server's per-request path, resolves on first use, entry by entry).
pub struct Registered {
    rule: &'static dyn Rule,
    meta: &'static RuleMeta,
}

impl Registered {
    /// `meta` must be `rule`'s own entry (`declare_rule!` passes the rule's `META`).
    #[must_use]
    pub const fn new(rule: &'static dyn Rule, meta: &'static RuleMeta) -> Self {
        Self { rule, meta }
    }

    /// The rule's catalog entry.
    #[must_use]
    pub fn meta(&self) -> &'static RuleMeta {
        self.meta
    }

    #[must_use]
    pub fn rule(&self) -> &'static dyn Rule {
        self.rule
    }
}

impl std::fmt::Debug for Registered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registered").field("code", &self.meta.code).finish_non_exhaustive()
    }
}

impl std::ops::Deref for Registered {
    type Target = dyn Rule;

    fn deref(&self) -> &Self::Target {
        self.rule
    }
}

/// Every rule, in code order.
pub static RULES: &[&Registered] = &[
    &rules::ais001_removed_field::REGISTERED,
    &rules::ais002_deprecated_field::REGISTERED,
    &rules::ais003_state_storage_undefined::REGISTERED,
    &rules::ais004_cluster_size_invalid::REGISTERED,
    &rules::ais005_port_out_of_range::REGISTERED,
    &rules::ais006_public_port_mismatch::REGISTERED,
    &rules::ais007_public_port_collides_intra::REGISTERED,
    &rules::ais010_mount_path_invalid::REGISTERED,
    &rules::ais011_claim_name_invalid::REGISTERED,
    &rules::ais012_mount_without_size_or_class::REGISTERED,
    &rules::ais020_host_port_on_shared_node::REGISTERED,
    &rules::ais021_host_path_on_shared_node::REGISTERED,
    &rules::ais022_proxy_target_host_port_clash::REGISTERED,
    &rules::ais023_host_network_port_mismatch::REGISTERED,
    &rules::ais024_shared_node_without_external_access::REGISTERED,
    &rules::ais030_anti_affinity_replaced::REGISTERED,
    &rules::ais031_unknown_topology_key::REGISTERED,
    &rules::ais032_pdb_blocks_drain::REGISTERED,
    &rules::ais033_destructive_scale_down::REGISTERED,
    &rules::ais034_mutable_image_tag::REGISTERED,
    &rules::ais040_immutable_field_changed::REGISTERED,
    &rules::ais101_missing_pod_anti_affinity::REGISTERED,
    &rules::ais102_preferred_anti_affinity_only::REGISTERED,
    &rules::ais103_duplicate_host_port::REGISTERED,
    &rules::ais104_duplicate_container_port::REGISTERED,
    &rules::ais105_claim_name_convention::REGISTERED,
    &rules::ais106_volume_mount_unresolved::REGISTERED,
    &rules::ais107_statefulset_name_too_long::REGISTERED,
    &rules::ais108_claim_retention_deletes_data::REGISTERED,
    &rules::ais201_pv_without_node_affinity::REGISTERED,
    &rules::ais202_pv_node_affinity_not_single_node::REGISTERED,
    &rules::ais203_pv_reclaim_deletes_data::REGISTERED,
    &rules::ais204_access_mode_invalid::REGISTERED,
    &rules::ais205_block_volume_mode::REGISTERED,
    &rules::ais206_pv_network_filesystem::REGISTERED,
    &rules::ais207_claim_ref_invalid::REGISTERED,
    &rules::ais208_capacity_invalid::REGISTERED,
    &rules::ais401_claim_without_volume::REGISTERED,
    &rules::ais402_claim_ref_out_of_range::REGISTERED,
    &rules::ais403_duplicate_claim_ref::REGISTERED,
    &rules::ais404_duplicate_disk::REGISTERED,
    &rules::ais405_ordinal_split_across_nodes::REGISTERED,
    &rules::ais406_targets_exceed_nodes::REGISTERED,
    &rules::ais407_capacity_below_request::REGISTERED,
    &rules::ais408_storage_class_mismatch::REGISTERED,
    &rules::ais409_selector_mismatch::REGISTERED,
    &rules::ais410_pv_node_outside_selector::REGISTERED,
    &rules::ais501_node_label_convention::REGISTERED,
    &rules::ais502_release_name_invalid::REGISTERED,
];

/// The rule of a finding: the one with exactly this code (`AIS020`). A binary search of
/// [`RULES`] (in code order, checked below): the engine looks up the rule of every finding
/// it may fix, and comparing codes one by one took 2% of a target StatefulSet's admission.
#[must_use]
pub fn by_code(code: &str) -> Option<&'static Registered> {
    let at = RULES.binary_search_by(|rule| rule.meta().code.cmp(code)).ok()?;
    RULES.get(at).copied()
}

/// The rule with this code (`AIS020`) or name (`host-port-on-shared-node`).
#[must_use]
pub fn find(code_or_name: &str) -> Option<&'static Registered> {
    RULES.iter().copied().find(|rule| {
        let meta = rule.meta();
        meta.code.eq_ignore_ascii_case(code_or_name) || meta.name == code_or_name
    })
}

#[cfg(test)]
mod tests {
    use super::{RULES, by_code};

    #[test]
    fn rules_are_in_code_order_and_each_is_found_by_its_code() {
        let codes: Vec<&str> = RULES.iter().map(|rule| rule.meta().code).collect();
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]), "RULES must be in code order: {codes:?}");
        for code in codes {
            assert_eq!(by_code(code).map(|rule| rule.meta().code), Some(code));
        }
        assert!(by_code("AIS999").is_none());
        assert!(by_code("ais020").is_none(), "codes are matched exactly");
    }
}
