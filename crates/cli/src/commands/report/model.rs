//! What a report holds, and the pure facts derived from it: totals, since when a resource is
//! non-compliant, which events fall in the period, what a revert put back.

use super::exemptions::ExemptionRow;
use meshwarden_engine::core::record::{Action, HistoryItem, StateItem, Status};
use meshwarden_rules::resource::{AwsService, ResourceRef};
use meshwarden_rules::verdict::{Finding, VerdictStatus};
use serde_json::Value;
use std::collections::BTreeMap;

/// Everything one report shows, read from the table.
#[derive(Debug, Clone, Default)]
pub struct ReportData {
    /// The table it was read from.
    pub table: String,
    /// When it was made (RFC 3339).
    pub generated_at: String,
    /// Start of the period (RFC 3339); the period ends at `generated_at`.
    pub since: String,
    /// Every resource read, with its state and history.
    pub resources: Vec<ResourceReport>,
    /// Exemptions in force or ended (empty until exemption items are read).
    pub exemptions: Vec<ExemptionRow>,
}

/// One resource: its STATE item and its history, newest first (as far back as the period, and
/// for a non-compliant resource back to the evaluation that made it so, when stored).
#[derive(Debug, Clone)]
pub struct ResourceReport {
    /// The current state.
    pub state: StateItem,
    /// Its history, newest first.
    pub history: Vec<HistoryItem>,
    /// Whether `history` is all the table holds (else older items were not read).
    pub history_complete: bool,
}

/// How many resources of one service are in each status.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Per service (in catalog order), the count per status.
    pub by_service: BTreeMap<AwsService, BTreeMap<StatusKey, usize>>,
}

/// A status as a map key, in the order the report shows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatusKey {
    /// Non-compliant now.
    NonCompliant,
    /// Could not be evaluated.
    Error,
    /// Compliant.
    Compliant,
    /// Deleted.
    Deleted,
}

impl StatusKey {
    /// Every status, in display order.
    pub const ALL: [StatusKey; 4] = [
        StatusKey::NonCompliant,
        StatusKey::Error,
        StatusKey::Compliant,
        StatusKey::Deleted,
    ];

    /// Its wire name.
    pub fn label(self) -> &'static str {
        match self {
            StatusKey::NonCompliant => "NON_COMPLIANT",
            StatusKey::Error => "ERROR",
            StatusKey::Compliant => "COMPLIANT",
            StatusKey::Deleted => "DELETED",
        }
    }
}

impl From<Status> for StatusKey {
    fn from(status: Status) -> Self {
        match status {
            Status::Compliant => StatusKey::Compliant,
            Status::NonCompliant => StatusKey::NonCompliant,
            Status::Deleted => StatusKey::Deleted,
            Status::Error => StatusKey::Error,
        }
    }
}

impl ResourceReport {
    /// The resource.
    pub fn resource(&self) -> ResourceRef {
        self.state.common.resource()
    }

    /// Whether it is non-compliant now.
    pub fn non_compliant(&self) -> bool {
        self.state.common.status == Status::NonCompliant
    }

    /// The failed findings of its current state.
    pub fn failed(&self) -> impl Iterator<Item = &Finding> {
        failed(&self.state.common.findings)
    }

    /// Since when it has been non-compliant: the event time of the oldest evaluation of the
    /// current run of non-compliant ones, and whether the run may go back further than the
    /// history read (`true`: "at or before"; `false` when the run starts at a compliant item or
    /// at the first item the table holds).
    pub fn non_compliant_since(&self) -> Option<(&str, bool)> {
        if !self.non_compliant() {
            return None;
        }
        let run = self
            .history
            .iter()
            .take_while(|item| item.common.status == Status::NonCompliant)
            .count();
        match self.history.get(..run).and_then(<[_]>::last) {
            None => Some((self.state.common.event_time.as_str(), true)),
            Some(oldest) => Some((
                oldest.common.event_time.as_str(),
                run == self.history.len() && !self.history_complete,
            )),
        }
    }

    /// Its history within the period (event time at or after `since`), newest first.
    pub fn in_period<'a>(&'a self, since: &'a str) -> impl Iterator<Item = &'a HistoryItem> {
        self.history
            .iter()
            .filter(move |item| item.common.event_time.as_str() >= since)
    }
}

/// The non-compliant findings among `findings`.
pub fn failed(findings: &[Finding]) -> impl Iterator<Item = &Finding> {
    findings
        .iter()
        .filter(|f| f.verdict == VerdictStatus::NonCompliant)
}

