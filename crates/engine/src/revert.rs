//! Auto-revert guards (pure): when a due revert must not happen.

use crate::record::StateItem;

/// The rate guard's window.
pub const RATE_WINDOW_SECS: i64 = 3_600;

/// Revert times from the stored state that still count against the rate guard at `now`.
pub fn recent_reverts(state: Option<&StateItem>, now: i64) -> Vec<i64> {
    state
        .map(|s| {
            s.reverts
                .iter()
                .copied()
                .filter(|t| now - t < RATE_WINDOW_SECS)
                .collect()
        })
        .unwrap_or_default()
}

/// Why a revert must be skipped, if it must.
pub fn skip_reason(own_change: bool, recent: usize, max_per_hour: u32) -> Option<String> {
    if own_change {
        return Some("loop guard: the change was made by Meshwarden's own role".to_owned());
    }
    if recent >= max_per_hour as usize {
        return Some(format!(
            "flapping: already reverted {recent} times in the last hour (limit {max_per_hour})"
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_changes_are_never_reverted() {
        assert!(skip_reason(true, 0, 3).unwrap().starts_with("loop guard"));
    }

    #[test]
    fn rate_guard_caps_reverts_per_hour() {
        assert_eq!(skip_reason(false, 2, 3), None);
        assert!(skip_reason(false, 3, 3).unwrap().starts_with("flapping"));
        assert!(
            skip_reason(false, 0, 0).is_some(),
            "a limit of 0 disables reverts"
        );
    }
}
