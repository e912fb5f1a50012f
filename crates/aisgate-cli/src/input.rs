//! Reading what the user names: files, directories, stdin, settings.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

use aisgate_core::Settings;
use aisgate_lint::{Document, Input, Limits, ReportError};
use anyhow::{Result, bail};
use serde_json::Value;

/// A named text read from disk or stdin.
pub struct Loaded {
    pub name: String,
    pub text: String,
}

/// Everything read from the paths given, and what could not be read.
#[derive(Default)]
pub struct Collected {
    pub loaded: Vec<Loaded>,
    pub errors: Vec<ReportError>,
    /// Files that could not be read (they still count as files in the summary).
    pub unreadable: usize,
}

impl Collected {
    pub fn inputs(&self) -> Vec<Input<'_>> {
        self.loaded.iter().map(|l| Input { name: &l.name, text: &l.text }).collect()
    }

    /// The text of a file read, by name.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.loaded.iter().find(|l| l.name == name).map(|l| l.text.as_str())
    }
}

/// Whether a directory entry is a manifest the walk picks up.
fn is_manifest(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| matches!(e, "yaml" | "yml" | "json"))
}

/// Reads `paths`: `-` is stdin; directories are walked recursively for `*.yaml`, `*.yml` and
/// `*.json` (sorted; `.git` skipped, symbolic links to directories not followed).
pub fn collect(paths: &[PathBuf]) -> Collected {
    let mut collected = Collected::default();
    for path in paths {
        if path.as_os_str() == "-" {
            let mut text = String::new();
            match io::stdin().read_to_string(&mut text) {
                Ok(_) => collected.loaded.push(Loaded { name: "-".to_owned(), text }),
                Err(e) => {
                    collected.unreadable += 1;
                    collected.errors.push(ReportError::new("-", 1, 1, format!("cannot read stdin: {e}")));
                }
            }
        } else if path.is_dir() {
            let mut files = Vec::new();
            walk(path, &mut files, &mut collected.errors);
            files.sort();
            for file in files {
                read_file(&file, &mut collected);
            }
        } else {
            read_file(path, &mut collected);
        }
    }
    collected
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>, errors: &mut Vec<ReportError>) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) => {
            errors.push(ReportError::new(&dir.display().to_string(), 1, 1, format!("cannot read directory: {e}")));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let Ok(file_type) = entry.file_type() else { continue };
        if file_type.is_dir() {
            if entry.file_name() != ".git" {
                walk(&path, files, errors);
            }
        } else if is_manifest(&path) && (file_type.is_file() || path.is_file()) {
            files.push(path);
        }
    }
}

fn read_file(path: &Path, collected: &mut Collected) {
    let name = path.display().to_string();
    let result = std::fs::read(path)
        .map_err(|e| (1, 1, format!("cannot read: {e}")))
        .and_then(|bytes| String::from_utf8(bytes).map_err(|e| not_utf8(e.as_bytes(), e.utf8_error().valid_up_to())));
    match result {
        Ok(text) => collected.loaded.push(Loaded { name, text }),
        Err((line, column, message)) => {
            collected.unreadable += 1;
            collected.errors.push(ReportError::new(&name, line, column, message));
        }
    }
}

/// Where the first byte that is not UTF-8 is (line, column, message); `valid` bytes before it are.
fn not_utf8(bytes: &[u8], valid: usize) -> (usize, usize, String) {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return (1, 1, "not UTF-8 text: UTF-16 (byte order mark); save the file as UTF-8".to_owned());
    }
    let before = bytes.get(..valid).and_then(|b| std::str::from_utf8(b).ok()).unwrap_or_default();
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |last| last.chars().count()) + 1;
    let byte = bytes.get(valid).copied().unwrap_or_default();
    (line, column, format!("not UTF-8 text: byte 0x{byte:02X} at offset {valid}; save the file as UTF-8"))
}

/// Reads one file or stdin (`-`) whole.
pub fn read_text(path: &Path) -> Result<String> {
    if path.as_os_str() == "-" {
        let mut text = String::new();
        io::stdin().read_to_string(&mut text).map_err(|e| anyhow::anyhow!("cannot read stdin: {e}"))?;
        return Ok(text);
    }
    std::fs::read_to_string(path).map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))
}

/// Reads a YAML or JSON text holding one document; `name` is used in errors.
pub fn read_single_document(text: &str, name: &str) -> Result<Document> {
    let parsed = aisgate_lint::source::parse(text, &Limits::default());
    if let Some(error) = parsed.error {
        bail!("{name}:{error}");
    }
    let mut documents = parsed.documents.into_iter();
    let Some(document) = documents.next() else {
        bail!("{name}: empty: expected one YAML or JSON document");
    };
    if let Some(extra) = documents.next() {
        bail!("{name}:{}:{}: expected one document, found another here", extra.start.line, extra.start.column);
    }
    Ok(document)
}

/// The settings file (YAML or JSON), validated as the policy validates its settings; also
/// returns the raw JSON for `review`. No file: the defaults.
pub fn load_settings(path: Option<&Path>) -> Result<(Settings, Value)> {
    let Some(path) = path else { return Ok((Settings::default(), Value::Null)) };
    let text = read_text(path).map_err(|e| anyhow::anyhow!("settings: {e}"))?;
    aisgate_lint::parse_settings_value(&text)
        .map_err(|error| anyhow::anyhow!(error.in_file(&path.display().to_string())))
}

/// Today's date, for exemption expiry.
pub fn today() -> Option<aisgate_core::settings::Date> {
    let seconds = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?.as_secs();
    aisgate_core::settings::date_from_unix(i64::try_from(seconds).ok()?)
}
