//! Properties over generated AIS objects (proptest): AIStores, StatefulSets in every
//! labelling style, PVs and PVCs, each with fields unknown to k8s-openapi sprinkled in.
//!
//! - Every mutation is idempotent, keeps every field it does not mean to change (unknown
//!   ones included), and its JSON Patch applies cleanly to the original.
//! - The findings are the same through the engine, the CLI's JSON report
//!   (`aisgate_lint::lint`, what `aisgate lint --format json` prints) and the policy, native
//!   and compiled to wasm.
//!
//! `PROPTEST_CASES` overrides the number of cases per property.

use aisgate_core::engine::FixScope;
use aisgate_core::path::Segment;
use aisgate_core::{Engine, JsonPath, Operation, Settings, Severity};
use aisgate_lint::{Input, Limits};
use aisgate_tests::fixtures::today;
use aisgate_tests::wapc_host::{admission_request, with_policy};
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value, json};

/// Cases per property unless `PROPTEST_CASES` says otherwise.
const CASES: u32 = 1000;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(CASES);
    ProptestConfig { cases, failure_persistence: None, ..ProptestConfig::default() }
}

// ---------------------------------------------------------------------------------------
// Generators
// ---------------------------------------------------------------------------------------

fn text(choices: &[&'static str]) -> impl Strategy<Value = String> + use<> {
    select(choices.to_vec()).prop_map(str::to_owned)
}

fn opt<S: Strategy>(strategy: S) -> impl Strategy<Value = Option<S::Value>> {
    proptest::option::of(strategy)
}

/// Sets `key` when `value` is `Some`.
fn put(map: &mut Map<String, Value>, key: &str, value: Option<impl Into<Value>>) {
    if let Some(value) = value {
        map.insert(key.to_owned(), value.into());
    }
}

fn image() -> impl Strategy<Value = Option<String>> {
    opt(text(&[
        "aistorage/aisnode:v3.31",
        "aistorage/aisnode:latest",
        "aistorage/aisnode",
        "aistorage/aisnode@sha256:0b7c7e9f2c4e",
        "registry.local:5000/ais/aisnode",
    ]))
}

fn port() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => select(vec![51080, 51081, 51082, 51083, 8080, 9090]).prop_map(Value::from),
        1 => select(vec![json!(0), json!(-1), json!(65536), json!("51081"), json!("http"), json!(1)]),
    ]
}

fn quantity() -> impl Strategy<Value = Value> {
    select(vec![
        json!("5T"),
        json!("3Ti"),
        json!("5.8Ti"),
        json!("100Gi"),
        json!("0"),
        json!("-1Gi"),
        json!("lots"),
        json!(1024),
    ])
}

fn labels(pairs: &[(&str, &str)]) -> Value {
    Value::Object(pairs.iter().map(|(k, v)| ((*k).to_owned(), Value::from(*v))).collect())
}

fn hostname_term(nodes: &[&str]) -> Value {
    json!({"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": nodes}]})
}

fn anti_affinity(kind: &str, topology: &str, component: &str) -> Value {
    let term = json!({"labelSelector": {"matchLabels": {"app.kubernetes.io/name": "ais", "app.kubernetes.io/component": component}},
                      "topologyKey": topology});
    match kind {
        "required" => json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term]}}),
        _ => {
            json!({"podAntiAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 100, "podAffinityTerm": term}]}})
        }
    }
}

fn topology_key() -> impl Strategy<Value = String> {
    text(&["kubernetes.io/hostname", "topology.kubernetes.io/zone", "topology.kubernetes.io/node", "rack"])
}

/// Fields no k8s-openapi type has, to be placed at several depths.
fn unknown_fields() -> impl Strategy<Value = Vec<(usize, String, Value)>> {
    prop::collection::vec(
        (
            0..4_usize,
            text(&["x-future", "alphaFeature", "zzUnknown"]),
            select(vec![json!(true), json!({"kept": [1, 2]}), json!("v"), json!(null), json!(7.5)]),
        ),
        0..3,
    )
}

