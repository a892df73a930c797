//! Why the responder did (or did not do) what it did to a resource: [`ActionReason`], the
//! `actionReason` attribute of history and STATE items and the `reason` of an event's report.
//!
//! Stored and printed as its sentence (the [`std::fmt::Display`] text), byte for byte what
//! earlier versions wrote, so items already in the table read back: a sentence that names no
//! data reads back as its variant, any other as [`ActionReason::Recorded`] (its text kept).

use crate::core::mode::AutoRevert;
use meshwarden_rules::catalog::{Refusal, SkippedRemediation};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Why a due revert is not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SkipReason {
    /// The event's caller is the responder itself.
    #[error("loop guard: the change was made by Meshwarden's own role")]
    LoopGuard,
    /// The resource belongs to another account (a shared resource).
    #[error("owned by account {0}: evaluated and recorded, never updated with our credentials")]
    NotOurs(String),
    /// The resource's owner could not be read.
    #[error("owner unknown: never updated without knowing who owns it")]
    OwnerUnknown,
    /// The responder's own account is not known.
    #[error("own account unknown: never updated")]
    OwnAccountUnknown,
    /// No violated rule has a safe patch; each says why.
    #[error("{}", joined(.0))]
    NoSafePatch(Vec<SkippedRemediation>),
}

impl SkipReason {
    /// Whether the skip comes (in part) from `refusal` by some rule.
    pub fn refused(&self, refusal: &Refusal) -> bool {
        matches!(self, SkipReason::NoSafePatch(skipped) if skipped.iter().any(|s| s.reason == *refusal))
    }
}

/// `rule: reason; rule: reason`.
pub(crate) fn joined(skipped: &[SkippedRemediation]) -> String {
    skipped
        .iter()
        .map(|s| format!("{}: {}", s.rule, s.reason))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Why the responder did what it did (see the module's documentation).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActionReason {
    /// A due revert was not made: a guard, or no rule has a safe patch.
    #[error("{0}")]
    Skipped(SkipReason),
    /// Rules a revert (or a dry run) left non-compliant, each with why.
    #[error("{}", joined(.0))]
    RulesLeft(Vec<SkippedRemediation>),
    /// The revert was written and some members are still propagating (VPC Lattice's auth
    /// policy); `note` names the rules it left non-compliant ([`ActionReason::RulesLeft`]).
    #[error(
        "{}written; {} still propagating (AWS applies auth policy changes within minutes): the \
         next evaluation confirms it",
        note_prefix(.note),
        .members.join(", ")
    )]
    Propagating {
        /// Rules left non-compliant.
        note: Option<Box<ActionReason>>,
        /// The members still propagating.
        members: Vec<String>,
    },
    /// The resource reached its hourly revert cap.
    #[error(
        "flapping: this resource reached its cap of {0} reverts this hour; it stays \
         non-compliant until someone acts"
    )]
    Capped(u32),
    /// The resource was deleted between the evaluation and the revert.
    #[error("resource deleted since it was evaluated")]
    DeletedSinceEvaluated,
    /// Auto-revert was switched off (or to dry-run) while the revert was pending.
    #[error("auto-revert is {0} now")]
    ModeChanged(AutoRevert),
    /// The resource changed between the evaluation and the revert; what changed.
    #[error("changed since evaluated ({0}); the newer change has its own event")]
    ChangedSinceEvaluated(String),
    /// The resource was redeployed between the evaluation and the revert with its content as
    /// evaluated (ECS: an image deploy made a new `PRIMARY` deployment with the same Service
    /// Connect configuration). The revert is made only on the revision it was planned on, and an
    /// image deploy invokes nothing: the drift stays recorded until the next configuration
    /// change or `meshwarden remediate`.
    #[error(
        "redeployed since evaluated ({before} → {now}, same configuration): not reverted onto a \
         revision it was not planned on; still non-compliant until the next configuration change \
         or meshwarden remediate"
    )]
    Redeployed {
        /// The revision evaluated.
        before: String,
        /// The revision described before the write.
        now: String,
    },
    /// Planned again on the fresh describe, nothing was left to revert.
    #[error("nothing left to revert")]
    NothingLeft,
    /// A deletion recorded after the event makes the event's resource gone.
    #[error("superseded: deleted by {event_name} at {event_time}")]
    Superseded {
        /// The deleting call.
        event_name: String,
        /// When it happened.
        event_time: String,
    },
    /// The sweep no longer lists the resource and a describe confirms it gone.
    #[error("not found by the sweep")]
    NotFoundBySweep,
    /// The update returned a version other than the evaluated one plus one.
    #[error(
        "conflict: the update returned version {} where {expected} was expected; a concurrent \
         change may have been overwritten",
        version_text(.returned)
    )]
    VersionConflict {
        /// The version the update returned, when it returned one.
        returned: Option<i64>,
        /// The evaluated version plus one.
        expected: i64,
    },
    /// After versionless writes, these members differ from the planned content.
    #[error(
        "conflict: after the writes, {} differ from the planned content; a concurrent change \
         landed while they were made and may have been overwritten",
        .0.join(", ")
    )]
    ContentConflict(Vec<String>),
    /// The describe after the write shows changes started between the describe before it and
    /// the write, which the write replaced (ECS: deployments with another configuration).
    #[error(
        "conflict: {} started between the describe before the revert and its write, with \
         another configuration, and the revert replaced it: a concurrent change was overwritten",
        .0.join(", ")
    )]
    Overwritten(Vec<String>),
    /// A service refused a call (the refusal's text).
    #[error("{0}")]
    Refused(String),
    /// The full item was refused; a minimal one was recorded instead.
    #[error("record reduced: {0}")]
    Reduced(String),
    /// A sentence read from an item that names data (an owner, versions, rules), kept as text.
    #[error("{0}")]
    Recorded(String),
}

