//! What bundle rules may ask about the objects around the one under check.
//!
//! [`Context`] is the question side: every AIStore, StatefulSet, PV, PVC, StorageClass and
//! Node known, and the lookups the rules need to stay near linear (PVs by claim, by node, by
//! class; clusters by namespace; nodes by host name). [`Inventory`] answers it from objects
//! handed in: the CLI fills one from every input file, the policy from the host's
//! Kubernetes lookups plus the object under admission. Nothing here reads files or calls
//! hosts.

use std::cell::OnceCell;
use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::finding::ObjectRef;
use crate::model::aistore::{self, AiStore};
use crate::model::node::{self, Node};
use crate::model::statefulset::{self, AisWorkload, StatefulSet};
use crate::model::volume::{self, PersistentVolume, PersistentVolumeClaim, StorageClass};
use crate::model::{self, DecodeError};
use crate::path::JsonPath;
use crate::settings::Settings;

/// An object's position in a [`Context`].
pub type EntryId = usize;

/// A decoded object of a kind bundle rules read. Boxed: the typed views are large (an
/// `AiStore` over 1 KB) and a context of a large bundle holds tens of thousands of them.
#[derive(Debug, Clone)]
pub enum Object {
    AiStore(Box<AiStore>),
    /// Any StatefulSet; `Some` workload when it is an AIS proxy or target.
    StatefulSet(Box<StatefulSet>, Option<AisWorkload>),
    /// Any PV; `true` when it is an AIS PV by itself (rules.md, "AIS objects").
    PersistentVolume(Box<PersistentVolume>, bool),
    PersistentVolumeClaim(Box<PersistentVolumeClaim>),
    StorageClass(Box<StorageClass>),
    Node(Box<Node>),
}

/// Gives back the JSON of an object a context holds only decoded (by its origin): offline
/// linting keeps the typed objects of a large bundle, not every document's JSON, and reads
/// again only the objects a finding is about.
pub trait RawSource {
    /// The JSON of the object with this origin; `None` if it cannot be read again.
    fn raw(&self, origin: usize) -> Option<Value>;
}

/// An entry's JSON: held by the caller, or read again on first use.
enum Raw<'a> {
    Given(&'a Value),
    Lazy(&'a dyn RawSource, OnceCell<Value>),
}

impl std::fmt::Debug for Raw<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Raw::Given(value) => f.debug_tuple("Given").field(value).finish(),
            Raw::Lazy(_, cell) => f.debug_tuple("Lazy").field(cell).finish(),
        }
    }
}

/// One object of a context: its JSON, typed view, identity, and the caller's tag for it
/// (an index into the caller's own list, used to find the object's file and line).
#[derive(Debug)]
pub struct Entry<'a> {
    raw: Raw<'a>,
    pub object: Object,
    pub reference: ObjectRef,
    pub origin: usize,
}

/// An object decoded for a context, not yet in one ([`decode_entry`], [`Inventory::insert_decoded`]).
#[derive(Debug, Clone)]
pub struct Decoded {
    pub object: Object,
    pub reference: ObjectRef,
}

impl Entry<'_> {
    /// The object's JSON (`null` when an object held only decoded cannot be read again).
    #[must_use]
    pub fn raw(&self) -> &Value {
        match &self.raw {
            Raw::Given(value) => value,
            Raw::Lazy(source, cell) => cell.get_or_init(|| source.raw(self.origin).unwrap_or(Value::Null)),
        }
    }

    #[must_use]
    pub fn namespace(&self) -> &str {
        self.reference.namespace.as_deref().unwrap_or_default()
    }

    #[must_use]
    pub fn name(&self) -> &str {
        &self.reference.name
    }

    #[must_use]
    pub fn as_pv(&self) -> Option<&PersistentVolume> {
        match &self.object {
            Object::PersistentVolume(pv, _) => Some(pv),
            _ => None,
        }
    }
}

