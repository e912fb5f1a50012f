//! Kubernetes naming rules and AIS's naming conventions (domain.md §3, §5).

use crate::model::affinity::LabelSelector;
use crate::model::map::SmallMap;

use crate::finding::MAX_MESSAGE;

/// Longest DNS-1123 label (pod names, volume names, label values' host part).
pub const DNS1123_LABEL_MAX: usize = 63;
/// Longest DNS-1123 subdomain (object names such as claims).
pub const DNS1123_SUBDOMAIN_MAX: usize = 253;

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
#[must_use]
pub fn is_dns1123_label(name: &str) -> bool {
    let bytes = name.as_bytes();
    let alnum = |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit();
    !bytes.is_empty()
        && bytes.len() <= DNS1123_LABEL_MAX
        && bytes.first().is_some_and(alnum)
        && bytes.last().is_some_and(alnum)
        && bytes.iter().all(|b| alnum(b) || *b == b'-')
}

/// The claim template name the operator derives from a mount: cluster name followed by the
/// mount path with every `/` replaced by `-` (`ais` + `/ais/nvme0n1` = `ais-ais-nvme0n1`).
#[must_use]
pub fn claim_template_name(cluster: &str, mount_path: &str) -> String {
    format!("{cluster}{}", mount_path.replace('/', "-"))
}

/// A claim name as the StatefulSet controller forms it: `<template>-<statefulset>-<ordinal>`,
/// where the StatefulSet is `<cluster>-target` (or `-proxy`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimName<'a> {
    /// Everything before `-target-<i>`: `<template>-<cluster>`.
    pub prefix: &'a str,
    pub role: &'static str,
    pub ordinal: u32,
}

impl<'a> ClaimName<'a> {
    /// Parses `…-target-<i>` or `…-proxy-<i>`.
    #[must_use]
    pub fn parse(name: &'a str) -> Option<Self> {
        let (rest, ordinal) = name.rsplit_once('-')?;
        if ordinal.is_empty()
            || !ordinal.bytes().all(|b| b.is_ascii_digit())
            || (ordinal.len() > 1 && ordinal.starts_with('0'))
        {
            return None;
        }
        let ordinal = ordinal.parse().ok()?;
        for role in ["target", "proxy"] {
            if let Some(prefix) = rest.strip_suffix(role).and_then(|p| p.strip_suffix('-'))
                && !prefix.is_empty()
            {
                return Some(Self { prefix, role, ordinal });
            }
        }
        None
    }
}

/// Whether `labels` satisfy a label selector (`matchLabels` and `matchExpressions`).
#[must_use]
pub fn selector_matches(selector: &LabelSelector, labels: &SmallMap) -> bool {
    let labels_match = selector.match_labels.iter().flatten().all(|(key, value)| labels.text(key) == Some(&**value));
    let expressions_match = selector.match_expressions.iter().flatten().all(|expr| {
        let value = labels.text(&expr.key);
        let values = expr.values.as_deref().unwrap_or_default();
        let listed = |v: &str| values.iter().any(|listed| listed == v);
        match expr.operator.as_str() {
            "In" => value.is_some_and(listed),
            "NotIn" => value.is_none_or(|v| !listed(v)),
            "Exists" => value.is_some(),
            "DoesNotExist" => value.is_none(),
            _ => false,
        }
    });
    labels_match && expressions_match
}

/// Splits an image reference into its tag and whether it has a digest.
#[must_use]
pub fn image_tag(image: &str) -> (Option<&str>, bool) {
    let (name, digest) = match image.split_once('@') {
        Some((name, _)) => (name, true),
        None => (image, false),
    };
    // The tag follows the last `:` after the last `/` (a registry port has a `/` after it).
    let last_component = name.rsplit('/').next().unwrap_or(name);
    (last_component.rsplit_once(':').map(|(_, tag)| tag), digest)
}

/// A user-written value for a message, cut to at most `max` characters (ending in `…`
/// when cut), so messages stay within the 120 characters admission warnings allow.
#[must_use]
pub fn abbreviate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// `text` shortened to at most `max` characters, with `…` in the middle when cut: for
/// values whose both ends tell (paths, image references).
#[must_use]
pub fn elide(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_owned();
    }
    let keep = max.saturating_sub(1);
    let head: String = text.chars().take(keep / 2).collect();
    let tail: String = text.chars().skip(count - (keep - keep / 2)).collect();
    format!("{head}…{tail}")
}

/// The message `make` builds around `value`, with `value` elided until the message fits
/// in [`MAX_MESSAGE`] characters (keeping at least 8 of it).
pub fn fit_message(value: &str, make: impl Fn(&str) -> String) -> String {
    let message = make(value);
    let excess = message.chars().count().saturating_sub(MAX_MESSAGE);
    if excess == 0 {
        return message;
    }
    make(&elide(value, value.chars().count().saturating_sub(excess).max(8)))
}

/// The first message that fits in [`MAX_MESSAGE`] characters, else the last (list the
/// candidates from the most to the least detailed).
#[must_use]
pub fn first_fitting(candidates: Vec<String>) -> String {
    let mut last = String::new();
    for candidate in candidates {
        if candidate.chars().count() <= MAX_MESSAGE {
            return candidate;
        }
        last = candidate;
    }
    last
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dns1123() {
        assert!(is_dns1123_label("ais-ais-nvme0n1"));
        assert!(!is_dns1123_label("ais-ais-Data"));
        assert!(!is_dns1123_label("ais-ais-data-"));
        assert!(!is_dns1123_label("ais-ais_data"));
        assert!(!is_dns1123_label(""));
        assert!(!is_dns1123_label(&"a".repeat(64)));
    }

    #[test]
    fn claim_names() {
        assert_eq!(claim_template_name("ais", "/ais/nvme0n1"), "ais-ais-nvme0n1");
        assert_eq!(
            ClaimName::parse("ais-data-aistore-ais-target-3"),
            Some(ClaimName { prefix: "ais-data-aistore-ais", role: "target", ordinal: 3 })
        );
        assert_eq!(ClaimName::parse("data-target-01"), None);
        assert_eq!(ClaimName::parse("target-1"), None);
        assert_eq!(ClaimName::parse("ais-state-proxy-0").map(|c| c.role), Some("proxy"));
    }

    #[test]
    fn elides_and_fits() {
        assert_eq!(elide("/mnt/disks/nvme0n1/ais", 11), "/mnt/…1/ais");
        assert_eq!(elide("short", 11), "short");
        let long = format!("/data/{}", "x".repeat(200));
        let message = fit_message(&long, |v| format!("host path {v} is shared; use one directory per target"));
        assert_eq!(message.chars().count(), MAX_MESSAGE);
        assert!(message.starts_with("host path /data/xxx"), "{message}");
    }

    #[test]
    fn abbreviates() {
        assert_eq!(abbreviate("nfs.csi.k8s.io", 20), "nfs.csi.k8s.io");
        assert_eq!(abbreviate("abcdef", 4), "abc…");
        assert_eq!(abbreviate("abcdef", 6), "abcdef");
    }

    #[test]
    fn image_tags() {
        assert_eq!(image_tag("aistorage/aisnode:v3.25"), (Some("v3.25"), false));
        assert_eq!(image_tag("registry:5000/aisnode"), (None, false));
        assert_eq!(image_tag("aisnode@sha256:abc"), (None, true));
        assert_eq!(image_tag("docker.io/aistorage/aisnode:latest"), (Some("latest"), false));
    }
}
