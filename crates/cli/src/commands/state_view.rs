//! How stored items are shown: rows for tables, the failed rules of a finding list.

use meshwarden_engine::record::{Action, ItemCommon, Status};
use meshwarden_rules::verdict::VerdictStatus;

/// The rules an item failed, comma-separated (`-` when none).
pub fn failed_rules(item: &ItemCommon) -> String {
    let failed: Vec<&str> = item
        .findings
        .iter()
        .filter(|f| f.verdict == VerdictStatus::NonCompliant)
        .map(|f| f.rule.as_ref())
        .collect();
    if failed.is_empty() {
        "-".to_owned()
    } else {
        failed.join(",")
    }
}

/// Who made the change (`-` when unknown).
pub fn actor(item: &ItemCommon) -> String {
    item.actor.clone().unwrap_or_else(|| "-".to_owned())
}

/// The wire name of a status.
pub fn status(status: Status) -> String {
    wire(&status)
}

/// The wire name of an action.
pub fn action(action: Action) -> String {
    wire(&action)
}

fn wire<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
