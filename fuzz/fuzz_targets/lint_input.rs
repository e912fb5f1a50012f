//! The CLI's input reader and linter on arbitrary text: multi-document YAML or JSON, Lists,
//! Helm output. Never a panic; every finding and error points at a line of the input; the
//! report encodes. The same text is also given as the previous version (`--old`), which
//! runs the update rules.
#![no_main]

use aisgate_core::{Engine, Settings};
use aisgate_lint::{Input, Limits};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let engine = Engine::new(Settings::default(), aisgate_core::settings::parse_date("2026-11-21"));
    let inputs = [Input { name: "fuzz.yaml", text }];
    // YAML counts `\r`, `\n` and `\r\n` as line breaks; a position may sit just past the last one.
    let last_line = text.bytes().filter(|b| matches!(b, b'\n' | b'\r')).count() + 1;
    for old in [&[][..], &inputs[..]] {
        let report = aisgate_lint::lint(&engine, &inputs, old, &Limits::default());
        serde_json::to_vec(&report).expect("the report encodes");
        for (line, column, what) in report
            .findings
            .iter()
            .map(|f| (f.line, f.column, f.message.as_str()))
            .chain(report.errors.iter().map(|e| (e.line, e.column, e.message.as_str())))
        {
            assert!((1..=last_line).contains(&line) && column >= 1, "{line}:{column} outside the input: {what}");
        }
        assert_eq!(report.summary.deny + report.summary.warn, report.findings.len());
    }
});
