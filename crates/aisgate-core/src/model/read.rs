//! Reading typed views straight from a `serde_json::Value`, by hand.
//!
//! The views used to be decoded with serde through `serde_path_to_error`, which instantiated
//! every `Deserialize` impl twice (once wrapped to track the path) and made up a third of the
//! policy module. These readers are small and mostly non-generic, track the path only when
//! something is wrong, and keep serde's contract word for word, so messages did not change:
//! `invalid type: string "yes", expected a boolean`, `invalid value: integer `-5`, expected
//! usize`, `unknown field `x`, expected one of ...`, with the path of the offending field.
//!
//! Like serde's derive with `#[serde(default)]`, an absent field keeps its default, `null` is
//! `None` for an `Option` and a type error for anything else, unknown keys are ignored (or
//! refused, for settings); unlike it, a list where one of aisgate's own structs belongs is
//! refused, not read by position. Like k8s-openapi's impls, its types accept `null` for every
//! field and only objects.

use serde_json::{Map, Value};

use crate::path::{JsonPath, Segment};

/// A value that could not be read: the path to it (innermost step first) and serde's message.
///
/// Boxed: every reader returns a `Read<T>`, and a result that carries the path and message
/// inline is copied word by word through each `?`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReadError(Box<Failure>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Failure {
    reversed: Vec<Segment>,
    message: String,
}

pub(crate) type Read<T> = Result<T, ReadError>;

impl ReadError {
    pub(crate) fn new(message: String) -> Self {
        Self(Box::new(Failure { reversed: Vec::new(), message }))
    }

    pub(crate) fn in_key(mut self, key: &str) -> Self {
        self.0.reversed.push(Segment::Key(key.to_owned().into()));
        self
    }

    fn in_index(mut self, index: usize) -> Self {
        self.0.reversed.push(Segment::Index(index));
        self
    }

    /// What is wrong, without the path.
    #[cfg(test)]
    pub(crate) fn message(&self) -> &str {
        &self.0.message
    }

    pub(crate) fn into_message(self) -> String {
        self.0.message
    }

    /// The steps from the root to the offending value.
    pub(crate) fn segments(&self) -> impl Iterator<Item = &Segment> {
        self.0.reversed.iter().rev()
    }

    /// The path as a [`JsonPath`].
    pub(crate) fn path(&self) -> JsonPath {
        self.segments().fold(JsonPath::root(), |path, segment| match segment {
            Segment::Key(key) => path.key_of(key),
            Segment::Index(index) => path.index(*index),
        })
    }
}

/// How serde names a JSON value in its messages (`serde::de::Unexpected`).
fn unexpected(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => match (n.as_u64(), n.as_i64()) {
            (Some(u), _) => format!("integer `{u}`"),
            (None, Some(i)) => format!("integer `{i}`"),
            // serde_json writes floats with its own formatter (`3.0`, `1e300`).
            (None, None) => format!("floating point `{n}`"),
        },
        Value::String(s) => format!("string {s:?}"),
        Value::Array(_) => "sequence".to_owned(),
        Value::Object(_) => "map".to_owned(),
    }
}

/// `invalid type: <value>, expected <expecting>`.
pub(crate) fn invalid_type(value: &Value, expecting: &str) -> ReadError {
    ReadError::new(format!("invalid type: {}, expected {expecting}", unexpected(value)))
}

/// `invalid value: <value>, expected <expecting>`.
fn invalid_value(value: &Value, expecting: &str) -> ReadError {
    ReadError::new(format!("invalid value: {}, expected {expecting}", unexpected(value)))
}

/// serde's list of allowed names: `` `a` ``, `` `a` or `b` ``, `` one of `a`, `b`, `c` ``.
fn one_of(names: &[&str]) -> String {
    match names {
        [] => "nothing".to_owned(),
        [one] => format!("`{one}`"),
        [a, b] => format!("`{a}` or `{b}`"),
        _ => {
            let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
            format!("one of {}", quoted.join(", "))
        }
    }
}

