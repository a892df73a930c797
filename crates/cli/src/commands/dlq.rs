//! `meshwarden dlq replay --queue URL`: re-drive what the responder's dead-letter queue holds
//! through the pipeline the Lambda runs, deleting a message only once it was handled.
//!
//! The deployment (infra/cdk) sends three kinds of failure to one queue, in two shapes:
//! * the function's on-failure destination: an invocation record
//!   `{"version":"1.0","requestContext":{…},"requestPayload":EVENT,"responsePayload":…}`
//!   (<https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html>);
//! * the EventBridge rule's and the sweep schedule's dead-letter queues: the event itself, with
//!   message attributes such as `ERROR_CODE` and `ERROR_MESSAGE`
//!   (<https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-rule-event-delivery.html#eb-rule-dlq>,
//!   <https://docs.aws.amazon.com/scheduler/latest/UserGuide/configuring-schedule-dlq.html>).
//!
//! A function's own dead-letter queue (`DeadLetterConfig`, not deployed but read all the same)
//! also keeps the event itself, with attributes `RequestID`, `ErrorCode` and `ErrorMessage`.

use super::replay::{PipelineArgs, TRANSIENT};
use super::session::{one_line, AwsArgs};
use anyhow::anyhow;
use aws_sdk_sqs::types::Message;
use meshwarden_engine::invocation::new_delivery_id;
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::on_aws::AwsEngine;
use meshwarden_engine::Handled;
use meshwarden_rules::event::{self, Decision};
use serde::Serialize;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::process::ExitCode;

/// Arguments of `meshwarden dlq`.
#[derive(Debug, clap::Args)]
pub struct DlqArgs {
    #[command(subcommand)]
    pub command: DlqCommand,
}

/// The `dlq` subcommands.
#[derive(Debug, clap::Subcommand)]
pub enum DlqCommand {
    /// Re-drive the dead-letter queue's messages through the responder pipeline; delete each
    /// once handled (exit 1 when any is left in the queue).
    Replay(DlqReplayArgs),
}

/// Arguments of `meshwarden dlq replay`.
#[derive(Debug, clap::Args)]
pub struct DlqReplayArgs {
    /// The dead-letter queue's URL (the responder stack's output `DeadLetterQueueUrl`).
    #[arg(long, value_name = "URL")]
    pub queue: String,
    /// At most this many messages (default: until the queue has no more).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub max: Option<u32>,
    /// Only read the messages and print where each would go: handle nothing, delete nothing.
    #[arg(long)]
    pub dry_run: bool,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

/// Messages per receive (SQS's maximum).
const BATCH: u32 = 10;
/// Long polling, so a receive asks every SQS server and an empty answer means "no more".
const WAIT_SECS: i32 = 1;
/// How long a received message stays hidden while it is handled (a message left in the queue
/// is made visible again at the end of the run).
const VISIBILITY_SECS: i32 = 300;

/// Which failure path put a message in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Shape {
    /// Lambda's on-failure destination: an invocation record; the event is its `requestPayload`.
    InvocationRecord,
    /// Lambda's own dead-letter queue (`DeadLetterConfig`): the event, with `ErrorCode`.
    LambdaDlq,
    /// An EventBridge rule's or schedule's dead-letter queue: the event, with `ERROR_CODE`.
    EventbridgeDlq,
    /// The event itself, without the attributes of either.
    Event,
}

/// A dead-letter message, unwrapped.
#[derive(Debug, Clone, PartialEq)]
pub struct Letter {
    /// How it was wrapped.
    pub shape: Shape,
    /// The event the Lambda was (or was to be) invoked with.
    pub event: Value,
    /// The failed invocation's request id, when the message names it: the re-drive takes it as
    /// its delivery id, so it resumes a revert that invocation left pending.
    pub request_id: Option<String>,
    /// Why the message was dead-lettered, when it says.
    pub failure: Option<String>,
}

