//! Readers for the k8s-openapi types the views hold as leaves, with k8s-openapi's rules:
//! objects only, every field may be absent or `null` (a required one then takes its
//! default), unknown keys ignored, the type's name in messages.

use k8s_openapi::api::core::v1::{
    ContainerPort, HostPathVolumeSource, NodeAffinity, NodeSelector, NodeSelectorRequirement, NodeSelectorTerm,
    PreferredSchedulingTerm, VolumeMount, VolumeNodeAffinity,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelectorRequirement;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use serde_json::Value;

use super::read::{FromJson, Read, ReadError, invalid_type, read_struct};

impl FromJson for IntOrString {
    fn read(value: &Value) -> Read<Self> {
        match value {
            Value::String(s) => Ok(IntOrString::String(s.clone())),
            Value::Number(n) if !n.is_f64() => match n.as_i64().and_then(|i| i32::try_from(i).ok()) {
                Some(i) => Ok(IntOrString::Int(i)),
                None => Err(ReadError::new(format!("invalid value: integer `{n}`, expected a 32-bit integer"))),
            },
            other => Err(invalid_type(other, "IntOrString")),
        }
    }
}

read_struct!(LabelSelectorRequirement, "LabelSelectorRequirement", kubernetes {
    "key" => key: plain,
    "operator" => operator: plain,
    "values" => values,
});

read_struct!(NodeAffinity, "NodeAffinity", kubernetes {
    "preferredDuringSchedulingIgnoredDuringExecution" => preferred_during_scheduling_ignored_during_execution,
    "requiredDuringSchedulingIgnoredDuringExecution" => required_during_scheduling_ignored_during_execution,
});

read_struct!(PreferredSchedulingTerm, "PreferredSchedulingTerm", kubernetes {
    "preference" => preference: plain,
    "weight" => weight: plain,
});

read_struct!(NodeSelector, "NodeSelector", kubernetes {
    "nodeSelectorTerms" => node_selector_terms: plain,
});

read_struct!(NodeSelectorTerm, "NodeSelectorTerm", kubernetes {
    "matchExpressions" => match_expressions,
    "matchFields" => match_fields,
});

read_struct!(NodeSelectorRequirement, "NodeSelectorRequirement", kubernetes {
    "key" => key: plain,
    "operator" => operator: plain,
    "values" => values,
});

read_struct!(ContainerPort, "ContainerPort", kubernetes {
    "containerPort" => container_port: plain,
    "hostIP" => host_ip,
    "hostPort" => host_port,
    "name" => name,
    "protocol" => protocol,
});

read_struct!(VolumeMount, "VolumeMount", kubernetes {
    "mountPath" => mount_path: plain,
    "mountPropagation" => mount_propagation,
    "name" => name: plain,
    "readOnly" => read_only,
    "recursiveReadOnly" => recursive_read_only,
    "subPath" => sub_path,
    "subPathExpr" => sub_path_expr,
});

read_struct!(HostPathVolumeSource, "HostPathVolumeSource", kubernetes {
    "path" => path: plain,
    "type" => type_,
});

read_struct!(VolumeNodeAffinity, "VolumeNodeAffinity", kubernetes { "required" => required });

#[cfg(test)]
mod tests {
    use k8s_openapi::api::core::v1::{LocalVolumeSource, ObjectReference};
    use serde_json::json;

    use super::*;
    use crate::model::affinity::{Affinity, LabelSelector, PodAffinityTerm};
    use crate::model::volume::{ClaimRef, HostPathSource, LocalSource};

    fn message<T: FromJson + std::fmt::Debug>(value: &Value) -> String {
        let error = T::read(value).unwrap_err();
        format!("{}: {}", error.path(), error.message())
    }

    /// Each reader agrees with k8s-openapi's serde impl on what it accepts and how it reads it.
    fn same_as_serde<T>(value: &Value)
    where
        T: FromJson + serde::de::DeserializeOwned + PartialEq + std::fmt::Debug,
    {
        let ours = T::read(value).map_err(ReadError::into_message);
        let serdes = serde_json::from_value::<T>(value.clone()).map_err(|e| e.to_string());
        assert_eq!(ours, serdes, "{value}");
    }

    /// A slim view (`ClaimRef` of `ObjectReference`) accepts and refuses what k8s-openapi does, with its messages.
    fn accepts_as_serde<Ours, Theirs>(value: &Value)
    where
        Ours: FromJson,
        Theirs: serde::de::DeserializeOwned,
    {
        let ours = Ours::read(value).map(|_| ()).map_err(ReadError::into_message);
        let serdes = serde_json::from_value::<Theirs>(value.clone()).map(|_| ()).map_err(|e| e.to_string());
        assert_eq!(ours, serdes, "{value}");
    }

    #[test]
    fn readers_agree_with_k8s_openapi() {
        let term = json!({"labelSelector": {"matchLabels": {"app": "ais"}, "matchExpressions": [{"key": "k", "operator": "In", "values": ["a"]}]},
            "topologyKey": "kubernetes.io/hostname", "namespaces": null, "x": 1});
        accepts_as_serde::<PodAffinityTerm, k8s_openapi::api::core::v1::PodAffinityTerm>(&term);
        // What the slim term keeps reads as k8s-openapi reads it (and is written as it writes it).
        let ours = PodAffinityTerm::read(&term).unwrap();
        let theirs: k8s_openapi::api::core::v1::PodAffinityTerm = serde_json::from_value(term.clone()).unwrap();
        assert_eq!(
            serde_json::to_value(&ours.label_selector).unwrap(),
            serde_json::to_value(&theirs.label_selector).unwrap()
        );
        assert_eq!((ours.namespaces, ours.topology_key), (theirs.namespaces, theirs.topology_key));
        for value in [
            json!({"labelSelector": {"matchLabels": {"a": 1}}}),
            json!({"labelSelector": {"matchLabels": []}}),
            json!({"namespaceSelector": {"matchLabels": 3}}),
            json!({"matchLabelKeys": "app"}),
            json!({"mismatchLabelKeys": [null]}),
            json!({"topologyKey": null, "namespaces": null, "namespaceSelector": null}),
            json!("term"),
        ] {
            accepts_as_serde::<PodAffinityTerm, k8s_openapi::api::core::v1::PodAffinityTerm>(&value);
        }
        for value in [
            json!({"podAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [{"topologyKey": 5}]}}),
            json!({"podAffinity": {"preferredDuringSchedulingIgnoredDuringExecution": [{"weight": "1"}]}}),
            json!({"podAffinity": null, "podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": null}}),
            json!({"podAffinity": []}),
        ] {
            accepts_as_serde::<Affinity, k8s_openapi::api::core::v1::Affinity>(&value);
        }
        accepts_as_serde::<Affinity, k8s_openapi::api::core::v1::Affinity>(
            &json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": [term],
            "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 10, "podAffinityTerm": {"topologyKey": "zone"}}]},
            "nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": [{"matchFields": null,
                "matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "In", "values": ["n1"]}]}]},
                "preferredDuringSchedulingIgnoredDuringExecution": [{"weight": 1, "preference": {}}]}}),
        );
        same_as_serde::<ContainerPort>(
            &json!({"containerPort": 51081, "hostPort": null, "protocol": "TCP", "name": "p"}),
        );
        same_as_serde::<ContainerPort>(&json!({}));
        same_as_serde::<VolumeMount>(&json!({"name": "data", "mountPath": "/ais", "readOnly": true}));
        same_as_serde::<HostPathVolumeSource>(&json!({"path": null, "type": "Directory"}));
        let claim = json!({"name": "c", "namespace": "ais", "kind": "PersistentVolumeClaim"});
        accepts_as_serde::<ClaimRef, ObjectReference>(&claim);
        for value in [
            json!({"uid": 5}),
            json!({"resourceVersion": []}),
            json!({"apiVersion": null, "fieldPath": true}),
            json!("c"),
        ] {
            accepts_as_serde::<ClaimRef, ObjectReference>(&value);
        }
        for value in [json!({"path": "/mnt/sdb"}), json!({"fsType": 1}), json!({"path": null}), json!(null)] {
            accepts_as_serde::<LocalSource, LocalVolumeSource>(&value);
        }
        same_as_serde::<VolumeNodeAffinity>(&json!({"required": {"nodeSelectorTerms": null}}));
        for value in
            [json!(5), json!("5"), json!(-3), json!(4_294_967_296_u64), json!(1.5), json!(true), json!(null), json!([])]
        {
            same_as_serde::<IntOrString>(&value);
        }
        for value in [json!("x"), json!([]), json!(3), json!({"path": 5}), json!({"path": [1]})] {
            same_as_serde::<HostPathVolumeSource>(&value);
        }
        for value in [json!({"path": "/ais", "type": "Directory"}), json!({"type": 5}), json!({"path": [1]}), json!(3)]
        {
            accepts_as_serde::<HostPathSource, HostPathVolumeSource>(&value);
        }
        accepts_as_serde::<LabelSelector, k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector>(
            &json!({"matchLabels": {"a": null}}),
        );
        same_as_serde::<NodeSelector>(&json!({"nodeSelectorTerms": {}}));
    }

    #[test]
    fn paths_lead_to_the_offending_field() {
        assert_eq!(
            message::<Affinity>(&json!({"podAntiAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {}}})),
            "$.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution: invalid type: map, expected a sequence"
        );
        assert_eq!(
            message::<LabelSelector>(&json!({"matchExpressions": [{"key": "k", "values": [1]}]})),
            "$.matchExpressions[0].values[0]: invalid type: integer `1`, expected a string"
        );
    }
}
