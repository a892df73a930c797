//! Verdicts and findings: the outcome of evaluating one rule against one resource.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::fmt;

/// How much a failed rule weakens security, graded as Trend Micro Conformity grades risk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Severity {
    /// Hygiene; little direct exposure.
    Low,
    /// Weakens defence in depth.
    Medium,
    /// Exposes traffic or data.
    High,
    /// Direct, exploitable exposure.
    VeryHigh,
}

impl Severity {
    /// `LOW`, `MEDIUM`, `HIGH` or `VERY_HIGH`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Low => "LOW",
            Severity::Medium => "MEDIUM",
            Severity::High => "HIGH",
            Severity::VeryHigh => "VERY_HIGH",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A human-readable reason: most are fixed text, so they are borrowed, not allocated.
pub type Reason = Cow<'static, str>;

/// The result of one rule on one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The resource satisfies the rule.
    Compliant,
    /// The resource violates the rule; `reason` names the offending field and value.
    NonCompliant {
        /// Human-readable reason naming the missing or wrong field.
        reason: Reason,
    },
    /// The rule does not apply (wrong kind, unconfigured parameter, nothing to check).
    NotApplicable {
        /// Why the rule does not apply.
        reason: Reason,
    },
}

impl Verdict {
    /// Shorthand for a non-compliant verdict.
    pub fn non_compliant(reason: impl Into<Reason>) -> Self {
        Verdict::NonCompliant {
            reason: reason.into(),
        }
    }

    /// Shorthand for a not-applicable verdict.
    pub fn not_applicable(reason: impl Into<Reason>) -> Self {
        Verdict::NotApplicable {
            reason: reason.into(),
        }
    }

    /// The wire name: `COMPLIANT`, `NON_COMPLIANT` or `NOT_APPLICABLE`.
    pub fn status(&self) -> VerdictStatus {
        match self {
            Verdict::Compliant => VerdictStatus::Compliant,
            Verdict::NonCompliant { .. } => VerdictStatus::NonCompliant,
            Verdict::NotApplicable { .. } => VerdictStatus::NotApplicable,
        }
    }

    /// The reason, when there is one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Verdict::Compliant => None,
            Verdict::NonCompliant { reason } | Verdict::NotApplicable { reason } => Some(reason),
        }
    }

    /// The finding of `rule` with this verdict (the reason is moved, not copied).
    pub fn into_finding(self, rule: &'static str, severity: Severity) -> Finding {
        let verdict = self.status();
        let reason = match self {
            Verdict::Compliant => None,
            Verdict::NonCompliant { reason } | Verdict::NotApplicable { reason } => Some(reason),
        };
        Finding {
            rule: Cow::Borrowed(rule),
            severity,
            verdict,
            reason,
            until: None,
        }
    }
}

/// A verdict without its reason, as stored and printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VerdictStatus {
    /// See [`Verdict::Compliant`].
    Compliant,
    /// See [`Verdict::NonCompliant`].
    NonCompliant,
    /// See [`Verdict::NotApplicable`].
    NotApplicable,
    /// The resource violates the rule, but an exemption in force accepts it until its end
    /// ([`Finding::until`]); the finding's reason is the exemption's. Not a failure: it does not
    /// make the resource non-compliant and no revert touches it.
    Exempted,
}

/// One rule's verdict on one resource, in the shape the CLI prints and the store keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    /// The rule's stable id, e.g. `mesh-egress-drop-all` (borrowed from the catalog when
    /// evaluated, owned when read back from the store).
    pub rule: Cow<'static, str>,
    /// The rule's severity.
    pub severity: Severity,
    /// The verdict.
    pub verdict: VerdictStatus,
    /// Why (absent for compliant findings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Reason>,
    /// When the exemption of an [`VerdictStatus::Exempted`] finding ends (RFC 3339).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

/// The overall status of a resource given its findings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ComplianceStatus {
    /// No finding is non-compliant.
    Compliant,
    /// At least one finding is non-compliant.
    NonCompliant,
}

impl ComplianceStatus {
    /// Non-compliant as soon as one finding is.
    pub fn of(findings: &[Finding]) -> Self {
        if findings
            .iter()
            .any(|f| f.verdict == VerdictStatus::NonCompliant)
        {
            ComplianceStatus::NonCompliant
        } else {
            ComplianceStatus::Compliant
        }
    }
}