/// A string that must be one of `variants` (a unit enum), as serde words the refusal.
pub(crate) fn variant<'v>(value: &'v Value, variants: &[&str]) -> Read<&'v str> {
    match value {
        Value::String(s) if variants.contains(&s.as_str()) => Ok(s),
        Value::String(s) => Err(ReadError::new(format!("unknown variant `{s}`, expected {}", one_of(variants)))),
        other => Err(invalid_type(other, &one_of(variants))),
    }
}

/// A type read from JSON.
pub(crate) trait FromJson: Sized {
    fn read(value: &Value) -> Read<Self>;
}

impl FromJson for String {
    fn read(value: &Value) -> Read<Self> {
        match value {
            Value::String(s) => Ok(s.clone()),
            other => Err(invalid_type(other, "a string")),
        }
    }
}

impl FromJson for bool {
    fn read(value: &Value) -> Read<Self> {
        match value {
            Value::Bool(b) => Ok(*b),
            other => Err(invalid_type(other, "a boolean")),
        }
    }
}

/// An integer of a primitive type named `expecting`, as serde's primitive visitors read it.
fn integer(value: &Value, expecting: &str, min: i64, max: i64) -> Read<i64> {
    let Value::Number(n) = value else { return Err(invalid_type(value, expecting)) };
    match (n.as_i64(), n.is_f64()) {
        (Some(i), _) if (min..=max).contains(&i) => Ok(i),
        (_, false) => Err(invalid_value(value, expecting)),
        (_, true) => Err(invalid_type(value, expecting)),
    }
}

impl FromJson for i64 {
    fn read(value: &Value) -> Read<Self> {
        integer(value, "i64", i64::MIN, i64::MAX)
    }
}

impl FromJson for i32 {
    fn read(value: &Value) -> Read<Self> {
        integer(value, "i32", i64::from(i32::MIN), i64::from(i32::MAX)).map(|i| i32::try_from(i).unwrap_or_default())
    }
}

impl FromJson for usize {
    fn read(value: &Value) -> Read<Self> {
        let max = i64::try_from(usize::MAX).unwrap_or(i64::MAX);
        integer(value, "usize", 0, max).map(|i| usize::try_from(i).unwrap_or_default())
    }
}

impl FromJson for Value {
    fn read(value: &Value) -> Read<Self> {
        Ok(value.clone())
    }
}

/// A field whose value no rule reads, only whether it is there: `Option<Present>` reads as
/// `Option<Value>` did (any value but `null` is `Some`), without keeping a copy of the value.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Present;

impl FromJson for Present {
    fn read(_: &Value) -> Read<Self> {
        Ok(Present)
    }
}

/// A field no rule reads, checked as a `T` (a malformed one is refused with its path, as
/// before) and not kept: it takes no room.
pub struct Checked<T>(std::marker::PhantomData<fn() -> T>);

impl<T> Default for Checked<T> {
    fn default() -> Self {
        Self(std::marker::PhantomData)
    }
}

impl<T> Clone for Checked<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Checked<T> {}

impl<T> std::fmt::Debug for Checked<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Checked")
    }
}

impl<T: FromJson> FromJson for Checked<T> {
    fn read(value: &Value) -> Read<Self> {
        T::read(value).map(|_| Self::default())
    }
}

impl<T: FromJson> FromJson for Option<T> {
    fn read(value: &Value) -> Read<Self> {
        match value {
            Value::Null => Ok(None),
            value => T::read(value).map(Some),
        }
    }
}

impl<T: FromJson> FromJson for Vec<T> {
    fn read(value: &Value) -> Read<Self> {
        let Value::Array(items) = value else { return Err(invalid_type(value, "a sequence")) };
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            out.push(T::read(item).map_err(|e| e.in_index(index))?);
        }
        Ok(out)
    }
}

/// How a struct is read: aisgate's own (serde derive) or k8s-openapi's.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Shape<'a> {
    /// serde's derive with `#[serde(default)]`, but objects only (serde would also read an
    /// array by position into `fields`, so `targetSpec: [3]` meant a size of 3: refused here);
    /// with `deny_unknown`, a key not in `fields` is refused.
    Derived { fields: &'a [&'a str], deny_unknown: bool },
    /// k8s-openapi's impls: objects only, unknown keys ignored.
    Kubernetes,
}

