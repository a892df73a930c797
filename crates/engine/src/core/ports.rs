//! The engine's ports: what the pipeline needs from the outside world, as traits.
//!
//! The AWS SDK adapters ([`crate::services::appmesh`], [`crate::adapters::dynamo`], [`crate::adapters::securityhub`]) implement
//! them for real; tests may wrap them to inject faults. No SDK type appears here.

pub use crate::core::error::{ErrorKind, PortError};
use crate::core::exemptions::ExemptionItem;
use crate::core::findings::AsffFinding;
use crate::core::hub_mark::Exported;
use crate::core::record::{CapSlot, HistoryItem, Record, StateItem};
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::{AwsService, ResourceRef};
use serde::{Deserialize, Serialize};
use std::future::Future;

/// What a listing covers: one service's resources in one account and region.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Scope {
    /// The service.
    pub service: AwsService,
    /// The account (empty: the account the responder's own credentials reach).
    pub account: String,
    /// The region.
    pub region: String,
}

impl Scope {
    /// `{service prefix}:{account}:{region}`: the start of the canonical id of every resource
    /// in the scope (see [`crate::core::record::scope_of`]).
    pub fn id(&self) -> String {
        format!(
            "{}:{}:{}",
            self.service.id_prefix(),
            self.account,
            self.region
        )
    }
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

/// Reads resources from the services (App Mesh, VPC Lattice, …).
pub trait ResourceReader: Send + Sync {
    /// Adapter-specific copy of what was described, handed back to [`ResourceWriter::update`].
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

    /// One page of the resources of one service that one account sees in one region: those
    /// from `cursor` on (`None`: from the start) and the cursor of the rest (`None`: the listing
    /// is complete), so a list shard can stop between pages and hand the rest on.
    fn list_page(
        &self,
        scope: &Scope,
        cursor: Option<&str>,
    ) -> impl Future<Output = Result<Page<ResourceRef>, PortError>> + Send;

    /// Every evaluated resource of one service that one account sees in one region (App Mesh:
    /// meshes first, then their gateways and nodes): [`ResourceReader::list_page`] page by page.
    fn list(
        &self,
        scope: &Scope,
    ) -> impl Future<Output = Result<Vec<ResourceRef>, PortError>> + Send {
        async move {
            let mut refs = Vec::new();
            let mut cursor = None;
            loop {
                let page = self.list_page(scope, cursor.as_deref()).await?;
                refs.extend(page.items);
                match page.next {
                    Some(next) => cursor = Some(next),
                    None => return Ok(refs),
                }
            }
        }
    }
}

/// Writes remediated resources back.
pub trait ResourceWriter: ResourceReader {
    /// Write `patched` over the described resource, changing only the fields where it differs
    /// from `current.resource`. `client_token` makes the call idempotent at the service (the
    /// same token with the same request is applied once). Returns the resource as the service
    /// now describes it.
    fn update(
        &self,
        resource: &ResourceRef,
        current: &Described<Self::Snapshot>,
        patched: &Resource,
        client_token: &str,
    ) -> impl Future<Output = Result<Resource, PortError>> + Send;
}

/// What happened to a record; reports and logs say it in kebab case (`stale-state`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, strum::IntoStaticStr, strum::Display)]
#[serde(rename_all = "kebab-case")]
#[strum(serialize_all = "kebab-case")]
pub enum RecordOutcome {
    /// History and state were written.
    Written,
    /// This event was already recorded (or its pending revert already completed): nothing
    /// changed.
    Duplicate,
    /// History was written; state already held a newer view and was left alone.
    StaleState,
}

impl RecordOutcome {
    /// The word reports and logs use.
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// The answer to a revert reservation.
#[derive(Debug, Clone, PartialEq)]
pub enum Reservation {
    /// The intent is recorded and a slot of the hourly cap is ours: go ahead.
    Reserved,
    /// The cap is reached: no slot, nothing written.
    Capped,
    /// This event already has a history item (a pending intent or a finished record).
    Exists(Box<HistoryItem>),
}

/// What a sweep's write found in STATE before it.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SweepWrite {
    /// Whether STATE took the sweep's view.
    pub updated: bool,
    /// The stored incarnation and version STATE held before (when it took the update).
    pub previous_uid: Option<String>,
    /// The stored version STATE held before (when it took the update).
    pub previous_version: Option<i64>,
    /// What Security Hub held for the resource before (when STATE took the update).
    pub previous_exported: Option<Exported>,
    /// The rules STATE recorded as failing before (when it took the update; empty when there
    /// was no STATE): what `NewNonCompliance` compares with.
    pub previous_failed: Vec<String>,
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
    /// evaluation does not move it backwards ([`crate::core::state_order::admits`]), and a compliant
    /// document as the last compliant copy when it changed. Not one transaction: the history put
    /// and the state update are sent together, and a retry completes whichever failed (it finds
    /// the history written — `Duplicate` — and still applies the state update; or it finds no
    /// history, writes it, and re-applies the state update, which the state order admits for
    /// the same evaluation).
    fn record(
        &self,
        record: &Record,
    ) -> impl Future<Output = Result<RecordOutcome, PortError>> + Send {
        async move { Ok(self.record_seen(record).await?.0) }
    }

