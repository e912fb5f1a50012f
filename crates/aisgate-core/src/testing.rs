//! Helpers for the engine's own unit tests.

use serde_json::{Value, json};

use crate::engine::{Engine, FixScope};
use crate::rule::Operation;
use crate::settings::Settings;

/// An `AIStore` named `ais` in namespace `ais` with `spec`.
pub(crate) fn aistore(spec: Value) -> Value {
    let mut object = json!({"apiVersion": "ais.nvidia.com/v1beta1", "kind": "AIStore", "metadata": {"name": "ais", "namespace": "ais"}});
    object["spec"] = spec;
    object
}

/// `object` after the fixes of `scope` under default settings (itself when nothing changed).
/// On UPDATE, the previous version is `object` itself.
pub(crate) fn fixed(object: &Value, operation: Operation, scope: FixScope) -> Value {
    let engine = Engine::new(Settings::default(), None);
    let old = (operation == Operation::Update).then(|| object.clone());
    let outcome = engine.check_and_fix(object, old.as_ref(), operation, scope).unwrap().unwrap();
    outcome.fixed.unwrap_or_else(|| object.clone())
}