/// Sets a field of what is being read from one JSON entry; returns whether it knows the key.
/// `read_struct!` implements it for each struct it reads; a closure also implements it.
///
/// `fields` takes this rather than a `dyn FnMut`: a closure's vtable puts two functions in the
/// policy module's function table (the closure and its `call_once` shim), and each costs
/// wasmtime a trampoline at compile time (docs/performance.md, "Cold start").
pub(crate) trait SetField {
    fn set(&mut self, key: &str, value: &Value) -> Read<bool>;
}

impl<F: FnMut(&str, &Value) -> Read<bool>> SetField for F {
    fn set(&mut self, key: &str, value: &Value) -> Read<bool> {
        self(key, value)
    }
}

/// Reads the entries of the struct `value` (named `expecting` in messages) with `set`, which
/// returns whether it knows the key. Errors get the key (or position) on their path.
#[cfg_attr(aisgate_policy_module, optimize(speed))]
pub(crate) fn fields(value: &Value, expecting: &str, shape: Shape<'_>, set: &mut dyn SetField) -> Read<()> {
    match (value, shape) {
        (Value::Object(map), _) => entries(map, shape, set),
        (other, _) => Err(invalid_type(other, expecting)),
    }
}

#[cfg_attr(aisgate_policy_module, optimize(speed))]
fn entries(map: &Map<String, Value>, shape: Shape<'_>, set: &mut dyn SetField) -> Read<()> {
    for (key, item) in map {
        let known = set.set(key, item).map_err(|e| e.in_key(key))?;
        if let Shape::Derived { fields, deny_unknown: true } = shape
            && !known
        {
            return Err(ReadError::new(format!("unknown field `{key}`, expected {}", one_of(fields))));
        }
    }
    Ok(())
}

