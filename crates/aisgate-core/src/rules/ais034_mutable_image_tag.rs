use crate::declare_rule;
use crate::model::AisObject;
use crate::names;
use crate::path::{JsonPath, MakePath};
use crate::rule::{Check, Rule, Violation};

declare_rule! {
    /// ## What it does
    /// Flags a mutable image reference: an image tagged `latest`, or with neither a tag nor a
    /// digest (which means `latest`), in an `AIStore`'s `nodeImage` or `initImage`, or in any
    /// container or init container of an AIS `StatefulSet`. An image pinned by digest
    /// (`@sha256:…`) is never reported.
    ///
    /// ## Why is this bad?
    /// `latest` names whatever was pushed last. The operator pulls AIS images with
    /// `imagePullPolicy: Always`, so targets restarted on different days run different AIS
    /// builds side by side, and a rollback cannot return to the previous build. The legacy
    /// Helm chart's default init image `aistore/ais-init:latest` is one example.
    ///
    /// ## Example
    /// ```yaml
    /// apiVersion: ais.nvidia.com/v1beta1
    /// kind: AIStore
    /// metadata: {name: ais, namespace: ais}
    /// spec:
    ///   nodeImage: aistorage/aisnode:latest
    ///   initImage: aistorage/ais-init
    /// ```
    ///
    /// Use instead:
    /// ```yaml
    /// spec:
    ///   nodeImage: aistorage/aisnode:v3.31
    ///   initImage: aistorage/ais-init:v3.31
    /// ```
    pub struct MutableImageTag {
        code: "AIS034",
        name: "mutable-image-tag",
        severity: Warn,
        scope: Object,
        kinds: [AiStore, StatefulSet],
        summary: "An AIS image uses the tag latest or no tag: pods may run different builds",
        fix: None,
    }
}

/// `at` gives the image's path, built only for a finding.
fn check_image(image: Option<&str>, at: &dyn MakePath, out: &mut Vec<Violation>) {
    let Some(image) = image.map(str::trim).filter(|i| !i.is_empty()) else { return };
    let message = match names::image_tag(image) {
        (Some("latest"), false) => names::fit_message(image, |i| {
            format!("image {i} uses tag latest: pods may run different builds; pin a version or digest")
        }),
        (None, false) => names::fit_message(image, |i| {
            format!("image {i} has no tag (means latest): pods may run different builds; pin a version or digest")
        }),
        // Pinned by digest, or a version tag.
        _ => return,
    };
    out.push(Violation::new(at.make(), message));
}

impl Rule for MutableImageTag {
    fn check(&self, check: &Check<'_>, out: &mut Vec<Violation>) {
        match check.object() {
            AisObject::AiStore(ais) => {
                check_image(ais.spec.node_image.as_deref(), &|| JsonPath::from_keys("spec.nodeImage"), out);
                check_image(ais.spec.init_image.as_deref(), &|| JsonPath::from_keys("spec.initImage"), out);
            }
            AisObject::StatefulSet(sts, _) => {
                for (key, i, container) in sts.containers() {
                    let at = || JsonPath::from_keys("spec.template.spec").key(key).index(i).key("image");
                    check_image(container.image.as_deref(), &at, out);
                }
            }
            _ => {}
        }
    }
}