/// Inserts each unknown field at the `depth`-th of `places` (pointers to objects), if that
/// place exists, and returns the pointer and value of each one inserted.
fn plant(object: &mut Value, places: &[&str], fields: Vec<(usize, String, Value)>) -> Vec<(String, Value)> {
    let mut planted = Vec::new();
    for (depth, key, value) in fields {
        let place = places[depth % places.len()];
        if let Some(Value::Object(map)) = object.pointer_mut(place)
            && !map.contains_key(&key)
        {
            map.insert(key.clone(), value.clone());
            planted.push((format!("{place}/{key}"), value));
        }
    }
    planted
}

/// A generated object and the unknown fields planted in it.
#[derive(Debug, Clone)]
struct Generated {
    object: Value,
    unknown: Vec<(String, Value)>,
}

fn mount() -> impl Strategy<Value = Value> {
    (
        text(&["/ais/nvme0n1", "/ais/sdb", "/ais/sdb/x", "ais/rel", "/ais//dbl", "/ais/Upper_Case", "/ais/sdc/"]),
        opt(quantity()),
        opt(text(&["ais-local-storage", "standard"])),
        opt(any::<bool>()),
    )
        .prop_map(|(path, size, class, host_path)| {
            let mut mount = Map::new();
            mount.insert("path".to_owned(), path.into());
            put(&mut mount, "size", size);
            put(&mut mount, "storageClass", class);
            put(&mut mount, "useHostPath", host_path);
            Value::Object(mount)
        })
}

fn role_spec(target: bool) -> impl Strategy<Value = Value> {
    (
        (opt(-2_i64..4), opt(port()), opt(port()), opt(port()), opt(port())),
        (opt(any::<bool>()), opt(any::<bool>()), prop::collection::vec(mount(), 0..3)),
        (opt((text(&["required", "preferred"]), topology_key())), opt(any::<bool>()), opt(any::<bool>())),
        (opt(select(vec![
            json!({"enabled": true}),
            json!({"enabled": true, "maxUnavailable": 1}),
            json!({"enabled": false}),
        ])),),
        opt(text(&["Delete", "Retain"])),
    )
        .prop_map(
            move |(
                (size, service_port, port_public, intra_control, host_port),
                (host_network, no_anti_affinity, mounts),
                (affinity, external_access, node_selector),
                (pdb,),
                retention,
            )| {
                let mut spec = Map::new();
                put(&mut spec, "size", size);
                put(&mut spec, "servicePort", service_port);
                put(&mut spec, "portPublic", port_public);
                put(&mut spec, "portIntraControl", intra_control);
                put(&mut spec, "hostPort", host_port);
                let component = if target { "target" } else { "proxy" };
                put(&mut spec, "affinity", affinity.map(|(kind, key)| anti_affinity(&kind, &key, component)));
                put(&mut spec, "externalAccess", external_access.filter(|on| *on).map(|_| json!({"annotations": {}})));
                put(&mut spec, "nodeSelector", node_selector.map(|_| json!({"kubernetes.io/hostname": "node-1"})));
                put(
                    &mut spec,
                    "pvcRetentionPolicy",
                    retention.map(|r| json!({"whenDeleted": r, "whenScaled": "Retain"})),
                );
                if target {
                    put(&mut spec, "hostNetwork", host_network);
                    put(&mut spec, "disablePodAntiAffinity", no_anti_affinity);
                    put(&mut spec, "pdb", pdb);
                    if !mounts.is_empty() {
                        spec.insert("mounts".to_owned(), Value::Array(mounts));
                    }
                }
                Value::Object(spec)
            },
        )
}

