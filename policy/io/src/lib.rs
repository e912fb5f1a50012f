//! The policy's request path: reading a Kubewarden `validate` payload and writing the answer.
//!
//! A crate of its own so that the policy build can compile it at `opt-level = 2` and the rest
//! of the policy (the decision around the engine, settings, cluster lookups) at "z" with the
//! engine: `serde_json`'s parser is generic, so it is compiled at the level of the crate that
//! reads with it, and nearly all of a request's time in the policy's own code is here. The
//! rest at "z" is 12 KB smaller, which wasmtime compiles 16 ms sooner at every start
//! (docs/performance.md, "Cold start").

// A panic traps the module and the API server reports "internal server error".
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing))]

use std::borrow::Cow;

use kubewarden_policy_sdk::response::ValidationResponse;
use serde::Deserialize;
use serde_json::Value;

/// The parts of a `validate` payload the policy reads: the settings (raw JSON, so that every
/// settings error is ours to word) and the fields of the AdmissionRequest named as in the
/// SDK's type of the same name, so messages are the same. The SDK's type also builds
/// `userInfo` (a `HashSet`), `options` and the request kinds, which the policy never reads.
/// The strings are borrowed from the payload unless they hold escapes.
///
/// With [`ManagedFields::Skip`] the objects are read without `metadata.managedFields`.
#[derive(Debug, Default)]
pub struct Payload<'a> {
    pub settings: Value,
    // `uid` is checked to be a string (an API server always sends one) and not kept.
    /// `kind.kind`.
    pub kind: Cow<'a, str>,
    pub name: Cow<'a, str>,
    pub namespace: Cow<'a, str>,
    pub operation: Cow<'a, str>,
    pub object: Value,
    pub old_object: Value,
    /// `object` had `metadata.managedFields`, which were skipped.
    pub managed_fields_skipped: bool,
}

/// What becomes of the objects' `metadata.managedFields` when a payload is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManagedFields {
    /// Checked as JSON and not built. No rule reads them, and an API server's requests carry
    /// them for every field manager: for an operator's StatefulSet they are as large as the
    /// rest of the object, and building them doubled a request's time (docs/performance.md).
    Skip,
    /// Read like the rest of the object: for what needs the object whole.
    Keep,
    /// Only `request.object.metadata.managedFields` read, everything else skipped: to put them
    /// back into a fixed object.
    Only,
}

/// Reads a JSON string without copying it when it has no escapes.
struct Text;

impl<'de> serde::de::DeserializeSeed<'de> for Text {
    type Value = Cow<'de, str>;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> serde::de::Visitor<'de> for Text {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a string")
    }

    fn visit_borrowed_str<E>(self, text: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(text))
    }

    fn visit_str<E>(self, text: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(text.to_owned()))
    }
}

/// Reads a payload in one pass, without serde's derived code (a deserializer per struct,
/// about 9 KB of the module): one visitor for the three levels of the payload, the request
/// and its `kind`, filling one [`Payload`]. Unknown fields are skipped unread; duplicate and
/// missing fields, wrong types and JSON arrays in place of objects are refused or read as
/// serde's derived code would (the messages are the same; an array in place of the request
/// or its kind is refused).
struct Reader<'p, 'a> {
    level: Level,
    managed_fields: ManagedFields,
    payload: &'p mut Payload<'a>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `{"request": ..., "settings": ...}`.
    Payload,
    /// Only the settings of a payload (the request is skipped, not built): read before the
    /// request when the payload is over the default size limit, as settings may raise it.
    SettingsOnly,
    Request,
    /// The request's `kind`: `{"group", "version", "kind"}`.
    Kind,
}

/// The fields read at every level, in one enum so that serde instantiates one key reader.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Request,
    Settings,
    Uid,
    Kind,
    Name,
    Namespace,
    Operation,
    Object,
    OldObject,
    Other,
}

impl<'de> Deserialize<'de> for Field {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Names;
        impl serde::de::Visitor<'_> for Names {
            type Value = Field;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("field identifier")
            }
            fn visit_str<E>(self, name: &str) -> Result<Field, E> {
                Ok(match name {
                    "request" => Field::Request,
                    "settings" => Field::Settings,
                    "uid" => Field::Uid,
                    "kind" => Field::Kind,
                    "name" => Field::Name,
                    "namespace" => Field::Namespace,
                    "operation" => Field::Operation,
                    "object" => Field::Object,
                    "oldObject" | "old_object" => Field::OldObject,
                    _ => Field::Other,
                })
            }
        }
        deserializer.deserialize_identifier(Names)
    }
}

impl Field {
    /// The field as named in messages (duplicate field `object`).
    fn name(self) -> &'static str {
        match self {
            Field::Request => "request",
            Field::Settings => "settings",
            Field::Uid => "uid",
            Field::Kind => "kind",
            Field::Name => "name",
            Field::Namespace => "namespace",
            Field::Operation => "operation",
            Field::Object => "object",
            Field::OldObject => "old_object",
            Field::Other => "",
        }
    }

    /// Whether the field belongs to `level` (others are skipped).
    fn read_at(self, level: Level) -> bool {
        match level {
            Level::Payload | Level::SettingsOnly => matches!(self, Field::Request | Field::Settings),
            Level::Request => !matches!(self, Field::Request | Field::Settings | Field::Other),
            Level::Kind => self == Field::Kind,
        }
    }
}

