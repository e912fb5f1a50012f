//! Running the rules over one object: severities from settings, exemptions, fixes.

use serde_json::Value;

use crate::bundle::{Analysis, BundleCheck, BundleViolation};
use crate::context::{Context, Decoded, EntryId, Object, decode_entry};
use crate::finding::{Finding, ObjectRef, Severity};
use crate::model::{self, AisObject, DecodeError, Subject};
use crate::path::JsonPath;
use crate::registry::{self, Registered};
use crate::rule::{Check, FixInput, Operation, Scope, Violation};
use crate::settings::{Date, Exemption, Settings};

/// Most rounds of fixing one object; each round fixes what the previous one brought out.
const MAX_FIX_ROUNDS: usize = 4;

/// Where fixes are applied: admission honours the mutation switches only; offline `fix`
/// also applies the offline-only fixes (removed AIStore fields never reach admission).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixScope {
    Admission,
    Offline,
}

/// A finding an exemption accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppressed {
    pub finding: Finding,
    pub reason: String,
}

/// The findings on one object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// Sorted by code, then path, then message.
    pub findings: Vec<Finding>,
    pub suppressed: Vec<Suppressed>,
}

impl Report {
    #[must_use]
    pub fn denied(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Deny)
    }
}

/// A finding of a bundle rule, with the context entries it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleFinding {
    /// The object the finding is on.
    pub subject: EntryId,
    pub finding: Finding,
    /// The other objects involved (also named in `finding.related`).
    pub related: Vec<EntryId>,
    /// The reason of the exemption that accepts it, if one does.
    pub suppressed: Option<String>,
}

/// A rule across objects the settings switch on, with its level ([`Engine::bundle_rules`]).
#[derive(Debug, Clone, Copy)]
pub struct BundleRule {
    rule: &'static Registered,
    level: Severity,
}

/// Puts findings of rules across objects in the order [`Engine::check_bundle`] gives them
/// (by object, code, path and message) and drops repeats.
pub fn sort_bundle_findings(findings: &mut Vec<BundleFinding>) {
    crate::sort::sort_by(findings, |a, b| {
        (a.subject, a.finding.code, &a.finding.path, &a.finding.message).cmp(&(
            b.subject,
            b.finding.code,
            &b.finding.path,
            &b.finding.message,
        ))
    });
    findings.dedup_by(|a, b| a.subject == b.subject && a.finding == b.finding);
}

/// One change a fix made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub code: &'static str,
    pub rule: &'static str,
    pub path: JsonPath,
    pub description: String,
}

impl Change {
    /// `AIS203 pv-reclaim-deletes-data: fixed: …`, the form used in admission warnings.
    #[must_use]
    pub fn headline(&self) -> String {
        format!("{} {}: fixed: {}", self.code, self.rule, self.description)
    }
}

/// The outcome of checking (and possibly fixing) one object.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome {
    /// Findings on the object as it will be stored (after fixes, when there are any).
    pub report: Report,
    /// The fixed object, when a fix changed it.
    pub fixed: Option<Value>,
    pub changes: Vec<Change>,
}

/// The engine: validated settings plus the date exemptions are judged against.
#[derive(Debug, Clone)]
pub struct Engine {
    settings: Settings,
    today: Option<Date>,
    /// The rules on one object the settings switch on, with their levels: worked out once,
    /// not for every object.
    object_rules: Vec<(&'static Registered, Severity)>,
    /// The rules across objects the settings switch on, with their levels, in registry order.
    bundle_rules: Vec<BundleRule>,
}

impl Engine {
    /// `today` decides which exemptions have expired; `None` treats every dated exemption as expired.
    #[must_use]
    pub fn new(settings: Settings, today: Option<Date>) -> Self {
        let (mut object_rules, mut bundle_rules) = (Vec::new(), Vec::new());
        for &rule in registry::RULES {
            let meta = rule.meta();
            let Some(level) = settings.level(meta.code, meta.name, meta.severity) else { continue };
            // A rule may judge both one object and objects together (AIS022, AIS105).
            if meta.scope.per_object() {
                object_rules.push((rule, level));
            }
            if meta.scope.across_objects() {
                bundle_rules.push(BundleRule { rule, level });
            }
        }
        Self { settings, today, object_rules, bundle_rules }
    }