/// Unwrap a message body (with its string message attributes): an invocation record's
/// `requestPayload`, else the body itself when it is a JSON object. `Err` says why it is neither.
pub fn unwrap(body: &str, attributes: &HashMap<String, String>) -> Result<Letter, String> {
    let value: Value =
        serde_json::from_str(body).map_err(|e| format!("the body is not JSON: {e}"))?;
    let Value::Object(object) = value else {
        return Err("the body is neither an invocation record nor an event".to_owned());
    };
    let attribute = |name: &str| attributes.get(name).cloned();
    if let Some(payload) = object.get("requestPayload") {
        if !payload.is_object() || !object.contains_key("requestContext") {
            return Err("an invocation record without an event in requestPayload".to_owned());
        }
        let context = |key: &str| object["requestContext"][key].as_str().map(str::to_owned);
        let response = &object["responsePayload"];
        let failure = [
            context("condition"),
            response["errorType"].as_str().map(str::to_owned),
            response["errorMessage"].as_str().map(str::to_owned),
        ];
        return Ok(Letter {
            shape: Shape::InvocationRecord,
            event: payload.clone(),
            request_id: context("requestId"),
            failure: joined(failure),
        });
    }
    let (shape, failure, request_id) = if attributes.contains_key("ERROR_CODE") {
        let failure = [attribute("ERROR_CODE"), attribute("ERROR_MESSAGE")];
        (Shape::EventbridgeDlq, failure, None)
    } else if attributes.contains_key("ErrorCode") || attributes.contains_key("RequestID") {
        let failure = [attribute("ErrorCode"), attribute("ErrorMessage")];
        (Shape::LambdaDlq, failure, attribute("RequestID"))
    } else {
        (Shape::Event, [None, None], None)
    };
    Ok(Letter {
        shape,
        event: Value::Object(object),
        request_id,
        failure: joined(failure),
    })
}

/// The parts present, joined by `: ` (`None` when there are none).
fn joined<const N: usize>(parts: [Option<String>; N]) -> Option<String> {
    let parts: Vec<String> = parts.into_iter().flatten().collect();
    (!parts.is_empty()).then(|| parts.join(": "))
}

/// The region a queue URL names (`https://sqs.REGION.amazonaws.com/…` or the legacy
/// `https://REGION.queue.amazonaws.com/…`); `None` for any other host (an emulator).
pub fn queue_region(url: &str) -> Option<String> {
    let host = url.split("://").nth(1)?.split('/').next()?;
    let labels: Vec<&str> = host.split('.').collect();
    let region = match labels.as_slice() {
        ["sqs", region, "amazonaws", ..] | [region, "queue", "amazonaws", ..] => *region,
        _ => return None,
    };
    Some(region.to_owned())
}

/// What happened to one message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Outcome {
    /// Handled by the pipeline and deleted from the queue.
    Deleted,
    /// Still in the queue: unreadable, rejected, refused or a transient failure.
    Left,
    /// `--dry-run`: readable; a real run would hand it to the pipeline.
    WouldReplay,
}

/// One line of output per message.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Report {
    message_id: String,
    outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    shape: Option<Shape>,
    #[serde(skip_serializing_if = "Option::is_none")]
    failure: Option<String>,
    /// The routing decision (`--dry-run`).
    #[serde(skip_serializing_if = "Option::is_none")]
    decision: Option<Decision>,
    /// What the pipeline returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    handled: Option<Handled>,
    /// Why the message was left in the queue.
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<String>,
}

impl Report {
    fn new(message_id: String, outcome: Outcome) -> Self {
        Report {
            message_id,
            outcome,
            shape: None,
            failure: None,
            decision: None,
            handled: None,
            reason: None,
        }
    }

    fn left(mut self, reason: String) -> Self {
        self.outcome = Outcome::Left;
        self.reason = Some(reason);
        self
    }
}

/// Run `meshwarden dlq …`.
pub async fn run(args: &DlqArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    match &args.command {
        DlqCommand::Replay(replay) => run_replay(replay, aws).await,
    }
}

