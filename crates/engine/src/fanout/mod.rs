//! The fanned-out sweep: the scheduled sweep as shards on an SQS queue feeding the same function.
//!
//! * **plan** (the scheduled event, when the engine has a [`ShardQueue`]): one *list* shard per
//!   scope (service × account × region, [`Engine::sweep_scopes`]: discovered accounts are
//!   listed here, once per sweep), then done;
//! * **list** (one scope): list it page by page, send *evaluate* shards of at most
//!   [`crate::config::EngineConfig::sweep_shard_size`] resources, and once the listing is complete
//!   retire its resources that are gone. Short of time with pages left ([`SHARD_RESERVE`]), it
//!   hands the rest on as a list shard of the same scope carrying the next page's cursor and
//!   what was listed ([`shard::Continuation`]), so no list shard runs past its time;
//! * **evaluate**: describe, evaluate and record its resources as the inline sweep does (missed
//!   events, Security Hub), with bounded concurrency and a time budget.
//!
//! Every shard carries the sweep's id and the schedule's time, so a shard run again writes the
//! same items. An SQS event is a batch of shards (run by [`Engine::run`]); its answer names
//! the messages SQS must deliver again (`ReportBatchItemFailures`): a shard that failed on a
//! transient fault, alone. A shard whose work was throttled part-way records what it finished
//! and sends the rest back as a new shard of the same sweep, later ([`shard::retry_delay`]), so
//! throttling slows the sweep and never repeats finished work; after [`shard::MAX_ATTEMPTS`] of
//! those its own message is failed, and SQS's redrive policy dead-letters it in the end. The
//! same happens to an evaluate shard short of time: it starts no describe once less than
//! [`SHARD_RESERVE`] remains and sends the rest back at once. A body that is not a shard is
//! poison: logged and dropped. A listing the service refuses (a member role that cannot be
//! assumed) fails that account's list shard only: an error, counted, not retried.

pub mod batch;

use crate::adapters::sqs;
use crate::core::error::{EngineError, PortError};
use crate::core::ports::{
    ComplianceStore, FindingsSink, QueuedMessage, ResourceWriter, Scope, ShardQueue,
};
use crate::core::record::{rfc3339, scope_of};
use crate::core::shard::{self, Continuation, Shard, ShardMessage};
use crate::engine::Engine;
use crate::metrics::Counts;
use crate::sweep::{Scan, SweepReport, Swept};
use batch::{BatchResponse, ItemFailure, QueueMessage};
use futures::StreamExt;
use meshwarden_rules::event::SweepRequest;
use meshwarden_rules::resource::ResourceRef;
use serde::Serialize;
use std::collections::{BTreeSet, HashSet};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant, SystemTime};

/// The time an evaluate shard keeps, before its deadline, to record what it described and send
/// the rest back: it starts no describe once less than this remains. Two of the SDK's operation
/// timeouts (15 s each): the record and the send.
pub const SHARD_RESERVE: Duration = Duration::from_secs(30);

/// The largest shard body a list shard hands on: what one `SendMessageBatch` call carries (256
/// KiB, also SQS's default message size limit). A listing whose continuation would be larger is
/// listed on to its end by the same shard.
pub const MAX_BODY_BYTES: usize = sqs::MAX_BATCH_BYTES;

/// What planning a sweep sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanReport {
    /// The sweep's id.
    pub sweep_id: String,
    /// The time every history item of the sweep carries.
    pub time: String,
    /// The list shards sent, one per scope (`{service}:{account}:{region}`).
    pub scopes: Vec<String>,
}

/// What became of one message of a shard batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ShardOutcome {
    /// Done (whatever remained was sent as a new shard): SQS deletes the message.
    Done,
    /// A transient failure: SQS delivers the message again after its visibility timeout.
    Retry,
    /// A refusal retrying cannot fix (a listing refused, a queue refusing messages): logged,
    /// counted in `Errors`, not retried; the next sweep tries again.
    Failed,
    /// Not a shard this engine can run: logged, counted in `Errors`, dropped.
    Poison,
}

/// What one message of a shard batch did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardReport {
    /// SQS's message id.
    pub message_id: String,
    /// The shard (`list appmesh:111122223333:us-east-1`, `evaluate 50 resource(s)`), when it
    /// was one.
    pub shard: Option<String>,
    /// What became of the message.
    pub outcome: ShardOutcome,
    /// Why, unless done.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Shards this one sent (a list shard's evaluate shards, an evaluate shard's remainder).
    pub sent: usize,
    /// Resources sent back for later (throttled, or out of time).
    pub sent_back: usize,
    /// What the shard swept (its sweep's id, its region, the counts).
    pub sweep: SweepReport,
}

