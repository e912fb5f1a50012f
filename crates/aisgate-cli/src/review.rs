//! `aisgate review`: what the policy would answer to an AdmissionReview, computed natively by
//! the policy crate's own evaluation, as the API server would receive it (patch included).

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Result, bail};
use base64::Engine as _;
use serde_json::{Map, Value, json};

use crate::input;

#[derive(clap::Args)]
pub struct Args {
    /// An AdmissionReview (JSON or YAML), or - for stdin.
    request: PathBuf,
    /// Settings file (YAML or JSON), as given to the policy.
    #[arg(long)]
    settings: Option<PathBuf>,
}

pub fn run(args: &Args) -> Result<ExitCode> {
    let (_, settings) = input::load_settings(args.settings.as_deref())?;
    let name = args.request.display().to_string();
    let review = input::read_single_document(&input::read_text(&args.request)?, &name)?.value;
    if review.get("kind").and_then(Value::as_str) != Some("AdmissionReview") {
        bail!("{name}: not an AdmissionReview (expected kind: AdmissionReview)");
    }
    let Some(request) = review.get("request").filter(|r| r.is_object()) else {
        bail!("{name}: the AdmissionReview has no request");
    };
    let payload = json!({"request": request, "settings": settings});
    let decision = aisgate_policy::evaluate(&serde_json::to_vec(&payload)?);

    let mut response = Map::new();
    response.insert("uid".to_owned(), request.get("uid").cloned().unwrap_or(Value::String(String::new())));
    response.insert("allowed".to_owned(), Value::Bool(decision.accepted));
    if !decision.accepted {
        let mut status = Map::new();
        if let Some(code) = decision.code {
            status.insert("code".to_owned(), json!(code));
        }
        if let Some(message) = &decision.message {
            status.insert("message".to_owned(), json!(message));
        }
        response.insert("status".to_owned(), Value::Object(status));
    }
    if let Some(warnings) = decision.warnings.filter(|w| !w.is_empty()) {
        response.insert("warnings".to_owned(), json!(warnings));
    }
    if let Some(mutated) = &decision.mutated_object {
        let original = request.get("object").unwrap_or(&Value::Null);
        let patch = json_patch::diff(original, mutated);
        if !patch.0.is_empty() {
            let encoded = base64::engine::general_purpose::STANDARD.encode(serde_json::to_vec(&patch)?);
            response.insert("patchType".to_owned(), json!("JSONPatch"));
            response.insert("patch".to_owned(), json!(encoded));
        }
    }
    let api_version = review.get("apiVersion").and_then(Value::as_str).unwrap_or("admission.k8s.io/v1");
    let answer = json!({"apiVersion": api_version, "kind": "AdmissionReview", "response": response});
    let mut out = io::stdout().lock();
    let written = serde_json::to_writer_pretty(&mut out, &answer)
        .map_err(io::Error::from)
        .and_then(|()| writeln!(out))
        .and_then(|()| out.flush());
    crate::ignore_broken_pipe(written)?;
    Ok(if decision.accepted { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
