//! Helpers shared by this crate's integration tests.

use std::path::{Path, PathBuf};

/// Every `*.yaml` / `*.yml` file below `dir`, in a stable (sorted) order.
pub fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// The repository's root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every YAML file of `fixtures/` and `examples/`, in a stable order.
pub fn fixture_and_example_files() -> Vec<PathBuf> {
    let root = repo_root();
    let mut files = Vec::new();
    for dir in ["fixtures", "examples"] {
        yaml_files(&root.join(dir), &mut files);
    }
    files
}
