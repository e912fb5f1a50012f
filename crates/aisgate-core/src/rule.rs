//! How a rule is declared and what it is given.
//!
//! A rule is a unit struct declared with [`declare_rule!`]: its doc comment is its user
//! documentation (shown by `aisgate explain` and the generated docs), and the macro records
//! it with the catalog metadata. The check lives in an `impl Rule` beside it, in the same file.

use serde_json::Value;

use crate::finding::Severity;
pub use crate::model::Kind;
use crate::model::{AisObject, Subject};
use crate::path::JsonPath;
use crate::settings::{Mutation, Settings};

/// What a rule needs to run (rules.md, "scope").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One object.
    Object,
    /// The object and its previous version (admission UPDATE, CLI `--old`).
    Update,
    /// Several objects: everything given offline, the cluster's objects at admission.
    Bundle,
    /// One object, and more where several are given (rules.md `object / bundle`).
    ObjectAndBundle,
}

impl Scope {
    /// Runs on one object.
    #[must_use]
    pub fn per_object(self) -> bool {
        matches!(self, Scope::Object | Scope::Update | Scope::ObjectAndBundle)
    }

    /// Runs over a bundle of objects.
    #[must_use]
    pub fn across_objects(self) -> bool {
        matches!(self, Scope::Bundle | Scope::ObjectAndBundle)
    }

    /// The catalog's word for the scope (rules.md).
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Object => "object",
            Scope::Update => "update",
            Scope::Bundle => "bundle",
            Scope::ObjectAndBundle => "object / bundle",
        }
    }
}

/// The kinds of object a rule on one object judges (`kinds:` in [`declare_rule!`]): the
/// engine calls its check on objects of these kinds only. On any other kind the check must
/// find nothing (a test runs every rule on every fixture and example to prove it): most
/// rules judge one or two of the four kinds, and each call the engine does not make is, in
/// the policy module, an indirect call a fresh instance would resolve on first use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kinds(u8);

impl Kinds {
    pub const NONE: Kinds = Kinds(0);
    pub const ALL: Kinds = Kinds(u8::MAX).restricted_to(&Kind::ALL);

    /// Those of these kinds that are in `kinds`.
    #[must_use]
    pub const fn restricted_to(self, kinds: &[Kind]) -> Self {
        let mut mask = 0;
        let mut rest = kinds;
        while let [kind, more @ ..] = rest {
            mask |= 1 << *kind as u8;
            rest = more;
        }
        Kinds(self.0 & mask)
    }

    #[must_use]
    pub const fn contains(self, kind: Kind) -> bool {
        self.0 & 1 << kind as u8 != 0
    }
}

/// The automatic fix a rule offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixMeta {
    /// The settings switch that turns it on at admission; `None`: offline `fix` only.
    pub mutation: Option<Mutation>,
    /// Applied on CREATE only (the field is immutable, or changing it on UPDATE is not ours to do).
    pub create_only: bool,
    /// One line for the catalog: what the fix does.
    pub summary: &'static str,
}

/// A rule's catalog entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub scope: Scope,
    /// The kinds of object the rule judges on its own (scopes other than `bundle`); a rule
    /// that does not declare them is called on every kind.
    pub kinds: Kinds,
    pub fix: Option<FixMeta>,
    /// One line: what the rule catches; empty without the `docs` feature (the policy, which
    /// never shows it).
    pub summary: &'static str,
    /// The rule's doc comment, Markdown; empty without the `docs` feature (the policy).
    pub doc: &'static str,
    /// Source file, for links from the docs; empty without the `docs` feature (the policy).
    pub file: &'static str,
}

/// The admission operation (or its offline equivalent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    Create,
    Update,
}

impl Operation {
    /// The operations the policy is registered for (`policy/metadata.yml` rules).
    pub const ALL: [Operation; 2] = [Operation::Create, Operation::Update];

    /// As Kubernetes spells it in admission requests and rules.
    #[must_use]
    pub fn as_str(self) -> &'static str {
        match self {
            Operation::Create => "CREATE",
            Operation::Update => "UPDATE",
        }
    }
}

/// What a rule's check reads.
#[derive(Debug)]
pub struct Check<'a> {
    pub subject: &'a Subject<'a>,
    /// The previous version, for update rules.
    pub old: Option<&'a Subject<'a>>,
    pub settings: &'a Settings,
}

impl Check<'_> {
    #[must_use]
    pub fn object(&self) -> &AisObject {
        &self.subject.object
    }
}

