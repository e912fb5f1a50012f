//! The policy's `validate` entry point on arbitrary bytes (the waPC payload policy-server
//! sends). It must never panic (a panic traps the module: "internal server error"), every
//! rejection must say why, and a mutation must be final: validating the mutated object
//! changes nothing more.
#![no_main]

use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let response = aisgate_policy::evaluate(data);
    serde_json::to_vec(&response).expect("the response encodes");
    if !response.accepted {
        // Either findings (`AIS020 host-port-on-shared-node: …`) or why it could not be read (`aisgate: …`).
        let message = response.message.as_deref().unwrap_or_default();
        assert!(message.starts_with("AIS") || message.starts_with("aisgate: "), "{response:?}");
        assert!(response.mutated_object.is_none(), "a rejection carries a mutation: {response:?}");
    }
    // (The request's unknown fields are skipped unchecked, so an accepted payload need not be
    // valid JSON everywhere, e.g. invalid UTF-8 in an unknown key: no second look then.)
    if let (Some(mutated), Ok(mut payload)) = (&response.mutated_object, serde_json::from_slice::<Value>(data)) {
        // The policy reads objects without their managed fields; a fix returns them as sent.
        if let Some(sent) = payload.get("request").and_then(|request| request.get("object")) {
            let managed_fields = |object: &Value| object.get("metadata").and_then(|m| m.get("managedFields")).cloned();
            assert_eq!(managed_fields(mutated), managed_fields(sent), "managedFields changed: {response:?}");
        }
        payload["request"]["object"] = mutated.clone();
        let again = aisgate_policy::evaluate(&serde_json::to_vec(&payload).expect("encode"));
        assert!(again.accepted, "the mutated object is rejected: {again:?}");
        assert!(again.mutated_object.is_none(), "mutating the mutated object changed it again: {again:?}");
    }
});
