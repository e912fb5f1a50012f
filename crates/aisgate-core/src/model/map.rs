//! [`SmallMap`]: the string-keyed maps of the typed views (labels, annotations, node
//! selectors, resource lists).
//!
//! These maps hold a few entries each, and a large bundle holds tens of thousands of them: a
//! `BTreeMap` allocates a node for eleven entries (544 to 632 bytes here) for the first one.
//! A `SmallMap` is one boxed slice of `(key, value)` pairs sorted by key, scanned when short
//! and binary-searched otherwise: the pairs take exactly their room, and an empty map
//! allocates nothing.

use std::fmt;

use serde_json::Value;

use super::read::{FromJson, Read, invalid_type};

/// Maps of at most this many entries are searched by a scan rather than a binary search.
const SCANNED: usize = 8;

/// A map from strings, sorted by key; labels and annotations are `SmallMap<Box<str>>`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct SmallMap<V = Box<str>> {
    entries: Box<[(Box<str>, V)]>,
}

impl<V> Default for SmallMap<V> {
    fn default() -> Self {
        Self { entries: Box::default() }
    }
}

impl<V: fmt::Debug> fmt::Debug for SmallMap<V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

/// Puts a pair in its place in `pairs` (sorted by key), in place of a pair with its key.
/// JSON objects come sorted (`serde_json`'s map is a `BTreeMap`), so each pair goes last: one
/// comparison with the last key, not a search.
fn put<V>(pairs: &mut Vec<(Box<str>, V)>, key: Box<str>, value: V) {
    if pairs.last().is_none_or(|(last, _)| *last < key) {
        pairs.push((key, value));
        return;
    }
    match pairs.binary_search_by(|(k, _)| k.cmp(&key)) {
        Ok(found) => {
            if let Some(slot) = pairs.get_mut(found) {
                slot.1 = value;
            }
        }
        Err(at) => pairs.insert(at, (key, value)),
    }
}

impl<V> SmallMap<V> {
    /// The value of `key`. A few entries are scanned (string equality tests lengths before
    /// bytes): labels share long prefixes (`app.kubernetes.io/`), which each step of a binary
    /// search compares byte by byte again.
    #[must_use]
    #[cfg_attr(aisgate_policy_module, optimize(speed))]
    pub fn get(&self, key: &str) -> Option<&V> {
        if self.entries.len() <= SCANNED {
            return self.entries.iter().find(|(k, _)| **k == *key).map(|(_, value)| value);
        }
        let index = self.entries.binary_search_by(|(k, _)| (**k).cmp(key)).ok()?;
        self.entries.get(index).map(|(_, value)| value)
    }

    #[must_use]
    pub fn contains_key(&self, key: &str) -> bool {
        self.get(key).is_some()
    }

    #[must_use]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries.iter().map(|(key, value)| (&**key, value))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.iter().map(|(key, _)| &**key)
    }
}

impl SmallMap {
    /// The value of `key` as a `&str`.
    #[must_use]
    pub fn text(&self, key: &str) -> Option<&str> {
        self.get(key).map(|value| &**value)
    }
}

impl<K: Into<Box<str>>, V> FromIterator<(K, V)> for SmallMap<V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(pairs: I) -> Self {
        let mut sorted = Vec::new();
        for (key, value) in pairs {
            put(&mut sorted, key.into(), value);
        }
        Self { entries: sorted.into_boxed_slice() }
    }
}

impl<'m, V> IntoIterator for &'m SmallMap<V> {
    type Item = (&'m str, &'m V);
    type IntoIter = std::iter::Map<std::slice::Iter<'m, (Box<str>, V)>, fn(&'m (Box<str>, V)) -> (&'m str, &'m V)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter().map(|(key, value)| (&**key, value))
    }
}

impl FromJson for Box<str> {
    #[cfg_attr(aisgate_policy_module, optimize(speed))]
    fn read(value: &Value) -> Read<Self> {
        match value {
            Value::String(s) => Ok(s.as_str().into()),
            other => Err(invalid_type(other, "a string")),
        }
    }
}

/// Written as serde writes a `BTreeMap<String, V>`: a map in key order.
impl<V: serde::Serialize> serde::Serialize for SmallMap<V> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

/// Read as serde reads a `BTreeMap<String, V>`: an object, each value read in turn.
impl<V: FromJson> FromJson for SmallMap<V> {
    #[cfg_attr(aisgate_policy_module, optimize(speed))]
    fn read(value: &Value) -> Read<Self> {
        let Value::Object(map) = value else { return Err(invalid_type(value, "a map")) };
        let mut pairs = Vec::with_capacity(map.len());
        for (key, item) in map {
            put(&mut pairs, key.as_str().into(), V::read(item).map_err(|e| e.in_key(key))?);
        }
        Ok(Self { entries: pairs.into_boxed_slice() })
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_and_finds_like_a_btree_map() {
        let map = SmallMap::<Box<str>>::read(&json!({"b": "2", "a": "1", "c": "3"})).unwrap();
        assert_eq!(map.iter().map(|(k, v)| (k, &**v)).collect::<Vec<_>>(), [("a", "1"), ("b", "2"), ("c", "3")]);
        assert_eq!((map.text("b"), map.text("d"), map.len()), (Some("2"), None, 3));
        assert_eq!(format!("{map:?}"), r#"{"a": "1", "b": "2", "c": "3"}"#);
        let error = SmallMap::<Box<str>>::read(&json!({"tier": 1})).unwrap_err();
        assert_eq!(
            format!("{}: {}", error.path(), error.message()),
            "$.tier: invalid type: integer `1`, expected a string"
        );
        assert_eq!(
            SmallMap::<Value>::read(&json!([])).unwrap_err().into_message(),
            "invalid type: sequence, expected a map"
        );
        let unsorted: SmallMap<i32> = [("z", 1), ("a", 2), ("z", 3)].into_iter().collect();
        assert_eq!(unsorted.iter().collect::<Vec<_>>(), [("a", &2), ("z", &3)]);
        assert!(SmallMap::<Value>::default().is_empty());
    }

    #[test]
    fn finds_every_key_whether_scanned_or_searched() {
        for size in [1, SCANNED, SCANNED + 1, 40] {
            // Keys of one length and of several, sharing a prefix; inserted out of order.
            let keys: Vec<String> =
                (0..size).rev().map(|i| format!("app.kubernetes.io/k{}", "x".repeat(i % 3) + &i.to_string())).collect();
            let map: SmallMap<usize> = keys.iter().enumerate().map(|(i, k)| (k.as_str(), i)).collect();
            assert_eq!(map.len(), size);
            assert!(map.keys().zip(map.keys().skip(1)).all(|(a, b)| a < b), "sorted at {size}");
            for (i, key) in keys.iter().enumerate() {
                assert_eq!(map.get(key), Some(&i), "{key} at {size}");
            }
            assert_eq!(map.get("app.kubernetes.io/k"), None);
            assert_eq!(map.get("app.kubernetes.io/kx0x"), None);
        }
    }
}