/// `{note}; ` when there is a note.
fn note_prefix(note: &Option<Box<ActionReason>>) -> String {
    note.as_ref()
        .map_or_else(String::new, |note| format!("{note}; "))
}

/// A version, or `unknown`.
pub fn version_text(version: &Option<i64>) -> String {
    version.map_or_else(|| "unknown".to_owned(), |v| v.to_string())
}

impl ActionReason {
    /// The reasons whose sentence names no data.
    const FIXED: [ActionReason; 6] = [
        ActionReason::DeletedSinceEvaluated,
        ActionReason::NothingLeft,
        ActionReason::NotFoundBySweep,
        ActionReason::Skipped(SkipReason::LoopGuard),
        ActionReason::Skipped(SkipReason::OwnerUnknown),
        ActionReason::Skipped(SkipReason::OwnAccountUnknown),
    ];

    /// The reason a stored sentence states: its variant, with the data it names, when the
    /// sentence is one of this version's; else [`ActionReason::Recorded`]. The sentences of
    /// rule refusals and service errors are free text: they read back as `Recorded`.
    pub fn from_text(text: &str) -> ActionReason {
        Self::FIXED
            .into_iter()
            .find(|fixed| fixed.to_string() == text)
            .or_else(|| Self::with_data(text))
            .filter(|read| read.to_string() == text)
            .unwrap_or_else(|| ActionReason::Recorded(text.to_owned()))
    }

    /// The variants that name data, read from their sentence (checked by the caller: the
    /// sentence they write must be `text` again).
    fn with_data(text: &str) -> Option<ActionReason> {
        let between = |prefix: &str, suffix: &str| {
            text.strip_prefix(prefix)
                .and_then(|rest| rest.strip_suffix(suffix))
        };
        if let Some(max) = between(
            "flapping: this resource reached its cap of ",
            " reverts this hour; it stays non-compliant until someone acts",
        ) {
            return max.parse().ok().map(ActionReason::Capped);
        }
        if let Some(owner) = between(
            "owned by account ",
            ": evaluated and recorded, never updated with our credentials",
        ) {
            return Some(SkipReason::NotOurs(owner.to_owned()).into());
        }
        if let Some(mode) = between("auto-revert is ", " now") {
            return [AutoRevert::Off, AutoRevert::DryRun, AutoRevert::On]
                .into_iter()
                .find(|m| m.to_string() == mode)
                .map(ActionReason::ModeChanged);
        }
        if let Some(what) = between(
            "changed since evaluated (",
            "); the newer change has its own event",
        ) {
            return Some(ActionReason::ChangedSinceEvaluated(what.to_owned()));
        }
        if let Some((before, now)) = between(
            "redeployed since evaluated (",
            ", same configuration): not reverted onto a revision it was not planned on; still \
             non-compliant until the next configuration change or meshwarden remediate",
        )
        .and_then(|revisions| revisions.split_once(" → "))
        {
            return Some(ActionReason::Redeployed {
                before: before.to_owned(),
                now: now.to_owned(),
            });
        }
        if let Some((event_name, event_time)) = text
            .strip_prefix("superseded: deleted by ")
            .and_then(|rest| rest.split_once(" at "))
        {
            return Some(ActionReason::Superseded {
                event_name: event_name.to_owned(),
                event_time: event_time.to_owned(),
            });
        }
        if let Some((returned, expected)) = between(
            "conflict: the update returned version ",
            " was expected; a concurrent change may have been overwritten",
        )
        .and_then(|versions| versions.split_once(" where "))
        {
            return Some(ActionReason::VersionConflict {
                returned: returned.parse().ok(),
                expected: expected.parse().ok()?,
            });
        }
        if let Some(members) = between(
            "conflict: after the writes, ",
            " differ from the planned content; a concurrent change landed while they were made \
             and may have been overwritten",
        ) {
            let members = members.split(", ").map(str::to_owned).collect();
            return Some(ActionReason::ContentConflict(members));
        }
        if let Some(changes) = between(
            "conflict: ",
            " started between the describe before the revert and its write, with another \
             configuration, and the revert replaced it: a concurrent change was overwritten",
        ) {
            let changes = changes.split(", ").map(str::to_owned).collect();
            return Some(ActionReason::Overwritten(changes));
        }
        text.strip_prefix("record reduced: ")
            .map(|why| ActionReason::Reduced(why.to_owned()))
    }
}

