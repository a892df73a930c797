//! The Lambda side of the sweep queue: the SQS event an event source mapping delivers, and the
//! partial batch response (`ReportBatchItemFailures`) that tells it which messages to retry.
//! Pure.

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The `eventSource` of every record of an SQS event.
pub const SQS_EVENT_SOURCE: &str = "aws:sqs";

/// One message of an SQS event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueMessage {
    /// SQS's message id: what a batch item failure names.
    pub message_id: String,
    /// The body.
    pub body: String,
    /// How many times SQS has delivered it (`ApproximateReceiveCount`; 1 on the first).
    pub receive_count: u32,
}

#[derive(Deserialize)]
struct Event {
    #[serde(rename = "Records")]
    records: Vec<Record>,
}

#[derive(Deserialize)]
struct Record {
    #[serde(rename = "eventSource")]
    event_source: Option<String>,
    #[serde(rename = "messageId")]
    message_id: Option<String>,
    body: Option<String>,
    #[serde(default)]
    attributes: Attributes,
}

#[derive(Deserialize, Default)]
struct Attributes {
    #[serde(rename = "ApproximateReceiveCount")]
    receive_count: Option<String>,
}

/// The messages of an SQS event (`{"Records": [{"eventSource": "aws:sqs", "messageId", "body",
/// "attributes": {"ApproximateReceiveCount"}}, …]}`), or `None` when `input` is not one. A
/// record without a message id or a body cannot be answered for and is left out (logged).
pub fn sqs_messages(input: &Value) -> Option<Vec<QueueMessage>> {
    let records = input.get("Records")?.as_array()?;
    let from_sqs = records.first()?.get("eventSource")?.as_str()? == SQS_EVENT_SOURCE;
    if !from_sqs {
        return None;
    }
    let event: Event = serde_json::from_value(input.clone()).ok()?;
    Some(
        event
            .records
            .into_iter()
            .filter_map(|record| {
                match (
                    record.event_source.as_deref(),
                    record.message_id,
                    record.body,
                ) {
                    (Some(SQS_EVENT_SOURCE), Some(message_id), Some(body)) => Some(QueueMessage {
                        message_id,
                        body,
                        receive_count: record
                            .attributes
                            .receive_count
                            .and_then(|n| n.parse().ok())
                            .unwrap_or(1),
                    }),
                    (source, id, _) => {
                        tracing::error!(event_source = ?source, message_id = ?id,
                            "SQS record without an SQS source, a message id or a body: skipped");
                        None
                    }
                }
            })
            .collect(),
    )
}

/// The answer to an SQS event under `ReportBatchItemFailures`: the messages to deliver again
/// (an empty list: every message is done and deleted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchResponse {
    /// The failed messages.
    #[serde(rename = "batchItemFailures")]
    pub batch_item_failures: Vec<ItemFailure>,
}

/// One message to deliver again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFailure {
    /// Its SQS message id.
    #[serde(rename = "itemIdentifier")]
    pub item_identifier: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_sqs_event_yields_its_messages_with_their_receive_counts() {
        let event = json!({"Records": [
            {"messageId": "m1", "receiptHandle": "r", "body": "{}", "eventSource": "aws:sqs",
             "eventSourceARN": "arn:aws:sqs:us-east-1:1:q", "awsRegion": "us-east-1",
             "attributes": {"ApproximateReceiveCount": "3", "SentTimestamp": "1"}, "messageAttributes": {}},
            {"messageId": "m2", "body": "x", "eventSource": "aws:sqs"},
            {"body": "no id", "eventSource": "aws:sqs"}
        ]});
        assert_eq!(
            sqs_messages(&event).unwrap(),
            vec![
                QueueMessage {
                    message_id: "m1".into(),
                    body: "{}".into(),
                    receive_count: 3
                },
                QueueMessage {
                    message_id: "m2".into(),
                    body: "x".into(),
                    receive_count: 1
                },
            ]
        );
    }

    #[test]
    fn other_inputs_are_not_sqs_events() {
        for input in [
            json!({"detail-type": "Scheduled Event"}),
            json!({"Records": []}),
            json!({"Records": [{"eventSource": "aws:s3"}]}),
            json!({"Records": "no"}),
            json!([1]),
        ] {
            assert_eq!(sqs_messages(&input), None, "{input}");
        }
    }

    #[test]
    fn the_response_has_lambdas_shape() {
        let response = BatchResponse {
            batch_item_failures: vec![ItemFailure {
                item_identifier: "m2".into(),
            }],
        };
        assert_eq!(
            serde_json::to_value(&response).unwrap(),
            json!({"batchItemFailures": [{"itemIdentifier": "m2"}]})
        );
        assert_eq!(
            serde_json::to_value(BatchResponse::default()).unwrap(),
            json!({"batchItemFailures": []})
        );
    }
}