fn aistore() -> impl Strategy<Value = Generated> {
    (
        (opt(-2_i64..5), image(), image()),
        text(&["hostPath", "pvc", "emptyDir", "none", "hostPath+emptyDir", "hostpathPrefix", "stateStorageClass"]),
        (role_spec(false), role_spec(true)),
        // Deprecated and removed fields, which fixes migrate.
        (opt(any::<bool>()), opt(any::<bool>()), opt(any::<bool>()), opt(Just("cluster.local"))),
        (opt(text(&["decommission", "safe_decommission", "retain"])), opt(any::<bool>()), opt(any::<bool>())),
        unknown_fields(),
    )
        .prop_map(
            |(
                (size, node_image, init_image),
                state,
                (proxy, target),
                (external_lb, removed_anti_affinity, node_name_host, cluster_domain),
                (scale_down, rebalance, shutdown),
                unknown,
            )| {
                let mut spec = Map::new();
                put(&mut spec, "size", size);
                put(&mut spec, "nodeImage", node_image);
                put(&mut spec, "initImage", init_image);
                match state.as_str() {
                    "hostPath" => put(&mut spec, "stateStorage", Some(json!({"hostPath": {"prefix": "/etc/ais"}}))),
                    "pvc" => put(&mut spec, "stateStorage", Some(json!({"pvc": {"storageClass": "standard"}}))),
                    "emptyDir" => put(&mut spec, "stateStorage", Some(json!({"emptyDir": {}}))),
                    "hostPath+emptyDir" => {
                        put(
                            &mut spec,
                            "stateStorage",
                            Some(json!({"hostPath": {"prefix": "/etc/ais"}, "emptyDir": {}})),
                        );
                    }
                    "hostpathPrefix" => put(&mut spec, "hostpathPrefix", Some("/etc/ais")),
                    "stateStorageClass" => put(&mut spec, "stateStorageClass", Some("local-path")),
                    _ => {}
                }
                spec.insert("proxySpec".to_owned(), proxy);
                let mut target = target;
                if let (Some(mode), Some(map)) = (scale_down, target.as_object_mut()) {
                    map.insert("scaleDownMode".to_owned(), mode.into());
                }
                spec.insert("targetSpec".to_owned(), target);
                put(&mut spec, "enableExternalLB", external_lb);
                put(&mut spec, "disablePodAntiAffinity", removed_anti_affinity);
                put(&mut spec, "enableNodeNameHost", node_name_host);
                put(&mut spec, "clusterDomain", cluster_domain);
                put(&mut spec, "configToUpdate", rebalance.map(|on| json!({"rebalance": {"enabled": on}})));
                put(&mut spec, "shutdownCluster", shutdown);
                let mut object = json!({"apiVersion": "ais.nvidia.com/v1beta1", "kind": "AIStore",
                    "metadata": {"name": "ais", "namespace": "ais"}, "spec": spec});
                let places = ["/metadata", "/spec", "/spec/targetSpec", "/spec/proxySpec"];
                let unknown = plant(&mut object, &places, unknown);
                Generated { object, unknown }
            },
        )
}

fn container_port() -> impl Strategy<Value = Value> {
    (port(), opt(port()), opt(text(&["http", "metrics"])), opt(text(&["TCP", "UDP"]))).prop_map(
        |(container_port, host_port, name, protocol)| {
            let mut p = Map::new();
            p.insert("containerPort".to_owned(), container_port);
            put(&mut p, "hostPort", host_port);
            put(&mut p, "name", name);
            put(&mut p, "protocol", protocol);
            Value::Object(p)
        },
    )
}

fn container(init: bool) -> impl Strategy<Value = Value> {
    (
        text(&["ais-node", "sidecar", "populate-env"]),
        image(),
        prop::collection::vec(container_port(), 0..3),
        prop::collection::vec(text(&["ais-ais-nvme0n1", "config", "missing-volume", "state"]), 0..3),
    )
        .prop_map(move |(name, image, ports, mounts)| {
            let mut c = Map::new();
            c.insert("name".to_owned(), name.into());
            put(&mut c, "image", image);
            if !ports.is_empty() {
                c.insert("ports".to_owned(), Value::Array(ports));
            }
            let mounts: Vec<Value> =
                mounts.iter().map(|m| json!({"name": m, "mountPath": format!("/mnt/{m}")})).collect();
            if !mounts.is_empty() {
                c.insert("volumeMounts".to_owned(), Value::Array(mounts));
            }
            if init {
                c.insert("restartPolicy".to_owned(), "Always".into());
            }
            Value::Object(c)
        })
}

