//! The revert protocol's pure decisions (the I/O is in [`crate::pipeline`]).
//!
//! A revert is made in three durable steps, so that it is never lost, never doubled and never
//! made over a change it did not evaluate:
//! 1. **reserve**: the event's history item is written as a `REVERT_PENDING` intent, in the same
//!    transaction as one slot of the resource's hourly cap (both or neither);
//! 2. **update**: the resource is described again immediately before the update, which is made
//!    only if its incarnation and version are still the evaluated ones, with a client token
//!    derived from the event id;
//! 3. **complete**: the intent is replaced by the final record (only while still pending) and
//!    STATE updated; the slot is given back when no update was made.
//!
//! A retry of the event (same delivery) finds the intent and carries it out from step 2; another
//! delivery of the same event waits until the intent's lease has ended.

use crate::core::identity::Identity;
use crate::core::reason::ActionReason;
use crate::core::record::{fnv1a, Action, HistoryItem, FNV_OFFSET};
use meshwarden_rules::model::Resource;

/// What a delivery may do with an event's existing history item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Takeover {
    /// The event was recorded to the end: nothing to do.
    Done,
    /// A pending revert this delivery may carry out (its own, or one whose lease has ended).
    Resume,
    /// Another delivery holds the pending revert until `lease_until` (epoch seconds).
    Busy {
        /// When the lease ends.
        lease_until: i64,
    },
}

/// Whether `delivery` may carry out the intent in `item` at `now` (epoch seconds).
pub fn takeover(item: &HistoryItem, delivery: &str, now: i64) -> Takeover {
    let Some(intent) = item
        .revert
        .as_ref()
        .filter(|_| item.common.action == Action::RevertPending)
    else {
        return Takeover::Done;
    };
    if intent.owner == delivery || now >= intent.lease_until {
        Takeover::Resume
    } else {
        Takeover::Busy {
            lease_until: intent.lease_until,
        }
    }
}

/// How the resource stands against the intent, described again before the update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recheck {
    /// Same incarnation, same version: the update may be made.
    Unchanged,
    /// The intent's own update landed before (a retry after a failure that followed it).
    AlreadyReverted,
    /// Someone changed (or re-created) the resource since it was evaluated.
    Changed,
}

/// Compare the fresh describe with the intent. A versioned resource (App Mesh) is unchanged at
/// the same incarnation and version, and reverted by us when the version moved by exactly one
/// to the planned spec; a resource without versions (VPC Lattice) is unchanged when its content
/// is the evaluated one (`same_content`), and reverted by us when it is the planned one
/// (`landed`).
pub fn recheck(
    planned: &Identity,
    now: &Identity,
    same_content: impl FnOnce() -> bool,
    landed: impl FnOnce() -> bool,
) -> Recheck {
    if !planned.same_incarnation(now) {
        return Recheck::Changed;
    }
    if planned.version.is_none() && now.version.is_none() {
        return if same_content() {
            Recheck::Unchanged
        } else if landed() {
            Recheck::AlreadyReverted
        } else {
            Recheck::Changed
        };
    }
    if planned.unchanged(now) {
        return Recheck::Unchanged;
    }
    let next = planned.version.map(|v| v + 1);
    if now.version.is_some() && now.version == next && landed() {
        Recheck::AlreadyReverted
    } else {
        Recheck::Changed
    }
}

/// Members of a document whose writes AWS documents as taking effect after the call returns:
/// "auth policy changes might take a few minutes to be ready"
/// (<https://docs.aws.amazon.com/vpc-lattice/latest/ug/auth-policies.html>).
pub const PROPAGATING_MEMBERS: &[&str] = &["authPolicy"];

/// What the answer to an update says of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterWrites {
    /// It landed as planned.
    Landed,
    /// It was accepted, but for these members (each of [`PROPAGATING_MEMBERS`]) the describe
    /// after it still shows what was there before: propagation, which the next evaluation (the
    /// next event's, the sweep's at the latest) confirms — not a conflict.
    Propagating(Vec<String>),
    /// It did not land as planned: the reason.
    Conflict(ActionReason),
}

