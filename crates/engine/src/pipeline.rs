//! The pipeline for one routed event: describe → evaluate → remediate → record → emit.

use crate::config::AutoRevert;
use crate::engine::{Engine, TransientError};
use crate::metrics::Counts;
use crate::ports::{ComplianceStore, Described, MeshWriter, PortError, RecordOutcome};
use crate::record::{epoch_seconds, Action, Record, Status};
use crate::revert;
use meshwarden_rules::catalog::{self, EvalContext, RemediationContext};
use meshwarden_rules::event::{is_own_identity, Route, RoutedEvent};
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::ResourceRef;
use meshwarden_rules::verdict::{ComplianceStatus, Finding};
use serde::Serialize;
use std::time::{Duration, Instant, SystemTime};

/// What the pipeline did with one event.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EventReport {
    /// The event.
    pub event_id: String,
    /// Canonical id of the resource.
    pub resource: String,
    /// Recorded status.
    pub status: Status,
    /// Action taken.
    pub action: Action,
    /// Why, for skipped/failed reverts and errors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Rules that failed.
    pub non_compliant_rules: Vec<String>,
    /// Whether the store took it as new, duplicate or stale.
    pub recorded: &'static str,
}

/// The outcome of evaluating (and maybe reverting) a described resource.
struct Evaluation {
    status: Status,
    findings: Vec<Finding>,
    version: Option<i64>,
    action: Action,
    reason: Option<String>,
    before: Option<serde_json::Value>,
    after: Option<serde_json::Value>,
    document: Option<serde_json::Value>,
    recent_reverts: Vec<i64>,
    counts: Counts,
}

impl Evaluation {
    fn without_resource(status: Status, reason: Option<String>, errors: u64) -> Self {
        Evaluation {
            status,
            findings: Vec::new(),
            version: None,
            action: Action::None,
            reason,
            before: None,
            after: None,
            document: None,
            recent_reverts: Vec::new(),
            counts: Counts {
                errors,
                ..Counts::default()
            },
        }
    }
}

impl<M: MeshWriter, S: ComplianceStore> Engine<M, S> {
    /// Run the pipeline for one event routed to `Evaluate` or `Deleted`.
    pub async fn process(&self, routed: &RoutedEvent) -> Result<EventReport, TransientError> {
        let started = Instant::now();
        let now = SystemTime::now();
        let (resource, expected_version) = match &routed.route {
            Route::Evaluate {
                resource,
                expected_version,
            } => (resource, *expected_version),
            Route::Deleted { resource } => (resource, None),
            Route::Ignore { reason, .. } => {
                return Err(TransientError(format!(
                    "process() called for an ignored event: {reason}"
                )))
            }
        };
        let fresh = event_age(&routed.meta.event_time, now) < self.config.consistency_window;
        let evaluation = match self.mesh.describe(resource).await {
            Err(PortError::Transient(e)) => return Err(TransientError(e)),
            Err(PortError::Rejected(e)) => {
                tracing::error!(resource = %resource, error = %e, "describe rejected");
                Evaluation::without_resource(Status::Error, Some(e), 1)
            }
            Ok(None) => {
                if fresh && matches!(routed.route, Route::Evaluate { .. }) {
                    return Err(TransientError(format!(
                        "{resource} not found yet; the {} event is younger than the consistency window",
                        routed.meta.event_name
                    )));
                }
                Evaluation::without_resource(Status::Deleted, None, 0)
            }
            Ok(Some(described)) => {
                if let (Some(expected), Some(seen)) =
                    (expected_version, described.resource.version())
                {
                    if fresh && seen < expected {
                        return Err(TransientError(format!(
                            "{resource}: described version {seen} is older than the event's {expected}"
                        )));
                    }
                }
                let own_change = self
                    .config
                    .own_role_arn
                    .as_deref()
                    .is_some_and(|own| is_own_identity(&routed.meta, own));
                self.evaluate_and_remediate(resource, described, own_change, now)
                    .await?
            }
        };
        let record = Record {
            resource: resource.clone(),
            status: evaluation.status,
            findings: evaluation.findings,
            resource_version: evaluation.version,
            event_name: routed.meta.event_name.clone(),
            event_id: routed.meta.event_id.clone(),
            event_time: routed.meta.event_time.clone(),
            actor: routed.meta.actor.clone(),
            action: evaluation.action,
            action_reason: evaluation.reason,
            before: evaluation.before,
            after: evaluation.after,
            document: evaluation.document,
            evaluated_at: now,
            recent_reverts: evaluation.recent_reverts,
        };
        let outcome = self.store.record(&record).await?;
        let report = EventReport {
            event_id: record.event_id.clone(),
            resource: resource.id(),
            status: record.status,
            action: record.action,
            reason: record.action_reason.clone(),
            non_compliant_rules: failed_rules(&record.findings),
            recorded: match outcome {
                RecordOutcome::Written => "written",
                RecordOutcome::Duplicate => "duplicate",
                RecordOutcome::StaleState => "stale-state",
            },
        };
        tracing::info!(
            resource = %report.resource,
            event_id = %report.event_id,
            event_name = %record.event_name,
            actor = record.actor.as_deref().unwrap_or("-"),
            status = ?report.status,
            action = ?report.action,
            reason = report.reason.as_deref().unwrap_or(""),
            non_compliant = ?report.non_compliant_rules,
            version = record.resource_version,
            recorded = report.recorded,
            latency_ms = started.elapsed().as_millis() as u64,
            "evaluated"
        );
        self.emit(evaluation.counts);
        Ok(report)
    }

