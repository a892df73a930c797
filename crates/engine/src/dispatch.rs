//! [`Engine::run`]: the one entry point for everything the responder receives.

use crate::core::error::EngineError;
use crate::core::ports::{ComplianceStore, FindingsSink, ResourceWriter};
use crate::engine::Engine;
use crate::fanout::batch::sqs_messages;
use crate::invocation::{Input, Invocation};
use crate::metrics::Counts;
use crate::outcome::Handled;
use meshwarden_rules::event::{self, service_of_event_source, Incoming, Route};
use serde_json::Value;
use std::time::Instant;

impl<R: ResourceWriter, S: ComplianceStore, F: FindingsSink> Engine<R, S, F> {
    /// Run one input (a CloudTrail event through EventBridge, a scheduled sweep, an SQS event
    /// of sweep shards, or an event already routed to a resource) as `invocation` says: its
    /// delivery, its deadline, and whether its metrics are emitted or tallied. `Err` only for
    /// faults worth retrying; poison input is `Ok(Handled::Rejected)`.
    pub async fn run<'a>(
        &self,
        input: impl Into<Input<'a>>,
        invocation: &Invocation,
    ) -> Result<Handled, EngineError> {
        let delivery = invocation.delivery_id();
        let (outcome, counts) = match input.into() {
            Input::Raw(value) => self.dispatch(value, &delivery, invocation.until()).await,
            Input::Routed(routed) => self.process_counted(routed, &delivery).await,
        };
        match invocation.tally() {
            Some(tally) => tally.add(counts),
            None => self.emit(counts),
        }
        outcome
    }

    /// Route a raw input and run it; the counts are the caller's to emit.
    async fn dispatch(
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
                reason: reason.clone(),
            };
            return (Ok(ignored), received);
        }
        let (outcome, mut counts) = self.process_counted(&routed, delivery).await;
        counts.add(received);
        (outcome, counts)
    }
}