/// A member of the document that differs from the planned content after the writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Differing {
    /// The member's name.
    pub member: String,
    /// Whether it still holds what was described before the writes.
    pub as_before: bool,
}

/// Whether the answer to an update shows that it landed as planned. A versioned resource must
/// come back at the evaluated version + 1 (anything else means another write came between ours
/// and the describe before it). One without versions (VPC Lattice: `PutAuthPolicy` and the
/// other writes take no condition) is described again after the writes and must hold the
/// planned content; `differing` lists the members where it does not. A member that still holds
/// its value from before the writes, where AWS documents propagation, is lag; any other
/// difference is a change that landed while our writes were in flight — detected, not prevented.
/// So is a change the describe after the writes shows they replaced
/// ([`Document::replaced_since`](meshwarden_rules::model::Document::replaced_since) of
/// `planned_on`, the describe they were planned on: ECS's deployments started meanwhile).
pub fn after_writes(
    evaluated: Option<i64>,
    updated: &Resource,
    planned_on: &Resource,
    differing: impl FnOnce() -> Vec<Differing>,
) -> AfterWrites {
    let returned = updated.version();
    match evaluated {
        Some(version) if returned == Some(version + 1) => AfterWrites::Landed,
        Some(version) => AfterWrites::Conflict(ActionReason::VersionConflict {
            returned,
            expected: version + 1,
        }),
        None => {
            let replaced = updated.as_document().replaced_since(planned_on);
            if !replaced.is_empty() {
                return AfterWrites::Conflict(ActionReason::Overwritten(replaced));
            }
            let differing = differing();
            let lagging =
                |d: &Differing| d.as_before && PROPAGATING_MEMBERS.contains(&d.member.as_str());
            let (propagating, changed): (Vec<_>, Vec<_>) = differing.into_iter().partition(lagging);
            let names =
                |members: Vec<Differing>| members.into_iter().map(|d| d.member).collect::<Vec<_>>();
            if !changed.is_empty() {
                AfterWrites::Conflict(ActionReason::ContentConflict(names(changed)))
            } else if !propagating.is_empty() {
                AfterWrites::Propagating(names(propagating))
            } else {
                AfterWrites::Landed
            }
        }
    }
}

