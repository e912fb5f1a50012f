//! What bundle rules may ask about the objects around the one under check.
//!
//! [`Context`] is the question side: every AIStore, StatefulSet, PV, PVC, StorageClass and
//! Node known, and the lookups the rules need to stay near linear (PVs by claim, by node, by
//! class; clusters by namespace; nodes by host name). [`Inventory`] answers it from objects
//! handed in: the CLI fills one from every input file, the policy from the host's
//! Kubernetes lookups plus the object under admission. Nothing here reads files or calls
//! hosts.

use std::collections::hash_map::Entry as Slot;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::{Arc, OnceLock};

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
/// again only the objects a finding is about. `Sync`: the rules across objects may run on
/// several threads over one context.
pub trait RawSource: Sync {
    /// The JSON of the object with this origin; `None` if it cannot be read again.
    fn raw(&self, origin: usize) -> Option<Value>;
}

/// An entry's JSON: held by the caller, or read again on first use.
enum Raw<'a> {
    Given(&'a Value),
    Lazy(&'a dyn RawSource, OnceLock<Value>),
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
    pub reference: Arc<ObjectRef>,
    pub origin: usize,
}

/// An object decoded for a context, not yet in one ([`decode_entry`], [`Inventory::insert_decoded`]).
#[derive(Debug, Clone)]
pub struct Decoded {
    pub object: Object,
    /// Shared: offline linting's report names the object with the same one.
    pub reference: Arc<ObjectRef>,
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
    /// PVs by the claim their `claimRef` names, and by the node they pin.
    by_claim: ByKey<(String, String)>,
    by_node: ByKey<String>,
    unbound_by_class: HashMap<String, Vec<EntryId>>,
    volume_classes: HashMap<String, usize>,
    classes: HashMap<String, EntryId>,
    node_by_hostname: HashMap<String, EntryId>,
    by_identity: ByHashOne<OwnedIdentity>,
}

/// The hasher of the indexes: fast on short keys (foldhash) and the same in every run, seeded
/// by no random number. Not a defence against chosen collisions: keys that collide are still
/// told apart, in slower lists, and the keys the policy files come from one namespace or from
/// cluster-scoped objects that only administrators write.
pub(crate) type FixedHasher = foldhash::fast::FixedState;

/// A map of the indexes, hashed as [`hash_of`] hashes.
pub(crate) type HashMap<K, V> = std::collections::HashMap<K, V, FixedHasher>;

/// A hash of string keys, the same in every run.
pub(crate) fn hash_of(key: impl Hash) -> u64 {
    FixedHasher::default().hash_one(key)
}

/// Hashes a `u64` key (already a hash) as itself.
#[derive(Debug, Default, Clone, Copy)]
struct KeyHasher(u64);

impl Hasher for KeyHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

type ByHash<V> = std::collections::HashMap<u64, V, BuildHasherDefault<KeyHasher>>;

/// Entry ids by a string key their entries hold (a PV's claim, its node): filed under the
/// key's hash and told apart by asking the first entry of a list whether it `holds` the
/// key, so that no key is copied. A key whose hash a list of another key already has goes
/// to `collided`, with a copy of the key.
#[derive(Debug)]
struct ByKey<K> {
    lists: ByHash<Vec<EntryId>>,
    collided: Vec<(K, Vec<EntryId>)>,
}

impl<K> Default for ByKey<K> {
    fn default() -> Self {
        Self { lists: ByHash::default(), collided: Vec::new() }
    }
}

impl<K> ByKey<K> {
    /// Files `id` under the key with this hash; `is` tells a collided key, `owned` copies it.
    fn push(
        &mut self,
        hash: u64,
        id: EntryId,
        holds: impl Fn(EntryId) -> bool,
        is: impl Fn(&K) -> bool,
        owned: impl FnOnce() -> K,
    ) {
        if let Some((_, list)) = self.collided.iter_mut().find(|(key, _)| is(key)) {
            list.push(id);
            return;
        }
        match self.lists.entry(hash) {
            Slot::Vacant(slot) => {
                slot.insert(vec![id]);
            }
            Slot::Occupied(slot) => {
                let list = slot.into_mut();
                match list.first() {
                    Some(&first) if !holds(first) => self.collided.push((owned(), vec![id])),
                    _ => list.push(id),
                }
            }
        }
    }

    fn get(&self, hash: u64, holds: impl Fn(EntryId) -> bool, is: impl Fn(&K) -> bool) -> &[EntryId] {
        if let Some(list) = self.lists.get(&hash)
            && list.first().is_some_and(|&first| holds(first))
        {
            return list;
        }
        self.collided.iter().find(|(key, _)| is(key)).map_or(NONE, |(_, list)| list.as_slice())
    }

    fn remove(&mut self, id: EntryId) {
        self.lists.values_mut().for_each(|list| list.retain(|&e| e != id));
        self.collided.iter_mut().for_each(|(_, list)| list.retain(|&e| e != id));
    }
}

/// An object's identity: API group, kind, namespace, name.
type Identity<'r> = (&'r str, &'r str, &'r str, &'r str);

fn identity(reference: &ObjectRef) -> Identity<'_> {
    let group = reference.api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or_default();
    (group, &reference.kind, reference.namespace.as_deref().unwrap_or_default(), &reference.name)
}