impl<'de> serde::de::DeserializeSeed<'de> for Reader<'_, 'de> {
    type Value = ();

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_struct("", &[], self)
    }
}

impl<'de> serde::de::Visitor<'de> for Reader<'_, 'de> {
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.level {
            Level::Payload | Level::SettingsOnly => "struct ValidationPayload",
            Level::Request => "struct KubernetesAdmissionRequest",
            Level::Kind => "struct GroupVersionKind",
        })
    }

    /// An array in place of an object, read by position as serde's derived code does (only
    /// the payload's two fields: a request in an array is refused by its own reader).
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        if !matches!(self.level, Level::Payload | Level::SettingsOnly) {
            return Err(serde::de::Error::invalid_type(serde::de::Unexpected::Seq, &self));
        }
        let request =
            Reader { level: Level::Request, managed_fields: self.managed_fields, payload: &mut *self.payload };
        let read = if self.level == Level::Payload {
            seq.next_element_seed(request)?
        } else {
            seq.next_element::<serde::de::IgnoredAny>()?.map(|_| ())
        };
        if read.is_none() {
            return Err(serde::de::Error::invalid_length(0, &self));
        }
        if let Some(settings) = seq.next_element()? {
            self.payload.settings = settings;
        }
        Ok(())
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let level = self.level;
        let managed_fields = self.managed_fields;
        let payload = self.payload;
        let mut seen = 0_u16;
        while let Some(field) = map.next_key::<Field>()? {
            let only_managed_fields =
                managed_fields == ManagedFields::Only && !matches!(field, Field::Request | Field::Object);
            if !field.read_at(level) || only_managed_fields {
                map.next_value::<serde::de::IgnoredAny>()?;
                continue;
            }
            let bit = 1 << field as u16;
            if seen & bit != 0 {
                return Err(serde::de::Error::duplicate_field(field.name()));
            }
            seen |= bit;
            match (level, field) {
                (Level::Payload, Field::Request) => {
                    map.next_value_seed(Reader { level: Level::Request, managed_fields, payload: &mut *payload })?;
                }
                (Level::Request, Field::Kind) => {
                    map.next_value_seed(Reader { level: Level::Kind, managed_fields, payload: &mut *payload })?;
                }
                (Level::Request, Field::Uid) => {
                    map.next_value_seed(Text)?;
                }
                (_, Field::Settings) => payload.settings = map.next_value()?,
                (_, Field::Kind) => payload.kind = map.next_value_seed(Text)?,
                (_, Field::Name) => payload.name = map.next_value_seed(Text)?,
                (_, Field::Namespace) => payload.namespace = map.next_value_seed(Text)?,
                (_, Field::Operation) => payload.operation = map.next_value_seed(Text)?,
                (_, Field::Object | Field::OldObject) => {
                    let mut skipped = false;
                    let tree = ObjectTree { depth: Depth::Object, managed_fields, skipped: &mut skipped };
                    *payload.object_mut(field) = map.next_value_seed(tree)?;
                    payload.managed_fields_skipped |= skipped && field == Field::Object;
                }
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        if matches!(level, Level::Payload | Level::SettingsOnly) && seen & (1 << Field::Request as u16) == 0 {
            return Err(serde::de::Error::missing_field("request"));
        }
        Ok(())
    }
}

impl Payload<'_> {
    fn object_mut(&mut self, field: Field) -> &mut Value {
        if field == Field::Object { &mut self.object } else { &mut self.old_object }
    }
}

/// Where [`ObjectTree`] is in the object.
#[derive(Clone, Copy)]
enum Depth {
    Object,
    Metadata,
}

/// An object read into the JSON tree `Value` reads, except for its `metadata.managedFields`
/// when they are skipped (still checked to be JSON; noted in `skipped`).
struct ObjectTree<'p> {
    depth: Depth,
    managed_fields: ManagedFields,
    skipped: &'p mut bool,
}

impl<'de> serde::de::DeserializeSeed<'de> for ObjectTree<'_> {
    type Value = Value;

    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

