//! The scheduled sweep: evaluate every resource in every configured region and record them all.
//! It catches what events missed (resources older than the deployment, outages), says so
//! (`MissedEvents`), and retires STATE items whose resources no longer exist. It records and
//! never reverts: reverting is the answer to a change someone just made, not to a backlog.

use crate::core::error::EngineError;
use crate::core::exemptions::{self, ByResource};
use crate::core::findings::Changes;
use crate::core::identity::Identity;
use crate::core::ports::{
    ComplianceStore, FindingsSink, RecordOutcome, ResourceWriter, Scope, SweepWrite,
};
use crate::core::reason::ActionReason;
use crate::core::record::{epoch_seconds, rfc3339, scope_of, Cause, Record, Status};
use crate::core::step;
use crate::engine::Engine;
use crate::metrics::Counts;
use futures::StreamExt;
use meshwarden_rules::event::SweepRequest;
use meshwarden_rules::resource::ResourceRef;
use serde::Serialize;
use std::collections::{BTreeSet, HashSet};
use std::time::{Instant, SystemTime};

/// Event name recorded on sweep history items.
pub const SWEEP_EVENT_NAME: &str = "Sweep";

/// What a sweep found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SweepReport {
    /// The sweep's id (the scheduler's execution id).
    pub sweep_id: String,
    /// Regions covered.
    pub regions: Vec<String>,
    /// Resources listed.
    pub listed: usize,
    /// Resources evaluated and recorded.
    pub recorded: usize,
    /// Of those, compliant.
    pub compliant: usize,
    /// Of those, non-compliant.
    pub non_compliant: usize,
    /// Listed but gone by the time they were described.
    pub vanished: usize,
    /// Resources the service refused to describe.
    pub errors: usize,
    /// State items updated (others already held a newer view).
    pub state_updated: usize,
    /// Resources whose version moved since STATE without an event having recorded it.
    pub missed_events: usize,
    /// Resources that became non-compliant, or fail a rule their previous STATE did not.
    pub new_non_compliance: usize,
    /// Resources evaluated with at least one exempted finding.
    pub exempted: usize,
    /// STATE items of resources that no longer exist, now recorded as deleted.
    pub retired: usize,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
}

/// What retiring gone resources did.
#[derive(Default)]
pub(crate) struct Retired {
    /// Resources recorded as deleted.
    pub(crate) count: usize,
    /// Their findings to archive in Security Hub, by resource id.
    pub(crate) changes: Vec<(String, Changes)>,
    /// Marks that could not be read.
    pub(crate) errors: u64,
}

/// What recording a set of swept resources did.
pub(crate) struct Settled {
    /// STATE items that took the sweep's view.
    pub(crate) state_updated: usize,
    /// Of those, resources whose version moved with no event having recorded it.
    pub(crate) missed_events: usize,
    /// Of those, resources failing a rule their previous STATE did not.
    pub(crate) new_non_compliance: usize,
    /// The findings to export, by resource id.
    pub(crate) changes: Vec<(String, Changes)>,
}

impl SweepReport {
    /// The report of `scan` once recorded (`settled`); regions, retired and duration are the
    /// caller's to fill in.
    pub(crate) fn of(sweep_id: &str, scan: &Scan, settled: &Settled) -> Self {
        let non_compliant = scan
            .records
            .iter()
            .filter(|r| r.status == Status::NonCompliant)
            .count();
        SweepReport {
            sweep_id: sweep_id.to_owned(),
            listed: scan.listed,
            recorded: scan.records.len(),
            compliant: scan.records.len() - non_compliant,
            non_compliant,
            vanished: scan.vanished,
            errors: scan.errors,
            state_updated: settled.state_updated,
            missed_events: settled.missed_events,
            new_non_compliance: settled.new_non_compliance,
            exempted: scan
                .records
                .iter()
                .filter(|r| !step::exempted_rules(&r.findings).is_empty())
                .count(),
            ..SweepReport::default()
        }
    }

