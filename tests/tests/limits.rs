//! Limits on hostile or runaway input. Each refusal names the limit and the setting that
//! raises it (`limits.*`), and raising it lets the same input through. The policy answers a
//! 10 MB StatefulSet request, refused or (with the limit raised) evaluated, under a 256 MiB
//! guest memory cap; how fast is measured by `tests/examples/bench_large_request.rs`.

use std::fmt::Write as _;

use aisgate_core::{Engine, Settings};
use aisgate_lint::{Input, LintReport, ReportError};
use aisgate_tests::fixtures::today;
use aisgate_tests::large::large_statefulset;
use aisgate_tests::wapc_host::{Cluster, Limits, OUT_OF_TIME, PolicyHost, admission_request, policy_wasm};
use serde_json::{Value, json};

/// The memory cap the policy must live within for the largest requests.
const GUEST_MEMORY_CAP: usize = 256 << 20;

fn lint(settings: &Value, inputs: &[(&str, &str)]) -> LintReport {
    let settings = Settings::from_json(settings).unwrap();
    let limits = settings.limits;
    let engine = Engine::new(settings, today());
    let inputs: Vec<Input<'_>> = inputs.iter().map(|(name, text)| Input { name, text }).collect();
    aisgate_lint::lint(&engine, &inputs, &[], &limits)
}

fn error(file: &str, line: usize, column: usize, message: &str) -> ReportError {
    ReportError::new(file, line, column, message.to_owned())
}

/// `levels` of aliases, each referring to the previous one ten times.
fn alias_bomb(levels: usize) -> String {
    let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
    for level in 1..=levels {
        let refs = vec![format!("*a{}", level - 1); 10].join(", ");
        writeln!(text, "a{level}: &a{level} [{refs}]").unwrap();
    }
    text
}

#[test]
fn alias_expansion_is_limited() {
    // Nine levels would expand to a billion nodes: refused where the limit is crossed.
    let report = lint(&json!({}), &[("bomb.yaml", &alias_bomb(9))]);
    assert_eq!(
        report.errors,
        [error(
            "bomb.yaml",
            5,
            45,
            "aliases expand to too many nodes (a possible YAML bomb), over the limit of 100000 nodes; raise it with the setting limits.maxAliasNodes"
        )]
    );
    // A small one passes by default, is refused under a lower limit, passes again when raised.
    let small = alias_bomb(3);
    assert!(lint(&json!({}), &[("small.yaml", &small)]).errors.is_empty());
    let report = lint(&json!({"limits": {"maxAliasNodes": 1000}}), &[("small.yaml", &small)]);
    assert_eq!(
        report.errors,
        [error(
            "small.yaml",
            3,
            50,
            "aliases expand to too many nodes (a possible YAML bomb), over the limit of 1000 nodes; raise it with the setting limits.maxAliasNodes"
        )]
    );
}

#[test]
fn nesting_depth_is_limited() {
    let deep = format!("{}{}\n", "[".repeat(200), "]".repeat(200));
    let report = lint(&json!({}), &[("deep.yaml", &deep)]);
    assert_eq!(
        report.errors,
        [error(
            "deep.yaml",
            1,
            129,
            "nesting too deep, over the limit of 128 levels; raise it with the setting limits.maxDepth"
        )]
    );
    let report = lint(&json!({"limits": {"maxDepth": 256}}), &[("deep.yaml", &deep)]);
    assert_eq!(report.errors, []);
    assert_eq!(report.summary.skipped, 1, "read, and not a Kubernetes object");
}

#[test]
fn input_size_is_limited_per_input_and_in_total() {
    let pv = "apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: pv1}\n";
    assert_eq!(pv.len(), 60);
    let report = lint(&json!({"limits": {"maxInputBytes": 50}}), &[("pv.yaml", pv)]);
    assert_eq!(
        report.errors,
        [error(
            "pv.yaml",
            1,
            1,
            "input is 60 bytes, over the limit of 50 bytes; raise it with the setting limits.maxInputBytes"
        )]
    );
    let report = lint(&json!({"limits": {"maxTotalBytes": 120}}), &[("a.yaml", pv), ("b.yaml", pv), ("c.yaml", pv)]);
    let refusal = |total: usize| {
        format!(
            "this input brings the run to {total} bytes; it is not read, over the limit of 120 bytes; raise it with the setting limits.maxTotalBytes"
        )
    };
    assert_eq!(report.errors, [error("c.yaml", 1, 1, &refusal(180))]);
    assert_eq!((report.summary.files, report.summary.objects), (3, 2), "a and b are read");
    let report = lint(&json!({"limits": {"maxTotalBytes": 200}}), &[("a.yaml", pv), ("b.yaml", pv), ("c.yaml", pv)]);
    assert_eq!((report.errors.len(), report.summary.objects), (0, 3));
}

