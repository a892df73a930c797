//! What the engine records about one evaluation, and the DynamoDB items it becomes
//! (docs/architecture.md, "Data model"). Pure: building items from a [`Record`] needs no I/O.

use crate::core::hub_mark::Exported;
use crate::core::identity::Identity;
use crate::core::reason::ActionReason;
use meshwarden_rules::event::EventMeta;
use meshwarden_rules::model::Resource;
use meshwarden_rules::resource::{ChildRef, ResourceKind, ResourceRef};
use meshwarden_rules::verdict::{ComplianceStatus, Finding, VerdictStatus};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Sort key of the current-state item.
pub const STATE_SK: &str = "STATE";
/// Prefix of history sort keys: `EVT#{eventTime}#{eventID}`.
pub const HISTORY_SK_PREFIX: &str = "EVT#";
/// Value of the sparse GSI key on STATE items that are non-compliant.
pub const NON_COMPLIANT_KEY: &str = "NON_COMPLIANT";
/// Sort key of the last compliant document of a resource (written only when it changes).
pub const SPEC_SK: &str = "SPEC";
/// Prefix of the per-resource hourly revert counters: `CAP#{YYYY-MM-DDTHH}`.
pub const CAP_SK_PREFIX: &str = "CAP#";
/// A before/after/last-compliant document larger than this (serialized JSON bytes) is replaced
/// by a marker, so an item stays well under DynamoDB's 400 KB item limit.
pub const MAX_DOCUMENT_BYTES: usize = 100_000;

/// The recorded status of a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    /// Every applicable rule passed.
    Compliant,
    /// At least one rule failed.
    NonCompliant,
    /// The resource no longer exists.
    Deleted,
    /// The resource could not be evaluated (poison input about a known resource).
    Error,
}

impl From<ComplianceStatus> for Status {
    fn from(status: ComplianceStatus) -> Self {
        match status {
            ComplianceStatus::Compliant => Status::Compliant,
            ComplianceStatus::NonCompliant => Status::NonCompliant,
        }
    }
}

/// What the responder did about the resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Action {
    /// Nothing to do, or auto-revert is off.
    None,
    /// The resource was put back into a compliant state.
    Reverted,
    /// Dry-run: this is what a revert would have changed.
    WouldRevert,
    /// A revert was due but not made (no trust source, loop guard, flapping, ...).
    RevertSkipped,
    /// The update call was refused.
    RevertFailed,
    /// A revert is under way: the intent is recorded and a cap slot reserved (history only; a
    /// retry of the event completes it).
    RevertPending,
    /// The revert was made, but the service reported a version other than the described one
    /// plus one: a concurrent change may have been overwritten.
    RevertConflict,
}

impl Action {
    /// Whether the action changed the resource.
    pub fn updated(self) -> bool {
        matches!(self, Action::Reverted | Action::RevertConflict)
    }
}

/// The API call (or sweep) that caused an evaluation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cause {
    /// The API call (or `Sweep`).
    pub event_name: String,
    /// Its id: CloudTrail's `eventID`, or `{sweepId}/{resource path}` for a sweep.
    pub event_id: String,
    /// When the call happened (RFC 3339).
    pub event_time: String,
    /// Who made the call (userIdentity ARN), when known.
    pub actor: Option<String>,
}

/// A revert in progress, kept on its `REVERT_PENDING` history item until completed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct RevertIntent {
    /// Sort key of the cap counter whose slot this revert holds.
    pub slot: String,
    /// The delivery that holds the lease (Lambda's request id: the same across its retries).
    pub owner: String,
    /// Until when (epoch seconds) another delivery must not take the intent over.
    pub lease_until: i64,
    /// The described `metadata.version` the revert was planned on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// The described `metadata.uid` the revert was planned on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uid: Option<String>,
}

impl From<&EventMeta> for Cause {
    fn from(meta: &EventMeta) -> Self {
        Cause {
            event_name: meta.event_name.clone(),
            event_id: meta.event_id.clone(),
            event_time: meta.event_time.clone(),
            actor: meta.actor.clone(),
        }
    }
}

/// One slot of a resource's hourly revert cap: the counter item `CAP#{hour}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CapSlot {
    /// The counter's sort key.
    pub sk: String,
    /// When the counter item may expire (epoch seconds; an hour after its hour ends).
    pub expires_at: i64,
}