fn claim_template() -> impl Strategy<Value = Value> {
    (
        text(&["ais-ais-nvme0n1", "ais-data", "Bad_Name", "ais-ais-sdb"]),
        prop::collection::vec(text(&["ReadWriteOnce", "ReadWriteMany", "ReadWriteOncePod"]), 0..3),
        opt(quantity()),
        opt(text(&["Filesystem", "Block"])),
        opt(text(&["ais-local-storage", "standard"])),
    )
        .prop_map(|(name, modes, storage, mode, class)| {
            let mut spec = Map::new();
            spec.insert("accessModes".to_owned(), json!(modes));
            put(&mut spec, "resources", storage.map(|s| json!({"requests": {"storage": s}})));
            put(&mut spec, "volumeMode", mode);
            put(&mut spec, "storageClassName", class);
            json!({"metadata": {"name": name}, "spec": spec})
        })
}

fn statefulset() -> impl Strategy<Value = Generated> {
    (
        (text(&["operator", "owned", "legacy", "dev", "plain"]), text(&["target", "proxy"]), text(&[
            "ais-target",
            "ais-proxy",
            "my-very-long-aistore-cluster-name-for-production-use-target",
        ])),
        (opt(0_i32..5), opt(any::<bool>()), opt((text(&["required", "preferred"]), topology_key()))),
        (prop::collection::vec(container(false), 1..3), prop::collection::vec(container(true), 0..2)),
        (prop::collection::vec(claim_template(), 0..3), opt(any::<bool>()), opt(any::<bool>())),
        (opt(text(&["Delete", "Retain"])), opt(text(&["rel-ais", "bad.release"]))),
        unknown_fields(),
    )
        .prop_map(
            |(
                (style, role, name),
                (replicas, host_network, affinity),
                (containers, init_containers),
                (templates, shared_annotation, pinned),
                (retention, release),
                unknown,
            )| {
                let mut meta_labels = match style.as_str() {
                    "operator" => labels(&[
                        ("app.kubernetes.io/name", "ais"),
                        ("app.kubernetes.io/component", &role),
                        ("app.kubernetes.io/managed-by", "ais-operator"),
                    ]),
                    "owned" => labels(&[("app.kubernetes.io/name", "ais"), ("app.kubernetes.io/component", &role)]),
                    "legacy" => labels(&[("app", "rel-ais"), ("component", &role)]),
                    "dev" => labels(&[("app", "ais"), ("type", &role)]),
                    _ => labels(&[("app", "postgres")]),
                };
                if let (Some(release), Some(map)) = (release, meta_labels.as_object_mut()) {
                    map.insert("release".to_owned(), release.into());
                }
                let mut metadata = json!({"name": name, "namespace": "ais", "labels": meta_labels.clone()});
                if style == "owned" {
                    metadata["ownerReferences"] = json!([{"apiVersion": "ais.nvidia.com/v1beta1", "kind": "AIStore", "name": "ais", "uid": "u1"}]);
                }
                if shared_annotation == Some(true) {
                    metadata["annotations"] = json!({"aisgate.io/shared-nodes": "true"});
                }
                let mut pod = Map::new();
                pod.insert("containers".to_owned(), Value::Array(containers));
                if !init_containers.is_empty() {
                    pod.insert("initContainers".to_owned(), Value::Array(init_containers));
                }
                put(&mut pod, "hostNetwork", host_network);
                put(&mut pod, "affinity", affinity.map(|(kind, key)| anti_affinity(&kind, &key, &role)));
                put(&mut pod, "nodeSelector", pinned.map(|_| json!({"kubernetes.io/hostname": "node-1"})));
                pod.insert("volumes".to_owned(), json!([{"name": "config", "configMap": {"name": "c"}}, {"name": "state", "hostPath": {"path": "/etc/ais"}}]));
                let mut spec = Map::new();
                put(&mut spec, "replicas", replicas);
                spec.insert("serviceName".to_owned(), name.clone().into());
                spec.insert("selector".to_owned(), json!({"matchLabels": meta_labels}));
                spec.insert("template".to_owned(), json!({"metadata": {"labels": meta_labels}, "spec": pod}));
                if !templates.is_empty() {
                    spec.insert("volumeClaimTemplates".to_owned(), Value::Array(templates));
                }
                put(
                    &mut spec,
                    "persistentVolumeClaimRetentionPolicy",
                    retention.map(|r| json!({"whenDeleted": r, "whenScaled": r})),
                );
                let mut object = json!({"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": metadata, "spec": spec});
                let places = ["/metadata", "/spec", "/spec/template/spec", "/spec/template/spec/containers/0"];
                let unknown = plant(&mut object, &places, unknown);
                Generated { object, unknown }
            },
        )
}

