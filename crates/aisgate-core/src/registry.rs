//! The one list of rules. Codes and names are a contract (rules.md): never renamed, never reused.

use crate::rule::{Check, Rule, RuleMeta, Violation};
use crate::rules;

/// A rule with its catalog entry at hand. The engine reads the entry of every rule on every
/// request; through `dyn Rule` that is a call through the wasm function table, and a fresh
/// instance of the policy module (policy-server makes one per request) fills each table
/// entry on its first call: about 50 ns each, 2.5 us for the 49 entries of `meta`.
/// [`Registered::meta`] reads a field instead, and [`Registered::check`] calls the rule's
/// check directly (a `match`); everything else goes through the rule.
#[derive(Clone, Copy)]
pub struct Registered {
    meta: &'static RuleMeta,
    rule: &'static dyn Rule,
    id: Id,
}

impl Registered {
    /// The rule's catalog entry (the same as `Rule::meta`, without the call).
    #[must_use]
    pub fn meta(&self) -> &'static RuleMeta {
        self.meta
    }

    #[must_use]
    pub fn rule(&self) -> &'static dyn Rule {
        self.rule
    }

    /// `Rule::check`, called without the function table.
    pub fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        self.id.check(check, out);
    }
}

impl std::ops::Deref for Registered {
    type Target = dyn Rule;

    fn deref(&self) -> &Self::Target {
        self.rule
    }
}

impl std::fmt::Debug for Registered {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.rule.fmt(f)
    }
}

/// Registers rules declared with `declare_rule!` (their `META`): [`RULES`], and [`Id`] to
/// call each one's check directly.
macro_rules! registered {
    ($($module:ident::$rule:ident),* $(,)?) => {
        /// Which rule a [`Registered`] is.
        #[derive(Debug, Clone, Copy)]
        enum Id {
            $($rule),*
        }

        impl Id {
            fn check(self, check: &Check<'_>, out: &mut Vec<Violation>) {
                match self {
                    $(Id::$rule => Rule::check(&rules::$module::$rule, check, out)),*
                }
            }
        }

        /// Every rule, in code order.
        pub static RULES: &[Registered] = &[
            $(Registered { meta: &rules::$module::$rule::META, rule: &rules::$module::$rule, id: Id::$rule }),*
        ];
    };
}

registered![
    ais001_removed_field::RemovedField,
    ais002_deprecated_field::DeprecatedField,
    ais003_state_storage_undefined::StateStorageUndefined,
    ais004_cluster_size_invalid::ClusterSizeInvalid,
    ais005_port_out_of_range::PortOutOfRange,
    ais006_public_port_mismatch::PublicPortMismatch,
    ais007_public_port_collides_intra::PublicPortCollidesIntra,
    ais010_mount_path_invalid::MountPathInvalid,
    ais011_claim_name_invalid::ClaimNameInvalid,
    ais012_mount_without_size_or_class::MountWithoutSizeOrClass,
    ais020_host_port_on_shared_node::HostPortOnSharedNode,
    ais021_host_path_on_shared_node::HostPathOnSharedNode,
    ais022_proxy_target_host_port_clash::ProxyTargetHostPortClash,
    ais023_host_network_port_mismatch::HostNetworkPortMismatch,
    ais024_shared_node_without_external_access::SharedNodeWithoutExternalAccess,
    ais030_anti_affinity_replaced::AntiAffinityReplaced,
    ais031_unknown_topology_key::UnknownTopologyKey,
    ais032_pdb_blocks_drain::PdbBlocksDrain,
    ais033_destructive_scale_down::DestructiveScaleDown,
    ais034_mutable_image_tag::MutableImageTag,
    ais040_immutable_field_changed::ImmutableFieldChanged,
    ais101_missing_pod_anti_affinity::MissingPodAntiAffinity,
    ais102_preferred_anti_affinity_only::PreferredAntiAffinityOnly,
    ais103_duplicate_host_port::DuplicateHostPort,
    ais104_duplicate_container_port::DuplicateContainerPort,
    ais105_claim_name_convention::ClaimNameConvention,
    ais106_volume_mount_unresolved::VolumeMountUnresolved,
    ais107_statefulset_name_too_long::StatefulsetNameTooLong,
    ais108_claim_retention_deletes_data::ClaimRetentionDeletesData,
    ais201_pv_without_node_affinity::PvWithoutNodeAffinity,
    ais202_pv_node_affinity_not_single_node::PvNodeAffinityNotSingleNode,
    ais203_pv_reclaim_deletes_data::PvReclaimDeletesData,
    ais204_access_mode_invalid::AccessModeInvalid,
    ais205_block_volume_mode::BlockVolumeMode,
    ais206_pv_network_filesystem::PvNetworkFilesystem,
    ais207_claim_ref_invalid::ClaimRefInvalid,
    ais208_capacity_invalid::CapacityInvalid,
    ais401_claim_without_volume::ClaimWithoutVolume,
    ais402_claim_ref_out_of_range::ClaimRefOutOfRange,
    ais403_duplicate_claim_ref::DuplicateClaimRef,
    ais404_duplicate_disk::DuplicateDisk,
    ais405_ordinal_split_across_nodes::OrdinalSplitAcrossNodes,
    ais406_targets_exceed_nodes::TargetsExceedNodes,
    ais407_capacity_below_request::CapacityBelowRequest,
    ais408_storage_class_mismatch::StorageClassMismatch,
    ais409_selector_mismatch::SelectorMismatch,
    ais410_pv_node_outside_selector::PvNodeOutsideSelector,
    ais501_node_label_convention::NodeLabelConvention,
    ais502_release_name_invalid::ReleaseNameInvalid,
];

/// The rule with this code (`AIS020`) or name (`host-port-on-shared-node`).
#[must_use]
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES
        .iter()
        .find(|rule| {
            let meta = rule.meta();
            meta.code.eq_ignore_ascii_case(code_or_name) || meta.name == code_or_name
        })
        .map(Registered::rule)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registered_entries_are_the_rules_own() {
        for registered in RULES {
            assert_eq!(registered.meta(), registered.rule().meta());
        }
    }
}