impl From<SkipReason> for ActionReason {
    fn from(reason: SkipReason) -> Self {
        ActionReason::Skipped(reason)
    }
}

impl Serialize for ActionReason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ActionReason {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = ActionReason;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a reason's sentence")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<ActionReason, E> {
                Ok(ActionReason::from_text(text))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every sentence, byte for byte what earlier versions stored.
    #[test]
    fn sentences_are_those_already_stored() {
        let left = vec![SkippedRemediation {
            rule: "vgw-backend-tls-enforced",
            reason: Refusal::Unsafe("no certificate known".into()),
        }];
        let cases = [
            (
                ActionReason::Skipped(SkipReason::LoopGuard),
                "loop guard: the change was made by Meshwarden's own role",
            ),
            (
                ActionReason::Capped(3),
                "flapping: this resource reached its cap of 3 reverts this hour; it stays \
                 non-compliant until someone acts",
            ),
            (
                ActionReason::ModeChanged(AutoRevert::DryRun),
                "auto-revert is dry-run now",
            ),
            (
                ActionReason::Propagating {
                    note: None,
                    members: vec!["authPolicy".into()],
                },
                "written; authPolicy still propagating (AWS applies auth policy changes within \
                 minutes): the next evaluation confirms it",
            ),
            (
                ActionReason::VersionConflict {
                    returned: None,
                    expected: 4,
                },
                "conflict: the update returned version unknown where 4 was expected; a \
                 concurrent change may have been overwritten",
            ),
            (
                ActionReason::Redeployed {
                    before: "PRIMARY deployment ecs-svc/1".into(),
                    now: "PRIMARY deployment ecs-svc/2".into(),
                },
                "redeployed since evaluated (PRIMARY deployment ecs-svc/1 → PRIMARY deployment \
                 ecs-svc/2, same configuration): not reverted onto a revision it was not planned \
                 on; still non-compliant until the next configuration change or meshwarden \
                 remediate",
            ),
            (
                ActionReason::Superseded {
                    event_name: "DeleteMesh".into(),
                    event_time: "2026-11-25T06:00:00Z".into(),
                },
                "superseded: deleted by DeleteMesh at 2026-11-25T06:00:00Z",
            ),
            (
                ActionReason::Overwritten(vec!["deployment ecs-svc/7".into()]),
                "conflict: deployment ecs-svc/7 started between the describe before the revert \
                 and its write, with another configuration, and the revert replaced it: a \
                 concurrent change was overwritten",
            ),
            (
                ActionReason::Reduced("too large".into()),
                "record reduced: too large",
            ),
        ];
        for (reason, text) in cases {
            assert_eq!(reason.to_string(), text);
            assert_eq!(serde_json::to_value(&reason).unwrap(), json!(text));
        }
        let propagating = ActionReason::Propagating {
            note: Some(Box::new(ActionReason::RulesLeft(left))),
            members: vec!["authPolicy".into()],
        };
        assert!(propagating
            .to_string()
            .starts_with("vgw-backend-tls-enforced: "));
    }

    #[test]
    fn stored_sentences_read_back_as_their_variant() {
        let with_data = [
            ActionReason::Capped(2),
            SkipReason::NotOurs("444455556666".into()).into(),
            ActionReason::ModeChanged(AutoRevert::Off),
            ActionReason::ChangedSinceEvaluated("version 3 → 5".into()),
            ActionReason::Superseded {
                event_name: "DeleteMesh".into(),
                event_time: "2026-11-25T06:00:00Z".into(),
            },
            ActionReason::VersionConflict {
                returned: Some(7),
                expected: 5,
            },
            ActionReason::VersionConflict {
                returned: None,
                expected: 5,
            },
            ActionReason::ContentConflict(vec!["authPolicy".into(), "authType".into()]),
            ActionReason::Reduced("the full record was refused".into()),
        ];
        for reason in ActionReason::FIXED.into_iter().chain(with_data) {
            let stored = serde_json::to_value(&reason).unwrap();
            assert_eq!(
                serde_json::from_value::<ActionReason>(stored).unwrap(),
                reason
            );
        }
    }

    #[test]
    fn free_text_reads_back_as_recorded_and_writes_the_same_text() {
        for text in [
            "vgw-backend-tls-enforced: no trust source configured",
            "UpdateMesh: rejected (AccessDenied)",
            "flapping: this resource reached its cap of many reverts this hour; it stays \
             non-compliant until someone acts",
        ] {
            let read: ActionReason = serde_json::from_value(json!(text)).unwrap();
            assert_eq!(read, ActionReason::Recorded(text.into()));
            assert_eq!(serde_json::to_value(&read).unwrap(), json!(text));
        }
    }
}