impl CapSlot {
    /// The slot of the clock hour (UTC) containing `now`.
    pub fn at(now: SystemTime) -> Self {
        let secs = epoch_seconds(now);
        let hour_start = secs - secs.rem_euclid(3_600);
        let stamp = rfc3339(UNIX_EPOCH + Duration::from_secs(hour_start.max(0).unsigned_abs()));
        CapSlot {
            // "2026-11-25T15:00:00Z" → "CAP#2026-11-25T15"
            sk: format!("{CAP_SK_PREFIX}{}", stamp.get(..13).unwrap_or(&stamp)),
            expires_at: hour_start + 2 * 3_600,
        }
    }

    /// The slot named by an intent.
    pub fn named(sk: &str) -> Self {
        let expires_at = sk
            .strip_prefix(CAP_SK_PREFIX)
            .and_then(|hour| humantime::parse_rfc3339(&format!("{hour}:00:00Z")).ok())
            .map_or(0, |start| epoch_seconds(start) + 2 * 3_600);
        CapSlot {
            sk: sk.to_owned(),
            expires_at,
        }
    }
}

/// One evaluation of one resource, caused by one event (or one sweep).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The resource.
    pub resource: ResourceRef,
    /// What caused the evaluation.
    pub cause: Cause,
    /// Its status after this evaluation (after a revert, the reverted state's status).
    pub status: Status,
    /// One finding per applicable rule.
    pub findings: Vec<Finding>,
    /// The evaluated incarnation and version, when the resource was described.
    pub identity: Identity,
    /// What the responder did.
    pub action: Action,
    /// Why (for skipped/failed reverts, errors, dry-runs).
    pub action_reason: Option<ActionReason>,
    /// The described document before a revert (or the dry-run's input).
    pub before: Option<Value>,
    /// The document after a revert (or what a dry-run would have written).
    pub after: Option<Value>,
    /// The evaluated describe document; kept as `lastCompliantSpec` when compliant.
    pub document: Option<Value>,
    /// When the engine evaluated it (for a deletion: when it saw the resource gone).
    pub evaluated_at: SystemTime,
    /// The revert in progress (`REVERT_PENDING` only).
    pub intent: Option<RevertIntent>,
}

impl Record {
    /// A record of `status` with no findings and no action: set the rest field by field.
    pub fn new(
        resource: ResourceRef,
        cause: Cause,
        status: Status,
        evaluated_at: SystemTime,
    ) -> Self {
        Record {
            resource,
            cause,
            status,
            findings: Vec::new(),
            identity: Identity::default(),
            action: Action::None,
            action_reason: None,
            before: None,
            after: None,
            document: None,
            evaluated_at,
            intent: None,
        }
    }
}

/// Attributes shared by history and state items.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemCommon {
    /// Partition key: the canonical resource id.
    pub pk: String,
    /// Sort key: `STATE` or `EVT#{eventTime}#{eventID}`.
    pub sk: String,
    /// Resource kind.
    pub kind: ResourceKind,
    /// Owning account.
    pub account: String,
    /// Region.
    pub region: String,
    /// The resource's id inside its service ([`ResourceRef::id`]: `{mesh}/{name}`, `sn-…`).
    /// Items written before it existed have `mesh` and `name` instead, which are not read: the
    /// resource is always read back from `pk` ([`ItemCommon::resource`]).
    #[serde(default)]
    pub id: String,
    /// Recorded status.
    pub status: Status,
    /// The failed and exempted findings (compliant and not-applicable verdicts are not stored:
    /// an item of a compliant resource stays within one write unit).
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Evaluated App Mesh version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<i64>,
    /// Evaluated incarnation (`metadata.uid`): a re-created resource has a new one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_uid: Option<String>,
    /// When the evaluated incarnation was created (epoch seconds), to order incarnations.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_created_at: Option<f64>,
    /// Causing API call.
    pub event_name: String,
    /// Causing event id.
    #[serde(rename = "eventID")]
    pub event_id: String,
    /// Causing event time.
    pub event_time: String,
    /// Causing principal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Responder action.
    pub action: Action,
    /// Why the action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action_reason: Option<ActionReason>,
    /// Evaluation time: RFC 3339 in UTC with microseconds (fixed width, so the text orders
    /// like the time). Items written before it had seconds only (`…:00Z`).
    pub evaluated_at: String,
}