fn persistent_volume() -> impl Strategy<Value = Generated> {
    (
        (opt(text(&["ais-local-storage", "standard"])), opt(text(&["Delete", "Recycle", "Retain"])), opt(quantity())),
        (
            prop::collection::vec(text(&["ReadWriteOnce", "ReadWriteMany", "ReadOnlyMany"]), 0..3),
            opt(text(&["Filesystem", "Block"])),
            text(&["hostPath", "local", "nfs", "cephfs", "csi"]),
        ),
        opt(select(vec![vec!["node-1"], vec!["node-1", "node-2"]])),
        opt((
            opt(Just("ais")),
            text(&["ais-ais-sdb-ais-target-0", "data-0", "ais-data-aistore-ais-target-3"]),
            opt(text(&["PersistentVolumeClaim", "Pod"])),
        )),
        (any::<bool>(), unknown_fields()),
    )
        .prop_map(|((class, reclaim, capacity), (modes, volume_mode, source), nodes, claim, (mpath, unknown))| {
            let mut spec = Map::new();
            put(&mut spec, "storageClassName", class);
            put(&mut spec, "persistentVolumeReclaimPolicy", reclaim);
            put(&mut spec, "capacity", capacity.map(|c| json!({"storage": c})));
            spec.insert("accessModes".to_owned(), json!(modes));
            put(&mut spec, "volumeMode", volume_mode);
            let (key, value) = match source.as_str() {
                "hostPath" => ("hostPath", json!({"path": "/ais/sdb"})),
                "local" => ("local", json!({"path": "/ais/sdb"})),
                "nfs" => ("nfs", json!({"server": "nfs.local", "path": "/export"})),
                "cephfs" => ("cephfs", json!({"monitors": ["10.0.0.1:6789"]})),
                _ => ("csi", json!({"driver": "local.csi.k8s.io", "volumeHandle": "h"})),
            };
            spec.insert(key.to_owned(), value);
            put(
                &mut spec,
                "nodeAffinity",
                nodes.map(|nodes| json!({"required": {"nodeSelectorTerms": [hostname_term(&nodes)]}})),
            );
            put(
                &mut spec,
                "claimRef",
                claim.map(|(namespace, name, kind)| {
                    let mut claim = Map::new();
                    put(&mut claim, "namespace", namespace);
                    claim.insert("name".to_owned(), name.into());
                    put(&mut claim, "kind", kind);
                    Value::Object(claim)
                }),
            );
            let mut metadata = json!({"name": "node-1-pv-ais-sdb"});
            if mpath {
                metadata["labels"] = json!({"mpath": "pv-ais-sdb", "type": "local"});
            }
            let mut object =
                json!({"apiVersion": "v1", "kind": "PersistentVolume", "metadata": metadata, "spec": spec});
            let places = ["/metadata", "/spec", "/spec/hostPath", "/spec/nodeAffinity"];
            let unknown = plant(&mut object, &places, unknown);
            Generated { object, unknown }
        })
}

fn persistent_volume_claim() -> impl Strategy<Value = Generated> {
    (
        text(&["ais-ais-sdb-ais-target-0", "ais-data-aistore-ais-target-3", "data-0"]),
        (any::<bool>(), opt(text(&["ais-local-storage", "standard"]))),
        prop::collection::vec(text(&["ReadWriteOnce", "ReadWriteMany", "ReadWriteOncePod"]), 0..3),
        (opt(text(&["Filesystem", "Block"])), opt(quantity())),
        unknown_fields(),
    )
        .prop_map(|(name, (selector_labels, class), modes, (volume_mode, storage), unknown)| {
            let mut metadata = json!({"name": name, "namespace": "ais"});
            if selector_labels {
                metadata["labels"] = json!({"app.kubernetes.io/name": "ais", "app.kubernetes.io/component": "target"});
            }
            let mut spec = Map::new();
            spec.insert("accessModes".to_owned(), json!(modes));
            put(&mut spec, "storageClassName", class);
            put(&mut spec, "volumeMode", volume_mode);
            put(&mut spec, "resources", storage.map(|s| json!({"requests": {"storage": s}})));
            let mut object =
                json!({"apiVersion": "v1", "kind": "PersistentVolumeClaim", "metadata": metadata, "spec": spec});
            let places = ["/metadata", "/spec", "/spec/resources"];
            let unknown = plant(&mut object, &places, unknown);
            Generated { object, unknown }
        })
}

