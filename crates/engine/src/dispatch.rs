//! [`Engine::handle`]: one entry point for everything the responder receives.

use crate::engine::Engine;
use crate::error::EngineError;
use crate::fanout::batch::sqs_messages;
use crate::fanout::{PlanReport, ShardBatch};
use crate::metrics::Counts;
use crate::pipeline::EventReport;
use crate::ports::{ComplianceStore, FindingsSink, MeshWriter};
use crate::sweep::SweepReport;
use meshwarden_rules::event::{self, service_of_event_source, Incoming, Route};
use serde::Serialize;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Instant, SystemTime};

/// What the engine did with one input. Every variant is a success for the runtime. As JSON,
/// every key is camelCase (`eventId`), whatever the outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(
    tag = "outcome",
    rename_all = "camelCase",
    rename_all_fields = "camelCase"
)]
pub enum Handled {
    /// A resource was evaluated (or found deleted) and recorded.
    Evaluated(EventReport),
    /// A sweep ran (inline).
    Swept(SweepReport),
    /// A sweep was planned: its list shards are on the sweep queue.
    Planned(PlanReport),
    /// A batch of sweep shards (an SQS event) ran; the answer names the messages to retry
    /// (boxed: by far the largest variant).
    Shards(Box<ShardBatch>),
    /// The event needs nothing from us.
    Ignored {
        /// The event id, when there was one.
        event_id: Option<String>,
        /// Why.
        reason: String,
    },
    /// The input is poison: malformed or unroutable. Logged, not retried.
    Rejected {
        /// What is wrong with it.
        reason: String,
    },
    /// A service refused a call that retrying cannot fix (access denied on the table, say):
    /// logged with the event, counted in the `Errors` metric (alarmed), not retried.
    Failed {
        /// The event id.
        event_id: String,
        /// The refusal.
        reason: String,
    },
}

impl Handled {
    /// What the function returns to Lambda: the outcome as JSON, except for a batch of shards,
    /// whose answer is the partial batch response alone (`{"batchItemFailures": [...]}`, what an
    /// SQS event source mapping with `ReportBatchItemFailures` reads); the shards' reports are
    /// in the logs.
    pub fn response(&self) -> Result<Value, serde_json::Error> {
        match self {
            Handled::Shards(batch) => serde_json::to_value(&batch.response),
            other => serde_json::to_value(other),
        }
    }
}

/// A delivery id for callers that have none (the CLI, tests): unique within the process and
/// across processes.
pub fn new_delivery_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "local-{}-{nanos:x}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

impl<M: MeshWriter, S: ComplianceStore, F: FindingsSink> Engine<M, S, F> {
    /// Handle one raw input as a fresh delivery (see [`Engine::handle_as`]).
    pub async fn handle(&self, input: &Value) -> Result<Handled, EngineError> {
        self.handle_as(input, &new_delivery_id()).await
    }

    /// [`Engine::handle_as`] within an invocation that ends at `deadline`: sweep shards stop
    /// starting work in time to record it and send the rest back ([`crate::fanout`]).
    pub async fn handle_until(
        &self,
        input: &Value,
        delivery: &str,
        deadline: Option<Instant>,
    ) -> Result<Handled, EngineError> {
        let (outcome, counts) = self.handle_counted_until(input, delivery, deadline).await;
        self.emit(counts);
        outcome
    }

    /// Handle one raw input: a CloudTrail/EventBridge event, a scheduled sweep, or an SQS event
    /// of sweep shards. `delivery` identifies this delivery across its retries (Lambda's request
    /// id is kept across the retries of an asynchronous invocation): a retry resumes its own
    /// pending revert at once, while another delivery of the same event waits for the revert's
    /// lease to end. `Err` only for faults worth retrying; poison input is
    /// `Ok(Handled::Rejected)`.
    pub async fn handle_as(&self, input: &Value, delivery: &str) -> Result<Handled, EngineError> {
        self.handle_until(input, delivery, None).await
    }

