//! The sweep queue in tests: an in-memory [`ShardQueue`] ([`MemoryQueue`]) and, on the emulator,
//! a real SQS queue ([`SweepQueue`]); each with a driver that delivers its messages to an engine
//! as Lambda's SQS event source mapping does — batches as SQS events, the messages the answer
//! does not name deleted, the named ones delivered again (at once: as if their visibility
//! timeout had passed; a test never sleeps for it) — until the queue is empty.

use meshwarden_engine::adapters::sqs::SqsShardQueue;
use meshwarden_engine::core::error::{ErrorKind, PortError};
use meshwarden_engine::core::ports::{
    ComplianceStore, FindingsSink, QueuedMessage, ResourceWriter, ShardQueue,
};
use meshwarden_engine::fanout::{ShardBatch, ShardReport};
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{Engine, Handled};
use serde_json::{json, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Deliveries after which a driver gives up (a sweep that never ends is a failed test).
const MAX_DELIVERIES: usize = 100_000;

/// An SQS event of `messages` (id, body, receive count), as the event source mapping sends it.
pub fn sqs_event(messages: &[(String, String, u32)]) -> Value {
    let records: Vec<Value> = messages
        .iter()
        .map(|(id, body, count)| {
            json!({"messageId": id, "receiptHandle": format!("handle-{id}"), "body": body,
                   "attributes": {"ApproximateReceiveCount": count.to_string(), "SentTimestamp": "0"},
                   "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
                   "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:sweep", "awsRegion": "us-east-1"})
        })
        .collect();
    json!({ "Records": records })
}

/// Hand one SQS event to `engine` as the function would, with `deadline`; the batch it ran.
pub async fn deliver<R: ResourceWriter, S: ComplianceStore, F: FindingsSink>(
    engine: &Engine<R, S, F>,
    messages: &[(String, String, u32)],
    deadline: Option<Instant>,
) -> ShardBatch {
    let event = sqs_event(messages);
    match engine
        .run(
            &event,
            &Invocation::new()
                .delivery("sqs-delivery")
                .deadline(deadline),
        )
        .await
    {
        Ok(Handled::Shards(batch)) => *batch,
        other => panic!("an SQS event was not run as shards: {other:?}"),
    }
}

/// What draining a queue did.
#[derive(Debug, Default)]
pub struct Drained {
    /// Every message's report, in delivery order (a message delivered twice reports twice).
    pub reports: Vec<ShardReport>,
    /// How many times each message (by id) was delivered.
    pub deliveries: HashMap<String, u32>,
}

impl Drained {
    /// Messages delivered more than once (the engine named them in a partial batch response).
    pub fn retried(&self) -> usize {
        self.deliveries.values().filter(|n| **n > 1).count()
    }
}

#[derive(Debug, Default)]
struct QueueState {
    next_id: u64,
    waiting: VecDeque<(String, String, u32)>,
    sent: Vec<QueuedMessage>,
    faults: VecDeque<ErrorKind>,
}

/// The sweep queue in memory: what is sent waits (delays are recorded, not waited for) until a
/// driver delivers it; faults can be queued for the next sends.
#[derive(Debug, Clone, Default)]
pub struct MemoryQueue(Arc<Mutex<QueueState>>);

impl MemoryQueue {
    fn state(&self) -> MutexGuard<'_, QueueState> {
        self.0
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// The next send fails with `kind` (nothing of it is queued).
    pub fn fail_next(&self, kind: ErrorKind) {
        self.state().faults.push_back(kind);
    }

    /// Every message ever sent, in order.
    pub fn sent(&self) -> Vec<QueuedMessage> {
        self.state().sent.clone()
    }

    /// Messages waiting.
    pub fn len(&self) -> usize {
        self.state().waiting.len()
    }

    /// Whether nothing waits.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Deliver everything to `engine`, `batch` messages per event, until nothing waits; a
    /// message the answer names goes to the back of the queue, its receive count one higher.
    pub async fn drain<R: ResourceWriter, S: ComplianceStore, F: FindingsSink>(
        &self,
        engine: &Engine<R, S, F>,
        batch: usize,
    ) -> Drained {
        self.drain_within(engine, batch, None).await
    }

    /// [`MemoryQueue::drain`], each delivery with `budget` (the function's timeout) before its
    /// deadline (`Some(Duration::ZERO)`: every shard is short of time from its start).
    pub async fn drain_within<R: ResourceWriter, S: ComplianceStore, F: FindingsSink>(
        &self,
        engine: &Engine<R, S, F>,
        batch: usize,
        budget: Option<Duration>,
    ) -> Drained {
        let mut drained = Drained::default();
        loop {
            let taken: Vec<(String, String, u32)> = {
                let mut state = self.state();
                let n = batch.min(state.waiting.len());
                state.waiting.drain(..n).collect()
            };
            if taken.is_empty() {
                return drained;
            }
            let shards = deliver(engine, &taken, budget.map(|b| Instant::now() + b)).await;
            let failed: Vec<&str> = shards
                .response
                .batch_item_failures
                .iter()
                .map(|f| f.item_identifier.as_str())
                .collect();
            for (id, body, count) in &taken {
                *drained.deliveries.entry(id.clone()).or_default() += 1;
                if failed.contains(&id.as_str()) {
                    self.state()
                        .waiting
                        .push_back((id.clone(), body.clone(), count + 1));
                }
            }
            drained.reports.extend(shards.shards);
            assert!(
                drained.reports.len() < MAX_DELIVERIES,
                "the sweep does not end"
            );
        }
    }
}

impl ShardQueue for MemoryQueue {
    fn send<'a>(
        &'a self,
        messages: &'a [QueuedMessage],
    ) -> futures::future::BoxFuture<'a, Result<(), PortError>> {
        Box::pin(async move {
            let mut state = self.state();
            if let Some(kind) = state.faults.pop_front() {
                return Err(PortError::new("SendMessageBatch", kind, "injected fault"));
            }
            for message in messages {
                state.next_id += 1;
                let id = format!("m-{}", state.next_id);
                state.waiting.push_back((id, message.body.clone(), 1));
                state.sent.push(message.clone());
            }
            Ok(())
        })
    }
}