fn ais_object() -> impl Strategy<Value = Generated> {
    prop_oneof![aistore(), statefulset(), persistent_volume(), persistent_volume_claim()]
}

// ---------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------

fn engine(mutations: bool) -> Engine {
    let settings = Settings::from_json(&json!({"mutations": {
        "retainReclaimPolicy": mutations, "addPodAntiAffinity": mutations,
        "stripHostPortOnSharedNodes": mutations, "migrateDeprecatedFields": mutations}}))
    .unwrap();
    Engine::new(settings, today())
}

/// JSON pointer of a finding path's node.
fn pointer(path: &JsonPath) -> String {
    path.segments()
        .iter()
        .map(|s| match s {
            Segment::Key(k) => format!("/{}", k.replace('~', "~0").replace('/', "~1")),
            Segment::Index(i) => format!("/{i}"),
        })
        .collect()
}

fn check_fixes(generated: &Generated) -> Result<(), TestCaseError> {
    let engine = engine(true);
    let object = &generated.object;
    for scope in [FixScope::Admission, FixScope::Offline] {
        for (operation, old) in [(Operation::Create, None), (Operation::Update, Some(object))] {
            let Ok(Some(outcome)) = engine.check_and_fix(object, old, operation, scope) else { continue };
            let Some(fixed) = outcome.fixed else {
                prop_assert!(outcome.changes.is_empty());
                continue;
            };
            prop_assert!(!outcome.changes.is_empty(), "changed without a change record");
            // Idempotent.
            let again = engine.check_and_fix(&fixed, old, operation, scope).unwrap().unwrap();
            prop_assert!(again.changes.is_empty(), "fixing the fixed object changed it again: {:?}", again.changes);
            // A clean patch, only where the changes point.
            let patch = json_patch::diff(object, &fixed);
            let mut patched = object.clone();
            json_patch::patch(&mut patched, &patch).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(&patched, &fixed);
            let allowed: Vec<String> = outcome.changes.iter().map(|c| pointer(&c.path.parent())).collect();
            for op in &patch.0 {
                let touched = op.path().to_string();
                prop_assert!(
                    allowed.iter().any(|a| touched.starts_with(a.as_str())),
                    "{:?} {:?}: patch touches {}, outside {:?}",
                    scope,
                    operation,
                    touched,
                    allowed
                );
            }
            // Unknown fields survive, value for value.
            for (at, value) in &generated.unknown {
                prop_assert_eq!(fixed.pointer(at), Some(value), "{} lost", at);
            }
        }
    }
    Ok(())
}

/// (code, severity, path, message) of a finding, the same from every front door.
type Seen = (String, Severity, String, String);

