//! What the engine records about one evaluation, and the DynamoDB items it becomes
//! (DESIGN §4). Pure: building items from a [`Record`] needs no I/O.

use meshwarden_rules::resource::{ResourceKind, ResourceRef};
use meshwarden_rules::verdict::{ComplianceStatus, Finding};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Sort key of the current-state item.
pub const STATE_SK: &str = "STATE";
/// Prefix of history sort keys: `EVT#{eventTime}#{eventID}`.
pub const HISTORY_SK_PREFIX: &str = "EVT#";
/// Value of the sparse GSI key on STATE items that are non-compliant.
pub const NON_COMPLIANT_KEY: &str = "NON_COMPLIANT";

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
}

/// One evaluation of one resource, caused by one event (or one sweep).
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The resource.
    pub resource: ResourceRef,
    /// Its status after this evaluation (after a revert, the reverted state's status).
    pub status: Status,
    /// One finding per applicable rule.
    pub findings: Vec<Finding>,
    /// The App Mesh `metadata.version` that was evaluated, when known.
    pub resource_version: Option<i64>,
    /// The API call (or `Sweep`) that caused the evaluation.
    pub event_name: String,
    /// Its id: CloudTrail's `eventID`, or `{sweepId}/{resource path}` for a sweep.
    pub event_id: String,
    /// When the call happened (RFC 3339).
    pub event_time: String,
    /// Who made the call (userIdentity ARN), when known.
    pub actor: Option<String>,
    /// What the responder did.
    pub action: Action,
    /// Why (for skipped/failed reverts, errors, dry-runs).
    pub action_reason: Option<String>,
    /// The described document before a revert (or the dry-run's input).
    pub before: Option<Value>,
    /// The document after a revert (or what a dry-run would have written).
    pub after: Option<Value>,
    /// The evaluated describe document; kept as `lastCompliantSpec` when compliant.
    pub document: Option<Value>,
    /// When the engine evaluated it.
    pub evaluated_at: SystemTime,
    /// Revert times (epoch seconds) within the rate-guard window, including this one.
    pub recent_reverts: Vec<i64>,
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
    /// Mesh name.
    pub mesh: String,
    /// Resource name (absent for a mesh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Recorded status.
    pub status: Status,
    /// Findings.
    #[serde(default)]
    pub findings: Vec<Finding>,
    /// Evaluated App Mesh version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource_version: Option<i64>,
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
    pub action_reason: Option<String>,
    /// Evaluation time (RFC 3339).
    pub evaluated_at: String,
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
    /// The last describe document in which every rule passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_compliant_spec: Option<Value>,
    /// Sparse GSI key, present only while non-compliant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub non_compliant: Option<String>,
    /// Recent revert times (epoch seconds), for the rate guard.
    #[serde(default)]
    pub reverts: Vec<i64>,
}

impl Record {
    /// The history sort key of this record.
    pub fn history_sk(&self) -> String {
        format!("{HISTORY_SK_PREFIX}{}#{}", self.event_time, self.event_id)
    }

    fn common(&self, sk: String) -> ItemCommon {
        ItemCommon {
            pk: self.resource.id(),
            sk,
            kind: self.resource.kind,
            account: self.resource.account.clone(),
            region: self.resource.region.clone(),
            mesh: self.resource.mesh.clone(),
            name: self.resource.name.clone(),
            status: self.status,
            findings: self.findings.clone(),
            resource_version: self.resource_version,
            event_name: self.event_name.clone(),
            event_id: self.event_id.clone(),
            event_time: self.event_time.clone(),
            actor: self.actor.clone(),
            action: self.action,
            action_reason: self.action_reason.clone(),
            evaluated_at: rfc3339(self.evaluated_at),
        }
    }

    /// The history item, expiring `ttl` after evaluation.
    pub fn history_item(&self, ttl: Duration) -> HistoryItem {
        HistoryItem {
            common: self.common(self.history_sk()),
            before: self.before.clone(),
            after: self.after.clone(),
            expires_at: epoch_seconds(self.evaluated_at + ttl),
        }
    }

    /// The state item's new attributes. `last_compliant_spec` is only set when this record is
    /// compliant; the store keeps the previous one otherwise.
    pub fn state_item(&self) -> StateItem {
        StateItem {
            common: self.common(STATE_SK.to_owned()),
            last_compliant_spec: match self.status {
                Status::Compliant => self.after.clone().or_else(|| self.document.clone()),
                _ => None,
            },
            non_compliant: (self.status == Status::NonCompliant)
                .then(|| NON_COMPLIANT_KEY.to_owned()),
            reverts: self.recent_reverts.clone(),
        }
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

#[cfg(test)]
mod tests {
    use super::*;
    use meshwarden_rules::verdict::{Severity, VerdictStatus};
    use serde_json::json;

    fn record(status: Status) -> Record {
        Record {
            resource: ResourceRef {
                kind: ResourceKind::VirtualGateway,
                account: "111122223333".into(),
                region: "us-east-1".into(),
                mesh: "m".into(),
                name: Some("g".into()),
            },
            status,
            findings: vec![Finding {
                rule: "vgw-backend-tls-enforced".into(),
                severity: Severity::High,
                verdict: VerdictStatus::NonCompliant,
                reason: Some("missing".into()),
            }],
            resource_version: Some(3),
            event_name: "UpdateVirtualGateway".into(),
            event_id: "e-1".into(),
            event_time: "2026-11-23T03:00:00Z".into(),
            actor: Some("arn:aws:sts::111122223333:assumed-role/dev/x".into()),
            action: Action::None,
            action_reason: None,
            before: None,
            after: None,
            document: Some(json!({"virtualGateway": {"virtualGatewayName": "g"}})),
            evaluated_at: UNIX_EPOCH + Duration::from_secs(1_000),
            recent_reverts: vec![],
        }
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
        assert_eq!(item.common.evaluated_at, "1970-01-01T00:16:40Z");
    }

    #[test]
    fn only_non_compliant_state_enters_the_sparse_index() {
        let nc = record(Status::NonCompliant).state_item();
        assert_eq!(nc.non_compliant.as_deref(), Some(NON_COMPLIANT_KEY));
        assert_eq!(nc.last_compliant_spec, None);
        let ok = record(Status::Compliant).state_item();
        assert_eq!(ok.non_compliant, None);
        assert!(ok.last_compliant_spec.is_some());
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
    }
}
