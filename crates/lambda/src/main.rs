//! `bootstrap`: the Meshwarden Lambda for `provided.al2023`.
//!
//! Thin by design: configuration and AWS clients are built once, outside the handler; every
//! invocation is handed to [`meshwarden_engine::Engine::run`] with the invocation's
//! deadline. The engine is built by [`meshwarden_engine::on_aws::build`], like the CLI's:
//! findings go to Security Hub when `MESHWARDEN_SECURITY_HUB=on`, the scheduled sweep fans out
//! over the sweep queue when `MESHWARDEN_SWEEP_QUEUE_URL` is set (an SQS event of its shards is
//! answered with a partial batch response), member accounts are reached through their role. Transient faults return an error so Lambda retries the event (and the
//! dead-letter queue keeps what still fails); poison input returns success with a logged reason,
//! so it is never retried.

use anyhow::Context;
use aws_lambda_events::eventbridge::EventBridgeEvent;
use lambda_runtime::{service_fn, Error, LambdaEvent};
use meshwarden_engine::adapters::aws::{caller_arn, load_sdk_config, SdkOptions};
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{on_aws, EngineConfig};
use serde::Deserialize;
use serde_json::Value;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};
use tracing::Instrument;

#[tokio::main]
async fn main() -> Result<(), Error> {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::new(log_filter(
            std::env::var("RUST_LOG").ok().as_deref(),
        )))
        // Compact: the event's fields at the top level, and the invocation span (request and
        // envelope ids) only at debug: the per-event line is billed by the byte.
        .flatten_event(true)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .without_time() // CloudWatch timestamps every line
        .init();
    let mut config = EngineConfig::from_env().context("invalid configuration")?;
    let sdk = load_sdk_config(&SdkOptions::default()).await;
    if config.own_role_arn.is_none() {
        // The loop guard needs our own identity: ask STS once, at cold start.
        match caller_arn(&sdk).await {
            Ok(arn) => config.own_role_arn = Some(arn),
            Err(err) => tracing::warn!(error = %err, "own identity unknown"),
        }
    }
    config.check_identity().context("refusing to start")?;
    tracing::info!(auto_revert = %config.auto_revert, table = %config.table, regions = ?config.regions,
        security_hub = config.security_hub, sweep_queue = ?config.sweep_queue_url,
        member_role = ?config.member_role_name, external_id = config.member_external_id.is_some(),
        discover_accounts = ?config.discover_accounts, "starting");
    let engine = on_aws::build(&sdk, config);
    let engine = &engine;
    lambda_runtime::run(service_fn(move |event: LambdaEvent<Value>| async move {
        let span = invocation_span(&event);
        // Lambda keeps the request id across the retries of an asynchronous invocation: a
        // retry resumes its own pending revert.
        let deadline = deadline(event.context.deadline);
        let handled = engine
            .run(
                &event.payload,
                &Invocation::new()
                    .delivery(&event.context.request_id)
                    .deadline(deadline),
            )
            .instrument(span)
            .await?;
        Ok::<_, Error>(handled.response()?)
    }))
    .await
}

/// The log filter: `RUST_LOG` (default `info`), with `lambda_runtime` at `warn` unless
/// `RUST_LOG` names it. The runtime opens an info span per invocation ("Lambda runtime invoke",
/// its request id and X-Ray trace id) that would ride on every line at info; our own debug
/// `invocation` span carries the request id at debug.
fn log_filter(rust_log: Option<&str>) -> String {
    let base = rust_log
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .unwrap_or("info");
    if base.contains("lambda_runtime") {
        base.to_owned()
    } else {
        format!("{base},lambda_runtime=warn")
    }
}

/// The invocation's end (Lambda's deadline, milliseconds since the epoch) on the monotonic clock.
fn deadline(epoch_millis: u64) -> Instant {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX));
    Instant::now() + Duration::from_millis(epoch_millis.saturating_sub(now))
}

/// A span naming the invocation and, for EventBridge deliveries, the envelope's id and type
/// (debug level: at info the lines carry the event id, which finds an event by itself).
fn invocation_span(event: &LambdaEvent<Value>) -> tracing::Span {
    let envelope = EventBridgeEvent::<Value>::deserialize(&event.payload).ok();
    tracing::debug_span!(
        "invocation",
        request_id = %event.context.request_id,
        envelope_id = envelope.as_ref().and_then(|e| e.id.as_deref()).unwrap_or("-"),
        detail_type = envelope.as_ref().map(|e| e.detail_type.as_str()).unwrap_or("-"),
    )
}

#[cfg(test)]
mod tests {
    use super::log_filter;

    #[test]
    fn the_runtime_s_invocation_span_stays_off_the_info_lines_unless_asked_for() {
        assert_eq!(log_filter(None), "info,lambda_runtime=warn");
        assert_eq!(log_filter(Some(" ")), "info,lambda_runtime=warn");
        assert_eq!(log_filter(Some("debug")), "debug,lambda_runtime=warn");
        assert_eq!(
            log_filter(Some("info,lambda_runtime=info")),
            "info,lambda_runtime=info"
        );
    }
}