/// What a batch of shards did, and the answer for the event source mapping.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardBatch {
    /// One report per message, in order.
    pub shards: Vec<ShardReport>,
    /// The messages to deliver again.
    #[serde(flatten)]
    pub response: BatchResponse,
}

/// What running one shard did, before its outcome is decided.
struct Ran {
    sweep: SweepReport,
    sent: usize,
    sent_back: usize,
    counts: Counts,
    /// The message must be delivered again (with why), although some work may be done.
    retry: Option<String>,
}

/// One evaluate shard's resource.
enum Step {
    Swept(Swept),
    /// A transient fault (throttled after the SDK's retries): sent back.
    Failed(ResourceRef, EngineError),
    /// Not started: a fault stopped the shard, or it ran short of time.
    NotStarted(ResourceRef),
}

/// The resources a shard names (decoding checked them already: a failure here is a refusal).
fn decoded(message: &ShardMessage) -> Result<Vec<ResourceRef>, EngineError> {
    message.resources().map_err(|e| {
        EngineError::Transient(PortError::new(
            "Decode",
            crate::core::error::ErrorKind::Rejected,
            e.to_string(),
        ))
    })
}

fn queued(shards: &[ShardMessage], delay: Duration) -> Vec<QueuedMessage> {
    shards
        .iter()
        .map(|s| QueuedMessage {
            body: s.encode(),
            delay,
        })
        .collect()
}

impl<R: ResourceWriter, S: ComplianceStore, F: FindingsSink> Engine<R, S, F> {
    /// The sweep queue, or the refusal to fan out without one.
    fn queue(&self) -> Result<&dyn ShardQueue, EngineError> {
        self.queue.as_deref().ok_or_else(|| {
            EngineError::Transient(PortError::new(
                "SendMessageBatch",
                crate::core::error::ErrorKind::Rejected,
                "no sweep queue: MESHWARDEN_SWEEP_QUEUE_URL is not set",
            ))
        })
    }

    /// Whether a scheduled sweep fans out (a sweep queue is configured) or runs inline.
    pub fn fans_out(&self) -> bool {
        self.queue.is_some()
    }

    /// Plan a fanned-out sweep: one list shard per scope, sent to the sweep queue, and the
    /// metrics to emit (a refused account discovery is an error). `Err` (transient) when the
    /// queue did not take them all: the schedule's retry plans again, and shards sent twice
    /// write the same items.
    pub(crate) async fn plan_sweep(
        &self,
        request: &SweepRequest,
    ) -> Result<(PlanReport, Counts), EngineError> {
        let time = request
            .time
            .clone()
            .unwrap_or_else(|| rfc3339(SystemTime::now()));
        let covered = self.sweep_scopes().await?;
        let scopes = covered.scopes;
        let shards = shard::plan(&request.id, &time, &scopes);
        self.queue()?
            .send(&queued(&shards, Duration::ZERO))
            .await
            .map_err(EngineError::Transient)?;
        let report = PlanReport {
            sweep_id: request.id.clone(),
            time,
            scopes: scopes.iter().map(Scope::id).collect(),
        };
        tracing::info!(sweep_id = %report.sweep_id, shards = report.scopes.len(), "sweep planned");
        let counts = Counts {
            errors: covered.errors,
            ..Counts::default()
        };
        Ok((report, counts))
    }

    /// Run a batch of shards (an SQS event's messages) one after the other, each within
    /// `deadline` (the invocation's end; none: no limit). Returns what each did, the messages
    /// to deliver again, and the metrics to emit.
    pub(crate) async fn handle_shards(
        &self,
        messages: &[QueueMessage],
        deadline: Option<Instant>,
    ) -> (ShardBatch, Counts) {
        let mut batch = ShardBatch {
            shards: Vec::with_capacity(messages.len()),
            response: BatchResponse::default(),
        };
        let mut counts = Counts::default();
        for message in messages {
            let (report, shard_counts) = self.handle_shard(message, deadline).await;
            counts.add(shard_counts);
            if report.outcome == ShardOutcome::Retry {
                batch.response.batch_item_failures.push(ItemFailure {
                    item_identifier: message.message_id.clone(),
                });
            }
            batch.shards.push(report);
        }
        (batch, counts)
    }