    /// The metrics of this report, with `export_errors` more errors.
    pub(crate) fn counts(&self, export_errors: u64) -> Counts {
        Counts {
            evaluations: self.recorded as u64,
            non_compliant: self.non_compliant as u64,
            errors: self.errors as u64 + export_errors,
            missed_events: self.missed_events as u64,
            new_non_compliance: self.new_non_compliance as u64,
            exempted: self.exempted as u64,
            ..Counts::default()
        }
    }
}

/// One swept resource's fate.
pub(crate) enum Swept {
    Recorded(Box<Record>),
    Vanished,
    Refused,
}

/// What evaluating a set of regions found, before anything is recorded.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scan {
    /// One record per evaluated resource, in listing order.
    pub records: Vec<Record>,
    /// Resources listed.
    pub listed: usize,
    /// Listed but gone by the time they were described.
    pub vanished: usize,
    /// Resources the service refused to describe.
    pub errors: usize,
    /// The scopes (`{service}:{account}:{region}`) the scan covered, with every id it listed.
    pub listed_ids: BTreeSet<(String, String)>,
}

impl<R: ResourceWriter, S: ComplianceStore, F: FindingsSink> Engine<R, S, F> {
    /// Evaluate every resource in `scopes` without recording anything, judging the rules
    /// `exemptions` exempt as exempted ([`Engine::exemptions_by_resource`] for a scan that
    /// records; none for one that only looks). Records carry `scan_id`-based event ids, so
    /// recording them twice writes the same history keys. `progress` is called with (done,
    /// total) after each resource.
    pub async fn scan(
        &self,
        scopes: &[Scope],
        exemptions: &ByResource,
        scan_id: &str,
        event_time: &str,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Scan, EngineError> {
        let now = SystemTime::now();
        let mut scan = Scan::default();
        for scope in scopes {
            let resources = self
                .resources
                .list(scope)
                .await
                .map_err(EngineError::Transient)?;
            scan.listed += resources.len();
            scan.listed_ids
                .extend(resources.iter().map(|r| (scope_of(r), r.key())));
            let total = scan.listed;
            let done = std::sync::atomic::AtomicUsize::new(total - resources.len());
            let swept: Vec<Result<Swept, EngineError>> =
                futures::stream::iter(resources.iter().map(|r| async {
                    let outcome = self
                        .sweep_one(r, exemptions, scan_id, event_time, now)
                        .await;
                    progress(
                        done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1,
                        total,
                    );
                    outcome
                }))
                .buffered(self.config.sweep_concurrency)
                .collect()
                .await;
            for outcome in swept {
                match outcome? {
                    Swept::Recorded(record) => scan.records.push(*record),
                    Swept::Vanished => scan.vanished += 1,
                    Swept::Refused => scan.errors += 1,
                }
            }
        }
        Ok(scan)
    }

    /// Sweep every configured region: scan, record everything, count what the event path
    /// missed, retire STATE items of resources that are gone. Returns the metrics to emit.
    pub(crate) async fn sweep(
        &self,
        request: &SweepRequest,
    ) -> Result<(SweepReport, Counts), EngineError> {
        let started = Instant::now();
        // The history key must not depend on when the sweep ran, or a retried sweep would
        // duplicate every item: use the schedule's time, falling back to now only without one.
        let event_time = request
            .time
            .clone()
            .unwrap_or_else(|| rfc3339(SystemTime::now()));
        let covered = self.sweep_scopes().await?;
        let exemptions = self.exemptions_by_resource().await?;
        let scan = self
            .scan(
                &covered.scopes,
                &exemptions,
                &request.id,
                &event_time,
                &|_, _| {},
            )
            .await?;
        let mut settled = self.settle(&scan.records).await?;
        let listed: HashSet<&str> = scan.listed_ids.iter().map(|(_, id)| id.as_str()).collect();
        let mut scopes: BTreeSet<String> = scan.listed_ids.iter().map(|(s, _)| s.clone()).collect();
        if self.config.own_account().is_some() {
            scopes.extend(covered.scopes.iter().map(Scope::id));
        }
        let retired = self
            .retire(&listed, scopes, &request.id, &event_time)
            .await?;
        settled.changes.extend(retired.changes);
        // The sweep's one export: every change of every resource, in batches.
        let export_errors =
            covered.errors + retired.errors + Box::pin(self.export(&settled.changes)).await;
        let mut report = SweepReport::of(&request.id, &scan, &settled);
        report.regions = self.config.regions.clone();
        report.retired = retired.count;
        report.duration_ms = started.elapsed().as_millis() as u64;
        tracing::info!(
            sweep_id = %report.sweep_id,
            listed = report.listed,
            recorded = report.recorded,
            non_compliant = report.non_compliant,
            vanished = report.vanished,
            errors = report.errors,
            missed_events = report.missed_events,
            retired = report.retired,
            latency_ms = report.duration_ms,
            "swept"
        );
        let counts = report.counts(export_errors);
        Ok((report, counts))
    }

    /// Record swept resources in bulk (history keyed by the sweep id, STATE conditionally), count
    /// the changes no event recorded, and collect the findings to export for those STATE took.
    pub(crate) async fn settle(&self, records: &[Record]) -> Result<Settled, EngineError> {
        let written = self
            .store
            .record_sweep(records)
            .await
            .map_err(EngineError::Transient)?;
        let settled = SystemTime::now()
            .checked_sub(self.config.missed_event_grace)
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let missed = missed_events(records, &written, settled);
        // STATE's previous failures came back with the writes (ALL_OLD): no read.
        let new_non_compliance = records
            .iter()
            .zip(&written)
            .filter(|(r, w)| w.updated && step::newly_failing(&r.findings, &w.previous_failed))
            .count();
        let mut changes: Vec<(String, Changes)> = Vec::new();
        if self.exports() {
            // STATE's previous mark came back with the write (ALL_OLD): no read.
            for (record, write) in records.iter().zip(&written).filter(|(_, w)| w.updated) {
                let previous = write.previous_exported.as_ref();
                if let Some(c) = self.changed_findings(record, previous) {
                    changes.push((record.resource.key(), c));
                }
            }
        }
        Ok(Settled {
            state_updated: written.iter().filter(|w| w.updated).count(),
            missed_events: missed,
            new_non_compliance,
            changes,
        })
    }

    /// Record as deleted every live STATE item of `scopes` (`{service}:{account}:{region}`)
    /// whose id the listing did not return (`listed`) and that a describe confirms gone (with
    /// the findings to archive).
    pub(crate) async fn retire(
        &self,
        listed: &HashSet<&str>,
        scopes: BTreeSet<String>,
        sweep_id: &str,
        event_time: &str,
    ) -> Result<Retired, EngineError> {
        let mut retired = Retired::default();
        for scope in scopes {
            let ids = self
                .store
                .live_ids(&scope)
                .await
                .map_err(EngineError::Transient)?;
            for id in ids.iter().filter(|id| !listed.contains(id.as_str())) {
                let Ok(resource) = ResourceRef::from_key(id) else {
                    continue;
                };
                if self.still_there(&resource).await? {
                    continue;
                }
                let cause = sweep_cause(sweep_id, &resource, event_time);
                let mut record = Record::new(resource, cause, Status::Deleted, SystemTime::now());
                record.action_reason = Some(ActionReason::NotFoundBySweep);
                let outcome = self
                    .store
                    .record(&record)
                    .await
                    .map_err(EngineError::Transient)?;
                retired.count += 1;
                if outcome != RecordOutcome::Written {
                    continue;
                }
                match Box::pin(self.changes_after_write(&record)).await {
                    Ok(changes) => retired.changes.extend(changes),
                    Err(err) => {
                        tracing::error!(resource = %id, error = %err, "Security Hub mark unreadable");
                        retired.errors += 1;
                    }
                }
            }
        }
        Ok(retired)
    }

    /// Whether a resource the listing did not return exists after all (created since).
    async fn still_there(&self, resource: &ResourceRef) -> Result<bool, EngineError> {
        match self.resources.describe(resource).await {
            Ok(found) => Ok(found.is_some_and(|d| !Identity::of(&d.resource).deleted)),
            // Refused: leave it as it is rather than retire what we cannot see.
            Err(err) => EngineError::refusal(err).map(|_| true),
        }
    }

    /// Describe and evaluate one listed resource as sweep `sweep_id` (nothing recorded).
    /// Exemptions are judged in force at `now` (the scan's start, one instant for all of it).
    pub(crate) async fn sweep_one(
        &self,
        resource: &ResourceRef,
        exemptions: &ByResource,
        sweep_id: &str,
        event_time: &str,
        now: SystemTime,
    ) -> Result<Swept, EngineError> {
        let described = match self.resources.describe(resource).await {
            Ok(Some(described)) if !Identity::of(&described.resource).deleted => described,
            Ok(_) => return Ok(Swept::Vanished),
            Err(err) => {
                let refused = EngineError::refusal(err)?;
                tracing::error!(resource = %resource, error = %refused, "describe refused during sweep");
                return Ok(Swept::Refused);
            }
        };
        let tags = self.tags_if_needed(resource, &described.snapshot).await?;
        let mut assessment = step::assess(&described.resource, tags.as_deref(), &self.config.rules);
        let mut exempted = self.tag_exemptions(tags.as_deref(), now);
        exempted.extend(
            exemptions
                .get(&resource.key())
                .into_iter()
                .flatten()
                .cloned(),
        );
        step::exempt(&mut assessment, &exempted, now);
        // The history key keeps the schedule's time (`event_time`: a shard run twice writes
        // the same items); the evaluation's time is taken after this resource's describe, as the
        // pipeline's is, so that of an event and the sweep the later describe wins
        // (`state_order`), not whichever started first.
        let cause = sweep_cause(sweep_id, resource, event_time);
        Ok(Swept::Recorded(Box::new(step::record_of(
            resource,
            cause,
            &described.resource,
            &assessment,
            SystemTime::now(),
        ))))
    }
}

impl<R: ResourceWriter, S: ComplianceStore, F: FindingsSink> Engine<R, S, F> {
    /// Every exemption, by resource id: one Query of the `exemptions` index per scan or shard
    /// (not one per resource).
    pub async fn exemptions_by_resource(&self) -> Result<ByResource, EngineError> {
        let items = self
            .store
            .all_exemptions()
            .await
            .map_err(EngineError::Transient)?;
        Ok(exemptions::by_resource(&items))
    }
}

/// A sweep's cause for one resource: event id `{sweepId}/{resource path}`.
pub(crate) fn sweep_cause(sweep_id: &str, resource: &ResourceRef, event_time: &str) -> Cause {
    Cause {
        event_name: SWEEP_EVENT_NAME.to_owned(),
        event_id: format!("{sweep_id}/{}", resource.path()),
        event_time: event_time.to_owned(),
        actor: None,
    }
}

/// How many swept resources changed version since STATE (same incarnation) with no event having
/// recorded it, counting only changes made before `settled` (younger ones may still have their
/// event on the way).
pub fn missed_events(records: &[Record], written: &[SweepWrite], settled: SystemTime) -> usize {
    let settled = epoch_seconds(settled) as f64;
    records
        .iter()
        .zip(written)
        .filter(|(record, write)| {
            let moved = match (write.previous_version, record.identity.version) {
                (Some(before), Some(now)) => before < now,
                _ => false,
            };
            let same = write.previous_uid.is_some() && write.previous_uid == record.identity.uid;
            let old_enough = record.identity.updated_at.is_some_and(|t| t <= settled);
            let missed = write.updated && moved && same && old_enough;
            if missed {
                tracing::warn!(resource = %record.resource, previous = ?write.previous_version,
                    now = ?record.identity.version, "a change reached no event: missed event");
            }
            missed
        })
        .count()
}