    /// [`ComplianceStore::record`], also returning what STATE held before when it took the
    /// update (from the update's own `ALL_OLD` return values: no extra read).
    fn record_seen(
        &self,
        record: &Record,
    ) -> impl Future<Output = Result<(RecordOutcome, Option<SweepWrite>), PortError>> + Send;

    /// The last compliant describe document of a resource (its `SPEC` item), when known.
    fn last_compliant(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Option<serde_json::Value>, PortError>> + Send;

    /// The canonical id of the resource a part belongs to (by the part's
    /// [`meshwarden_rules::resource::ChildRef::key`]), as kept with the last compliant copy.
    fn owner_of(
        &self,
        part: &str,
    ) -> impl Future<Output = Result<Option<String>, PortError>> + Send;

    /// One history item, by resource id and sort key.
    fn history_item(
        &self,
        id: &str,
        sk: &str,
    ) -> impl Future<Output = Result<Option<HistoryItem>, PortError>> + Send;

    /// Atomically: write `intent` (a `REVERT_PENDING` history item) unless this event already
    /// has one, and take one slot of the resource's hourly cap (`max` slots) in `slot`.
    /// Either both happen or neither.
    fn reserve_revert(
        &self,
        intent: &Record,
        slot: &CapSlot,
        max: u32,
    ) -> impl Future<Output = Result<Reservation, PortError>> + Send;

    /// Complete a pending intent with its final record (history replaced only while it is still
    /// pending; state as in [`ComplianceStore::record`]), giving the cap slot back when
    /// `release` names it (no update was made). `Duplicate` when the intent was completed before.
    fn complete_revert(
        &self,
        record: &Record,
        release: Option<&CapSlot>,
    ) -> impl Future<Output = Result<RecordOutcome, PortError>> + Send;

    /// Record a sweep's evaluations in bulk (history keyed by sweep id, so a re-run of the same
    /// sweep adds nothing). Returns, per record in order, what STATE held before.
    fn record_sweep(
        &self,
        records: &[Record],
    ) -> impl Future<Output = Result<Vec<SweepWrite>, PortError>> + Send;

    /// Remember on the resource's STATE item what Security Hub now holds for it (attribute
    /// `securityHub`; evaluations keep it). Nothing is written when the item does not exist.
    fn mark_exported(
        &self,
        id: &str,
        exported: &Exported,
    ) -> impl Future<Output = Result<(), PortError>> + Send;

    /// The ids of every STATE item of `scope` (`{service}:{account}:{region}`) that is not
    /// recorded as deleted (the sweep retires those whose resources no longer exist).
    fn live_ids(&self, scope: &str) -> impl Future<Output = Result<Vec<String>, PortError>> + Send;

    /// One resource's history, newest first.
    fn history(
        &self,
        id: &str,
        query: &HistoryQuery,
    ) -> impl Future<Output = Result<Page<HistoryItem>, PortError>> + Send;

    /// The exemptions of one resource (one Query: its partition, `sk` beginning `EXEMPT#`),
    /// ended ones included.
    fn exemptions(
        &self,
        id: &str,
    ) -> impl Future<Output = Result<Vec<ExemptionItem>, PortError>> + Send;

    /// Every exemption of every resource (the sparse `exemptions` index; no scan).
    fn all_exemptions(&self) -> impl Future<Output = Result<Vec<ExemptionItem>, PortError>> + Send;

    /// Write an exemption (replacing the resource's exemption of the same rule).
    fn put_exemption(
        &self,
        item: &ExemptionItem,
    ) -> impl Future<Output = Result<(), PortError>> + Send;

    /// Remove the exemption of `rule` on the resource `id`; `false` when there was none.
    fn remove_exemption(
        &self,
        id: &str,
        rule: &str,
    ) -> impl Future<Output = Result<bool, PortError>> + Send;

    /// Every resource that is non-compliant now (the sparse index; no scan).
    fn non_compliant(
        &self,
        cursor: Option<&str>,
        limit: u32,
    ) -> impl Future<Output = Result<Page<StateItem>, PortError>> + Send;
}

/// Where findings are exported (AWS Security Hub).
pub trait FindingsSink: Send + Sync {
    /// Whether this sink exports anything: the engine reads and marks nothing for one that does
    /// not.
    fn enabled(&self) -> bool {
        true
    }

