//! [`Engine`]: one entry point for everything the responder receives.

use crate::config::EngineConfig;
use crate::metrics::Counts;
use crate::pipeline::EventReport;
use crate::ports::{ComplianceStore, MeshWriter, PortError};
use crate::sweep::SweepReport;
use meshwarden_rules::event::{self, Incoming, Route};
use serde::Serialize;
use serde_json::Value;
use std::time::Instant;

/// A fault worth retrying: the runtime should see an error so Lambda retries the event (and the
/// dead-letter queue keeps it when retries run out).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TransientError(pub String);

impl From<PortError> for TransientError {
    fn from(err: PortError) -> Self {
        TransientError(err.to_string())
    }
}

/// What the engine did with one input. Every variant is a success for the runtime.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "outcome", rename_all = "camelCase")]
pub enum Handled {
    /// A resource was evaluated (or found deleted) and recorded.
    Evaluated(EventReport),
    /// A sweep ran.
    Swept(SweepReport),
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
}

/// The responder: routing, evaluation, remediation and recording, over its ports.
#[derive(Debug)]
pub struct Engine<M, S> {
    pub(crate) mesh: M,
    pub(crate) store: S,
    pub(crate) config: EngineConfig,
}

impl<M: MeshWriter, S: ComplianceStore> Engine<M, S> {
    /// An engine over a mesh service, a store and a configuration.
    pub fn new(mesh: M, store: S, config: EngineConfig) -> Self {
        Engine {
            mesh,
            store,
            config,
        }
    }

    /// The configuration in force.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The store (the CLI reads history and state through it).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The mesh service adapter.
    pub fn mesh(&self) -> &M {
        &self.mesh
    }

    /// Emit a metrics line, unless this engine runs outside the Lambda.
    pub(crate) fn emit(&self, counts: Counts) {
        if self.config.emit_metrics {
            counts.emit();
        }
    }

    /// Handle one raw input: a CloudTrail/EventBridge event or a scheduled sweep.
    /// `Err` only for transient faults; poison input is `Ok(Handled::Rejected)`.
    pub async fn handle(&self, input: &Value) -> Result<Handled, TransientError> {
        let started = Instant::now();
        let incoming = match event::route(input) {
            Ok(incoming) => incoming,
            Err(err) => {
                let reason = format!("malformed event: {err}");
                tracing::error!(reason = %reason, "rejected");
                self.emit(Counts {
                    errors: 1,
                    ..Counts::default()
                });
                return Ok(Handled::Rejected { reason });
            }
        };
        match incoming {
            Incoming::Sweep(request) => self.sweep(&request).await.map(Handled::Swept),
            Incoming::CloudTrail(routed) => match &routed.route {
                Route::Ignore { reason, .. } => {
                    tracing::info!(
                        event_id = %routed.meta.event_id,
                        event_name = %routed.meta.event_name,
                        reason = %reason,
                        latency_ms = started.elapsed().as_millis() as u64,
                        "ignored"
                    );
                    Ok(Handled::Ignored {
                        event_id: Some(routed.meta.event_id.clone()),
                        reason: reason.to_string(),
                    })
                }
                Route::Evaluate { .. } | Route::Deleted { .. } => {
                    self.process(&routed).await.map(Handled::Evaluated)
                }
            },
        }
    }
}