fn check_front_doors(generated: &Generated) -> Result<(), TestCaseError> {
    // Mutations off: the policy's answer is then exactly the findings.
    let engine = engine(false);
    let object = &generated.object;
    let engine_result = engine.check(object, None);

    let text = serde_json::to_string_pretty(object).unwrap();
    let report = aisgate_lint::lint(&engine, &[Input { name: "generated.json", text: &text }], &[], &Limits::default());

    let settings = json!({"mutations": {"retainReclaimPolicy": false, "migrateDeprecatedFields": false}});
    let payload =
        serde_json::to_vec(&json!({"request": admission_request("CREATE", object, None), "settings": settings}))
            .unwrap();
    let native = serde_json::to_value(aisgate_policy::evaluate(&payload)).unwrap();
    let wasm = with_policy(|host| host.call_raw("validate", &payload)).map_err(TestCaseError::fail)?;
    prop_assert_eq!(&wasm, &native, "the compiled policy and the native code differ");

    match engine_result {
        Err(error) => {
            prop_assert_eq!(report.errors.len(), 1);
            prop_assert_eq!(&report.errors[0].message, &error.to_string());
            prop_assert_eq!(&native["accepted"], &json!(false));
            let message = native["message"].as_str().unwrap_or_default();
            prop_assert!(message.ends_with(&format!(": {error}")), "{} vs {}", message, error);
        }
        Ok(None) => {
            prop_assert!(report.findings.is_empty() && report.errors.is_empty());
            prop_assert_eq!(&native["accepted"], &json!(true));
            prop_assert_eq!(&native["warnings"], &Value::Null);
        }
        Ok(Some(checked)) => {
            let from_engine: Vec<Seen> = checked
                .findings
                .iter()
                .map(|f| (f.code.to_owned(), f.severity, f.path.to_string(), f.message.clone()))
                .collect();
            // One object alone: the rules across objects (scope `bundle`) have more to say in a
            // report of several objects; here they are compared elsewhere (tests/tests/bundles.rs).
            let single_object = |code: &str| {
                aisgate_core::registry::find(code)
                    .is_some_and(|rule| rule.meta().scope != aisgate_core::rule::Scope::Bundle)
            };
            let mut from_cli: Vec<Seen> = report
                .findings
                .iter()
                .filter(|f| single_object(f.code))
                .map(|f| (f.code.to_owned(), f.severity, f.path.to_string(), f.message.clone()))
                .collect();
            // The report orders findings by position in the file, the engine by code.
            from_cli.sort();
            let mut from_engine = from_engine;
            from_engine.sort();
            prop_assert_eq!(&from_cli, &from_engine, "CLI report and engine differ");
            prop_assert!(report.errors.is_empty(), "{:?}", report.errors);
            let headlines = |severity: Severity| -> Vec<String> {
                checked
                    .findings
                    .iter()
                    .filter(|f| f.severity == severity)
                    .map(aisgate_core::Finding::headline)
                    .collect()
            };
            let denials = headlines(Severity::Deny);
            let warnings = headlines(Severity::Warn);
            prop_assert_eq!(&native["accepted"], &json!(denials.is_empty()));
            if !denials.is_empty() {
                prop_assert_eq!(&native["message"], &json!(denials.join("; ")));
            }
            let policy_warnings: Vec<String> = native["warnings"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|w| w.as_str().map(str::to_owned))
                .collect();
            prop_assert_eq!(&policy_warnings, &warnings);
            prop_assert!(native["mutated_object"].is_null());
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn mutations_are_idempotent_keep_other_fields_and_patch_cleanly(generated in ais_object()) {
        check_fixes(&generated)?;
    }

    #[test]
    fn findings_agree_across_engine_cli_and_policy(generated in ais_object()) {
        check_front_doors(&generated)?;
    }
}

/// The generators reach what the properties are about: every kind, fixes, denials,
/// warnings and decode errors (a property that never sees a fix proves nothing).
#[test]
fn generators_cover_fixes_findings_and_errors() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let engine = engine(true);
    let (mut fixed, mut denied, mut warned, mut errors, mut unknown) = (0, 0, 0, 0, 0);
    let mut kinds = std::collections::BTreeSet::new();
    for _ in 0..500 {
        let generated = ais_object().new_tree(&mut runner).unwrap().current();
        kinds.insert(generated.object["kind"].as_str().unwrap().to_owned());
        unknown += usize::from(!generated.unknown.is_empty());
        match engine.check_and_fix(&generated.object, None, Operation::Create, FixScope::Offline) {
            Err(_) => errors += 1,
            Ok(None) => {}
            Ok(Some(outcome)) => {
                fixed += usize::from(outcome.fixed.is_some());
                denied += usize::from(outcome.report.denied());
                warned += usize::from(outcome.report.findings.iter().any(|f| f.severity == Severity::Warn));
            }
        }
    }
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    for (what, count) in
        [("fixed", fixed), ("denied", denied), ("warned", warned), ("errors", errors), ("unknown fields", unknown)]
    {
        assert!(count >= 10, "only {count} of 500 generated objects {what}");
    }
}