/// The questions bundle rules ask. Every list is in insertion order.
pub trait Context {
    fn entry(&self, id: EntryId) -> Option<&Entry<'_>>;
    fn len(&self) -> usize;
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn aistores(&self) -> &[EntryId];
    fn stateful_sets(&self) -> &[EntryId];
    fn persistent_volumes(&self) -> &[EntryId];
    fn claims(&self) -> &[EntryId];
    fn nodes(&self) -> &[EntryId];
    /// PVs whose `claimRef` names this claim.
    fn volumes_bound_to(&self, namespace: &str, claim: &str) -> &[EntryId];
    /// PVs whose node affinity pins this host name.
    fn volumes_on_node(&self, hostname: &str) -> &[EntryId];
    /// PVs without `claimRef`, of this class (`""`: no class).
    fn unbound_volumes_of_class(&self, class: &str) -> &[EntryId];
    /// Whether any PV of this class is known.
    fn has_volumes_of_class(&self, class: &str) -> bool;
    fn storage_class(&self, name: &str) -> Option<&StorageClass>;
    /// The class marked default, if exactly one is.
    fn default_storage_class(&self) -> Option<&str>;
    /// The Node with this `kubernetes.io/hostname` (or name).
    fn node(&self, hostname: &str) -> Option<&Node>;
}

/// A [`Context`] over objects handed in, indexed as they arrive.
#[derive(Debug, Default)]
pub struct Inventory<'a> {
    entries: Vec<Entry<'a>>,
    aistores: Vec<EntryId>,
    stateful_sets: Vec<EntryId>,
    volumes: Vec<EntryId>,
    claims: Vec<EntryId>,
    nodes: Vec<EntryId>,
    by_claim: HashMap<(String, String), Vec<EntryId>>,
    by_node: HashMap<String, Vec<EntryId>>,
    unbound_by_class: HashMap<String, Vec<EntryId>>,
    volume_classes: HashMap<String, usize>,
    classes: BTreeMap<String, EntryId>,
    node_by_hostname: HashMap<String, EntryId>,
    by_identity: HashMap<(String, String, String, String), EntryId>,
}

/// The kinds an [`Inventory`] holds, as `(apiVersion, kind)`; what the policy looks up.
pub const KINDS: &[(&str, &str)] = &[
    ("ais.nvidia.com/v1beta1", aistore::KIND),
    ("apps/v1", statefulset::KIND),
    ("v1", volume::PVC_KIND),
    ("v1", volume::PV_KIND),
    ("storage.k8s.io/v1", volume::STORAGE_CLASS_KIND),
    ("v1", node::KIND),
];

fn identity(reference: &ObjectRef) -> (String, String, String, String) {
    let group = reference.api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or_default().to_owned();
    (group, reference.kind.clone(), reference.namespace.clone().unwrap_or_default(), reference.name.clone())
}

impl<'a> Inventory<'a> {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds an object. `Ok(None)`: not a kind bundle rules read (skipped). An object with
    /// the identity of one already held replaces it (the incoming version at admission).
    pub fn insert(
        &mut self,
        raw: &'a Value,
        origin: usize,
        settings: &Settings,
    ) -> Result<Option<EntryId>, DecodeError> {
        let Some(decoded) = decode_entry(raw, settings)? else { return Ok(None) };
        Ok(Some(self.add(decoded, Raw::Given(raw), origin)))
    }

    /// Adds an object decoded by [`decode_entry`], whose JSON `source` gives back when a
    /// rule or an exemption asks for it.
    pub fn insert_decoded(&mut self, decoded: Decoded, source: &'a dyn RawSource, origin: usize) -> EntryId {
        self.add(decoded, Raw::Lazy(source, OnceCell::new()), origin)
    }