/// One problem a rule found; the engine turns it into a [`crate::Finding`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub path: JsonPath,
    pub message: String,
    /// Reported at most at this severity (a lesser variant of a deny rule).
    pub at_most: Option<Severity>,
}

impl Violation {
    #[must_use]
    pub fn new(path: JsonPath, message: impl Into<String>) -> Self {
        Self { path, message: message.into(), at_most: None }
    }

    /// A violation that is only ever a warning, whatever the rule's level.
    #[must_use]
    pub fn warning(path: JsonPath, message: impl Into<String>) -> Self {
        Self { path, message: message.into(), at_most: Some(Severity::Warn) }
    }
}

/// What a fix is given: the object to edit and the violation to remove.
#[derive(Debug)]
pub struct FixInput<'a> {
    pub violation: &'a Violation,
    pub subject: &'a Subject<'a>,
    pub operation: Operation,
}

/// A rule of the catalog: what the engine calls. Its catalog entry is the `META` that
/// `declare_rule!` registers beside it. Only these methods go through `dyn Rule`: every method
/// of the trait (a supertrait's too) is an entry of the policy module's function table, and
/// each entry costs wasmtime a trampoline at compile time (docs/performance.md, "Cold start").
pub trait Rule: Sync {
    /// Reports every violation in the object, never just the first (object and update rules).
    fn check(&self, _check: &Check<'_>, _out: &mut Vec<Violation>) {}

    /// Reports every violation across the objects of a bundle (bundle rules).
    fn check_bundle(&self, _check: &crate::bundle::BundleCheck<'_>, _out: &mut Vec<crate::bundle::BundleViolation>) {}

    /// Edits `object` (the JSON of `input.subject`) to remove `input.violation`. Returns a
    /// one-line description of the change, or `None` when this violation cannot be fixed.
    fn fix(&self, _object: &mut Value, _input: &FixInput<'_>) -> Option<String> {
        None
    }
}

/// Declares a rule: a unit struct whose doc comment is its documentation.
///
/// ```ignore
/// declare_rule! {
///     /// ## What it does
///     /// ...
///     pub struct HostPortOnSharedNode {
///         code: "AIS020",
///         name: "host-port-on-shared-node",
///         severity: Deny,
///         scope: Object,
///         kinds: [AiStore, StatefulSet],
///         summary: "Targets meant to share nodes bind host ports",
///         fix: None,
///     }
/// }
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        pub struct $rule:ident {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            scope: $scope:ident,
            $(kinds: [$($kind:ident),* $(,)?],)?
            summary: $summary:literal,
            fix: $fix:expr $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $rule;

        /// This rule with its catalog entry, as [`crate::registry::RULES`] lists it.
        pub static REGISTERED: $crate::registry::Registered = $crate::registry::Registered::new(&$rule, &$rule::META);

        impl $rule {
            pub const META: $crate::rule::RuleMeta = $crate::rule::RuleMeta {
                code: $code,
                name: $name,
                severity: $crate::finding::Severity::$severity,
                scope: $crate::rule::Scope::$scope,
                kinds: $crate::rule::Kinds::ALL $(.restricted_to(&[$($crate::rule::Kind::$kind),*]))?,
                fix: $fix,
                summary: {
                    // Only catalogs show it (the CLI, the JavaScript package, the docs).
                    #[cfg(feature = "docs")]
                    let summary = $summary;
                    #[cfg(not(feature = "docs"))]
                    let summary = "";
                    summary
                },
                doc: {
                    // The policy leaves the documentation out (`docs` feature): 80 KB of text
                    // nobody reads at admission.
                    #[cfg(feature = "docs")]
                    let doc = concat!($($doc, "\n"),*);
                    #[cfg(not(feature = "docs"))]
                    let doc = "";
                    doc
                },
                file: {
                    // Like the documentation: only the generated docs link to the source.
                    #[cfg(feature = "docs")]
                    let file = file!();
                    #[cfg(not(feature = "docs"))]
                    let file = "";
                    file
                },
            };
        }
    };
}

impl RuleMeta {
    /// The doc comment as Markdown (the one leading space rustdoc keeps on each line removed).
    #[must_use]
    pub fn documentation(&self) -> String {
        let mut text = String::with_capacity(self.doc.len());
        for line in self.doc.lines() {
            text.push_str(line.strip_prefix(' ').unwrap_or(line));
            text.push('\n');
        }
        text
    }
}
