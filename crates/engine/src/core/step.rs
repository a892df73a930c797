//! The one engine step every caller shares — evaluate → plan → record (pure): the event
//! pipeline, the sweep and `meshwarden remediate` all assess a described resource, decide what
//! to do about it and build its [`Record`] here.

use crate::core::identity::Identity;
use crate::core::mode::AutoRevert;
use crate::core::reason::{ActionReason, SkipReason};
use crate::core::record::{Action, Cause, Record, Status};
use meshwarden_rules::catalog::{self, EvalContext, RemediationContext, RulesConfig};
use meshwarden_rules::exemption::{self, Exemption};
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::ResourceRef;
use meshwarden_rules::verdict::{ComplianceStatus, Finding, VerdictStatus};
use std::time::SystemTime;

/// A described resource, evaluated.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// One finding per rule of the resource's kind.
    pub findings: Vec<Finding>,
    /// Compliant when no rule failed.
    pub status: ComplianceStatus,
    /// The incarnation, version and owner that were evaluated.
    pub identity: Identity,
}

/// Evaluate a described resource.
pub fn assess(resource: &Resource, tags: Option<&[Tag]>, rules: &RulesConfig) -> Assessment {
    let findings = catalog::evaluate(
        resource,
        &EvalContext {
            config: rules,
            tags,
        },
    );
    Assessment {
        status: ComplianceStatus::of(&findings),
        findings,
        identity: Identity::of(resource),
    }
}

/// Apply the exemptions in force at `now` to an assessment (exempted failures no longer make
/// the resource non-compliant). Returns whether any finding was exempted.
pub fn exempt(assessment: &mut Assessment, exemptions: &[Exemption], now: SystemTime) -> bool {
    let any = exemption::apply(&mut assessment.findings, exemptions, now);
    assessment.status = ComplianceStatus::of(&assessment.findings);
    any
}

/// Ids of the rules whose failure is exempted.
pub fn exempted_rules(findings: &[Finding]) -> Vec<&str> {
    findings
        .iter()
        .filter(|f| f.verdict == VerdictStatus::Exempted)
        .map(|f| f.rule.as_ref())
        .collect()
}

/// Whether `findings` fail a rule that `previous_failed` (the rules the previous STATE failed)
/// does not list: new non-compliance (an exemption that ended makes its rule fail anew).
pub fn newly_failing(findings: &[Finding], previous_failed: &[String]) -> bool {
    findings
        .iter()
        .filter(|f| f.verdict == VerdictStatus::NonCompliant)
        .any(|f| !previous_failed.iter().any(|p| *p == f.rule))
}

/// The record of an assessment (no action yet): the one place records of described resources
/// are built.
pub fn record_of(
    resource: &ResourceRef,
    cause: Cause,
    described: &Resource,
    assessment: &Assessment,
    evaluated_at: SystemTime,
) -> Record {
    let mut record = Record::new(
        resource.clone(),
        cause,
        assessment.status.into(),
        evaluated_at,
    );
    record.findings = assessment.findings.clone();
    record.identity = assessment.identity.clone();
    record.document = Some(described.to_describe_value());
    record
}

/// Why a due revert may not touch the resource at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Guards<'a> {
    /// The auto-revert mode.
    pub mode: AutoRevert,
    /// The event's caller is the responder itself (loop guard).
    pub own_change: bool,
    /// The responder's account, when known: only resources it owns are updated.
    pub own_account: Option<&'a str>,
}

/// What to do about an assessed resource.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Record the evaluation as it is (compliant, or auto-revert off).
    Record,
    /// A revert is due but must not or cannot be made.
    Skip(SkipReason),
    /// Dry-run: record what a revert would write.
    WouldRevert {
        /// The remediated resource.
        patched: Resource,
        /// The rules the patch fixes.
        applied: Vec<&'static str>,
        /// Rules left non-compliant, with why ([`ActionReason::RulesLeft`]).
        note: Option<ActionReason>,
    },
    /// Revert to `patched`.
    Revert {
        /// The remediated resource.
        patched: Resource,
        /// The rules the patch fixes.
        applied: Vec<&'static str>,
        /// Rules left non-compliant, with why ([`ActionReason::RulesLeft`]).
        note: Option<ActionReason>,
    },
}

/// Decide what to do about `resource` (assessed as `assessment`), given the guards, its tags and
/// the last compliant copy of it.
pub fn plan(
    resource: &Resource,
    assessment: &Assessment,
    guards: &Guards<'_>,
    tags: Option<&[Tag]>,
    rules: &RulesConfig,
    last_compliant: Option<&Resource>,
) -> Plan {
    if assessment.status == ComplianceStatus::Compliant || guards.mode == AutoRevert::Off {
        return Plan::Record;
    }
    if guards.own_change {
        return Plan::Skip(SkipReason::LoopGuard);
    }
    if let Some(reason) = not_ours(&assessment.identity, guards.own_account) {
        return Plan::Skip(reason);
    }
    let remediation = catalog::remediate_except(
        resource,
        &EvalContext {
            config: rules,
            tags,
        },
        &RemediationContext {
            config: rules,
            last_compliant,
        },
        &exempted_rules(&assessment.findings),
    );
    if remediation.applied.is_empty() {
        return Plan::Skip(SkipReason::NoSafePatch(remediation.skipped));
    }
    let (patched, applied, skipped) = (
        remediation.resource,
        remediation.applied,
        remediation.skipped,
    );
    let note = (!skipped.is_empty()).then_some(ActionReason::RulesLeft(skipped));
    match guards.mode {
        AutoRevert::DryRun => Plan::WouldRevert {
            patched,
            applied,
            note,
        },
        _ => Plan::Revert {
            patched,
            applied,
            note,
        },
    }
}

/// Why a resource is not ours to update, if it is not: resources of another account (a shared
/// mesh) are evaluated and recorded, never updated with the responder's credentials.
fn not_ours(identity: &Identity, own_account: Option<&str>) -> Option<SkipReason> {
    match (identity.owner.as_deref(), own_account) {
        (Some(owner), Some(own)) if owner == own => None,
        (Some(owner), Some(_)) => Some(SkipReason::NotOurs(owner.to_owned())),
        (None, _) => Some(SkipReason::OwnerUnknown),
        (Some(_), None) => Some(SkipReason::OwnAccountUnknown),
    }
}

/// Apply a plan's decision to a record, for the plans that change nothing.
pub fn annotate(record: &mut Record, plan: &Plan) {
    match plan {
        Plan::Record => {}
        Plan::Skip(reason) => {
            record.action = Action::RevertSkipped;
            record.action_reason = Some(ActionReason::Skipped(reason.clone()));
        }
        Plan::WouldRevert { patched, note, .. } => {
            record.action = Action::WouldRevert;
            record.action_reason = note.clone();
            record.before = record.document.clone();
            record.after = Some(patched.to_describe_value());
        }
        Plan::Revert { .. } => {}
    }
}

/// Ids of the rules that failed.
pub fn failed_rules(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.verdict == VerdictStatus::NonCompliant)
        .map(|f| f.rule.to_string())
        .collect()
}

/// The status a record of `findings` has.
pub fn status_of(findings: &[Finding]) -> Status {
    ComplianceStatus::of(findings).into()
}