    fn add(&mut self, decoded: Decoded, raw: Raw<'a>, origin: usize) -> EntryId {
        let Decoded { object, reference } = decoded;
        let key = identity(&reference);
        if let Some(&existing) = self.by_identity.get(&key) {
            self.forget(existing);
        }
        let id = self.entries.len();
        self.by_identity.insert(key, id);
        self.index(id, &object, &reference);
        self.entries.push(Entry { raw, object, reference, origin });
        id
    }

    fn index(&mut self, id: EntryId, object: &Object, reference: &ObjectRef) {
        match object {
            Object::AiStore(_) => self.aistores.push(id),
            Object::StatefulSet(..) => self.stateful_sets.push(id),
            Object::PersistentVolumeClaim(_) => self.claims.push(id),
            Object::StorageClass(_) => {
                self.classes.insert(reference.name.clone(), id);
            }
            Object::Node(node) => {
                self.nodes.push(id);
                self.node_by_hostname.insert(node.hostname().to_owned(), id);
                if let Some(name) = &node.metadata.name {
                    self.node_by_hostname.entry(name.clone()).or_insert(id);
                }
            }
            Object::PersistentVolume(pv, _) => {
                self.volumes.push(id);
                *self.volume_classes.entry(pv.class().to_owned()).or_default() += 1;
                match &pv.spec.claim_ref {
                    Some(claim) => {
                        let key = (claim.namespace.clone().unwrap_or_default(), claim.name.clone().unwrap_or_default());
                        self.by_claim.entry(key).or_default().push(id);
                    }
                    None => self.unbound_by_class.entry(pv.class().to_owned()).or_default().push(id),
                }
                if let Some(node) = pv.pinned_node() {
                    self.by_node.entry(node.to_owned()).or_default().push(id);
                }
            }
        }
    }

    /// Drops a replaced entry from every index (rare: an object given twice, or the
    /// incoming version of a stored object).
    fn forget(&mut self, id: EntryId) {
        if let Some(pv) = self.entries.get(id).and_then(Entry::as_pv)
            && let Some(count) = self.volume_classes.get_mut(pv.class())
        {
            *count = count.saturating_sub(1);
        }
        let drop = |list: &mut Vec<EntryId>| list.retain(|&e| e != id);
        drop(&mut self.aistores);
        drop(&mut self.stateful_sets);
        drop(&mut self.volumes);
        drop(&mut self.claims);
        drop(&mut self.nodes);
        self.by_claim.values_mut().for_each(drop);
        self.by_node.values_mut().for_each(drop);
        self.unbound_by_class.values_mut().for_each(drop);
        self.classes.retain(|_, e| *e != id);
        self.node_by_hostname.retain(|_, e| *e != id);
    }

    /// The entry an object with this identity has, if any.
    #[must_use]
    pub fn find(&self, reference: &ObjectRef) -> Option<EntryId> {
        self.by_identity.get(&identity(reference)).copied()
    }
}

/// Decodes an object for a context: its typed view and identity; `Ok(None)` for kinds a
/// context does not hold. Needs no context, so callers may decode objects in parallel.
pub fn decode_entry(raw: &Value, settings: &Settings) -> Result<Option<Decoded>, DecodeError> {
    let Some(object) = decode(raw, settings)? else { return Ok(None) };
    let metadata = match &object {
        Object::AiStore(o) => &o.metadata,
        Object::StatefulSet(o, _) => &o.metadata,
        Object::PersistentVolume(o, _) => &o.metadata,
        Object::PersistentVolumeClaim(o) => &o.metadata,
        Object::StorageClass(o) => &o.metadata,
        Object::Node(o) => &o.metadata,
    };
    let reference = ObjectRef {
        api_version: model::text(raw, "apiVersion")?.to_owned(),
        kind: model::text(raw, "kind")?.to_owned(),
        namespace: metadata.namespace.clone().filter(|ns| !ns.is_empty()),
        name: metadata.display_name(),
    };
    Ok(Some(Decoded { object, reference }))
}