/// One id per key (the last one filed), filed as [`ByKey`] files lists: under the key's
/// hash, told apart by asking the id filed whether it `holds` the key.
#[derive(Debug, Clone)]
pub(crate) struct ByHashOne<K> {
    ids: ByHash<usize>,
    collided: Vec<(K, usize)>,
}

impl<K> Default for ByHashOne<K> {
    fn default() -> Self {
        Self { ids: ByHash::default(), collided: Vec::new() }
    }
}

impl<K> ByHashOne<K> {
    pub(crate) fn get(&self, hash: u64, holds: impl Fn(usize) -> bool, is: impl Fn(&K) -> bool) -> Option<usize> {
        if let Some(&id) = self.ids.get(&hash)
            && holds(id)
        {
            return Some(id);
        }
        self.collided.iter().find(|(key, _)| is(key)).map(|(_, id)| *id)
    }

    /// Files `id` under its key, in place of the id filed before under it, if any.
    pub(crate) fn insert(
        &mut self,
        hash: u64,
        id: usize,
        holds: impl Fn(usize) -> bool,
        is: impl Fn(&K) -> bool,
        owned: impl FnOnce() -> K,
    ) {
        if let Some((_, existing)) = self.collided.iter_mut().find(|(key, _)| is(key)) {
            *existing = id;
            return;
        }
        match self.ids.entry(hash) {
            Slot::Vacant(slot) => {
                slot.insert(id);
            }
            Slot::Occupied(mut slot) if holds(*slot.get()) => {
                slot.insert(id);
            }
            Slot::Occupied(_) => self.collided.push((owned(), id)),
        }
    }
}

/// An owned identity, for the rare identities that share a hash.
type OwnedIdentity = (String, String, String, String);

fn same_identity(owned: &OwnedIdentity, key: Identity<'_>) -> bool {
    (owned.0.as_str(), owned.1.as_str(), owned.2.as_str(), owned.3.as_str()) == key
}

