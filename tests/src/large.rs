//! Oversized but well-formed objects, for the limit tests and the large-request benchmark.

use serde_json::{Value, json};

use crate::fixtures::repo_root;

/// The example operator target StatefulSet, grown to at least `min_bytes` of JSON by
/// environment variables on its main container (the shape of a real oversized pod
/// template: many small nodes, not one big string).
pub fn large_statefulset(min_bytes: usize) -> Value {
    let path = repo_root().join("examples/generated/ais-target-statefulset.yaml");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let parsed = aisgate_lint::source::parse(&text, &aisgate_lint::Limits::default());
    let mut sts = parsed.documents.into_iter().next().expect("one document").value;
    let mut size = serde_json::to_vec(&sts).expect("encode").len();
    let env = sts["spec"]["template"]["spec"]["containers"][0]["env"].as_array_mut().expect("the container has env");
    let mut i = 0_usize;
    while size < min_bytes {
        let entry = json!({"name": format!("AIS_TUNING_{i:07}"), "value": format!("{i:0>96}")});
        size += serde_json::to_vec(&entry).expect("encode").len() + 1;
        env.push(entry);
        i += 1;
    }
    sts
}
