//! Settings on arbitrary bytes, as the policy receives them (`validate_settings`, JSON) and
//! as the CLI reads a settings file (YAML). Never a panic; the two readers agree on JSON;
//! accepted settings survive a round trip through their JSON form unchanged.
#![no_main]

use aisgate_core::Settings;
use aisgate_lint::{Limits, source};
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

fuzz_target!(|data: &[u8]| {
    let answer = aisgate_policy::check_settings(data);
    assert_eq!(answer.valid, answer.message.is_none(), "{answer:?}");
    if let Ok(value) = serde_json::from_slice::<Value>(data) {
        let settings = Settings::from_json(&value);
        assert_eq!(answer.valid, settings.is_ok(), "{answer:?} vs {settings:?}");
        if let Ok(settings) = settings {
            let round_trip = serde_json::to_value(&settings).expect("settings encode");
            assert_eq!(Settings::from_json(&round_trip).as_ref(), Ok(&settings), "{round_trip}");
        }
    }
    if let Ok(text) = std::str::from_utf8(data) {
        let parsed = source::parse(text, &Limits::default());
        if let Some(document) = parsed.documents.first() {
            if let Err(error) = Settings::from_json(&document.value) {
                assert!(error.to_string().starts_with("settings: "), "{error}");
            }
        }
    }
});