fn owned_identity((group, kind, namespace, name): Identity<'_>) -> OwnedIdentity {
    (group.to_owned(), kind.to_owned(), namespace.to_owned(), name.to_owned())
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

impl<'a> Inventory<'a> {
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// An inventory with room for `objects` objects (a large bundle's list is not copied as it grows).
    #[must_use]
    pub fn with_capacity(objects: usize) -> Self {
        Self { entries: Vec::with_capacity(objects), ..Self::default() }
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
        self.add(decoded, Raw::Lazy(source, OnceLock::new()), origin)
    }

    fn add(&mut self, decoded: Decoded, raw: Raw<'a>, origin: usize) -> EntryId {
        let Decoded { object, reference } = decoded;
        let entries = &self.entries;
        let key = identity(&reference);
        let hash = hash_of(key);
        let holds = |id: EntryId| entries.get(id).is_some_and(|e| identity(&e.reference) == key);
        let existing = self.by_identity.get(hash, holds, |owned| same_identity(owned, key));
        let id = entries.len();
        self.by_identity.insert(hash, id, holds, |owned| same_identity(owned, key), || owned_identity(key));
        if let Some(existing) = existing {
            self.forget(existing);
        }
        let entries = std::mem::take(&mut self.entries);
        self.index(&entries, id, &object, &reference);
        self.entries = entries;
        self.entries.push(Entry { raw, object, reference, origin });
        id
    }

    /// Adds objects decoded by [`decode_entry`] to an empty inventory, with their origins, as
    /// [`Inventory::insert_decoded`] one by one would. With `parallel` (where threads can
    /// start), identities are filed on another thread while this one fills the other
    /// indexes (reading a large bundle's typed objects again is mostly waiting for memory);
    /// when two objects share an identity, it files them one by one after all.
    pub fn insert_all_decoded(
        &mut self,
        decoded: impl IntoIterator<Item = (Decoded, usize)>,
        source: &'a dyn RawSource,
        parallel: bool,
    ) {
        let decoded = decoded.into_iter();
        if !parallel || !self.entries.is_empty() {
            for (decoded, origin) in decoded {
                self.insert_decoded(decoded, source, origin);
            }
            return;
        }
        let mut entries = std::mem::take(&mut self.entries);
        entries.extend(decoded.map(|(Decoded { object, reference }, origin)| Entry {
            raw: Raw::Lazy(source, OnceLock::new()),
            object,
            reference,
            origin,
        }));
        // Files every identity; `None` when one was already filed.
        let identities = |mut by_identity: ByHashOne<OwnedIdentity>| {
            for (id, entry) in entries.iter().enumerate() {
                let key = identity(&entry.reference);
                let hash = hash_of(key);
                let holds = |id: EntryId| entries.get(id).is_some_and(|e| identity(&e.reference) == key);
                if by_identity.get(hash, holds, |owned| same_identity(owned, key)).is_some() {
                    return None;
                }
                by_identity.insert(hash, id, holds, |owned| same_identity(owned, key), || owned_identity(key));
            }
            Some(by_identity)
        };
        let identities = &identities;
        let filed = std::thread::scope(|scope| {
            let filing = std::thread::Builder::new().spawn_scoped(scope, move || identities(ByHashOne::default()));
            for (id, entry) in entries.iter().enumerate() {
                self.index(&entries, id, &entry.object, &entry.reference);
            }
            // Where the thread could not start, this one files the identities.
            match filing {
                Ok(filing) => filing.join().ok().flatten(),
                Err(_) => identities(ByHashOne::default()),
            }
        });
        if let Some(by_identity) = filed {
            self.entries = entries;
            self.by_identity = by_identity;
        } else {
            let capacity = entries.len();
            *self = Self::with_capacity(capacity);
            for Entry { object, reference, origin, .. } in entries {
                self.insert_decoded(Decoded { object, reference }, source, origin);
            }
        }
    }

    /// The PV entry with this id, if it is one.
    fn pv<'e>(entries: &'e [Entry<'_>], id: EntryId) -> Option<&'e PersistentVolume> {
        entries.get(id).and_then(Entry::as_pv)
    }

    /// Files entry `id` in the indexes but identity; `entries` are those before it (at least).
    fn index(&mut self, entries: &[Entry<'_>], id: EntryId, object: &Object, reference: &ObjectRef) {
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
                if let Some(name) = node.metadata.name.as_deref().filter(|name| *name != node.hostname()) {
                    self.node_by_hostname.entry(name.to_owned()).or_insert(id);
                }
            }
            Object::PersistentVolume(pv, _) => {
                self.volumes.push(id);
                match self.volume_classes.get_mut(pv.class()) {
                    Some(count) => *count += 1,
                    None => {
                        self.volume_classes.insert(pv.class().to_owned(), 1);
                    }
                }
                match &pv.spec.claim_ref {
                    Some(claim) => {
                        let key =
                            (claim.namespace.as_deref().unwrap_or_default(), claim.name.as_deref().unwrap_or_default());
                        let holds = |e: EntryId| Self::pv(entries, e).and_then(|pv| claim_of(pv)) == Some(key);
                        let is = |(ns, name): &(String, String)| (ns.as_str(), name.as_str()) == key;
                        let owned = || (key.0.to_owned(), key.1.to_owned());
                        self.by_claim.push(hash_of(key), id, holds, is, owned);
                    }
                    None => match self.unbound_by_class.get_mut(pv.class()) {
                        Some(list) => list.push(id),
                        None => {
                            self.unbound_by_class.insert(pv.class().to_owned(), vec![id]);
                        }
                    },
                }
                if let Some(node) = pv.pinned_node() {
                    let holds = |e: EntryId| Self::pv(entries, e).and_then(PersistentVolume::pinned_node) == Some(node);
                    self.by_node.push(hash_of(node), id, holds, |key| key == node, || node.to_owned());
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
        self.by_claim.remove(id);
        self.by_node.remove(id);
        self.unbound_by_class.values_mut().for_each(drop);
        self.classes.retain(|_, e| *e != id);
        self.node_by_hostname.retain(|_, e| *e != id);
    }

    /// The entries, the indexes dropped: for a caller that drops a large inventory's typed
    /// objects on several threads.
    #[must_use]
    pub fn into_entries(self) -> Vec<Entry<'a>> {
        self.entries
    }

    /// The entry an object with this identity has, if any.
    #[must_use]
    pub fn find(&self, reference: &ObjectRef) -> Option<EntryId> {
        let key = identity(reference);
        let holds = |id: EntryId| self.entries.get(id).is_some_and(|e| identity(&e.reference) == key);
        self.by_identity.get(hash_of(key), holds, |owned| same_identity(owned, key))
    }
}

/// The claim a PV's `claimRef` names, as (namespace, name).
fn claim_of(pv: &PersistentVolume) -> Option<(&str, &str)> {
    let claim = pv.spec.claim_ref.as_ref()?;
    Some((claim.namespace.as_deref().unwrap_or_default(), claim.name.as_deref().unwrap_or_default()))
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
    let reference = metadata.reference(model::text(raw, "apiVersion")?, model::text(raw, "kind")?);
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
        let key = (namespace, claim);
        let holds = |e: EntryId| Self::pv(&self.entries, e).and_then(claim_of) == Some(key);
        self.by_claim.get(hash_of(key), holds, |(ns, name)| (ns.as_str(), name.as_str()) == key)
    }

    fn volumes_on_node(&self, hostname: &str) -> &[EntryId] {
        let holds = |e: EntryId| Self::pv(&self.entries, e).and_then(PersistentVolume::pinned_node) == Some(hostname);
        self.by_node.get(hash_of(hostname), holds, |key| key == hostname)
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Keys are filed by hash and told apart by the entries: two keys with one hash (forced
    /// here) both answer, before and after entries are forgotten.
    #[test]
    fn keys_with_one_hash_are_told_apart() {
        let keys = ["a", "b", "a", "c", "b"];
        let mut by_key: ByKey<String> = ByKey::default();
        for (id, key) in keys.iter().enumerate() {
            let holds = |e: EntryId| keys.get(e) == Some(key);
            by_key.push(7, id, holds, |k| k == key, || (*key).to_owned());
        }
        let get =
            |by_key: &ByKey<String>, key: &str| by_key.get(7, |e| keys.get(e) == Some(&key), |k| k == key).to_vec();
        assert_eq!(get(&by_key, "a"), vec![0, 2]);
        assert_eq!(get(&by_key, "b"), vec![1, 4]);
        assert_eq!(get(&by_key, "c"), vec![3]);
        assert_eq!(get(&by_key, "d"), Vec::<EntryId>::new());
        by_key.remove(0);
        by_key.remove(2);
        assert_eq!(get(&by_key, "a"), Vec::<EntryId>::new());
        // The emptied list goes to the next key that has its hash and no list yet.
        let keys = ["a", "b", "a", "c", "b", "d"];
        by_key.push(7, 5, |e| keys.get(e) == Some(&"d"), |k| k == "d", || "d".to_owned());
        assert_eq!(by_key.get(7, |e| keys.get(e) == Some(&"d"), |k| k == "d"), &[5]);
        assert_eq!(by_key.get(7, |e| keys.get(e) == Some(&"b"), |k| k == "b"), &[1, 4]);
    }

    #[test]
    fn identities_with_one_hash_are_told_apart() {
        let mut inventory = Inventory::new();
        let settings = Settings::default();
        let pv = |name: &str, claim: &str| {
            json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": name},
                   "spec": {"claimRef": {"namespace": "ais", "name": claim}}})
        };
        let objects = [pv("a", "c1"), pv("b", "c1"), pv("a", "c2")];
        for (origin, object) in objects.iter().enumerate() {
            inventory.insert(object, origin, &settings).unwrap();
        }
        // The second `a` replaced the first.
        assert_eq!(inventory.persistent_volumes(), &[1, 2]);
        assert_eq!(inventory.volumes_bound_to("ais", "c1"), &[1]);
        assert_eq!(inventory.volumes_bound_to("ais", "c2"), &[2]);
        let reference = |name: &str| ObjectRef {
            api_version: "v1".into(),
            kind: "PersistentVolume".into(),
            namespace: None,
            name: name.to_owned(),
        };
        assert_eq!(inventory.find(&reference("a")), Some(2));
        // Forced collisions: every name filed under one hash.
        let mut by_name: ByHashOne<String> = ByHashOne::default();
        let names = ["x", "y", "x"];
        for (id, name) in names.iter().enumerate() {
            let holds = |e: usize| names.get(e) == Some(name);
            by_name.insert(0, id, holds, |k| k == name, || (*name).to_owned());
        }
        let get = |name: &str| by_name.get(0, |e| names.get(e) == Some(&name), |k| k == name);
        assert_eq!(get("x"), Some(2));
        assert_eq!(get("y"), Some(1));
        assert_eq!(get("z"), None);
    }
}