/// A sweep queue on the emulator (SQS), and a driver delivering its messages like the event
/// source mapping.
#[derive(Debug, Clone)]
pub struct SweepQueue {
    /// The client (the emulator's, never through a fault proxy).
    pub client: aws_sdk_sqs::Client,
    /// The queue's URL.
    pub url: String,
}

impl SweepQueue {
    /// A new queue named `name`, read with `sqs`.
    pub async fn create(sqs: aws_sdk_sqs::Client, name: &str) -> Self {
        let url = sqs
            .create_queue()
            .queue_name(name)
            .attributes(
                aws_sdk_sqs::types::QueueAttributeName::VisibilityTimeout,
                "300",
            )
            .send()
            .await
            .unwrap()
            .queue_url
            .unwrap();
        SweepQueue { client: sqs, url }
    }

    /// The engine's adapter for this queue, sending with `sqs` (which may go through a proxy).
    pub fn adapter(&self, sqs: aws_sdk_sqs::Client) -> SqsShardQueue {
        SqsShardQueue::new(sqs, &self.url)
    }

    /// Messages visible, in flight and delayed.
    pub async fn counts(&self) -> (u64, u64, u64) {
        use aws_sdk_sqs::types::QueueAttributeName as Name;
        let attributes = self
            .client
            .get_queue_attributes()
            .queue_url(&self.url)
            .attribute_names(Name::All)
            .send()
            .await
            .unwrap()
            .attributes
            .unwrap_or_default();
        let count = |name: Name| {
            attributes
                .get(&name)
                .and_then(|v| v.parse().ok())
                .unwrap_or(0)
        };
        (
            count(Name::ApproximateNumberOfMessages),
            count(Name::ApproximateNumberOfMessagesNotVisible),
            count(Name::ApproximateNumberOfMessagesDelayed),
        )
    }