    #[must_use]
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Decodes `object`; `Ok(None)` when it is not an AIS object.
    pub fn decode<'a>(&self, object: &'a Value) -> Result<Option<Subject<'a>>, DecodeError> {
        model::decode(object, &self.settings)
    }

    /// Checks one object. `old` is its previous version (UPDATE); `Ok(None)`: not an AIS object.
    pub fn check(&self, object: &Value, old: Option<&Value>) -> Result<Option<Report>, DecodeError> {
        let Some(subject) = self.decode(object)? else {
            return Ok(None);
        };
        let old = match old {
            Some(old) => self.decode(old).map_err(|e| DecodeError { in_old_object: true, ..e })?,
            None => None,
        };
        Ok(Some(self.report(&subject, old.as_ref())))
    }

    /// [`Engine::check`] and [`decode_entry`] of the same object, decoding it once: offline
    /// linting checks every object and keeps it for the rules across objects. The first result
    /// is what `check` returns, the second what `decode_entry` returns.
    #[allow(clippy::type_complexity)] // The two results, as the two calls give them.
    pub fn check_and_decode(
        &self,
        object: &Value,
        old: Option<&Value>,
    ) -> (Result<Option<Report>, DecodeError>, Result<Option<Decoded>, DecodeError>) {
        let Decoded { object: entry, reference } = match decode_entry(object, &self.settings) {
            Ok(Some(decoded)) => decoded,
            // Not a kind a context holds, so not an AIS object either.
            Ok(None) => return (Ok(None), Ok(None)),
            // Rare: the check decodes again for its own answer (kinds it does not read pass).
            Err(error) => return (self.check(object, old), Err(error)),
        };
        let ais = match into_subject(entry, &self.settings) {
            Ok(ais) => ais,
            Err(entry) => return (Ok(None), Ok(Some(Decoded { object: entry, reference }))),
        };
        let subject = Subject { raw: object, object: ais, reference };
        let old = match old {
            Some(old) => self.decode(old).map_err(|e| DecodeError { in_old_object: true, ..e }),
            None => Ok(None),
        };
        let report = old.map(|old| Some(self.report(&subject, old.as_ref())));
        let Subject { object: ais, reference, .. } = subject;
        (report, Ok(Some(Decoded { object: into_entry(ais), reference })))
    }

    /// Checks one object and applies the fixes `scope` allows for `operation`.
    pub fn check_and_fix(
        &self,
        object: &Value,
        old: Option<&Value>,
        operation: Operation,
        scope: FixScope,
    ) -> Result<Option<Outcome>, DecodeError> {
        let Some(subject) = self.decode(object)? else {
            return Ok(None);
        };
        let old_subject = match old {
            Some(old) => self.decode(old).map_err(|e| DecodeError { in_old_object: true, ..e })?,
            None => None,
        };
        let mut report = self.report(&subject, old_subject.as_ref());
        // Cloned only once a fix applies: most objects need none, and some are large.
        let mut fixed: Option<Value> = None;
        let mut changes = self.fix_round(&report, &subject, object, &mut fixed, operation, scope);
        // A fix can bring out a finding another fix handles (moving a removed field into
        // place turns on node sharing, whose host port another fix strips): fix until
        // nothing changes, so that fixing the result again changes nothing.
        let mut fixed_more = !changes.is_empty();
        // Whether `report` judges `fixed` as it stands: a round that changes nothing has
        // judged what will be stored, which then needs no decoding and judging again.
        let mut judged_fixed = false;
        for _ in 1..MAX_FIX_ROUNDS {
            if !fixed_more {
                break;
            }
            let Some(current) = fixed.take() else { break };
            let Some(current_subject) = self.decode(&current)? else {
                fixed = Some(current);
                break;
            };
            report = self.report(&current_subject, old_subject.as_ref());
            // A copy of `current` only once a fix of this round applies.
            let mut next = None;
            let more = self.fix_round(&report, &current_subject, &current, &mut next, operation, scope);
            drop(current_subject);
            fixed_more = !more.is_empty();
            judged_fixed = more.is_empty() && next.is_none();
            changes.extend(more);
            fixed = Some(next.unwrap_or(current));
        }
        let Some(fixed) = fixed.filter(|_| !changes.is_empty()) else {
            return Ok(Some(Outcome { report, fixed: None, changes }));
        };
        if judged_fixed {
            return Ok(Some(Outcome { report, fixed: Some(fixed), changes }));
        }
        // Judge what will be stored: a fix that removes a deny finding admits the object.
        let report = match self.decode(&fixed)? {
            Some(fixed_subject) => self.report(&fixed_subject, old_subject.as_ref()),
            None => Report::default(),
        };
        Ok(Some(Outcome { report, fixed: Some(fixed), changes }))
    }

    /// Applies the fixes `scope` allows to the findings of `report` on `subject` (whose JSON
    /// is `current`), editing `fixed` (a copy of `current`, made on the first edit).
    fn fix_round(
        &self,
        report: &Report,
        subject: &Subject<'_>,
        current: &Value,
        fixed: &mut Option<Value>,
        operation: Operation,
        scope: FixScope,
    ) -> Vec<Change> {
        let mut changes = Vec::new();
        for finding in &report.findings {
            let Some(rule) = registry::by_code(finding.code) else { continue };
            let Some(fix) = rule.meta().fix else { continue };
            let allowed = match (fix.mutation, scope) {
                (Some(mutation), _) => self.settings.mutations.enabled(mutation),
                (None, FixScope::Offline) => true,
                (None, FixScope::Admission) => false,
            };
            if !allowed || (fix.create_only && operation == Operation::Update) {
                continue;
            }
            let violation = Violation { path: finding.path.clone(), message: finding.message.clone(), at_most: None };
            let input = FixInput { violation: &violation, subject, operation };
            let target = fixed.get_or_insert_with(|| current.clone());
            if let Some(description) = rule.fix(target, &input) {
                changes.push(Change {
                    code: finding.code,
                    rule: finding.rule,
                    path: finding.path.clone(),
                    description,
                });
            }
        }
        changes
    }

    #[cfg_attr(aisgate_policy_module, optimize(speed))]
    fn report(&self, subject: &Subject<'_>, old: Option<&Subject<'_>>) -> Report {
        let check = Check { subject, old, settings: &self.settings };
        let mut report = Report::default();
        let mut violations = Vec::new();
        let kind = subject.object.kind();
        for &(rule, level) in &self.object_rules {
            let meta = rule.meta();
            // A rule finds nothing on kinds it does not judge: not called (most rules judge
            // one or two kinds; in the policy module each call is an indirect call that a
            // fresh instance resolves on first use).
            if !meta.kinds.contains(kind) {
                continue;
            }
            if meta.scope == Scope::Update && old.is_none() {
                continue;
            }
            violations.clear();
            rule.check(&check, &mut violations);
            for violation in violations.drain(..) {
                let severity = violation.at_most.map_or(level, |cap| cap.min(level));
                let finding = Finding {
                    code: meta.code,
                    rule: meta.name,
                    severity,
                    message: violation.message,
                    object: ObjectRef::clone(&subject.reference),
                    path: violation.path,
                    related: Vec::new(),
                };
                report.findings.push(finding);
            }
        }
        // Sorted before exemptions split them, so that both lists come out sorted from one
        // instance of the sort (the policy module carries each instance).
        crate::sort::sort_by(&mut report.findings, finding_order);
        let mut findings = Vec::with_capacity(report.findings.len());
        for finding in report.findings.drain(..) {
            match self.exemption_for(&finding, || subject.raw) {
                Some(exemption) => report.suppressed.push(Suppressed { finding, reason: exemption.reason.clone() }),
                None => findings.push(finding),
            }
        }
        findings.dedup();
        report.findings = findings;
        report
    }

    /// Runs the bundle rules over a context: every finding on every object in it, sorted by
    /// object, code, path and message. Exempt findings carry the exemption's reason.
    #[must_use]
    pub fn check_bundle(&self, context: &dyn Context) -> Vec<BundleFinding> {
        if self.bundle_rules.is_empty() || context.is_empty() {
            return Vec::new();
        }
        self.run_bundle_rules(context, &Analysis::new(context, &self.settings))
    }

    /// [`Engine::check_bundle`] with the analysis of `context` already made (`aisgate plan`
    /// shows it too).
    #[must_use]
    pub fn check_bundle_with(&self, context: &dyn Context, analysis: &Analysis) -> Vec<BundleFinding> {
        if self.bundle_rules.is_empty() || context.is_empty() {
            return Vec::new();
        }
        self.run_bundle_rules(context, analysis)
    }

    /// The rules across objects the settings switch on, with their levels, in the order
    /// [`Engine::check_bundle_with`] runs them; [`Engine::check_bundle_rule`] runs one.
    #[must_use]
    pub fn bundle_rules(&self) -> &[BundleRule] {
        &self.bundle_rules
    }

    /// The findings of one rule across objects, unsorted. Every rule reads the context and
    /// the analysis only, so callers may run them on several threads: the findings of every
    /// rule of [`Engine::bundle_rules`], in that order, put in order by
    /// [`sort_bundle_findings`], are those of [`Engine::check_bundle_with`].
    #[must_use]
    pub fn check_bundle_rule(
        &self,
        rule: BundleRule,
        context: &dyn Context,
        analysis: &Analysis,
    ) -> Vec<BundleFinding> {
        let mut out = Vec::new();
        self.run_bundle_rule(
            rule,
            &BundleCheck { context, analysis, settings: &self.settings },
            &mut Vec::new(),
            &mut out,
        );
        out
    }

    fn run_bundle_rules(&self, context: &dyn Context, analysis: &Analysis) -> Vec<BundleFinding> {
        let check = BundleCheck { context, analysis, settings: &self.settings };
        let mut out = Vec::new();
        let mut violations = Vec::new();
        for &rule in &self.bundle_rules {
            self.run_bundle_rule(rule, &check, &mut violations, &mut out);
        }
        sort_bundle_findings(&mut out);
        out
    }

    fn run_bundle_rule(
        &self,
        BundleRule { rule, level }: BundleRule,
        check: &BundleCheck<'_>,
        violations: &mut Vec<BundleViolation>,
        out: &mut Vec<BundleFinding>,
    ) {
        let meta = rule.meta();
        let context = check.context;
        violations.clear();
        rule.check_bundle(check, violations);
        for violation in violations.drain(..) {
            let Some(entry) = context.entry(violation.subject) else { continue };
            let mut related: Vec<EntryId> =
                violation.related.into_iter().filter(|&id| id != violation.subject).collect();
            crate::sort::sort(&mut related);
            related.dedup();
            let finding = Finding {
                code: meta.code,
                rule: meta.name,
                severity: violation.at_most.map_or(level, |cap| cap.min(level)),
                message: violation.message,
                object: ObjectRef::clone(&entry.reference),
                path: violation.path,
                related: related
                    .iter()
                    .filter_map(|&id| context.entry(id))
                    .map(|e| ObjectRef::clone(&e.reference))
                    .collect(),
            };
            let suppressed = self.exemption_for(&finding, || entry.raw()).map(|e| e.reason.clone());
            out.push(BundleFinding { subject: violation.subject, finding, related, suppressed });
        }
    }

    /// The exemption that accepts `finding`, if any; `raw` (the object's JSON) is asked for
    /// only when an exemption names paths.
    fn exemption_for<'v>(&self, finding: &Finding, raw: impl Fn() -> &'v Value) -> Option<&Exemption> {
        self.settings.exemptions.iter().find(|exemption| self.exempts(exemption, finding, &raw))
    }

    fn exempts<'v>(&self, exemption: &Exemption, finding: &Finding, raw: &impl Fn() -> &'v Value) -> bool {
        let rule_matches = exemption.rules.iter().any(|r| r == finding.code || r == finding.rule);
        let in_force = match &exemption.expires {
            None => true,
            Some(expires) => {
                crate::settings::parse_date(expires).zip(self.today).is_some_and(|(last, today)| today <= last)
            }
        };
        let glob_matches = |patterns: &[String], value: &str| {
            patterns.is_empty() || patterns.iter().any(|p| glob::Pattern::new(p).is_ok_and(|p| p.matches(value)))
        };
        let namespace = finding.object.namespace.as_deref().unwrap_or("");
        rule_matches
            && in_force
            && glob_matches(&exemption.namespaces, namespace)
            && glob_matches(&exemption.names, &finding.object.name)
            && (exemption.paths.is_empty()
                || exemption.paths.iter().any(|query| path_selected(query, raw(), &finding.path)))
    }
}

