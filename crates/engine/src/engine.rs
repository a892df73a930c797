//! [`Engine`]: the responder's ports and configuration, shared by the event pipeline
//! ([`crate::pipeline`]), the sweep ([`crate::sweep`]) and the dispatcher ([`crate::dispatch`]).

use crate::config::EngineConfig;
use crate::core::error::EngineError;
use crate::core::error::PortError;
use crate::core::findings::{self, AsffFinding};
use crate::core::hub_mark::Exported;
use crate::core::ports::{
    AccountDirectory, ComplianceStore, FindingsSink, NoFindings, ResourceWriter, ShardQueue,
};
use crate::core::record::{rfc3339, Record, Status};
use crate::metrics::Counts;
use meshwarden_rules::exemption::{self, Exemption};
use meshwarden_rules::model::Tag;
use meshwarden_rules::resource::ResourceRef;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How long an exemption made by a tag lasts: a day, the sweep's period, so every resource's
/// tags are read again before it ends (an event on the resource reads them sooner).
pub const TAG_EXEMPTION_LENGTH: Duration = Duration::from_secs(86_400);

/// The responder: routing, evaluation, remediation and recording, over its ports. `F` is where
/// findings are exported (none by default; see [`Engine::with_findings`]); a sweep queue, when
/// there is one ([`Engine::with_queue`]), fans the scheduled sweep out over shards; an account
/// directory, when there is one ([`Engine::with_directory`]), adds the organisation's accounts
/// to the sweep.
#[derive(Debug)]
pub struct Engine<R, S, F = NoFindings> {
    pub(crate) resources: R,
    pub(crate) store: S,
    pub(crate) findings: F,
    pub(crate) queue: Option<Arc<dyn ShardQueue>>,
    pub(crate) directory: Option<Arc<dyn AccountDirectory>>,
    pub(crate) config: EngineConfig,
}

impl<R: ResourceWriter, S: ComplianceStore> Engine<R, S> {
    /// An engine over the services' resources, a store and a configuration, exporting no
    /// findings.
    pub fn new(resources: R, store: S, config: EngineConfig) -> Self {
        Engine {
            resources,
            store,
            findings: NoFindings,
            queue: None,
            directory: None,
            config,
        }
    }
}

impl<R, S, F> Engine<R, S, F> {
    /// The same engine exporting findings to `sink` — when `config.security_hub` is on and the
    /// sink is enabled; otherwise nothing is read, exported or marked for it.
    pub fn with_findings<G: FindingsSink>(self, sink: G) -> Engine<R, S, G> {
        Engine {
            resources: self.resources,
            store: self.store,
            findings: sink,
            queue: self.queue,
            directory: self.directory,
            config: self.config,
        }
    }

    /// The same engine fanning its scheduled sweep out over shards sent to `queue`
    /// ([`crate::fanout`]); without one it sweeps inline.
    pub fn with_queue(mut self, queue: impl ShardQueue + 'static) -> Self {
        self.queue = Some(Arc::new(queue));
        self
    }

    /// The same engine sweeping, besides the configured accounts, the ACTIVE accounts
    /// `directory` lists ([`crate::discovery`]).
    pub fn with_directory(mut self, directory: impl AccountDirectory + 'static) -> Self {
        self.directory = Some(Arc::new(directory));
        self
    }
}

impl<R: ResourceWriter, S: ComplianceStore, F: FindingsSink> Engine<R, S, F> {
    /// The configuration in force.
    pub fn config(&self) -> &EngineConfig {
        &self.config
    }

    /// The store (the CLI reads history and state through it).
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The services' reader and writer.
    pub fn resources(&self) -> &R {
        &self.resources
    }

    /// The findings sink.
    pub fn findings(&self) -> &F {
        &self.findings
    }

    /// Whether findings are exported.
    pub(crate) fn exports(&self) -> bool {
        self.config.security_hub && self.findings.enabled()
    }