#[test]
fn object_count_is_limited() {
    let item = |i: usize| format!("  - {{apiVersion: v1, kind: PersistentVolume, metadata: {{name: pv{i}}}}}\n");
    let list: String =
        std::iter::once("apiVersion: v1\nkind: List\nitems:\n".to_owned()).chain((0..5).map(item)).collect();
    let report = lint(&json!({"limits": {"maxObjects": 3}}), &[("list.yaml", &list)]);
    assert_eq!(
        report.errors,
        [error(
            "list.yaml",
            7,
            5,
            "too many objects; this one and all after it are not checked, over the limit of 3 objects; raise it with the setting limits.maxObjects"
        )]
    );
    assert_eq!(report.summary.objects, 3);
    assert_eq!(lint(&json!({"limits": {"maxObjects": 5}}), &[("list.yaml", &list)]).errors, []);
}

#[test]
fn limits_are_settings_with_checked_values() {
    let refused = |settings: Value| Settings::from_json(&settings).unwrap_err().to_string();
    assert_eq!(refused(json!({"limits": {"maxDepth": 0}})), "settings: limits.maxDepth: must be at least 1");
    assert_eq!(
        refused(json!({"limits": {"maxBytes": 1}})),
        "settings: limits: unknown field `maxBytes`, expected one of `maxRequestBytes`, `maxInputBytes`, `maxTotalBytes`, `maxObjects`, `maxDepth`, `maxAliasNodes`"
    );
    assert_eq!(
        refused(json!({"limits": {"maxObjects": -1}})),
        "settings: limits.maxObjects: invalid value: integer `-1`, expected usize"
    );
}

fn payload(request: &Value, settings: &Value) -> Vec<u8> {
    serde_json::to_vec(&json!({"request": request, "settings": settings})).unwrap()
}

#[test]
fn the_policy_answers_a_10_mb_statefulset_under_a_256_mib_memory_cap() {
    let host = PolicyHost::with_limits(policy_wasm(), Cluster::default(), Limits::memory(GUEST_MEMORY_CAP));
    let sts = large_statefulset(10 << 20);
    let request = admission_request("CREATE", &sts, None);

    // By default the guard refuses it: the API server never sends a request this large.
    let refused = payload(&request, &json!({}));
    let answer = host.call_raw("validate", &refused).expect("answered, not trapped");
    let expected_message = format!(
        "aisgate: the admission request is {} bytes, over the limit of 8388608 bytes; raise it with the setting limits.maxRequestBytes",
        refused.len()
    );
    assert_eq!(
        answer,
        json!({"accepted": false, "message": expected_message, "code": 413, "mutated_object": null, "audit_annotations": null, "warnings": null})
    );

    // With the limit raised it is evaluated in full, exactly as the native code does.
    let settings = json!({"limits": {"maxRequestBytes": 32 << 20}});
    let evaluated = payload(&request, &settings);
    let answer = host.call_raw("validate", &evaluated).expect("answered, not trapped");
    let native = serde_json::to_value(aisgate_policy::evaluate(&evaluated)).unwrap();
    assert_eq!(answer, native);
    assert_eq!(
        answer["accepted"],
        json!(false),
        "the example StatefulSet shares nodes with a host port and a host path"
    );
    assert_eq!(
        answer["message"],
        json!(
            "AIS020 host-port-on-shared-node: hostPort 51081: targets share nodes (no anti-affinity), 2nd pod per node stays Pending; remove it, use externalAccess; AIS021 host-path-on-shared-node: hostPath /etc/ais/ais/ais/target is shared by targets on one node (no anti-affinity); add a per-pod subPathExpr"
        )
    );

    // An UPDATE carries the object twice: 20 MB, still answered under the cap.
    let update = payload(&admission_request("UPDATE", &sts, Some(&sts)), &settings);
    let answer = host.call_raw("validate", &update).expect("answered, not trapped");
    assert_eq!(answer["accepted"], json!(false));
}

