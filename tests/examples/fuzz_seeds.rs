//! Writes seed inputs for the fuzz targets (fuzz/README.md): every fixture, and every YAML
//! file of the directories given on the command line (e.g. real manifests), as text for
//! `lint_input` and `fix`, as admission payloads for `validate`, and the fixtures' settings
//! for `settings`. Seeds land in `<out>/<target>/`; `cargo fuzz cmin` then keeps the ones
//! that add coverage.
//!
//! `cargo run -p aisgate-tests --example fuzz_seeds -- <out> [manifest dir]...`

use std::path::{Path, PathBuf};

use aisgate_lint::{Limits, source};
use aisgate_tests::fixtures::{all_fixtures, repo_root};
use aisgate_tests::wapc_host::admission_request;
use serde_json::{Value, json};

fn write(out: &Path, target: &str, name: &str, bytes: &[u8]) {
    let dir = out.join(target);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(name), bytes).unwrap();
}

/// Seeds from one manifest text: itself, and an admission payload per object.
fn seed_text(out: &Path, name: &str, text: &str, settings: &Value) {
    write(out, "lint_input", &format!("{name}.yaml"), text.as_bytes());
    write(out, "fix", &format!("{name}.yaml"), text.as_bytes());
    let parsed = source::parse(text, &Limits::default());
    for (d, document) in parsed.documents.iter().enumerate() {
        for (o, (_, object)) in aisgate_lint::objects(document).unwrap_or_default().into_iter().enumerate() {
            for (operation, old) in [("CREATE", None), ("UPDATE", Some(object))] {
                let payload = json!({"request": admission_request(operation, object, old), "settings": settings});
                let file = format!("{name}-{d}-{o}-{operation}.json");
                write(out, "validate", &file, &serde_json::to_vec(&payload).unwrap());
            }
        }
    }
}

fn main() {
    let mut args = std::env::args_os().skip(1).map(PathBuf::from);
    let out = args.next().expect("usage: fuzz_seeds <out> [manifest dir]...");
    for fixture in all_fixtures() {
        let name = fixture.name.replace('/', "__");
        let settings = if fixture.settings_json.is_null() { json!({}) } else { fixture.settings_json.clone() };
        seed_text(&out, &name, &fixture.text, &settings);
        write(&out, "settings", &format!("{name}.json"), &serde_json::to_vec(&settings).unwrap());
    }
    for example in ["examples/aistore.yaml", "examples/storage.yaml", "examples/generated/ais-target-statefulset.yaml"]
    {
        let text = std::fs::read_to_string(repo_root().join(example)).unwrap();
        seed_text(&out, &example.replace('/', "__"), &text, &json!({}));
    }
    for dir in args {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&dir).unwrap().filter_map(Result::ok).map(|entry| entry.path()).collect();
        files.sort();
        for file in files.iter().filter(|f| f.extension().is_some_and(|e| e == "yaml" || e == "yml")) {
            let text = std::fs::read_to_string(file).unwrap();
            let name = file.file_stem().unwrap().to_string_lossy().into_owned();
            seed_text(&out, &format!("manifest-{name}"), &text, &json!({}));
            if text.contains("mutations:") || text.contains("exemptions:") {
                write(&out, "settings", &format!("manifest-{name}.yaml"), text.as_bytes());
            }
        }
    }
}