impl ItemCommon {
    /// The resource the item is about, read from its key `pk` (the stored id, the same in every
    /// version of the item); from its fields only if `pk` were not a stored id.
    pub fn resource(&self) -> ResourceRef {
        ResourceRef::from_key(&self.pk)
            .unwrap_or_else(|_| ResourceRef::new(self.kind, &self.account, &self.region, &self.id))
    }
}

/// A history item: one per event per resource, written once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HistoryItem {
    /// Shared attributes.
    #[serde(flatten)]
    pub common: ItemCommon,
    /// Document before a revert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub before: Option<Value>,
    /// Document after a revert.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub after: Option<Value>,
    /// The revert in progress, while `action` is `REVERT_PENDING`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revert: Option<RevertIntent>,
    /// Documents replaced by a marker because they were too large to keep.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub truncated: Vec<String>,
    /// TTL (epoch seconds).
    pub expires_at: i64,
}

/// The current-state item of a resource.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StateItem {
    /// Shared attributes.
    #[serde(flatten)]
    pub common: ItemCommon,
    /// Hash of the last compliant document (kept in the `SPEC` item): a compliant evaluation
    /// writes that item only when the hash changes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec_hash: Option<String>,
    /// Sparse GSI key, present only while non-compliant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_compliant: Option<String>,
    /// Sparse GSI key `{service}:{account}:{region}`, present while the resource is not
    /// recorded as deleted (the sweep lists a region's live STATE items with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The order of versionless evaluations (VPC Lattice): `{evaluatedAt}#{eventID}`, compared
    /// as text ([`crate::core::state_order::admits`]). Absent on items written before it was kept
    /// (those compare by `evaluatedAt` at second precision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evaluation_order: Option<String>,
    /// What Security Hub holds for the resource; written only after an import
    /// ([`crate::core::ports::ComplianceStore::mark_exported`]), kept by every evaluation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_hub: Option<Exported>,
}

impl Record {
    /// The history sort key of this record.
    pub fn history_sk(&self) -> String {
        format!(
            "{HISTORY_SK_PREFIX}{}#{}",
            self.cause.event_time, self.cause.event_id
        )
    }

    fn common(&self, sk: String) -> ItemCommon {
        ItemCommon {
            pk: self.resource.key(),
            sk,
            kind: self.resource.kind,
            account: self.resource.account.clone(),
            region: self.resource.region.clone(),
            id: self.resource.id.clone(),
            status: self.status,
            findings: self
                .findings
                .iter()
                .filter(|f| {
                    matches!(
                        f.verdict,
                        VerdictStatus::NonCompliant | VerdictStatus::Exempted
                    )
                })
                .cloned()
                .collect(),
            resource_version: self.identity.version,
            resource_uid: self.identity.uid.clone(),
            resource_created_at: self.identity.created_at,
            event_name: self.cause.event_name.clone(),
            event_id: self.cause.event_id.clone(),
            event_time: self.cause.event_time.clone(),
            actor: self.cause.actor.clone(),
            action: self.action,
            action_reason: self.action_reason.clone(),
            evaluated_at: rfc3339_micros(self.evaluated_at),
        }
    }

    /// Where this evaluation stands among versionless evaluations of the resource: its time at
    /// microsecond precision, then its event id (a deterministic tiebreak for equal times).
    pub fn evaluation_order(&self) -> String {
        format!(
            "{}#{}",
            rfc3339_micros(self.evaluated_at),
            self.cause.event_id
        )
    }

    /// The history item, expiring `ttl` after evaluation. Documents over
    /// [`MAX_DOCUMENT_BYTES`] are replaced by a marker and named in `truncated`.
    pub fn history_item(&self, ttl: Duration) -> HistoryItem {
        let mut truncated = Vec::new();
        let mut bounded = |name: &str, doc: &Option<Value>| {
            let (doc, cut) = bound(doc.as_ref());
            if cut {
                truncated.push(name.to_owned());
            }
            doc
        };
        let before = bounded("before", &self.before);
        let after = bounded("after", &self.after);
        HistoryItem {
            common: self.common(self.history_sk()),
            before,
            after,
            revert: self.intent.clone(),
            truncated,
            expires_at: epoch_seconds(self.evaluated_at)
                .saturating_add(i64::try_from(ttl.as_secs()).unwrap_or(i64::MAX)),
        }
    }