    /// [`Engine::handle_as`] without emitting: the metrics are returned beside the outcome.
    /// A transient failure is not counted in `Errors`: Lambda retries it, and its own `Errors`
    /// metric and the dead-letter queue see it if retrying does not help.
    pub async fn handle_counted(
        &self,
        input: &Value,
        delivery: &str,
    ) -> (Result<Handled, EngineError>, Counts) {
        self.handle_counted_until(input, delivery, None).await
    }

    /// [`Engine::handle_counted`] within an invocation that ends at `deadline`.
    pub async fn handle_counted_until(
        &self,
        input: &Value,
        delivery: &str,
        deadline: Option<Instant>,
    ) -> (Result<Handled, EngineError>, Counts) {
        if let Some(messages) = sqs_messages(input) {
            let (batch, counts) = self.handle_shards(&messages, deadline).await;
            return (Ok(Handled::Shards(Box::new(batch))), counts);
        }
        let started = Instant::now();
        let incoming = match event::route(input) {
            Ok(incoming) => incoming,
            Err(err) => {
                let reason = format!("malformed event: {err}");
                tracing::error!(reason = %reason, "rejected");
                let counts = Counts {
                    errors: 1,
                    ..Counts::default()
                };
                return (Ok(Handled::Rejected { reason }), counts);
            }
        };
        let routed = match incoming {
            Incoming::Sweep(request) if self.fans_out() => {
                return match self.plan_sweep(&request).await {
                    Ok((plan, counts)) => (Ok(Handled::Planned(plan)), counts),
                    Err(err) => (Err(err), Counts::default()),
                }
            }
            Incoming::Sweep(request) => {
                return match self.sweep(&request).await {
                    Ok((report, counts)) => (Ok(Handled::Swept(report)), counts),
                    Err(err) => (Err(err), Counts::default()),
                }
            }
            Incoming::CloudTrail(routed) => routed,
        };
        let received = Counts {
            events_received: 1,
            ..Counts::default()
        }
        .of(service_of_event_source(&routed.meta.event_source));
        if let Route::Ignore { reason, .. } = &routed.route {
            tracing::info!(
                event_id = %routed.meta.event_id,
                event_name = %routed.meta.event_name,
                reason = %reason,
                latency_ms = started.elapsed().as_millis() as u64,
                "ignored"
            );
            let ignored = Handled::Ignored {
                event_id: Some(routed.meta.event_id.clone()),
                reason: reason.to_string(),
            };
            return (Ok(ignored), received);
        }
        let (outcome, mut counts) = self.process_counted(&routed, delivery).await;
        counts.add(received);
        (outcome, counts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fanout::batch::BatchResponse;
    use serde_json::json;

    /// Every key of `value`, nested ones included.
    fn keys(value: &Value, into: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, nested) in map {
                    into.push(key.clone());
                    keys(nested, into);
                }
            }
            Value::Array(items) => items.iter().for_each(|v| keys(v, into)),
            _ => {}
        }
    }

    #[test]
    fn every_outcome_speaks_camel_case() {
        let outcomes = [
            Handled::Ignored {
                event_id: Some("e".into()),
                reason: "read-only".into(),
            },
            Handled::Rejected { reason: "r".into() },
            Handled::Failed {
                event_id: "e".into(),
                reason: "denied".into(),
            },
            Handled::Swept(SweepReport::default()),
            Handled::Planned(PlanReport {
                sweep_id: "s".into(),
                time: "t".into(),
                scopes: vec![],
            }),
            Handled::Shards(Box::new(ShardBatch {
                shards: vec![],
                response: BatchResponse::default(),
            })),
        ];
        for handled in outcomes {
            let value = serde_json::to_value(&handled).unwrap();
            let mut found = Vec::new();
            keys(&value, &mut found);
            let snake: Vec<&String> = found.iter().filter(|k| k.contains('_')).collect();
            assert!(snake.is_empty(), "{value}: {snake:?}");
        }
        let ignored = Handled::Ignored {
            event_id: Some("e-1".into()),
            reason: "r".into(),
        };
        assert_eq!(
            serde_json::to_value(&ignored).unwrap(),
            json!({"outcome": "ignored", "eventId": "e-1", "reason": "r"})
        );
    }
}