/// The order of findings in reports: by code, then path, then message. One function for every
/// list of findings, so the policy module holds one instance of the sort.
#[must_use]
pub fn finding_order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (a.code, &a.path, &a.message).cmp(&(b.code, &b.path, &b.message))
}

/// The AIS object a context entry is, as [`model::decode`] gives it; `Err`: not an AIS object.
fn into_subject(entry: Object, settings: &Settings) -> Result<AisObject, Object> {
    match entry {
        Object::AiStore(ais) => Ok(AisObject::AiStore(ais)),
        Object::StatefulSet(sts, Some(workload)) => Ok(AisObject::StatefulSet(sts, workload)),
        Object::PersistentVolume(pv, true) => Ok(AisObject::PersistentVolume(pv)),
        Object::PersistentVolumeClaim(pvc) if model::is_ais_pvc(&pvc, settings) => {
            Ok(AisObject::PersistentVolumeClaim(pvc))
        }
        other => Err(other),
    }
}

/// The context entry of an AIS object (the inverse of [`into_subject`]).
fn into_entry(ais: AisObject) -> Object {
    match ais {
        AisObject::AiStore(ais) => Object::AiStore(ais),
        AisObject::StatefulSet(sts, workload) => Object::StatefulSet(sts, Some(workload)),
        AisObject::PersistentVolume(pv) => Object::PersistentVolume(pv, true),
        AisObject::PersistentVolumeClaim(pvc) => Object::PersistentVolumeClaim(pvc),
    }
}

/// Whether `path` is at or below a node that `query` selects in `raw`.
fn path_selected(query: &str, raw: &Value, path: &JsonPath) -> bool {
    // Settings were checked: a query that does not parse selects nothing.
    let Ok(query) = crate::query::parse(query) else { return false };
    jsonpath_rust::query::js_path_process(&query, raw).is_ok_and(|selected| {
        selected.iter().filter_map(|node| JsonPath::parse_normalized(&node.path)).any(|node| path.starts_with(&node))
    })
}