    /// The state item's new attributes (`spec_hash` is the store's to set, after it has written
    /// the `SPEC` item).
    pub fn state_item(&self) -> StateItem {
        StateItem {
            common: self.common(STATE_SK.to_owned()),
            spec_hash: None,
            non_compliant: (self.status == Status::NonCompliant)
                .then(|| NON_COMPLIANT_KEY.to_owned()),
            scope: (self.status != Status::Deleted).then(|| scope_of(&self.resource)),
            evaluation_order: Some(self.evaluation_order()),
            security_hub: None,
        }
    }

    /// The document to keep as the last compliant copy, with its hash: only for a compliant
    /// record whose document is small enough to keep whole.
    pub fn compliant_spec(&self) -> Option<SpecItem> {
        if self.status != Status::Compliant {
            return None;
        }
        let document = self.after.as_ref().or(self.document.as_ref())?;
        let text = serde_json::to_string(document).ok()?;
        (text.len() <= MAX_DOCUMENT_BYTES).then(|| SpecItem {
            pk: self.resource.key(),
            sk: SPEC_SK.to_owned(),
            hash: stable_hash(&text),
            document: document.clone(),
            resource_version: self.identity.version,
        })
    }

    /// The record a stored history item was written from (to carry out a pending intent).
    /// `evaluated_at` is the time of this reading; documents come back as they were kept.
    pub fn from_history(item: &HistoryItem, evaluated_at: SystemTime) -> Record {
        let c = &item.common;
        let resource = c.resource();
        let cause = Cause {
            event_name: c.event_name.clone(),
            event_id: c.event_id.clone(),
            event_time: c.event_time.clone(),
            actor: c.actor.clone(),
        };
        let mut record = Record::new(resource, cause, c.status, evaluated_at);
        record.findings = c.findings.clone();
        record.identity = Identity {
            uid: c.resource_uid.clone(),
            version: c.resource_version,
            created_at: c.resource_created_at,
            ..Identity::default()
        };
        record.action = c.action;
        record.action_reason = c.action_reason.clone();
        record.before = item.before.clone();
        record.after = item.after.clone();
        record.document = item.before.clone();
        record.intent = item.revert.clone();
        record
    }

    /// The same record with every document and reason dropped: what is still recorded when the
    /// full item is refused (so an action is never left unrecorded).
    pub fn minimal(&self, why: &str) -> Record {
        let mut minimal = self.clone();
        minimal.before = None;
        minimal.after = None;
        minimal.document = None;
        minimal.findings.iter_mut().for_each(|f| f.reason = None);
        minimal.action_reason = Some(ActionReason::Reduced(why.to_owned()));
        minimal
    }
}

/// Which evaluated resource a part with its own id belongs to (a VPC Lattice access log
/// subscription, which `DeleteAccessLogSubscription` names alone). Written with the last
/// compliant copy, so the parts a revert would restore can always be traced to their owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OwnerItem {
    /// Partition key: the part's canonical id (`lattice:{account}:{region}:accessLogSubscription/{id}`).
    pub pk: String,
    /// Sort key: `OWNER`.
    pub sk: String,
    /// The owner's canonical id.
    pub owner: String,
}

/// The sort key of an [`OwnerItem`].
pub const OWNER_SK: &str = "OWNER";

impl SpecItem {
    /// One [`OwnerItem`] per named part of the kept document.
    pub fn owner_items(&self, resource: &ResourceRef) -> Vec<OwnerItem> {
        let Ok(document) = Resource::from_describe_value(&self.document) else {
            return Vec::new();
        };
        document
            .named_parts()
            .into_iter()
            .map(|(kind, id)| OwnerItem {
                pk: ChildRef {
                    service: resource.service(),
                    kind: kind.to_owned(),
                    account: resource.account.clone(),
                    region: resource.region.clone(),
                    id: id.to_owned(),
                }
                .key(),
                sk: OWNER_SK.to_owned(),
                owner: resource.key(),
            })
            .collect()
    }
}

/// The last document of a resource in which every rule passed (a rule restores from it only if
/// that document passes the rule). Its own item, so STATE stays small.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SpecItem {
    /// Partition key: the canonical resource id.
    pub pk: String,
    /// Sort key: `SPEC`.
    pub sk: String,
    /// Hash of the document's JSON text.
    pub hash: String,
    /// The describe document.
    pub document: Value,
    /// The version it was described at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<i64>,
}

