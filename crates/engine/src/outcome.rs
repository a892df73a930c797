//! What the engine did with one input ([`Handled`]) and with one event ([`EventReport`]): the
//! answers of [`crate::dispatch`] and [`crate::pipeline`], apart from both so neither imports
//! the other.

use crate::core::ports::RecordOutcome;
use crate::core::reason::ActionReason;
use crate::core::record::{Action, Status};
use crate::fanout::{PlanReport, ShardBatch};
use crate::sweep::SweepReport;
use meshwarden_rules::event::IgnoreReason;
use serde::{Serialize, Serializer};
use serde_json::Value;

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
        /// Why (as JSON: its sentence).
        #[serde(serialize_with = "sentence")]
        reason: IgnoreReason,
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

/// A value as its sentence (its `Display` text).
fn sentence<S: Serializer>(
    value: &impl std::fmt::Display,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    serializer.collect_str(value)
}

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
    pub reason: Option<ActionReason>,
    /// Rules that failed.
    pub non_compliant_rules: Vec<String>,
    /// Whether the store took it as new, duplicate or stale.
    pub recorded: RecordOutcome,
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
                reason: IgnoreReason::ReadOnly,
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
            reason: IgnoreReason::ReadOnly,
        };
        assert_eq!(
            serde_json::to_value(&ignored).unwrap(),
            json!({"outcome": "ignored", "eventId": "e-1",
                   "reason": IgnoreReason::ReadOnly.to_string()})
        );
    }
}