    async fn handle_shard(
        &self,
        message: &QueueMessage,
        deadline: Option<Instant>,
    ) -> (ShardReport, Counts) {
        let started = Instant::now();
        let mut report = ShardReport {
            message_id: message.message_id.clone(),
            shard: None,
            outcome: ShardOutcome::Done,
            reason: None,
            sent: 0,
            sent_back: 0,
            sweep: SweepReport::default(),
        };
        let shard = match ShardMessage::decode(&message.body) {
            Ok(shard) => shard,
            Err(err) => {
                tracing::error!(message_id = %message.message_id, reason = %err, "poison shard dropped");
                report.outcome = ShardOutcome::Poison;
                report.reason = Some(err.to_string());
                let counts = Counts {
                    errors: 1,
                    ..Counts::default()
                };
                return (report, counts);
            }
        };
        report.shard = Some(shard.describe());
        let ran = match &shard.shard {
            Shard::List {
                scope,
                continuation,
            } => {
                self.run_list(&shard, scope, continuation.as_ref(), deadline)
                    .await
            }
            Shard::Evaluate { .. } => self.run_evaluate(&shard, deadline).await,
        };
        let counts = match ran {
            Ok(ran) => {
                if let Some(reason) = ran.retry {
                    report.outcome = ShardOutcome::Retry;
                    report.reason = Some(reason);
                }
                report.sweep = ran.sweep;
                report.sent = ran.sent;
                report.sent_back = ran.sent_back;
                ran.counts
            }
            Err(err) => {
                let transient = match &err {
                    EngineError::Transient(port) => port.is_transient(),
                    EngineError::NotYetConsistent(_) | EngineError::RevertInProgress { .. } => true,
                };
                report.reason = Some(err.to_string());
                if transient {
                    report.outcome = ShardOutcome::Retry;
                    Counts::default()
                } else {
                    report.outcome = ShardOutcome::Failed;
                    Counts {
                        errors: 1,
                        ..Counts::default()
                    }
                }
            }
        }
        .of(shard.service());
        report.sweep.sweep_id = shard.sweep_id.clone();
        report.sweep.duration_ms = started.elapsed().as_millis() as u64;
        let level_error = report.outcome == ShardOutcome::Failed;
        if level_error {
            tracing::error!(message_id = %report.message_id, sweep_id = %shard.sweep_id,
                shard = %shard.describe(), reason = ?report.reason, "shard failed");
        } else {
            tracing::info!(message_id = %report.message_id, sweep_id = %shard.sweep_id,
                shard = %shard.describe(), outcome = ?report.outcome, reason = ?report.reason,
                receive_count = message.receive_count, attempt = shard.attempt,
                listed = report.sweep.listed, recorded = report.sweep.recorded,
                retired = report.sweep.retired, sent = report.sent, sent_back = report.sent_back,
                missed_events = report.sweep.missed_events,
                latency_ms = report.sweep.duration_ms, "shard");
        }
        (report, counts)
    }

    /// A list shard: list the scope page by page and send evaluate shards for what it listed.
    /// Short of time with pages left, it hands the rest on as a list shard of the same scope
    /// (the next page's cursor and everything listed so far) and retires nothing; the shard
    /// that lists the last page retires what the whole listing did not find.
    async fn run_list(
        &self,
        message: &ShardMessage,
        scope: &Scope,
        continuation: Option<&Continuation>,
        deadline: Option<Instant>,
    ) -> Result<Ran, EngineError> {
        let queue = self.queue()?;
        let before = decoded(message)?;
        let mut cursor = continuation.map(|c| c.cursor.clone());
        let mut resources: Vec<ResourceRef> = Vec::new();
        let handed_on = loop {
            let page = self
                .resources
                .list_page(scope, cursor.as_deref())
                .await
                .map_err(EngineError::Transient)?;
            resources.extend(page.items);
            let Some(next) = page.next else {
                break None;
            };
            if deadline.is_some_and(|d| Instant::now() + SHARD_RESERVE > d) {
                let listed: Vec<ResourceRef> = before.iter().chain(&resources).cloned().collect();
                let continued = message.continued(scope, next.clone(), &listed);
                if continued.encode().len() <= MAX_BODY_BYTES {
                    break Some(continued);
                }
                tracing::warn!(sweep_id = %message.sweep_id, scope = %scope.id(),
                    listed = listed.len(), "listing too long to hand on: listing on");
            }
            cursor = Some(next);
        };
        let mut shards = shard::split(
            &message.sweep_id,
            &message.time,
            &resources,
            self.config.sweep_shard_size,
        );
        let mut sweep = SweepReport {
            regions: vec![scope.region.clone()],
            listed: resources.len(),
            ..SweepReport::default()
        };
        let mut export_errors = 0;
        match handed_on {
            Some(continued) => {
                tracing::info!(sweep_id = %message.sweep_id, shard = %continued.describe(),
                    "listing handed on: out of time");
                shards.push(continued);
            }
            None => {
                let all: Vec<&ResourceRef> = before.iter().chain(&resources).collect();
                let listed_ids: HashSet<String> = all.iter().map(|r| r.key()).collect();
                let mut scopes: BTreeSet<String> = all.iter().map(|r| scope_of(r)).collect();
                if !scope.account.is_empty() {
                    scopes.insert(scope.id());
                }
                let listed_ids: HashSet<&str> = listed_ids.iter().map(String::as_str).collect();
                let retired = self
                    .retire(&listed_ids, scopes, &message.sweep_id, &message.time)
                    .await?;
                export_errors = retired.errors + Box::pin(self.export(&retired.changes)).await;
                sweep.retired = retired.count;
            }
        }
        queue
            .send(&queued(&shards, Duration::ZERO))
            .await
            .map_err(EngineError::Transient)?;
        Ok(Ran {
            counts: sweep.counts(export_errors),
            sweep,
            sent: shards.len(),
            sent_back: 0,
            retry: None,
        })
    }

