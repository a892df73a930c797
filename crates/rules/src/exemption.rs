//! Exemptions: a failure someone accepted, for a while. Pure: which exemptions are in force at a
//! time, and what they do to a resource's findings.
//!
//! An exempted rule's failure becomes an [`VerdictStatus::Exempted`] finding carrying the
//! exemption's reason and end. Only failures are exempted: a rule that passes (or does not apply)
//! keeps its verdict, and once the exemption ends the rule is judged again.

use crate::model::Tag;
use crate::verdict::{Finding, VerdictStatus};
use serde::{Deserialize, Serialize};
use std::time::SystemTime;

/// One accepted failure of one rule on one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exemption {
    /// The rule's catalog id.
    pub rule: String,
    /// Why the failure is accepted.
    pub reason: String,
    /// When the exemption ends (RFC 3339, UTC).
    pub until: String,
}

impl Exemption {
    /// Whether the exemption is in force at `now` (an unreadable end is not: nothing hides
    /// drift by accident).
    pub fn active_at(&self, now: SystemTime) -> bool {
        humantime::parse_rfc3339_weak(&self.until).is_ok_and(|until| until > now)
    }
}

/// Turn each failure of a rule with an exemption in force at `now` into an exempted finding
/// with the exemption's reason and end. Returns whether any finding was exempted.
pub fn apply(findings: &mut [Finding], exemptions: &[Exemption], now: SystemTime) -> bool {
    let mut any = false;
    for finding in findings
        .iter_mut()
        .filter(|f| f.verdict == VerdictStatus::NonCompliant)
    {
        let Some(exemption) = exemptions
            .iter()
            .find(|e| e.rule == finding.rule && e.active_at(now))
        else {
            continue;
        };
        finding.verdict = VerdictStatus::Exempted;
        finding.reason = Some(exemption.reason.clone().into());
        finding.until = Some(exemption.until.clone());
        any = true;
    }
    any
}

/// The exemptions a resource's tags make when exempting by tag is switched on: the value of the
/// tag `key` names the exempted rules ([`rules_in_tag`]); each lasts `until` (tags carry no end:
/// the caller sets one, and the next evaluation reads the tag again), with the reason
/// `tag {key}`.
pub fn from_tags(tags: &[Tag], key: &str, until: &str) -> Vec<Exemption> {
    tags.iter()
        .filter(|tag| tag.key == key)
        .flat_map(|tag| rules_in_tag(&tag.value))
        .map(|rule| Exemption {
            rule: rule.to_owned(),
            reason: format!("tag {key}"),
            until: until.to_owned(),
        })
        .collect()
}

/// The rule ids a tag value names: ids separated by spaces and/or commas (`a b`, `a,b`, `a, b`).
pub fn rules_in_tag(value: &str) -> impl Iterator<Item = &str> {
    value
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|id| !id.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verdict::Severity;
    use std::time::Duration;

    fn at(text: &str) -> SystemTime {
        humantime::parse_rfc3339(text).unwrap()
    }

    fn finding(rule: &'static str, verdict: VerdictStatus) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::High,
            verdict,
            reason: Some("original".into()),
            until: None,
        }
    }

    fn exemption(rule: &str, until: &str) -> Exemption {
        Exemption {
            rule: rule.to_owned(),
            reason: "accepted by the platform team".to_owned(),
            until: until.to_owned(),
        }
    }

    #[test]
    fn an_active_exemption_turns_only_its_rules_failure_into_exempted() {
        let mut findings = vec![
            finding("a", VerdictStatus::NonCompliant),
            finding("b", VerdictStatus::NonCompliant),
            finding("c", VerdictStatus::Compliant),
        ];
        let exemptions = [
            exemption("a", "2027-01-01T00:00:00Z"),
            exemption("c", "2027-01-01T00:00:00Z"),
        ];
        assert!(apply(
            &mut findings,
            &exemptions,
            at("2026-12-06T00:00:00Z")
        ));
        assert_eq!(findings[0].verdict, VerdictStatus::Exempted);
        assert_eq!(
            findings[0].reason.as_deref(),
            Some("accepted by the platform team")
        );
        assert_eq!(findings[0].until.as_deref(), Some("2027-01-01T00:00:00Z"));
        assert_eq!(findings[1].verdict, VerdictStatus::NonCompliant);
        assert_eq!(
            findings[2].verdict,
            VerdictStatus::Compliant,
            "a passing rule stays passing"
        );
        assert_eq!(findings[2].until, None);
    }

    #[test]
    fn an_ended_or_unreadable_exemption_exempts_nothing() {
        let now = at("2026-12-06T00:00:00Z");
        for until in ["2026-12-06T00:00:00Z", "2026-12-05T23:59:59Z", "soon"] {
            let mut findings = vec![finding("a", VerdictStatus::NonCompliant)];
            assert!(
                !apply(&mut findings, &[exemption("a", until)], now),
                "{until}"
            );
            assert_eq!(findings[0].verdict, VerdictStatus::NonCompliant);
        }
        let later = exemption("a", "2026-12-06T00:00:01Z");
        assert!(later.active_at(now));
        assert!(!later.active_at(now + Duration::from_secs(1)));
    }

    #[test]
    fn tag_values_name_rules_by_spaces_or_commas() {
        let ids: Vec<_> = rules_in_tag(" a,b  c ,, d").collect();
        assert_eq!(ids, ["a", "b", "c", "d"]);
        assert_eq!(rules_in_tag("").count(), 0);
    }

    #[test]
    fn only_the_configured_tag_exempts_with_its_name_as_reason() {
        let tags = [
            Tag {
                key: "meshwarden:exempt".into(),
                value: "a, b".into(),
            },
            Tag {
                key: "other".into(),
                value: "c".into(),
            },
        ];
        let made = from_tags(&tags, "meshwarden:exempt", "2026-12-07T00:00:00Z");
        let rules: Vec<_> = made.iter().map(|e| e.rule.as_str()).collect();
        assert_eq!(rules, ["a", "b"]);
        assert_eq!(made[0].reason, "tag meshwarden:exempt");
        assert_eq!(made[0].until, "2026-12-07T00:00:00Z");
    }
}