/// A short, stable hash of a text (FNV-1a 64), for change detection only.
pub fn stable_hash(text: &str) -> String {
    format!("{:016x}", fnv1a(text, FNV_OFFSET))
}

/// FNV-1a's standard offset basis.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a 64 of `text` from `offset`: stable across builds and platforms.
pub(crate) fn fnv1a(text: &str, offset: u64) -> u64 {
    text.bytes().fold(offset, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// The live-index scope of a resource: `{service}:{account}:{region}`.
pub fn scope_of(resource: &ResourceRef) -> String {
    let id = resource.key();
    let path_len = resource.path().len() + 1;
    id[..id.len().saturating_sub(path_len)].to_owned()
}

fn json_len(doc: &Value) -> usize {
    serde_json::to_vec(doc).map_or(usize::MAX, |bytes| bytes.len())
}

/// A document as kept in history: itself, or a marker when it is too large (`true` then).
fn bound(doc: Option<&Value>) -> (Option<Value>, bool) {
    match doc {
        Some(doc) if json_len(doc) > MAX_DOCUMENT_BYTES => (
            Some(json!({"truncated": true, "bytes": json_len(doc)})),
            true,
        ),
        other => (other.cloned(), false),
    }
}

/// Seconds since the Unix epoch (0 for times before it).
pub fn epoch_seconds(time: SystemTime) -> i64 {
    time.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// RFC 3339 in UTC with second precision.
pub fn rfc3339(time: SystemTime) -> String {
    humantime::format_rfc3339_seconds(time).to_string()
}

/// RFC 3339 in UTC with microsecond precision, always six digits (`…:00.000000Z`): texts of
/// equal length order like the times.
pub fn rfc3339_micros(time: SystemTime) -> String {
    humantime::format_rfc3339_micros(time).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshwarden_rules::verdict::{Severity, VerdictStatus};
    use serde_json::json;

    fn record(status: Status) -> Record {
        let resource = ResourceRef::new(
            ResourceKind::VirtualGateway,
            "111122223333",
            "us-east-1",
            "m/g",
        );
        let cause = Cause {
            event_name: "UpdateVirtualGateway".into(),
            event_id: "e-1".into(),
            event_time: "2026-11-23T03:00:00Z".into(),
            actor: Some("arn:aws:sts::111122223333:assumed-role/dev/x".into()),
        };
        let mut record = Record::new(
            resource,
            cause,
            status,
            UNIX_EPOCH + Duration::from_secs(1_000),
        );
        record.findings = vec![Finding {
            rule: "vgw-backend-tls-enforced".into(),
            severity: Severity::High,
            verdict: VerdictStatus::NonCompliant,
            reason: Some("missing".into()),
            until: None,
        }];
        record.identity.version = Some(3);
        record.document = Some(json!({"virtualGateway": {"virtualGatewayName": "g"}}));
        record
    }

    #[test]
    fn cap_slots_are_clock_hours() {
        let at = humantime::parse_rfc3339("2026-11-25T15:42:07Z").unwrap();
        let slot = CapSlot::at(at);
        assert_eq!(slot.sk, "CAP#2026-11-25T15");
        let start = epoch_seconds(humantime::parse_rfc3339("2026-11-25T15:00:00Z").unwrap());
        assert_eq!(slot.expires_at, start + 7_200);
        assert_eq!(
            CapSlot::named(&slot.sk),
            slot,
            "an intent's slot names the same counter"
        );
    }

    #[test]
    fn oversized_documents_are_replaced_by_a_marker() {
        let mut r = record(Status::Compliant);
        let big = json!({"mesh": {"spec": {"x": "y".repeat(MAX_DOCUMENT_BYTES)}}});
        r.before = Some(big.clone());
        r.after = Some(json!({"mesh": {}}));
        r.document = Some(big);
        let item = r.history_item(Duration::ZERO);
        assert_eq!(item.truncated, vec!["before"]);
        assert_eq!(item.before.as_ref().unwrap()["truncated"], true);
        assert_eq!(item.after, Some(json!({"mesh": {}})));
        r.after = None;
        assert_eq!(
            r.compliant_spec(),
            None,
            "a document too large to keep whole is not a restore source"
        );
    }

    #[test]
    fn stored_items_keep_only_failed_findings() {
        let mut r = record(Status::NonCompliant);
        r.findings.push(Finding {
            rule: "vgw-tagged".into(),
            severity: Severity::Low,
            verdict: VerdictStatus::NotApplicable,
            reason: Some("no required tag keys configured".into()),
            until: None,
        });
        let item = r.history_item(Duration::ZERO);
        assert_eq!(item.common.findings.len(), 1);
        assert_eq!(item.common.findings[0].rule, "vgw-backend-tls-enforced");
    }

    #[test]
    fn absurd_ttls_saturate_instead_of_panicking() {
        let item = record(Status::Compliant).history_item(Duration::MAX);
        assert_eq!(item.expires_at, i64::MAX);
    }

    #[test]
    fn scope_is_the_id_without_the_path() {
        let r = record(Status::Compliant);
        assert_eq!(scope_of(&r.resource), "appmesh:111122223333:us-east-1");
        assert_eq!(
            r.state_item().scope.as_deref(),
            Some("appmesh:111122223333:us-east-1")
        );
        assert_eq!(record(Status::Deleted).state_item().scope, None);
    }

    #[test]
    fn history_item_is_keyed_by_time_and_event() {
        let item = record(Status::NonCompliant).history_item(Duration::from_secs(10));
        assert_eq!(
            item.common.pk,
            "appmesh:111122223333:us-east-1:mesh/m/virtualGateway/g"
        );
        assert_eq!(item.common.sk, "EVT#2026-11-23T03:00:00Z#e-1");
        assert_eq!(item.expires_at, 1_010);
        assert_eq!(item.common.evaluated_at, "1970-01-01T00:16:40.000000Z");
    }

    #[test]
    fn only_non_compliant_state_enters_the_sparse_index() {
        let nc = record(Status::NonCompliant).state_item();
        assert_eq!(nc.non_compliant.as_deref(), Some(NON_COMPLIANT_KEY));
        assert_eq!(record(Status::NonCompliant).compliant_spec(), None);
        let ok = record(Status::Compliant).state_item();
        assert_eq!(ok.non_compliant, None);
        let spec = record(Status::Compliant).compliant_spec().unwrap();
        assert_eq!(spec.sk, SPEC_SK);
        assert_eq!(spec.hash, stable_hash(&spec.document.to_string()));
    }

    #[test]
    fn item_attribute_names_follow_the_design() {
        let value = serde_json::to_value(record(Status::NonCompliant).history_item(Duration::ZERO))
            .unwrap();
        for key in [
            "pk",
            "sk",
            "kind",
            "status",
            "findings",
            "resourceVersion",
            "eventName",
            "eventID",
            "actor",
            "action",
            "evaluatedAt",
            "expiresAt",
        ] {
            assert!(value.get(key).is_some(), "missing {key}");
        }
        assert_eq!(value["status"], "NON_COMPLIANT");
        assert_eq!(value["kind"], "virtualGateway");
        assert_eq!(value["id"], "m/g");
        assert!(value.get("mesh").is_none() && value.get("name").is_none());
    }

    /// Items written before `id` carry `mesh` and `name` instead: they are still read, and name
    /// the same resource (read back from `pk`).
    #[test]
    fn items_of_the_previous_shape_are_read_back() {
        let written = record(Status::NonCompliant);
        for (pk, mesh, name, expected) in [
            (
                "appmesh:111122223333:us-east-1:mesh/m/virtualGateway/g",
                json!("m"),
                json!("g"),
                written.resource.clone(),
            ),
            (
                "lattice:111122223333:us-east-1:service/svc-1",
                json!(""),
                json!("svc-1"),
                ResourceRef::new(ResourceKind::Service, "111122223333", "us-east-1", "svc-1"),
            ),
        ] {
            let mut old = serde_json::to_value(written.history_item(Duration::ZERO)).unwrap();
            let item = old.as_object_mut().unwrap();
            item.remove("id");
            item.insert("pk".into(), pk.into());
            item.insert("kind".into(), serde_json::to_value(expected.kind).unwrap());
            item.insert("mesh".into(), mesh);
            item.insert("name".into(), name);
            let back: HistoryItem = serde_json::from_value(old).unwrap();
            assert_eq!(back.common.resource(), expected, "{pk}");
            assert_eq!(
                Record::from_history(&back, SystemTime::now()).resource,
                expected
            );
        }
    }
}
