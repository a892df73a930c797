//! [`Engine`]: the responder's ports and configuration, shared by the event pipeline
//! ([`crate::pipeline`]), the sweep ([`crate::sweep`]) and the dispatcher ([`crate::dispatch`]).

use crate::config::EngineConfig;
use crate::error::EngineError;
use crate::metrics::Counts;
use crate::ports::{ComplianceStore, MeshWriter};
use meshwarden_rules::model::Tag;
use meshwarden_rules::resource::ResourceRef;

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

    /// Fetch tags when a tag rule is configured (one extra call; none otherwise). Tags the
    /// service refuses to show leave the tag rules "not fetched"; every other rule still runs.
    pub async fn tags_if_needed(
        &self,
        resource: &ResourceRef,
        snapshot: &M::Snapshot,
    ) -> Result<Option<Vec<Tag>>, EngineError> {
        if self.config.rules.required_tag_keys.is_none() {
            return Ok(None);
        }
        match self.mesh.tags(resource, snapshot).await {
            Ok(tags) => Ok(Some(tags)),
            Err(err) => match EngineError::retry(err) {
                Ok(transient) => Err(transient),
                Err(refused) => {
                    tracing::warn!(resource = %resource, error = %refused, "tags unavailable");
                    Ok(None)
                }
            },
        }
    }
}