    /// Every body waiting (received, then made visible again).
    pub async fn bodies(&self) -> Vec<String> {
        let mut bodies = Vec::new();
        let mut handles = Vec::new();
        loop {
            let out = self
                .client
                .receive_message()
                .queue_url(&self.url)
                .max_number_of_messages(10)
                .visibility_timeout(60)
                .send()
                .await
                .unwrap();
            let messages = out.messages.unwrap_or_default();
            if messages.is_empty() {
                break;
            }
            for m in messages {
                bodies.extend(m.body);
                handles.extend(m.receipt_handle);
            }
        }
        for handle in handles {
            self.release(&handle).await;
        }
        bodies
    }

    async fn release(&self, handle: &str) {
        self.client
            .change_message_visibility()
            .queue_url(&self.url)
            .receipt_handle(handle)
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
    }

    /// Receive up to `batch` messages and deliver them to `engine` as one SQS event with
    /// `budget` (the function's timeout) before its deadline: delete those the answer does not
    /// name, make the named ones visible again at once. `None` when nothing was received.
    pub async fn deliver_once<R: ResourceWriter, S: ComplianceStore, F: FindingsSink>(
        &self,
        engine: &Engine<R, S, F>,
        batch: i32,
        budget: Option<Duration>,
        drained: &Mutex<Drained>,
    ) -> Option<ShardBatch> {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(batch)
            // Long polling, as the event source mapping's pollers do.
            .wait_time_seconds(1)
            .message_system_attribute_names(
                aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount,
            )
            .send()
            .await
            .unwrap();
        let messages = out.messages.unwrap_or_default();
        if messages.is_empty() {
            return None;
        }
        let taken: Vec<(String, String, u32)> = messages
            .iter()
            .map(|m| {
                let count = m
                    .attributes()
                    .and_then(|a| {
                        a.get(&aws_sdk_sqs::types::MessageSystemAttributeName::ApproximateReceiveCount)
                    })
                    .and_then(|n| n.parse().ok())
                    .unwrap_or(1);
                (
                    m.message_id().unwrap().to_owned(),
                    m.body().unwrap_or_default().to_owned(),
                    count,
                )
            })
            .collect();
        let shards = deliver(engine, &taken, budget.map(|b| Instant::now() + b)).await;
        for message in &messages {
            let id = message.message_id().unwrap();
            let handle = message.receipt_handle().unwrap();
            let failed = shards
                .response
                .batch_item_failures
                .iter()
                .any(|f| f.item_identifier == id);
            if failed {
                self.release(handle).await;
            } else {
                self.client
                    .delete_message()
                    .queue_url(&self.url)
                    .receipt_handle(handle)
                    .send()
                    .await
                    .unwrap();
            }
        }
        let mut d = drained.lock().unwrap();
        for (id, _, _) in &taken {
            *d.deliveries.entry(id.clone()).or_default() += 1;
        }
        d.reports.extend(shards.shards.iter().cloned());
        assert!(d.reports.len() < MAX_DELIVERIES, "the sweep does not end");
        Some(shards)
    }

    /// Deliver until the queue holds nothing (visible, in flight or delayed), with `workers`
    /// deliveries at once (the event source mapping's maximum concurrency).
    pub async fn drain<R: ResourceWriter, S: ComplianceStore, F: FindingsSink>(
        &self,
        engine: &Engine<R, S, F>,
        batch: i32,
        workers: usize,
        budget: Option<Duration>,
    ) -> Drained {
        let drained = Mutex::new(Drained::default());
        let worker = || async {
            loop {
                if self
                    .deliver_once(engine, batch, budget, &drained)
                    .await
                    .is_some()
                {
                    continue;
                }
                if self.counts().await == (0, 0, 0) {
                    return;
                }
                // Another worker holds messages (or they are delayed): look again.
                tokio::task::yield_now().await;
            }
        };
        futures::future::join_all((0..workers.max(1)).map(|_| worker())).await;
        drained.into_inner().unwrap()
    }
}