/// policy-server interrupts an evaluation at its time limit (wasmtime epochs) and answers code
/// 500; the host here is configured the same way. With no tick left, the first epoch check
/// interrupts `validate`; with the default limit the same call is answered.
#[test]
fn an_evaluation_out_of_time_is_interrupted_as_policy_server_interrupts_it() {
    let pv = json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"}, "spec": {"storageClassName": "standard"}});
    let bytes = payload(&admission_request("CREATE", &pv, None), &json!({}));
    let out_of_time =
        PolicyHost::with_limits(policy_wasm(), Cluster::default(), Limits { evaluation_ticks: 0, ..Limits::default() });
    assert_eq!(out_of_time.call_raw("validate", &bytes), Err(OUT_OF_TIME.to_owned()));
    let answer = PolicyHost::new(policy_wasm(), Cluster::default()).call_raw("validate", &bytes);
    assert_eq!(answer.map(|a| a["accepted"].clone()), Ok(json!(true)));
}

#[test]
fn settings_can_lower_the_request_limit() {
    let pv = json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"}, "spec": {"storageClassName": "standard"}});
    let request = admission_request("CREATE", &pv, None);
    let bytes = payload(&request, &json!({"limits": {"maxRequestBytes": 100}}));
    let answer = PolicyHost::new(policy_wasm(), Cluster::default()).call_raw("validate", &bytes).unwrap();
    assert_eq!(answer["code"], json!(413));
    assert_eq!(
        answer["message"],
        json!(format!(
            "aisgate: the admission request is {} bytes, over the limit of 100 bytes; raise it with the setting limits.maxRequestBytes",
            bytes.len()
        ))
    );
}

#[test]
fn deeply_nested_requests_are_refused_with_the_fixed_limit() {
    let deep = format!("{}{}", "[".repeat(300), "]".repeat(300));
    let pv =
        json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": {"name": "pv1"}, "spec": {"x": "DEEP"}});
    let text = String::from_utf8(payload(&admission_request("CREATE", &pv, None), &json!({}))).unwrap();
    let bytes = text.replace("\"DEEP\"", &deep).into_bytes();
    let answer =
        PolicyHost::new(policy_wasm(), Cluster::default()).call_raw("validate", &bytes).expect("answered, not trapped");
    assert_eq!(answer["accepted"], json!(false));
    let message = answer["message"].as_str().unwrap();
    assert!(
        message.starts_with(
            "aisgate: cannot read the admission request: nesting deeper than 128 levels at line 1 column "
        ) && message.ends_with(" (a fixed limit of the policy's JSON reader)"),
        "{message}"
    );
}

/// The request's JSON tree is built in a region reset after each request (policy/src/arena.rs).
/// One instance answers requests of every size in turn, exactly as the native code does,
/// including after a request whose tree does not fit the region (the rest is allocated as
/// usual and freed), and in bounded memory: a tree kept by mistake would outgrow the cap.
#[test]
fn one_instance_answers_requests_of_every_size_in_bounded_memory() {
    let host = PolicyHost::with_limits(policy_wasm(), Cluster::default(), Limits::memory(8 << 20));
    let pvc = json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim",
        "metadata": {"name": "ais-ais-nvme0n1-ais-target-0", "namespace": "ais",
                     "labels": {"app.kubernetes.io/name": "ais", "app.kubernetes.io/component": "target"}},
        "spec": {"accessModes": ["ReadWriteOnce"], "storageClassName": "gp2", "resources": {"requests": {"storage": "3Ti"}}}});
    let sts = large_statefulset(0);
    // Its tree (about 1.4 MB) is over the largest region kept (1 MiB).
    let large = large_statefulset(400 << 10);
    let fix_host_port =
        json!({"mutations": {"stripHostPortOnSharedNodes": true}, "rules": {"host-path-on-shared-node": "warn"}});
    let payloads = [
        payload(&admission_request("CREATE", &pvc, None), &json!({})),
        payload(&admission_request("CREATE", &sts, None), &json!({})),
        payload(&admission_request("CREATE", &large, None), &json!({})),
        payload(&admission_request("CREATE", &sts, None), &fix_host_port),
        payload(&admission_request("UPDATE", &sts, Some(&sts)), &json!({})),
        br#"{"request": {"uid": "1", "kind": {"kind": "PersistentVolume"}, "operation": "CREATE", "object": {"kind": 5"#
            .to_vec(),
    ];
    let native: Vec<Value> =
        payloads.iter().map(|p| serde_json::to_value(aisgate_policy::evaluate(p)).unwrap()).collect();
    assert_eq!(native[1]["accepted"], json!(false), "the example StatefulSet is refused");
    assert!(native[3]["mutated_object"].is_object(), "the host port fix mutates");
    assert!(
        native[5]["message"].as_str().unwrap().starts_with("aisgate: cannot read the admission request: "),
        "{}",
        native[5]
    );
    for round in 0..200 {
        for (payload, native) in payloads.iter().zip(&native) {
            let answer = host.call_raw("validate", payload).unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert_eq!(&answer, native, "round {round}");
        }
    }
}
