//! The engine's ports: what the pipeline needs from the outside world, as traits.
//!
//! The AWS SDK adapters ([`crate::appmesh`], [`crate::store`]) implement them for real; tests
//! may wrap them to inject faults. No SDK type appears here.

use crate::record::{HistoryItem, Record, StateItem};
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::ResourceRef;
use std::future::Future;

/// A failed call to a port, classified by what the caller should do about it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortError {
    /// Worth retrying later: throttling, 5xx, timeouts, dropped connections (after the SDK's
    /// own bounded retries).
    #[error("transient failure: {0}")]
    Transient(String),
    /// Retrying will not help: access denied, validation errors, unknown table.
    #[error("request rejected: {0}")]
    Rejected(String),
}

/// A freshly described resource.
#[derive(Debug, Clone)]
pub struct Described<S> {
    /// The resource as the rules see it.
    pub resource: Resource,
    /// What the adapter needs to write a patch back without losing fields the model does not
    /// carry (for the SDK adapter: the SDK's own spec).
    pub snapshot: S,
}

/// Reads resources from the mesh service.
pub trait MeshReader: Send + Sync {
    /// Adapter-specific copy of what was described, handed back to [`MeshWriter::update`].
    type Snapshot: Send + Sync;

    /// Describe one resource; `Ok(None)` when it does not exist.
    fn describe(
        &self,
        resource: &ResourceRef,
    ) -> impl Future<Output = Result<Option<Described<Self::Snapshot>>, PortError>> + Send;

    /// The resource's tags (only called when a tag rule is configured).
    fn tags(
        &self,
        resource: &ResourceRef,
        snapshot: &Self::Snapshot,
    ) -> impl Future<Output = Result<Vec<Tag>, PortError>> + Send;

    /// Every evaluated resource in a region (meshes first, then their gateways and nodes).
    fn list(
        &self,
        region: &str,
    ) -> impl Future<Output = Result<Vec<ResourceRef>, PortError>> + Send;
}

/// Writes remediated resources back.
pub trait MeshWriter: MeshReader {
    /// Write `patched` over the described resource, changing only the fields where it differs
    /// from `current.resource`. Returns the resource as the service now describes it.
    fn update(
        &self,
        resource: &ResourceRef,
        current: &Described<Self::Snapshot>,
        patched: &Resource,
    ) -> impl Future<Output = Result<Resource, PortError>> + Send;
}

/// What happened to a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecordOutcome {
    /// History and state were written.
    Written,
    /// This event was already recorded: nothing changed.
    Duplicate,
    /// History was written; state already held a newer version and was left alone.
    StaleState,
}

/// One page of a query.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items, in query order.
    pub items: Vec<T>,
    /// Opaque cursor for the next page, `None` on the last page.
    pub next: Option<String>,
}

/// Which history to read (by default: the newest [`HistoryQuery::DEFAULT_LIMIT`] items).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HistoryQuery {
    /// At most this many items.
    pub limit: u32,
    /// Only events at or after this RFC 3339 time.
    pub since: Option<String>,
    /// Continue after this cursor.
    pub cursor: Option<String>,
}

impl HistoryQuery {
    /// Items per page unless asked otherwise.
    pub const DEFAULT_LIMIT: u32 = 50;
}

impl Default for HistoryQuery {
    fn default() -> Self {
        HistoryQuery {
            limit: Self::DEFAULT_LIMIT,
            since: None,
            cursor: None,
        }
    }
}

/// The compliance table.
pub trait ComplianceStore: Send + Sync {
    /// The current state of a resource, by canonical id.
    fn state(&self, id: &str) -> impl Future<Output = Result<Option<StateItem>, PortError>> + Send;

    /// Record one event's evaluation: history exactly once per event id, state only when the
    /// evaluated version is not older than the stored one.
    fn record(
        &self,
        record: &Record,
    ) -> impl Future<Output = Result<RecordOutcome, PortError>> + Send;

    /// Record a sweep's evaluations in bulk (history keyed by sweep id, so a re-run of the same
    /// sweep adds nothing). Returns how many state items were updated.
    fn record_sweep(
        &self,
        records: &[Record],
    ) -> impl Future<Output = Result<usize, PortError>> + Send;

    /// One resource's history, newest first.
    fn history(
        &self,
        id: &str,
        query: &HistoryQuery,
    ) -> impl Future<Output = Result<Page<HistoryItem>, PortError>> + Send;

    /// Every resource that is non-compliant now (the sparse index; no scan).
    fn non_compliant(
        &self,
        cursor: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<Page<StateItem>, PortError>> + Send;
}