    /// The findings of `record` that changed since `previous` (the resource's STATE mark), and
    /// the marks to write once they are imported. Imported by the account the responder runs in
    /// (Security Hub takes findings only from the account they name), else the resource's.
    pub(crate) fn changed_findings(
        &self,
        record: &Record,
        previous: Option<&Exported>,
    ) -> Option<findings::Changes> {
        let account = self
            .config
            .own_account()
            .unwrap_or(&record.resource.account);
        findings::changes(record, previous, account)
    }

    /// The changes to export once `record` is written, from the resource's STATE mark (read
    /// after the write). `Ok(None)` when findings are not exported, nothing changed, or STATE
    /// holds another evaluation's view (a newer one: it exports its own).
    pub(crate) async fn changes_after_write(
        &self,
        record: &Record,
    ) -> Result<Option<(String, findings::Changes)>, PortError> {
        if !self.exports() || record.status == Status::Error {
            return Ok(None);
        }
        let id = record.resource.key();
        let Some(state) = Box::pin(self.store.state(&id)).await? else {
            return Ok(None);
        };
        if state.common.event_id != record.cause.event_id {
            return Ok(None);
        }
        Ok(self
            .changed_findings(record, state.security_hub.as_ref())
            .map(|changes| (id, changes)))
    }

    /// Import the findings of `changes` (resource id → changes), then mark each resource's
    /// STATE with what Security Hub now holds. Never fails the caller: the records are written
    /// already, so a refusal or an outage is logged and returned as the number of errors to
    /// count (`Errors` metric). Marks are written only after the import, so whatever was not
    /// imported is imported by the next evaluation of the resource (the sweep's at the latest).
    pub(crate) async fn export(&self, changes: &[(String, findings::Changes)]) -> u64 {
        let findings: Vec<AsffFinding> = changes
            .iter()
            .flat_map(|(_, c)| c.findings.iter().cloned())
            .collect();
        if findings.is_empty() {
            return 0;
        }
        // Boxed, like the pipeline's other SDK calls: their futures are large in debug builds.
        if let Err(err) = Box::pin(self.findings.export(&findings)).await {
            tracing::error!(error = %err, findings = findings.len(), "Security Hub import failed");
            return 1;
        }
        let mut errors = 0;
        for (id, c) in changes {
            if let Err(err) = Box::pin(self.store.mark_exported(id, &c.exported)).await {
                // Security Hub has them; the next evaluation imports them once more.
                tracing::error!(resource = %id, error = %err, "Security Hub mark not written");
                errors += 1;
            }
        }
        tracing::info!(
            findings = findings.len(),
            resources = changes.len(),
            "exported to Security Hub"
        );
        errors
    }

    /// Emit a metrics line, unless this engine runs outside the Lambda.
    pub(crate) fn emit(&self, counts: Counts) {
        if self.config.emit_metrics {
            counts.emit();
        }
    }

    /// The exemptions the resource's tags make (none unless `MESHWARDEN_EXEMPTION_TAG_KEY` is
    /// set), lasting [`TAG_EXEMPTION_LENGTH`] from `now`: the sweep reads the tags again within
    /// that time, so removing the tag ends the exemption by the next sweep at the latest.
    pub fn tag_exemptions(&self, tags: Option<&[Tag]>, now: SystemTime) -> Vec<Exemption> {
        match (&self.config.exemption_tag_key, tags) {
            (Some(key), Some(tags)) => {
                exemption::from_tags(tags, key, &rfc3339(now + TAG_EXEMPTION_LENGTH))
            }
            _ => Vec::new(),
        }
    }

    /// Fetch tags when a tag rule is configured (one extra call; none otherwise). Tags the
    /// service refuses to show leave the tag rules "not fetched"; every other rule still runs.
    pub async fn tags_if_needed(
        &self,
        resource: &ResourceRef,
        snapshot: &R::Snapshot,
    ) -> Result<Option<Vec<Tag>>, EngineError> {
        if self.config.rules.required_tag_keys.is_none() && self.config.exemption_tag_key.is_none()
        {
            return Ok(None);
        }
        match self.resources.tags(resource, snapshot).await {
            Ok(tags) => Ok(Some(tags)),
            Err(err) => {
                let refused = EngineError::refusal(err)?;
                tracing::warn!(resource = %resource, error = %refused, "tags unavailable");
                Ok(None)
            }
        }
    }
}