/// Decodes any object of the kinds in [`KINDS`]; `Ok(None)` for other kinds.
fn decode(raw: &Value, settings: &Settings) -> Result<Option<Object>, DecodeError> {
    if !raw.is_object() {
        return Err(DecodeError::new(JsonPath::root(), "expected a Kubernetes object (a JSON object)"));
    }
    let api_version = model::text(raw, "apiVersion")?;
    let kind = model::text(raw, "kind")?;
    let group = api_version.rsplit_once('/').map_or("", |(g, _)| g);
    let object = match (group, kind) {
        ("storage.k8s.io", volume::STORAGE_CLASS_KIND) => Object::StorageClass(Box::new(model::decode_as(raw)?)),
        ("", node::KIND) => Object::Node(Box::new(model::decode_as(raw)?)),
        _ => match model::Kind::of(api_version, kind)? {
            None => return Ok(None),
            Some(model::Kind::AiStore) => Object::AiStore(Box::new(model::decode_as(raw)?)),
            Some(model::Kind::StatefulSet) => {
                let sts: StatefulSet = model::decode_as(raw)?;
                let workload = model::workload_of(&sts, settings);
                Object::StatefulSet(Box::new(sts), workload)
            }
            Some(model::Kind::PersistentVolume) => {
                let pv: PersistentVolume = model::decode_as(raw)?;
                let ais = model::is_ais_pv(&pv, settings);
                Object::PersistentVolume(Box::new(pv), ais)
            }
            Some(model::Kind::PersistentVolumeClaim) => Object::PersistentVolumeClaim(Box::new(model::decode_as(raw)?)),
        },
    };
    Ok(Some(object))
}

const NONE: &[EntryId] = &[];

impl Context for Inventory<'_> {
    fn entry(&self, id: EntryId) -> Option<&Entry<'_>> {
        self.entries.get(id)
    }

    fn len(&self) -> usize {
        self.entries.len()
    }

    fn aistores(&self) -> &[EntryId] {
        &self.aistores
    }

    fn stateful_sets(&self) -> &[EntryId] {
        &self.stateful_sets
    }

    fn persistent_volumes(&self) -> &[EntryId] {
        &self.volumes
    }

    fn claims(&self) -> &[EntryId] {
        &self.claims
    }

    fn nodes(&self) -> &[EntryId] {
        &self.nodes
    }

    fn volumes_bound_to(&self, namespace: &str, claim: &str) -> &[EntryId] {
        self.by_claim.get(&(namespace.to_owned(), claim.to_owned())).map_or(NONE, Vec::as_slice)
    }

    fn volumes_on_node(&self, hostname: &str) -> &[EntryId] {
        self.by_node.get(hostname).map_or(NONE, Vec::as_slice)
    }

    fn unbound_volumes_of_class(&self, class: &str) -> &[EntryId] {
        self.unbound_by_class.get(class).map_or(NONE, Vec::as_slice)
    }

    fn has_volumes_of_class(&self, class: &str) -> bool {
        self.volume_classes.get(class).is_some_and(|count| *count > 0)
    }

    fn storage_class(&self, name: &str) -> Option<&StorageClass> {
        match &self.entries.get(*self.classes.get(name)?)?.object {
            Object::StorageClass(class) => Some(class),
            _ => None,
        }
    }

    fn default_storage_class(&self) -> Option<&str> {
        let mut defaults = self.classes.iter().filter(|(_, id)| {
            matches!(self.entries.get(**id).map(|e| &e.object), Some(Object::StorageClass(c)) if c.is_default())
        });
        let (name, _) = defaults.next()?;
        defaults.next().is_none().then_some(name.as_str())
    }

    fn node(&self, hostname: &str) -> Option<&Node> {
        match &self.entries.get(*self.node_by_hostname.get(hostname)?)?.object {
            Object::Node(node) => Some(node),
            _ => None,
        }
    }
}