    /// Import `findings` (each in its own region). `Err` when any of them was refused, even if
    /// others were taken.
    fn export(
        &self,
        findings: &[AsffFinding],
    ) -> impl Future<Output = Result<(), PortError>> + Send;
}

/// No sink: findings are not exported (the engine's default).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoFindings;

impl FindingsSink for NoFindings {
    fn enabled(&self) -> bool {
        false
    }

    async fn export(&self, _findings: &[AsffFinding]) -> Result<(), PortError> {
        Ok(())
    }
}

/// A sink that may be absent (built only when exporting is switched on).
impl<F: FindingsSink> FindingsSink for Option<F> {
    fn enabled(&self) -> bool {
        self.as_ref().is_some_and(F::enabled)
    }

    async fn export(&self, findings: &[AsffFinding]) -> Result<(), PortError> {
        match self {
            Some(sink) => sink.export(findings).await,
            None => Ok(()),
        }
    }
}

/// A message for the sweep queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueuedMessage {
    /// The body (a shard: [`crate::core::shard::ShardMessage::encode`]).
    pub body: String,
    /// How long it stays invisible after it is sent (at most 15 minutes).
    pub delay: std::time::Duration,
}

/// Where a fanned-out sweep sends its shards (an SQS queue feeding the same function).
///
/// Object-safe, unlike the other ports: the engine holds one only when a sweep queue is
/// configured, without a type parameter of its own.
pub trait ShardQueue: Send + Sync + std::fmt::Debug {
    /// Send every message, or fail: `Err` when any of them was not accepted (some may have been;
    /// shards are idempotent, so the caller sends them all again).
    fn send<'a>(
        &'a self,
        messages: &'a [QueuedMessage],
    ) -> futures::future::BoxFuture<'a, Result<(), PortError>>;
}

/// Where the sweep learns of member accounts it was not told of (organisation mode,
/// `MESHWARDEN_DISCOVER_ACCOUNTS=organizations`). Dyn-compatible, like [`ShardQueue`].
pub trait AccountDirectory: Send + Sync + std::fmt::Debug {
    /// Every ACTIVE account of the organisation, the caller's own included.
    fn active_accounts(&self) -> futures::future::BoxFuture<'_, Result<Vec<String>, PortError>>;
}