/// Whether enough history is read for a resource: past the period's start, and for a
/// non-compliant one, past the start of its run of non-compliant evaluations.
pub fn history_is_enough(history: &[HistoryItem], since: &str, non_compliant: bool) -> bool {
    let Some(oldest) = history.last() else {
        return false;
    };
    let before_period = oldest.common.event_time.as_str() < since;
    before_period && (!non_compliant || oldest.common.status != Status::NonCompliant)
}

impl ReportData {
    /// Resources per service and status.
    pub fn totals(&self) -> Totals {
        let mut totals = Totals::default();
        for resource in &self.resources {
            *totals
                .by_service
                .entry(resource.resource().service())
                .or_default()
                .entry(resource.state.common.status.into())
                .or_default() += 1;
        }
        totals
    }

    /// The resources non-compliant now, most severe failure first, then by id.
    pub fn non_compliant(&self) -> Vec<&ResourceReport> {
        let mut now: Vec<&ResourceReport> = self
            .resources
            .iter()
            .filter(|r| r.non_compliant())
            .collect();
        now.sort_by(|a, b| {
            let worst = |r: &ResourceReport| r.failed().map(|f| f.severity).max();
            worst(b)
                .cmp(&worst(a))
                .then_with(|| a.state.common.pk.cmp(&b.state.common.pk))
        });
        now
    }

    /// Every history item in the period, of every resource.
    pub fn events(&self) -> impl Iterator<Item = &HistoryItem> {
        self.resources.iter().flat_map(|r| r.in_period(&self.since))
    }
}

/// Whether an item records a change the responder made (a revert).
pub fn reverted(item: &HistoryItem) -> bool {
    item.common.action.updated()
}

/// Whether an item records a revert that was due but not made.
pub fn revert_not_made(item: &HistoryItem) -> bool {
    matches!(
        item.common.action,
        Action::RevertSkipped | Action::RevertFailed
    )
}

/// One field a revert changed: its JSON path, the value before and the value put back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Dotted path (`spec.egressFilter.type`; array items as `[i]`).
    pub path: String,
    /// The value before (compact JSON; `absent` when missing).
    pub before: String,
    /// The value after.
    pub after: String,
}

/// The leaves that differ between two documents (`before` → `after`), in document order.
pub fn changes(before: &Value, after: &Value) -> Vec<Change> {
    let mut out = Vec::new();
    walk("", Some(before), Some(after), &mut out);
    out
}

fn walk(path: &str, before: Option<&Value>, after: Option<&Value>, out: &mut Vec<Change>) {
    let join = |key: &str| {
        if path.is_empty() {
            key.to_owned()
        } else {
            format!("{path}.{key}")
        }
    };
    match (before, after) {
        (Some(Value::Object(a)), Some(Value::Object(b))) => {
            let keys: Vec<&String> = a
                .keys()
                .chain(b.keys().filter(|k| !a.contains_key(*k)))
                .collect();
            for key in keys {
                walk(&join(key), a.get(key), b.get(key), out);
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (i, (x, y)) in a.iter().zip(b).enumerate() {
                walk(&format!("{path}[{i}]"), Some(x), Some(y), out);
            }
        }
        (a, b) if a != b => out.push(Change {
            path: if path.is_empty() {
                "(document)".to_owned()
            } else {
                path.to_owned()
            },
            before: compact(a),
            after: compact(b),
        }),
        _ => {}
    }
}

fn compact(value: Option<&Value>) -> String {
    value.map_or_else(|| "absent".to_owned(), Value::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn changes_name_the_fields_a_revert_put_back() {
        let before =
            json!({"spec": {"egressFilter": {"type": "ALLOW_ALL"}, "x": [1, 2]}, "tags": {}});
        let after = json!({"spec": {"egressFilter": {"type": "DROP_ALL"}, "x": [1, 3], "tls": {"enforce": true}}, "tags": {}});
        assert_eq!(
            changes(&before, &after),
            vec![
                Change {
                    path: "spec.egressFilter.type".into(),
                    before: "\"ALLOW_ALL\"".into(),
                    after: "\"DROP_ALL\"".into()
                },
                Change {
                    path: "spec.x[1]".into(),
                    before: "2".into(),
                    after: "3".into()
                },
                Change {
                    path: "spec.tls".into(),
                    before: "absent".into(),
                    after: "{\"enforce\":true}".into()
                },
            ]
        );
        assert!(changes(&before, &before).is_empty());
    }
}