    /// An evaluate shard: describe and evaluate its resources (stopping at the first transient
    /// fault or when short of time), record what was evaluated, send the rest back.
    async fn run_evaluate(
        &self,
        message: &ShardMessage,
        deadline: Option<Instant>,
    ) -> Result<Ran, EngineError> {
        let resources = decoded(message)?;
        let region = resources.first().map(|r| r.region.clone());
        let exemptions = &self.exemptions_by_resource().await?;
        let now = SystemTime::now();
        let stop = AtomicBool::new(false);
        let short_of_time = |at: Instant| deadline.is_some_and(|d| at + SHARD_RESERVE > d);
        let steps: Vec<Step> =
            futures::stream::iter(resources.into_iter().enumerate().map(|(i, resource)| {
                let stop = &stop;
                async move {
                    // The first resource always runs: every delivery makes progress.
                    if i > 0 && (stop.load(Ordering::Relaxed) || short_of_time(Instant::now())) {
                        return Step::NotStarted(resource);
                    }
                    match self
                        .sweep_one(&resource, exemptions, &message.sweep_id, &message.time, now)
                        .await
                    {
                        Ok(swept) => Step::Swept(swept),
                        Err(err) => {
                            stop.store(true, Ordering::Relaxed);
                            Step::Failed(resource, err)
                        }
                    }
                }
            }))
            .buffered(self.config.sweep_concurrency)
            .collect()
            .await;
        let mut scan = Scan::default();
        let mut rest = Vec::new();
        let mut fault = None;
        for step in steps {
            match step {
                Step::Swept(Swept::Recorded(record)) => scan.records.push(*record),
                Step::Swept(Swept::Vanished) => scan.vanished += 1,
                Step::Swept(Swept::Refused) => scan.errors += 1,
                Step::Failed(resource, err) => {
                    fault.get_or_insert(err);
                    rest.push(resource);
                }
                Step::NotStarted(resource) => rest.push(resource),
            }
        }
        scan.listed = scan.records.len() + scan.vanished + scan.errors;
        let settled = self.settle(&scan.records).await?;
        let export_errors = Box::pin(self.export(&settled.changes)).await;
        let mut sweep = SweepReport::of(&message.sweep_id, &scan, &settled);
        sweep.regions = region.into_iter().collect();
        let counts = sweep.counts(export_errors);
        let mut ran = Ran {
            sweep,
            sent: 0,
            sent_back: 0,
            counts,
            retry: None,
        };
        if rest.is_empty() {
            return Ok(ran);
        }
        let throttled = fault.is_some();
        let reason = match &fault {
            Some(err) => format!("{} resource(s) left after a fault: {err}", rest.len()),
            None => format!("{} resource(s) left: out of time", rest.len()),
        };
        if throttled && message.attempt >= shard::MAX_ATTEMPTS {
            ran.retry = Some(format!(
                "{reason}; sent back {} times already",
                message.attempt
            ));
            return Ok(ran);
        }
        let remainder = message.remainder(&rest, throttled);
        let delay = shard::retry_delay(self.config.sweep_retry_delay, remainder.attempt);
        let sent = match self.queue() {
            Ok(queue) => queue.send(&queued(&[remainder], delay)).await,
            Err(_) => {
                ran.retry = Some(format!("{reason}; no sweep queue to send them back"));
                return Ok(ran);
            }
        };
        match sent {
            Ok(()) => {
                tracing::warn!(sweep_id = %message.sweep_id, reason = %reason,
                    delay_secs = delay.as_secs(), "shard remainder sent back");
                ran.sent = 1;
                ran.sent_back = rest.len();
            }
            Err(err) => ran.retry = Some(format!("{reason}; not sent back: {err}")),
        }
        Ok(ran)
    }
}