    /// Fetch tags when a tag rule is configured (one extra call; none otherwise).
    pub async fn tags_if_needed(
        &self,
        resource: &ResourceRef,
        snapshot: &M::Snapshot,
    ) -> Result<Option<Vec<Tag>>, PortError> {
        if self.config.rules.required_tag_keys.is_none() {
            return Ok(None);
        }
        self.mesh.tags(resource, snapshot).await.map(Some)
    }

    async fn evaluate_and_remediate(
        &self,
        resource: &ResourceRef,
        described: Described<M::Snapshot>,
        own_change: bool,
        now: SystemTime,
    ) -> Result<Evaluation, TransientError> {
        let tags = match self.tags_if_needed(resource, &described.snapshot).await {
            Ok(tags) => tags,
            Err(PortError::Transient(e)) => return Err(TransientError(e)),
            // Tags unreadable: the tag rules say "not fetched"; every other rule still runs.
            Err(PortError::Rejected(e)) => {
                tracing::warn!(resource = %resource, error = %e, "tags unavailable");
                None
            }
        };
        let eval = EvalContext {
            config: &self.config.rules,
            tags: tags.as_deref(),
        };
        let findings = catalog::evaluate(&described.resource, &eval);
        let status = ComplianceStatus::of(&findings);
        let mut evaluation = Evaluation {
            status: status.into(),
            version: described.resource.version(),
            document: Some(described.resource.to_describe_value()),
            findings,
            action: Action::None,
            reason: None,
            before: None,
            after: None,
            recent_reverts: Vec::new(),
            counts: Counts {
                evaluations: 1,
                non_compliant: u64::from(status == ComplianceStatus::NonCompliant),
                ..Counts::default()
            },
        };
        if status == ComplianceStatus::Compliant || self.config.auto_revert == AutoRevert::Off {
            return Ok(evaluation);
        }
        let state = self.store.state(&resource.id()).await?;
        let recent = revert::recent_reverts(state.as_ref(), epoch_seconds(now));
        if let Some(reason) =
            revert::skip_reason(own_change, recent.len(), self.config.max_reverts_per_hour)
        {
            return Ok(skipped(evaluation, reason));
        }
        let last_compliant = state
            .as_ref()
            .and_then(|s| s.last_compliant_spec.as_ref())
            .and_then(|doc| Resource::from_describe_value(doc).ok());
        let remediation = RemediationContext {
            config: &self.config.rules,
            last_compliant: last_compliant.as_ref(),
        };
        let plan = catalog::remediate(&described.resource, &eval, &remediation);
        let skipped_reasons = plan
            .skipped
            .iter()
            .map(|s| format!("{}: {}", s.rule, s.reason))
            .collect::<Vec<_>>()
            .join("; ");
        if plan.applied.is_empty() {
            return Ok(skipped(evaluation, skipped_reasons));
        }
        evaluation.before = evaluation.document.clone();
        evaluation.reason = (!skipped_reasons.is_empty()).then_some(skipped_reasons);
        if self.config.auto_revert == AutoRevert::DryRun {
            evaluation.action = Action::WouldRevert;
            evaluation.after = Some(plan.resource.to_describe_value());
            return Ok(evaluation);
        }
        match self.mesh.update(resource, &described, &plan.resource).await {
            Ok(updated) => {
                let findings = catalog::evaluate(&updated, &eval);
                evaluation.status = ComplianceStatus::of(&findings).into();
                evaluation.findings = findings;
                evaluation.version = updated.version();
                evaluation.after = Some(updated.to_describe_value());
                evaluation.document = evaluation.after.clone();
                evaluation.action = Action::Reverted;
                evaluation.recent_reverts = recent;
                evaluation.recent_reverts.push(epoch_seconds(now));
                evaluation.counts.reverted = 1;
                Ok(evaluation)
            }
            Err(PortError::Transient(e)) => Err(TransientError(e)),
            Err(PortError::Rejected(e)) => {
                tracing::error!(resource = %resource, error = %e, "revert refused");
                evaluation.action = Action::RevertFailed;
                evaluation.reason = Some(e);
                evaluation.counts.errors = 1;
                Ok(evaluation)
            }
        }
    }
}

fn skipped(mut evaluation: Evaluation, reason: String) -> Evaluation {
    evaluation.action = Action::RevertSkipped;
    evaluation.reason = Some(reason);
    evaluation.counts.revert_skipped = 1;
    evaluation
}

/// Ids of the rules that failed.
pub(crate) fn failed_rules(findings: &[Finding]) -> Vec<String> {
    findings
        .iter()
        .filter(|f| f.verdict == meshwarden_rules::verdict::VerdictStatus::NonCompliant)
        .map(|f| f.rule.to_string())
        .collect()
}

/// How long ago the event happened; an unreadable time counts as old (so the truth is recorded
/// rather than retried forever).
fn event_age(event_time: &str, now: SystemTime) -> Duration {
    humantime::parse_rfc3339_weak(event_time)
        .ok()
        .and_then(|t| now.duration_since(t).ok().or(Some(Duration::ZERO)))
        .unwrap_or(Duration::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn event_age_is_bounded_and_tolerant() {
        let now = humantime::parse_rfc3339("2026-11-23T03:10:00Z").unwrap();
        assert_eq!(
            event_age("2026-11-23T03:00:00Z", now),
            Duration::from_secs(600)
        );
        assert_eq!(
            event_age("2026-11-23T03:20:00Z", now),
            Duration::ZERO,
            "clock skew counts as fresh"
        );
        assert_eq!(event_age("yesterday", now), Duration::MAX);
    }
}
