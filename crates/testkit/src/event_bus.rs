//! EventBridge as the deployed rules filter, on the emulator: the patterns of the infrastructure's
//! service rules (`infra/cdk/event-patterns.json`, which a jest test keeps equal to what the stacks
//! deploy) put on an event bus of the emulator, each rule delivering to one SQS queue that stands
//! for the function. What the queue receives is what would invoke the Lambda; what it does not,
//! the function never sees.

use aws_config::SdkConfig;
use serde_json::{json, Value};
use std::path::Path;

/// The detail-type of CloudTrail's records of API calls.
pub const API_CALL: &str = "AWS API Call via CloudTrail";

/// The committed patterns: `[{"rule": "AppMeshChanges", "eventPattern": {...}}, ...]`.
pub fn rendered_patterns() -> Vec<Value> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../infra/cdk/event-patterns.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// The pattern of the rule for `source`'s API calls ("AWS API Call via CloudTrail"), as the
/// stacks deploy it; `None` when the infrastructure has no such rule.
pub fn api_call_pattern(source: &str) -> Option<Value> {
    rendered_patterns()
        .into_iter()
        .map(|r| r["eventPattern"].clone())
        .find(|p| p["source"] == json!([source]) && p["detail-type"] == json!([API_CALL]))
}

/// An event bus of its own (tests run side by side) with one rule per pattern, all delivering to
/// one queue.
pub struct EventBridgeStandIn {
    events: aws_sdk_eventbridge::Client,
    sqs: aws_sdk_sqs::Client,
    bus: String,
    queue_url: String,
}

impl EventBridgeStandIn {
    /// A bus with `patterns` as its rules' event patterns.
    pub async fn new(sdk: &SdkConfig, patterns: &[Value]) -> Self {
        let events = aws_sdk_eventbridge::Client::new(sdk);
        let sqs = aws_sdk_sqs::Client::new(sdk);
        let bus = crate::unique("stand-in");
        events.create_event_bus().name(&bus).send().await.unwrap();
        let queue_url = sqs
            .create_queue()
            .queue_name(&bus)
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        let queue_arn = sqs
            .get_queue_attributes()
            .queue_url(&queue_url)
            .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .send()
            .await
            .unwrap()
            .attributes
            .unwrap()
            .remove(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)
            .unwrap();
        for (n, pattern) in patterns.iter().enumerate() {
            let rule = format!("rule-{n}");
            events
                .put_rule()
                .name(&rule)
                .event_bus_name(&bus)
                .event_pattern(pattern.to_string())
                .send()
                .await
                .unwrap();
            let target = aws_sdk_eventbridge::types::Target::builder()
                .id("function")
                .arn(&queue_arn)
                .build()
                .unwrap();
            events
                .put_targets()
                .rule(&rule)
                .event_bus_name(&bus)
                .targets(target)
                .send()
                .await
                .unwrap();
        }
        EventBridgeStandIn {
            events,
            sqs,
            bus,
            queue_url,
        }
    }

    /// Put `events` (EventBridge envelopes, as `crate::api_call_event` builds them) on the bus,
    /// ten to a `PutEvents` call as the API allows.
    pub async fn put(&self, events: &[Value]) {
        for chunk in events.chunks(10) {
            let entries = chunk.iter().map(|event| {
                aws_sdk_eventbridge::types::PutEventsRequestEntry::builder()
                    .event_bus_name(&self.bus)
                    .source(event["source"].as_str().unwrap())
                    .detail_type(event["detail-type"].as_str().unwrap())
                    .detail(event["detail"].to_string())
                    .build()
            });
            let out = self
                .events
                .put_events()
                .set_entries(Some(entries.collect()))
                .send()
                .await
                .unwrap();
            assert_eq!(out.failed_entry_count, 0, "{out:?}");
        }
    }

    /// The events the rules delivered since the last call (each would be one invocation of the
    /// function), removed from the queue. The emulator delivers within `PutEvents`, so nothing is
    /// in flight when it returns.
    pub async fn delivered(&self) -> Vec<Value> {
        let mut delivered = Vec::new();
        loop {
            let out = self
                .sqs
                .receive_message()
                .queue_url(&self.queue_url)
                .max_number_of_messages(10)
                .send()
                .await
                .unwrap();
            let messages = out.messages.unwrap_or_default();
            if messages.is_empty() {
                return delivered;
            }
            for message in messages {
                delivered.push(serde_json::from_str(message.body().unwrap()).unwrap());
                self.sqs
                    .delete_message()
                    .queue_url(&self.queue_url)
                    .receipt_handle(message.receipt_handle().unwrap())
                    .send()
                    .await
                    .unwrap();
            }
        }
    }
}