/// Receive until the queue has no more (or `--max`), handle each message, delete the handled
/// ones; prints one JSON line per message and a count on stderr. Exit 1 when any is left.
async fn run_replay(args: &DlqReplayArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    let session = args.pipeline.connect(aws).await?;
    let mut config = aws_sdk_sqs::config::Builder::from(&session.sdk);
    if let Some(region) = queue_region(&args.queue) {
        config = config.region(aws_sdk_sqs::config::Region::new(region));
    }
    let queue = Queue {
        client: aws_sdk_sqs::Client::from_conf(config.build()),
        url: args.queue.clone(),
    };
    let limit = args.max.unwrap_or(u32::MAX);
    let mut seen = HashSet::new();
    let mut release = Vec::new();
    let (mut received, mut deleted, mut left) = (0u32, 0u32, 0u32);
    while received < limit {
        let batch = match queue.receive((limit - received).min(BATCH)).await {
            Ok(batch) => batch,
            Err(err) => {
                queue.release(&release).await;
                return Err(err);
            }
        };
        let mut fresh = 0;
        for message in batch {
            let id = message.message_id().unwrap_or_default().to_owned();
            if !seen.insert(id.clone()) {
                // Hidden for longer than the run's visibility timeout: already reported.
                release.extend(message.receipt_handle().map(str::to_owned));
                continue;
            }
            fresh += 1;
            received += 1;
            let report = if args.dry_run {
                read(&message, id).0
            } else {
                redrive(&session.engine, &queue, &message, id).await
            };
            println!("{}", serde_json::to_string(&report)?);
            match report.outcome {
                Outcome::Deleted => deleted += 1,
                Outcome::Left => left += 1,
                Outcome::WouldReplay => {}
            }
            if report.outcome != Outcome::Deleted {
                release.extend(message.receipt_handle().map(str::to_owned));
            }
        }
        if fresh == 0 {
            break;
        }
    }
    queue.release(&release).await;
    let done = if args.dry_run {
        format!(
            "{} readable, nothing handled or deleted (--dry-run)",
            received - left
        )
    } else {
        format!("{deleted} handled and deleted")
    };
    eprintln!(
        "{received} message(s) read from {}: {done}, {left} left in the queue",
        queue.url
    );
    Ok(if left > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A message's body and string message attributes.
fn contents(message: &Message) -> (&str, HashMap<String, String>) {
    let attributes = message
        .message_attributes()
        .into_iter()
        .flatten()
        .filter_map(|(name, value)| Some((name.clone(), value.string_value()?.to_owned())))
        .collect();
    (message.body().unwrap_or_default(), attributes)
}

/// Unwrap a message and route its event, as the pipeline would, without handling it: the
/// `--dry-run` report, and the letter when the pipeline can read it (else the report says why
/// the message stays).
fn read(message: &Message, id: String) -> (Report, Option<Letter>) {
    let (body, attributes) = contents(message);
    let letter = match unwrap(body, &attributes) {
        Ok(letter) => letter,
        Err(reason) => return (Report::new(id, Outcome::Left).left(reason), None),
    };
    let mut report = Report::new(id, Outcome::WouldReplay);
    report.shape = Some(letter.shape);
    report.failure = letter.failure.clone();
    match event::route(&letter.event) {
        Ok(incoming) => {
            report.decision = Some(Decision::of(&incoming));
            (report, Some(letter))
        }
        Err(err) => {
            let reason = format!("the pipeline cannot read the event: {err}");
            (report.left(reason), None)
        }
    }
}

/// Hand the message's event to the pipeline; delete the message once it was handled.
async fn redrive(engine: &AwsEngine, queue: &Queue, message: &Message, id: String) -> Report {
    let (mut report, letter) = read(message, id);
    let Some(letter) = letter else {
        return report;
    };
    report.decision = None;
    let delivery = letter.request_id.clone().unwrap_or_else(new_delivery_id);
    let handled = match engine
        .run(&letter.event, &Invocation::new().delivery(&delivery))
        .await
    {
        Ok(handled) => handled,
        Err(err) => return report.left(format!("{TRANSIENT}: {err}")),
    };
    let refused = match &handled {
        Handled::Evaluated(_)
        | Handled::Swept(_)
        | Handled::Planned(_)
        | Handled::Ignored { .. } => None,
        Handled::Shards(batch) if !batch.response.batch_item_failures.is_empty() => Some(format!(
            "{} sweep shard(s) failed and are to be retried",
            batch.response.batch_item_failures.len()
        )),
        Handled::Shards(_) => None,
        Handled::Rejected { reason } => Some(format!("the pipeline rejected the event: {reason}")),
        Handled::Failed { reason, .. } => Some(format!("a service refused a call: {reason}")),
    };
    report.handled = Some(handled);
    if let Some(reason) = refused {
        return report.left(reason);
    }
    match queue.delete(message).await {
        Ok(()) => {
            report.outcome = Outcome::Deleted;
            report
        }
        Err(err) => report.left(format!("handled, but not deleted: {err}")),
    }
}

/// The dead-letter queue.
struct Queue {
    client: aws_sdk_sqs::Client,
    url: String,
}

impl Queue {
    /// Up to `max` messages, with their message attributes, hidden for [`VISIBILITY_SECS`].
    async fn receive(&self, max: u32) -> anyhow::Result<Vec<Message>> {
        let out = self
            .client
            .receive_message()
            .queue_url(&self.url)
            .max_number_of_messages(max as i32)
            .wait_time_seconds(WAIT_SECS)
            .visibility_timeout(VISIBILITY_SECS)
            .message_attribute_names("All")
            .send()
            .await
            .map_err(|e| anyhow!("cannot receive from {}: {}", self.url, one_line(&e)))?;
        Ok(out.messages.unwrap_or_default())
    }

    async fn delete(&self, message: &Message) -> Result<(), String> {
        let handle = message
            .receipt_handle()
            .ok_or_else(|| "the message has no receipt handle".to_owned())?;
        self.client
            .delete_message()
            .queue_url(&self.url)
            .receipt_handle(handle)
            .send()
            .await
            .map(|_| ())
            .map_err(|e| one_line(&e))
    }

    /// Make the messages left in the queue visible again at once (best effort: otherwise they
    /// reappear when their visibility timeout ends).
    async fn release(&self, handles: &[String]) {
        for handle in handles {
            let released = self
                .client
                .change_message_visibility()
                .queue_url(&self.url)
                .receipt_handle(handle)
                .visibility_timeout(0)
                .send()
                .await;
            if let Err(err) = released {
                eprintln!(
                    "meshwarden: a message left in the queue stays hidden for up to {VISIBILITY_SECS} s: {}",
                    one_line(&err)
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn no_attributes() -> HashMap<String, String> {
        HashMap::new()
    }

    fn event() -> Value {
        json!({"version": "0", "id": "e1", "detail-type": "AWS API Call via CloudTrail",
               "source": "aws.appmesh", "detail": {"eventName": "UpdateMesh"}})
    }

    #[test]
    fn an_invocation_record_is_unwrapped_to_its_request_payload() {
        let record = json!({
            "version": "1.0",
            "timestamp": "2026-11-23T10:00:00.000Z",
            "requestContext": {"requestId": "req-1", "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:meshwarden:$LATEST",
                               "condition": "RetriesExhausted", "approximateInvokeCount": 3},
            "requestPayload": event(),
            "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
            "responsePayload": {"errorType": "Transient", "errorMessage": "throttled"}
        });
        let letter = unwrap(&record.to_string(), &no_attributes()).unwrap();
        assert_eq!(letter.shape, Shape::InvocationRecord);
        assert_eq!(letter.event, event());
        assert_eq!(letter.request_id.as_deref(), Some("req-1"));
        assert_eq!(
            letter.failure.as_deref(),
            Some("RetriesExhausted: Transient: throttled")
        );
    }

    #[test]
    fn an_event_is_taken_as_it_is_and_its_attributes_say_where_from() {
        let eventbridge = HashMap::from([
            ("ERROR_CODE".to_owned(), "SDK_CLIENT_ERROR".to_owned()),
            ("ERROR_MESSAGE".to_owned(), "throttled".to_owned()),
        ]);
        let letter = unwrap(&event().to_string(), &eventbridge).unwrap();
        assert_eq!(letter.shape, Shape::EventbridgeDlq);
        assert_eq!(letter.event, event());
        assert_eq!(letter.request_id, None);
        assert_eq!(
            letter.failure.as_deref(),
            Some("SDK_CLIENT_ERROR: throttled")
        );

        let lambda = HashMap::from([
            ("RequestID".to_owned(), "req-2".to_owned()),
            ("ErrorCode".to_owned(), "200".to_owned()),
            ("ErrorMessage".to_owned(), "boom".to_owned()),
        ]);
        let letter = unwrap(&event().to_string(), &lambda).unwrap();
        assert_eq!(letter.shape, Shape::LambdaDlq);
        assert_eq!(letter.request_id.as_deref(), Some("req-2"));
        assert_eq!(letter.failure.as_deref(), Some("200: boom"));

        let bare = unwrap(&event().to_string(), &no_attributes()).unwrap();
        assert_eq!((bare.shape, bare.failure), (Shape::Event, None));
    }

    #[test]
    fn a_body_that_is_neither_is_refused_with_a_reason() {
        for body in [
            "not json",
            "[1, 2]",
            "\"text\"",
            r#"{"requestPayload": "x", "requestContext": {}}"#,
        ] {
            let err = unwrap(body, &no_attributes()).unwrap_err();
            assert!(!err.is_empty(), "{body}");
        }
        assert!(unwrap("{", &no_attributes())
            .unwrap_err()
            .contains("not JSON"));
    }

    #[test]
    fn the_queue_url_names_its_region() {
        assert_eq!(
            queue_region("https://sqs.eu-west-1.amazonaws.com/123456789012/dlq").as_deref(),
            Some("eu-west-1")
        );
        assert_eq!(
            queue_region("https://sqs.cn-north-1.amazonaws.com.cn/123456789012/dlq").as_deref(),
            Some("cn-north-1")
        );
        assert_eq!(
            queue_region("https://us-west-2.queue.amazonaws.com/123456789012/dlq").as_deref(),
            Some("us-west-2")
        );
        assert_eq!(queue_region("http://127.0.0.1:5000/123456789012/dlq"), None);
        assert_eq!(queue_region("dlq"), None);
    }
}
