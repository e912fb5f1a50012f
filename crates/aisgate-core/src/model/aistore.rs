//! The `ais.nvidia.com/v1beta1` `AIStore` custom resource (domain.md §2).
//!
//! Every field is optional here: the CRD schema, not this view, decides what is required,
//! and rules report what is missing with a message rather than a decoding error.

use super::read::{Present, read_struct};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use super::affinity::{Affinity, LabelSelector};
use super::map::SmallMap;
use super::meta::Metadata;

pub const API_GROUP: &str = "ais.nvidia.com";
pub const KIND: &str = "AIStore";

#[derive(Debug, Clone, Default)]
pub struct AiStore {
    pub metadata: Metadata,
    pub spec: AiStoreSpec,
}

read_struct!(AiStore, "struct AiStore", derived { "metadata" => metadata, "spec" => spec });

#[derive(Debug, Clone, Default)]
pub struct AiStoreSpec {
    pub size: Option<i64>,
    pub node_image: Option<String>,
    pub init_image: Option<String>,
    pub state_storage: Option<StateStorage>,
    pub proxy_spec: RoleSpec,
    pub target_spec: RoleSpec,
    pub config_to_update: Option<Value>,
    pub shutdown_cluster: Option<bool>,
    /// Deprecated: `stateStorage.hostPath.prefix`.
    pub hostpath_prefix: Option<String>,
    /// Deprecated: `stateStorage.pvc.storageClass`.
    pub state_storage_class: Option<String>,
    /// Deprecated: `proxySpec.externalAccess` and `targetSpec.externalAccess`.
    pub enable_external_lb: Option<bool>,
}

read_struct!(AiStoreSpec, "struct AiStoreSpec", derived {
    "size" => size,
    "nodeImage" => node_image,
    "initImage" => init_image,
    "stateStorage" => state_storage,
    "proxySpec" => proxy_spec,
    "targetSpec" => target_spec,
    "configToUpdate" => config_to_update,
    "shutdownCluster" => shutdown_cluster,
    "hostpathPrefix" => hostpath_prefix,
    "stateStorageClass" => state_storage_class,
    "enableExternalLB" => enable_external_lb,
});

#[derive(Debug, Clone, Default)]
pub struct StateStorage {
    pub host_path: Option<Present>,
    pub pvc: Option<Present>,
    pub empty_dir: Option<Present>,
}

read_struct!(StateStorage, "struct StateStorage", derived {
    "hostPath" => host_path,
    "pvc" => pvc,
    "emptyDir" => empty_dir,
});

impl StateStorage {
    /// The modes set, in the CRD's order.
    #[must_use]
    pub fn modes(&self) -> Vec<&'static str> {
        let mut modes = Vec::new();
        if self.host_path.is_some() {
            modes.push("hostPath");
        }
        if self.pvc.is_some() {
            modes.push("pvc");
        }
        if self.empty_dir.is_some() {
            modes.push("emptyDir");
        }
        modes
    }
}

/// `proxySpec` or `targetSpec`; target-only fields stay empty for proxies.
#[derive(Debug, Clone, Default)]
pub struct RoleSpec {
    pub size: Option<i64>,
    pub service_port: Option<IntOrString>,
    pub port_public: Option<IntOrString>,
    pub port_intra_control: Option<IntOrString>,
    pub port_intra_data: Option<IntOrString>,
    pub host_port: Option<IntOrString>,
    pub node_selector: SmallMap,
    pub affinity: Option<Affinity>,
    pub external_access: Option<Value>,
    pub pvc_retention_policy: Option<RetentionPolicy>,
    pub mounts: Vec<Mount>,
    pub disable_pod_anti_affinity: Option<bool>,
    pub host_network: Option<bool>,
    pub pdb: Option<Pdb>,
    pub scale_down_mode: Option<String>,
}

read_struct!(RoleSpec, "struct RoleSpec", derived {
    "size" => size,
    "servicePort" => service_port,
    "portPublic" => port_public,
    "portIntraControl" => port_intra_control,
    "portIntraData" => port_intra_data,
    "hostPort" => host_port,
    "nodeSelector" => node_selector,
    "affinity" => affinity,
    "externalAccess" => external_access,
    "pvcRetentionPolicy" => pvc_retention_policy,
    "mounts" => mounts,
    "disablePodAntiAffinity" => disable_pod_anti_affinity,
    "hostNetwork" => host_network,
    "pdb" => pdb,
    "scaleDownMode" => scale_down_mode,
});

