//! When a new evaluation may replace the stored STATE of a resource (pure).
//!
//! The DynamoDB store enforces the same rule as a condition expression
//! (`store::expressions`); the in-memory store of the test kit calls [`admits`]. Both are run
//! through the same table of cases, so they cannot drift apart.
//!
//! * A live evaluation of the **same incarnation** (`metadata.uid`) wins when its version is
//!   newer, or equal and caused by an event at least as recent — unless STATE already records
//!   that incarnation as deleted (a late event must not resurrect it).
//! * A **different incarnation** wins when it was created no earlier than the stored one
//!   (App Mesh restarts versions at 1 on re-creation, so versions cannot order incarnations).
//! * A **deletion** wins unless the stored incarnation was created after the resource was seen
//!   gone (a re-creation recorded before a late "not found").
//! * A stored item without a uid (written before uids were kept) yields to the first evaluation
//!   that carries one: it may hold a dead incarnation's higher version.
//! * An evaluation without a uid follows the version rule alone.
//! * Without a version on either side (VPC Lattice has none; its id is the incarnation), the
//!   later describe wins. Each evaluation's time is taken *after* its describe and kept to the
//!   microsecond with its event id as `evaluationOrder` (`{evaluatedAt}#{eventID}`, fixed-width
//!   time, compared as text): the new evaluation wins when its order is at or after the stored
//!   one's, so two evaluations in the same millisecond are ordered by event id, the same way in
//!   every store. A stored item written before `evaluationOrder` was kept (second-precision
//!   `evaluatedAt`) is compared as it was then: its `evaluatedAt` against the new time truncated
//!   to the second, at or after wins.

use crate::core::record::{epoch_seconds, rfc3339, Record, StateItem, Status};

/// Whether a versionless evaluation `new` comes at or after the stored one.
fn later_describe(stored: &StateItem, new: &Record) -> bool {
    match &stored.evaluation_order {
        Some(order) => *order <= new.evaluation_order(),
        None => stored.common.evaluated_at <= rfc3339(new.evaluated_at),
    }
}

/// Whether `new` may replace `stored` as the resource's STATE.
pub fn admits(stored: Option<&StateItem>, new: &Record) -> bool {
    let Some(stored) = stored else {
        return true;
    };
    let s = &stored.common;
    if new.status == Status::Deleted {
        let seen_gone = epoch_seconds(new.evaluated_at) as f64;
        return s
            .resource_created_at
            .is_none_or(|created| created <= seen_gone);
    }
    let forward = || match (s.resource_version, new.identity.version) {
        (None, None) => later_describe(stored, new),
        (None, Some(_)) => true,
        (Some(_), None) => false,
        (Some(old), Some(v)) => old < v || (old == v && s.event_time <= new.cause.event_time),
    };
    match (&s.resource_uid, &new.identity.uid) {
        (Some(old), Some(uid)) if old == uid => s.status != Status::Deleted && forward(),
        (Some(_), Some(_)) => match (s.resource_created_at, new.identity.created_at) {
            (Some(old), Some(created)) => old <= created,
            _ => true,
        },
        (None, Some(_)) => true,
        (_, None) => forward(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Cause;
    use meshwarden_rules::resource::{ResourceKind, ResourceRef};
    use std::time::{Duration, UNIX_EPOCH};

    fn network(millis: u64, event_id: &str) -> Record {
        let resource = ResourceRef::new(ResourceKind::ServiceNetwork, "a", "r", "sn-1");
        let cause = Cause {
            event_id: event_id.to_owned(),
            ..Cause::default()
        };
        let at = UNIX_EPOCH + Duration::from_millis(1_000_000 + millis);
        Record::new(resource, cause, Status::Compliant, at)
    }

    #[test]
    fn an_item_written_before_evaluation_order_compares_to_the_second() {
        let mut legacy = network(0, "evt-b").state_item();
        legacy.evaluation_order = None;
        legacy.common.evaluated_at = rfc3339(UNIX_EPOCH + Duration::from_secs(1_000));
        assert!(
            admits(Some(&legacy), &network(999, "evt-a")),
            "same second: the new one, described after, wins"
        );
        assert!(
            !admits(
                Some(&legacy),
                &Record {
                    evaluated_at: UNIX_EPOCH + Duration::from_millis(999_500),
                    ..network(0, "evt-a")
                }
            ),
            "an earlier second loses"
        );
        // Written in the new shape, the millisecond and then the event id decide.
        let stored = network(500, "evt-b").state_item();
        assert!(!admits(Some(&stored), &network(499, "evt-z")));
        assert!(!admits(Some(&stored), &network(500, "evt-a")));
        assert!(admits(Some(&stored), &network(500, "evt-c")));
        assert!(admits(Some(&stored), &network(501, "evt-a")));
    }
}
