use crate::declare_rule;
use crate::model::AisObject;
use crate::path::JsonPath;
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags an AIS `StatefulSet` whose name is longer than 52 characters.
    ///
    /// ## Why is this bad?
    /// The `StatefulSet` controller labels every pod with
    /// `controller-revision-hash: <statefulset>-<hash>`, where the hash adds up to 11
    /// characters. Label values are limited to 63 characters, so with a longer name the
    /// controller cannot create the pods (`FailedCreate`) although the `StatefulSet` itself is
    /// accepted. Operator-generated names are `<cluster>-proxy` and `<cluster>-target`, so
    /// an `AIStore` named with more than 45 characters hits this.
    ///
    /// ## Example
    /// ```yaml
    /// metadata:
    ///   name: ais-production-eu-west-1-datacenter-b-nvme-pool-target
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// metadata:
    ///   name: ais-prod-euw1-b-target
    /// ```
    pub struct StatefulsetNameTooLong {
        code: "AIS107",
        name: "statefulset-name-too-long",
        severity: Warn,
        scope: Object,
        kinds: [StatefulSet],
        summary: "An AIS StatefulSet name longer than 52 characters: its pods' controller-revision-hash label overflows",
        fix: None,
    }
}

/// Longest `StatefulSet` name whose `controller-revision-hash` label still fits in 63 characters.
const MAX_NAME: usize = 52;

impl Rule for StatefulsetNameTooLong {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        let AisObject::StatefulSet(sts, _) = check.object() else { return };
        let Some(name) = sts.metadata.name.as_deref() else { return };
        let length = name.chars().count();
        if length > MAX_NAME {
            out.push(Violation::new(
                JsonPath::from_keys("metadata.name"),
                format!(
                    "name has {length} characters: the pods' controller-revision-hash label exceeds 63 and pods are refused; use at most {MAX_NAME}"
                ),
            ));
        }
    }
}