impl RoleSpec {
    /// The ports of a role with their field names, in the CRD's order.
    #[must_use]
    pub fn ports(&self) -> [(&'static str, Option<&IntOrString>); 5] {
        [
            ("servicePort", self.service_port.as_ref()),
            ("portPublic", self.port_public.as_ref()),
            ("portIntraControl", self.port_intra_control.as_ref()),
            ("portIntraData", self.port_intra_data.as_ref()),
            ("hostPort", self.host_port.as_ref()),
        ]
    }
}

/// The operator's default intra-cluster control port (domain.md §3).
pub const DEFAULT_INTRA_CONTROL_PORT: i64 = 51082;
/// The operator's default intra-cluster data port (domain.md §3).
pub const DEFAULT_INTRA_DATA_PORT: i64 = 51083;

/// The number a port field holds as the operator reads it (Go's `IntValue()`): the integer,
/// or a string that parses as one; `None` for any other string (the operator reads 0).
#[must_use]
pub fn port_number(port: &IntOrString) -> Option<i64> {
    match port {
        IntOrString::Int(n) => Some(i64::from(*n)),
        IntOrString::String(s) => s.parse().ok(),
    }
}

#[derive(Debug, Clone, Default)]
pub struct Mount {
    pub path: Option<String>,
    pub size: Option<Value>,
    pub storage_class: Option<String>,
    pub use_host_path: Option<bool>,
    pub selector: Option<LabelSelector>,
    pub label: Option<String>,
}

read_struct!(Mount, "struct Mount", derived {
    "path" => path,
    "size" => size,
    "storageClass" => storage_class,
    "useHostPath" => use_host_path,
    "selector" => selector,
    "label" => label,
});

#[derive(Debug, Clone, Default)]
pub struct RetentionPolicy {
    pub when_deleted: Option<String>,
    pub when_scaled: Option<String>,
}

read_struct!(RetentionPolicy, "struct RetentionPolicy", derived {
    "whenDeleted" => when_deleted,
    "whenScaled" => when_scaled,
});

#[derive(Debug, Clone, Default)]
pub struct Pdb {
    pub enabled: Option<bool>,
    pub max_unavailable: Option<IntOrString>,
}

read_struct!(Pdb, "struct Pdb", derived { "enabled" => enabled, "maxUnavailable" => max_unavailable });

/// The two roles of an AIS cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Proxy,
    Target,
}

impl Role {
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Proxy => "proxy",
            Role::Target => "target",
        }
    }

    /// The AIStore spec key of this role: `proxySpec` or `targetSpec`.
    #[must_use]
    pub fn spec_key(self) -> &'static str {
        match self {
            Role::Proxy => "proxySpec",
            Role::Target => "targetSpec",
        }
    }

    /// The operator's default `portPublic` (and `servicePort`): 51080 for proxies, 51081 for targets.
    #[must_use]
    pub fn default_public_port(self) -> i64 {
        match self {
            Role::Proxy => 51080,
            Role::Target => 51081,
        }
    }

    #[must_use]
    pub fn parse(text: &str) -> Option<Role> {
        match text {
            "proxy" => Some(Role::Proxy),
            "target" => Some(Role::Target),
            _ => None,
        }
    }
}

impl AiStore {
    /// The cluster name: the object's name (the operator's default is `ais`).
    #[must_use]
    pub fn cluster(&self) -> &str {
        self.metadata.name.as_deref().unwrap_or("ais")
    }

    #[must_use]
    pub fn role(&self, role: Role) -> &RoleSpec {
        match role {
            Role::Proxy => &self.spec.proxy_spec,
            Role::Target => &self.spec.target_spec,
        }
    }

    /// Targets may share a node: the operator drops its anti-affinity for them.
    #[must_use]
    pub fn targets_share_nodes(&self) -> bool {
        self.spec.target_spec.disable_pod_anti_affinity == Some(true)
    }

    /// The target replica count as written: `targetSpec.size`, else `spec.size`.
    #[must_use]
    pub fn target_size(&self) -> Option<i64> {
        self.spec.target_spec.size.or(self.spec.size)
    }
}
