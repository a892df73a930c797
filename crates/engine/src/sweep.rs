//! The scheduled sweep: evaluate every resource in every configured region and record them all.
//! It catches what events missed (resources older than the deployment, outages). It records and
//! never reverts: reverting is the answer to a change someone just made, not to a backlog.

use crate::engine::{Engine, TransientError};
use crate::metrics::Counts;
use crate::ports::{ComplianceStore, MeshWriter, PortError};
use crate::record::{rfc3339, Action, Record, Status};
use futures::StreamExt;
use meshwarden_rules::catalog::{self, EvalContext};
use meshwarden_rules::event::SweepRequest;
use meshwarden_rules::resource::ResourceRef;
use meshwarden_rules::verdict::ComplianceStatus;
use serde::Serialize;
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
    /// State items updated (others already held a newer version).
    pub state_updated: usize,
    /// Wall time in milliseconds.
    pub duration_ms: u64,
}

/// One swept resource's fate.
enum Swept {
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
}

impl<M: MeshWriter, S: ComplianceStore> Engine<M, S> {
    /// Evaluate every resource in `regions` without recording anything. Records carry
    /// `scan_id`-based event ids, so recording them twice writes the same history keys.
    /// `progress` is called with (done, total) after each resource.
    pub async fn scan(
        &self,
        regions: &[String],
        scan_id: &str,
        event_time: &str,
        progress: &(dyn Fn(usize, usize) + Sync),
    ) -> Result<Scan, TransientError> {
        let now = SystemTime::now();
        let mut scan = Scan::default();
        for region in regions {
            let resources = self.mesh.list(region).await?;
            scan.listed += resources.len();
            let total = scan.listed;
            let done = std::sync::atomic::AtomicUsize::new(total - resources.len());
            let swept: Vec<Result<Swept, TransientError>> =
                futures::stream::iter(resources.iter().map(|r| async {
                    let outcome = self.sweep_one(r, scan_id, event_time, now).await;
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

    /// Sweep every configured region: scan, then record everything.
    pub async fn sweep(&self, request: &SweepRequest) -> Result<SweepReport, TransientError> {
        let started = Instant::now();
        // The history key must not depend on when the sweep ran, or a retried sweep would
        // duplicate every item: use the schedule's time, falling back to now only without one.
        let event_time = request
            .time
            .clone()
            .unwrap_or_else(|| rfc3339(SystemTime::now()));
        let scan = self
            .scan(&self.config.regions, &request.id, &event_time, &|_, _| {})
            .await?;
        let state_updated = self.store.record_sweep(&scan.records).await?;
        let non_compliant = scan
            .records
            .iter()
            .filter(|r| r.status == Status::NonCompliant)
            .count();
        let report = SweepReport {
            sweep_id: request.id.clone(),
            regions: self.config.regions.clone(),
            listed: scan.listed,
            recorded: scan.records.len(),
            compliant: scan.records.len() - non_compliant,
            non_compliant,
            vanished: scan.vanished,
            errors: scan.errors,
            state_updated,
            duration_ms: started.elapsed().as_millis() as u64,
        };
        tracing::info!(
            sweep_id = %report.sweep_id,
            listed = report.listed,
            recorded = report.recorded,
            non_compliant = report.non_compliant,
            vanished = report.vanished,
            errors = report.errors,
            latency_ms = report.duration_ms,
            "swept"
        );
        self.emit(Counts {
            evaluations: report.recorded as u64,
            non_compliant: report.non_compliant as u64,
            errors: report.errors as u64,
            ..Counts::default()
        });
        Ok(report)
    }

    async fn sweep_one(
        &self,
        resource: &ResourceRef,
        sweep_id: &str,
        event_time: &str,
        now: SystemTime,
    ) -> Result<Swept, TransientError> {
        let described = match self.mesh.describe(resource).await {
            Ok(Some(described)) => described,
            Ok(None) => return Ok(Swept::Vanished),
            Err(PortError::Transient(e)) => return Err(TransientError(e)),
            Err(PortError::Rejected(e)) => {
                tracing::error!(resource = %resource, error = %e, "describe rejected during sweep");
                return Ok(Swept::Refused);
            }
        };
        let tags = match self.tags_if_needed(resource, &described.snapshot).await {
            Ok(tags) => tags,
            Err(PortError::Transient(e)) => return Err(TransientError(e)),
            Err(PortError::Rejected(_)) => None,
        };
        let eval = EvalContext {
            config: &self.config.rules,
            tags: tags.as_deref(),
        };
        let findings = catalog::evaluate(&described.resource, &eval);
        Ok(Swept::Recorded(Box::new(Record {
            resource: resource.clone(),
            status: ComplianceStatus::of(&findings).into(),
            findings,
            resource_version: described.resource.version(),
            event_name: SWEEP_EVENT_NAME.to_owned(),
            event_id: format!("{sweep_id}/{}", resource.path()),
            event_time: event_time.to_owned(),
            actor: None,
            action: Action::None,
            action_reason: None,
            before: None,
            after: None,
            document: Some(described.resource.to_describe_value()),
            evaluated_at: now,
            recent_reverts: Vec::new(),
        })))
    }
}
