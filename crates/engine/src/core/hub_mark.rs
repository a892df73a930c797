//! The STATE mark of what Security Hub holds for a resource (attribute `securityHub`): written
//! by the store after an import, compared with a new record by [`crate::core::findings`].

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `Compliance.Status` of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HubStatus {
    /// The rule fails.
    Failed,
    /// The rule passes.
    Passed,
}

impl HubStatus {
    /// `FAILED` or `PASSED`.
    pub fn as_str(self) -> &'static str {
        match self {
            HubStatus::Failed => "FAILED",
            HubStatus::Passed => "PASSED",
        }
    }

    /// The `Workflow.Status` that goes with it: a passing check needs no one's attention.
    pub fn workflow(self) -> &'static str {
        match self {
            HubStatus::Failed => "NEW",
            HubStatus::Passed => "RESOLVED",
        }
    }
}

/// What Security Hub was last sent about one (resource, rule).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ExportedFinding {
    /// Its `Compliance.Status`.
    pub status: HubStatus,
    /// Its `CreatedAt` (kept across updates: when the finding was first imported).
    pub created_at: String,
    /// The note it was suppressed with (`Workflow.Status` `SUPPRESSED`), while its rule is
    /// exempted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<String>,
}

/// The STATE mark of what Security Hub holds for a resource (attribute `securityHub`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Exported {
    /// When its findings were last imported (epoch seconds).
    pub at: i64,
    /// The active findings, by rule id (archived ones are dropped).
    #[serde(default)]
    pub findings: BTreeMap<String, ExportedFinding>,
}
