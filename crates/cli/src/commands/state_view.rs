//! How stored items are shown: rows for tables, the failed rules of a finding list.

use meshwarden_engine::core::record::{Action, ItemCommon, Status};
use meshwarden_rules::verdict::{Finding, VerdictStatus};

/// The rules an item failed, comma-separated (`-` when none).
pub fn failed_rules(item: &ItemCommon) -> String {
    listed(item, VerdictStatus::NonCompliant, |f| f.rule.to_string())
}

/// The rules whose failure is exempted, each with its end: `rule (until TIME)`, comma-separated
/// (`-` when none).
pub fn exempted_rules(item: &ItemCommon) -> String {
    listed(item, VerdictStatus::Exempted, |f| {
        format!("{} (until {})", f.rule, f.until.as_deref().unwrap_or("?"))
    })
}

fn listed(item: &ItemCommon, verdict: VerdictStatus, show: impl Fn(&Finding) -> String) -> String {
    let shown: Vec<String> = item
        .findings
        .iter()
        .filter(|f| f.verdict == verdict)
        .map(show)
        .collect();
    if shown.is_empty() {
        "-".to_owned()
    } else {
        shown.join(",")
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