/// The values `serde_json::Value`'s own visitor makes, and its messages.
impl<'de> serde::de::Visitor<'de> for ObjectTree<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any valid JSON value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_bool<E>(self, value: bool) -> Result<Value, E> {
        Ok(Value::Bool(value))
    }

    fn visit_i64<E>(self, value: i64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_u64<E>(self, value: u64) -> Result<Value, E> {
        Ok(Value::Number(value.into()))
    }

    fn visit_f64<E>(self, value: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(value).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, value: &str) -> Result<Value, E> {
        Ok(Value::String(value.to_owned()))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = serde_json::Map::new();
        // Keys read as `Text`: read as `String`, their reader compiled to the same code as
        // `Value`'s own key reader, the two were merged, and `Value`'s was no longer inlined
        // (+1.9% instructions for a target StatefulSet).
        while let Some(key) = map.next_key_seed(Text)? {
            let value = match (self.depth, &*key) {
                (Depth::Object, "metadata") => map.next_value_seed(ObjectTree {
                    depth: Depth::Metadata,
                    managed_fields: self.managed_fields,
                    skipped: &mut *self.skipped,
                })?,
                (Depth::Metadata, "managedFields") if self.managed_fields == ManagedFields::Skip => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    *self.skipped = true;
                    continue;
                }
                (_, other) if self.managed_fields == ManagedFields::Only && other != "managedFields" => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                    continue;
                }
                _ => map.next_value()?,
            };
            entries.insert(key.into_owned(), value);
        }
        Ok(Value::Object(entries))
    }
}

/// `bytes` as text, checked as UTF-8 in one pass. The policy reads JSON from text, not bytes:
/// `serde_json`'s reader of bytes checks each string on its own (a target StatefulSet's
/// `validate` took 1.6 us longer), and one reader keeps one copy of `serde_json`'s parser.
pub fn utf8(bytes: &[u8]) -> Result<&str, serde_json::Error> {
    std::str::from_utf8(bytes).map_err(|e| {
        let before = bytes.get(..e.valid_up_to()).unwrap_or_default();
        // Counted as serde_json counts its positions: lines and bytes from 1.
        let (line, line_start) = (before.iter().enumerate())
            .filter(|&(_, &b)| b == b'\n')
            .fold((1, 0), |(line, _), (at, _)| (line + 1, at + 1));
        let column = before.len() - line_start + 1;
        <serde_json::Error as serde::de::Error>::custom(format_args!("invalid UTF-8 at line {line} column {column}"))
    })
}

/// JSON read from `bytes` (see [`utf8`]).
pub fn json_of(bytes: &[u8]) -> Result<Value, serde_json::Error> {
    serde_json::from_str(utf8(bytes)?)
}

/// Reads a `validate` payload (with `level` [`Level::SettingsOnly`], only its settings).
pub fn read_payload(text: &str, level: Level, managed_fields: ManagedFields) -> Result<Payload<'_>, serde_json::Error> {
    use serde::de::DeserializeSeed as _;
    let mut payload = Payload::default();
    let mut deserializer = serde_json::Deserializer::from_str(text);
    Reader { level, managed_fields, payload: &mut payload }.deserialize(&mut deserializer)?;
    deserializer.end()?;
    Ok(payload)
}

/// The answer's JSON.
pub fn answer(response: &ValidationResponse) -> Result<Vec<u8>, serde_json::Error> {
    serde_json::to_vec(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What each mode makes of `metadata.managedFields`, and of the rest.
    #[test]
    fn managed_fields_are_skipped_kept_or_read_alone() {
        let object = serde_json::json!({"kind": "PersistentVolume", "metadata": {"name": "pv1",
            "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:spec": {}}}]}, "spec": {"x": [1, 2.5, null]}});
        let payload = serde_json::json!({"settings": {"rules": {}},
            "request": {"uid": "u", "operation": "UPDATE", "object": object, "oldObject": object}})
        .to_string();
        let read = |mode| read_payload(&payload, Level::Payload, mode).unwrap();

        let skipped = read(ManagedFields::Skip);
        let mut without = object.clone();
        without["metadata"].as_object_mut().unwrap().remove("managedFields");
        assert_eq!((&skipped.object, &skipped.old_object, skipped.managed_fields_skipped), (&without, &without, true));
        assert_eq!((&*skipped.operation, &skipped.settings), ("UPDATE", &serde_json::json!({"rules": {}})));

        let kept = read(ManagedFields::Keep);
        assert_eq!((&kept.object, &kept.old_object, kept.managed_fields_skipped), (&object, &object, false));

        let alone = read(ManagedFields::Only);
        let managed = serde_json::json!({"metadata": {"managedFields": object["metadata"]["managedFields"]}});
        assert_eq!((&alone.object, &alone.old_object, &*alone.operation), (&managed, &Value::Null, ""));
        assert!(alone.settings.is_null());
    }

    /// A payload that is not UTF-8 is refused at the first bad byte, counted as `serde_json`
    /// counts positions (the single-line case is a snapshot in `tests/tests/bad_input.rs`).
    #[test]
    fn bytes_that_are_not_utf8_are_placed_by_line_and_column() {
        let message = |bytes: &[u8]| utf8(bytes).unwrap_err().to_string();
        assert_eq!(message(b"{\"a\": \"\xff\"}"), "invalid UTF-8 at line 1 column 8");
        assert_eq!(message(b"{\n  \"a\": \"\xff\"}"), "invalid UTF-8 at line 2 column 9");
        assert_eq!(message(b"{\n\n\xc3"), "invalid UTF-8 at line 3 column 1");
        assert_eq!(utf8(b"{\"a\": \"\xc3\xa4\"}").unwrap(), "{\"a\": \"ä\"}");
    }
}