/// Implements [`FromJson`] for a struct from its JSON keys and fields:
///
/// ```ignore
/// read_struct!(Metadata, "struct Metadata", derived { "name" => name, "labels" => labels });
/// read_struct!(HostPathVolumeSource, "HostPathVolumeSource", kubernetes { "path" => path, "type" => type_ });
/// ```
///
/// Kubernetes fields that are plain types in k8s-openapi (`path: String`) are read as
/// `Option` and defaulted, as k8s-openapi does.
///
/// In the policy module the key `match` is compiled for speed: at opt-level "z" LLVM calls
/// `memcmp` (wasi-libc's byte loop, with an epoch check per byte in policy-server) for every
/// `key == "name"`; for speed it compares the key's bytes inline. +3.9 KB, a target
/// StatefulSet 5% and a PV 8% faster (docs/performance.md, "Earlier: session 14").
macro_rules! read_struct {
    ($ty:ty, $expecting:literal, derived $(deny_unknown $deny:literal)? { $($key:literal => $field:ident),* $(,)? }) => {
        impl $crate::model::read::FromJson for $ty {
            fn read(value: &serde_json::Value) -> $crate::model::read::Read<Self> {
                let mut out = <$ty>::default();
                let deny_unknown = false $(|| $deny)?;
                let shape = $crate::model::read::Shape::Derived { fields: &[$($key),*], deny_unknown };
                $crate::model::read::fields(value, $expecting, shape, &mut out)?;
                Ok(out)
            }
        }

        impl $crate::model::read::SetField for $ty {
            #[cfg_attr(aisgate_policy_module, optimize(speed))]
            fn set(&mut self, key: &str, value: &serde_json::Value) -> $crate::model::read::Read<bool> {
                match key {
                    $($key => self.$field = $crate::model::read::FromJson::read(value)?,)*
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }
    };
    ($ty:ty, $expecting:literal, kubernetes { $($key:literal => $field:ident $(: $plain:ident)?),* $(,)? }) => {
        impl $crate::model::read::FromJson for $ty {
            fn read(value: &serde_json::Value) -> $crate::model::read::Read<Self> {
                let mut out = <$ty>::default();
                $crate::model::read::fields(value, $expecting, $crate::model::read::Shape::Kubernetes, &mut out)?;
                Ok(out)
            }
        }

        impl $crate::model::read::SetField for $ty {
            #[cfg_attr(aisgate_policy_module, optimize(speed))]
            fn set(&mut self, key: &str, value: &serde_json::Value) -> $crate::model::read::Read<bool> {
                match key {
                    $($key => read_struct!(@set self.$field, value $(, $plain)?),)*
                    _ => return Ok(false),
                }
                Ok(true)
            }
        }
    };
    (@set $out:ident . $field:ident, $value:ident) => {
        $out.$field = $crate::model::read::FromJson::read($value)?
    };
    (@set $out:ident . $field:ident, $value:ident, plain) => {
        $out.$field = Option::unwrap_or_default($crate::model::read::FromJson::read($value)?)
    };
}

pub(crate) use read_struct;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::model::map::SmallMap;

    fn message<T: FromJson + std::fmt::Debug>(value: &Value) -> String {
        let error = T::read(value).unwrap_err();
        format!("{}: {}", error.path(), error.message())
    }

    #[test]
    fn messages_are_serdes() {
        assert_eq!(message::<bool>(&json!("yes")), "$: invalid type: string \"yes\", expected a boolean");
        assert_eq!(message::<i32>(&json!(4_294_967_296_u64)), "$: invalid value: integer `4294967296`, expected i32");
        assert_eq!(message::<usize>(&json!(-5)), "$: invalid value: integer `-5`, expected usize");
        assert_eq!(message::<i64>(&json!(1.5)), "$: invalid type: floating point `1.5`, expected i64");
        assert_eq!(message::<i64>(&json!(3.0)), "$: invalid type: floating point `3.0`, expected i64");
        assert_eq!(message::<i64>(&json!(u64::MAX)), "$: invalid value: integer `18446744073709551615`, expected i64");
        assert_eq!(message::<String>(&json!(3.31)), "$: invalid type: floating point `3.31`, expected a string");
        assert_eq!(message::<String>(&json!(null)), "$: invalid type: null, expected a string");
        assert_eq!(message::<Vec<String>>(&json!({})), "$: invalid type: map, expected a sequence");
        assert_eq!(message::<Vec<String>>(&json!(["a", 1])), "$[1]: invalid type: integer `1`, expected a string");
        assert_eq!(
            message::<SmallMap<String>>(&json!({"tier": 1})),
            "$.tier: invalid type: integer `1`, expected a string"
        );
        assert_eq!(message::<SmallMap<String>>(&json!([])), "$: invalid type: sequence, expected a map");
        assert_eq!(
            variant(&json!("open"), &["ignore", "fail"]).unwrap_err().into_message(),
            "unknown variant `open`, expected `ignore` or `fail`"
        );
        assert_eq!(one_of(&["a", "b", "c"]), "one of `a`, `b`, `c`");
    }

    #[derive(Debug, Default)]
    struct Pair {
        first: Option<i64>,
        second: Vec<String>,
    }
    read_struct!(Pair, "struct Pair", derived deny_unknown true { "first" => first, "second" => second });

    #[test]
    fn derived_structs_read_objects_only() {
        let pair = Pair::read(&json!({"first": null, "second": ["x"]})).unwrap();
        assert_eq!((pair.first, pair.second), (None, vec!["x".to_owned()]));
        // serde's derive would read `[3]` as `first: 3`; a list where a mapping belongs is refused.
        assert_eq!(message::<Pair>(&json!([3])), "$: invalid type: sequence, expected struct Pair");
        assert_eq!(message::<Pair>(&json!("x")), "$: invalid type: string \"x\", expected struct Pair");
        assert_eq!(message::<Pair>(&json!({"third": 1})), "$: unknown field `third`, expected `first` or `second`");
        assert_eq!(message::<Pair>(&json!({"second": null})), "$.second: invalid type: null, expected a sequence");
    }
}
