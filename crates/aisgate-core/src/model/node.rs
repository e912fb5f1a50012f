//! `v1` `Node`: only its labels matter to the rules (which targets it can run).

use super::read::read_struct;

use super::map::SmallMap;
use super::meta::Metadata;
use super::statefulset::HOSTNAME_LABEL;

pub const KIND: &str = "Node";

#[derive(Debug, Clone, Default)]
pub struct Node {
    pub metadata: Metadata,
    pub spec: NodeSpec,
}

read_struct!(Node, "struct Node", derived { "metadata" => metadata, "spec" => spec });

#[derive(Debug, Clone, Default)]
pub struct NodeSpec {
    pub unschedulable: Option<bool>,
}

read_struct!(NodeSpec, "struct NodeSpec", derived { "unschedulable" => unschedulable });

impl Node {
    /// The value PVs and nodeSelectors pin: the `kubernetes.io/hostname` label, else the name.
    #[must_use]
    pub fn hostname(&self) -> &str {
        self.metadata.label(HOSTNAME_LABEL).or(self.metadata.name.as_deref()).unwrap_or_default()
    }

    /// Whether the node carries every label of a nodeSelector.
    #[must_use]
    pub fn satisfies(&self, node_selector: &SmallMap) -> bool {
        node_selector.iter().all(|(key, value)| {
            self.metadata.label(key) == Some(&**value)
                || (key == HOSTNAME_LABEL && self.metadata.name.as_deref() == Some(&**value))
        })
    }
}