/// App Mesh's `clientToken` for the update of an event: up to 36 letters, digits, hyphens and
/// underscores. A CloudTrail event id (a UUID) is used as it is; anything else is hashed.
pub fn client_token(event_id: &str) -> String {
    let valid = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    if !event_id.is_empty() && event_id.len() <= 36 && event_id.chars().all(valid) {
        return event_id.to_owned();
    }
    // Two stable 64-bit hashes with different offsets: 128 bits, 35 characters.
    format!(
        "mw-{:016x}{:016x}",
        fnv1a(event_id, FNV_OFFSET),
        fnv1a(event_id, 0x6c62_272e_07bb_0142)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::{Cause, Record, RevertIntent, Status};
    use meshwarden_rules::resource::{ResourceKind, ResourceRef};
    use std::time::{Duration, SystemTime};

    fn pending(owner: &str, lease_until: i64) -> HistoryItem {
        let resource = ResourceRef::new(ResourceKind::Mesh, "a", "r", "m");
        let mut r = Record::new(
            resource,
            Cause::default(),
            Status::NonCompliant,
            SystemTime::UNIX_EPOCH,
        );
        r.action = Action::RevertPending;
        r.intent = Some(RevertIntent {
            slot: "CAP#2026-11-25T15".into(),
            owner: owner.into(),
            lease_until,
            version: Some(3),
            uid: Some("u".into()),
        });
        r.history_item(Duration::ZERO)
    }

    #[test]
    fn the_owner_resumes_others_wait_for_the_lease() {
        let item = pending("req-1", 1_000);
        assert_eq!(takeover(&item, "req-1", 10), Takeover::Resume);
        assert_eq!(
            takeover(&item, "req-2", 999),
            Takeover::Busy { lease_until: 1_000 }
        );
        assert_eq!(takeover(&item, "req-2", 1_000), Takeover::Resume);
        let mut done = item;
        done.common.action = Action::Reverted;
        assert_eq!(takeover(&done, "req-2", 0), Takeover::Done);
    }

    fn id(uid: &str, version: i64) -> Identity {
        Identity {
            uid: Some(uid.into()),
            version: Some(version),
            ..Identity::default()
        }
    }

    #[test]
    fn only_the_evaluated_version_may_be_updated() {
        let any = || panic!("versions decide");
        assert_eq!(
            recheck(&id("u", 3), &id("u", 3), any, || false),
            Recheck::Unchanged
        );
        assert_eq!(
            recheck(&id("u", 3), &id("u", 4), any, || true),
            Recheck::AlreadyReverted
        );
        assert_eq!(
            recheck(&id("u", 3), &id("u", 4), any, || false),
            Recheck::Changed,
            "one newer version that is not our spec is someone else's change"
        );
        assert_eq!(
            recheck(&id("u", 3), &id("u", 5), any, || true),
            Recheck::Changed
        );
        assert_eq!(
            recheck(&id("u", 3), &id("v", 3), any, || true),
            Recheck::Changed,
            "a re-created resource is a different resource"
        );
    }

    #[test]
    fn without_versions_the_content_decides() {
        let unversioned = Identity::default();
        let check = |same, landed| recheck(&unversioned, &unversioned, || same, || landed);
        assert_eq!(check(true, false), Recheck::Unchanged);
        assert_eq!(check(false, true), Recheck::AlreadyReverted);
        assert_eq!(
            check(false, false),
            Recheck::Changed,
            "content that is neither the evaluated nor the planned one is someone else's change"
        );
    }

    #[test]
    fn without_versions_anything_but_the_planned_content_after_the_writes_is_a_conflict() {
        use serde_json::json;
        let network = Resource::from_describe_value(&json!({
            "serviceNetwork": {"id": "sn-1", "authType": "AWS_IAM"}}))
        .unwrap();
        let differ = |member: &str, as_before: bool| Differing {
            member: member.to_owned(),
            as_before,
        };
        assert_eq!(
            after_writes(None, &network, &network, Vec::new),
            AfterWrites::Landed
        );
        let AfterWrites::Conflict(reason) = after_writes(None, &network, &network, || {
            vec![differ("authPolicy", false)]
        }) else {
            panic!("a policy neither planned nor evaluated is a conflict");
        };
        assert_eq!(
            reason,
            ActionReason::ContentConflict(vec!["authPolicy".to_owned()])
        );
        assert_eq!(
            after_writes(None, &network, &network, || vec![differ(
                "authPolicy",
                true
            )]),
            AfterWrites::Propagating(vec!["authPolicy".to_owned()]),
            "the previous policy still served is propagation"
        );
        assert!(
            matches!(
                after_writes(None, &network, &network, || vec![
                    differ("authPolicy", true),
                    differ("authType", true)
                ]),
                AfterWrites::Conflict(_)
            ),
            "only documented propagation is lag: an auth type still as before is not"
        );
        assert!(
            matches!(
                after_writes(Some(3), &network, &network, || panic!("versions decide")),
                AfterWrites::Conflict(_)
            ),
            "a versioned answer without the next version is a conflict"
        );
    }

    #[test]
    fn client_tokens_fit_app_mesh_and_are_stable() {
        let uuid = "6f2f3bd4-8a3e-4c36-9f5e-0e3c3a8d1c11";
        assert_eq!(client_token(uuid), uuid);
        let long = client_token("sweep-2026-11-25/mesh/m/virtualGateway/g");
        assert_eq!(long.len(), 35);
        assert!(long
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
        assert_eq!(
            long,
            client_token("sweep-2026-11-25/mesh/m/virtualGateway/g")
        );
        assert_ne!(
            long,
            client_token("sweep-2026-11-25/mesh/m/virtualGateway/h")
        );
    }
}
