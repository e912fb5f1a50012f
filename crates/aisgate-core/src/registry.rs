//! The one list of rules. Codes and names are a contract (rules.md): never renamed, never reused.

use crate::rule::Rule;
use crate::rules;

/// Every rule, in code order.
pub static RULES: &[&dyn Rule] = &[
    &rules::ais001_removed_field::RemovedField,
    &rules::ais002_deprecated_field::DeprecatedField,
    &rules::ais003_state_storage_undefined::StateStorageUndefined,
    &rules::ais004_cluster_size_invalid::ClusterSizeInvalid,
    &rules::ais005_port_out_of_range::PortOutOfRange,
    &rules::ais006_public_port_mismatch::PublicPortMismatch,
    &rules::ais007_public_port_collides_intra::PublicPortCollidesIntra,
    &rules::ais010_mount_path_invalid::MountPathInvalid,
    &rules::ais011_claim_name_invalid::ClaimNameInvalid,
    &rules::ais012_mount_without_size_or_class::MountWithoutSizeOrClass,
    &rules::ais020_host_port_on_shared_node::HostPortOnSharedNode,
    &rules::ais021_host_path_on_shared_node::HostPathOnSharedNode,
    &rules::ais022_proxy_target_host_port_clash::ProxyTargetHostPortClash,
    &rules::ais023_host_network_port_mismatch::HostNetworkPortMismatch,
    &rules::ais024_shared_node_without_external_access::SharedNodeWithoutExternalAccess,
    &rules::ais030_anti_affinity_replaced::AntiAffinityReplaced,
    &rules::ais031_unknown_topology_key::UnknownTopologyKey,
    &rules::ais032_pdb_blocks_drain::PdbBlocksDrain,
    &rules::ais033_destructive_scale_down::DestructiveScaleDown,
    &rules::ais034_mutable_image_tag::MutableImageTag,
    &rules::ais040_immutable_field_changed::ImmutableFieldChanged,
    &rules::ais101_missing_pod_anti_affinity::MissingPodAntiAffinity,
    &rules::ais102_preferred_anti_affinity_only::PreferredAntiAffinityOnly,
    &rules::ais103_duplicate_host_port::DuplicateHostPort,
    &rules::ais104_duplicate_container_port::DuplicateContainerPort,
    &rules::ais105_claim_name_convention::ClaimNameConvention,
    &rules::ais106_volume_mount_unresolved::VolumeMountUnresolved,
    &rules::ais107_statefulset_name_too_long::StatefulsetNameTooLong,
    &rules::ais108_claim_retention_deletes_data::ClaimRetentionDeletesData,
    &rules::ais201_pv_without_node_affinity::PvWithoutNodeAffinity,
    &rules::ais202_pv_node_affinity_not_single_node::PvNodeAffinityNotSingleNode,
    &rules::ais203_pv_reclaim_deletes_data::PvReclaimDeletesData,
    &rules::ais204_access_mode_invalid::AccessModeInvalid,
    &rules::ais205_block_volume_mode::BlockVolumeMode,
    &rules::ais206_pv_network_filesystem::PvNetworkFilesystem,
    &rules::ais207_claim_ref_invalid::ClaimRefInvalid,
    &rules::ais208_capacity_invalid::CapacityInvalid,
    &rules::ais401_claim_without_volume::ClaimWithoutVolume,
    &rules::ais402_claim_ref_out_of_range::ClaimRefOutOfRange,
    &rules::ais403_duplicate_claim_ref::DuplicateClaimRef,
    &rules::ais404_duplicate_disk::DuplicateDisk,
    &rules::ais405_ordinal_split_across_nodes::OrdinalSplitAcrossNodes,
    &rules::ais406_targets_exceed_nodes::TargetsExceedNodes,
    &rules::ais407_capacity_below_request::CapacityBelowRequest,
    &rules::ais408_storage_class_mismatch::StorageClassMismatch,
    &rules::ais409_selector_mismatch::SelectorMismatch,
    &rules::ais410_pv_node_outside_selector::PvNodeOutsideSelector,
    &rules::ais501_node_label_convention::NodeLabelConvention,
    &rules::ais502_release_name_invalid::ReleaseNameInvalid,
];

/// The rule with this code (`AIS020`) or name (`host-port-on-shared-node`).
#[must_use]
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    RULES.iter().copied().find(|rule| {
        let meta = rule.meta();
        meta.code.eq_ignore_ascii_case(code_or_name) || meta.name == code_or_name
    })
}
