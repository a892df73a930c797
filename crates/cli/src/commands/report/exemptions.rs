//! The report's exemptions section: one row per exemption item (`pk` = the resource's stored
//! id, `sk` = `EXEMPT#{ruleId}`; attributes `rule`, `reason`, `until`, `createdBy`,
//! `createdAt`). Rendering only: the rows are read where the report reads the table, so wiring
//! the exemption items in is filling [`super::model::ReportData::exemptions`].

use maud::{html, Markup};

/// One exemption as the report shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExemptionRow {
    /// The resource's short path.
    pub resource: String,
    /// The exempted rule id.
    pub rule: String,
    /// Why it is exempted.
    pub reason: String,
    /// When it ends (RFC 3339).
    pub until: String,
    /// Who created it (caller ARN).
    pub created_by: String,
    /// When it was created (RFC 3339).
    pub created_at: String,
}

impl ExemptionRow {
    /// Whether it has ended at `now` (RFC 3339, compared as text: both are UTC `Z` times).
    pub fn ended(&self, now: &str) -> bool {
        self.until.as_str() <= now
    }
}

/// The exemptions section: a table of the rows, ended ones marked, or a line saying there are
/// none.
pub fn section(rows: &[ExemptionRow], now: &str) -> Markup {
    html! {
        section #exemptions {
            h2 { "Exemptions" }
            @if rows.is_empty() {
                p.muted { "No exemptions recorded." }
            } @else {
                table {
                    thead { tr { th { "Resource" } th { "Rule" } th { "Reason" } th { "Until" } th { "By" } } }
                    tbody {
                        @for row in rows {
                            tr class=[row.ended(now).then_some("ended")] {
                                td.mono { (row.resource) }
                                td.mono { (row.rule) }
                                td { (row.reason) }
                                td { (row.until) @if row.ended(now) { " " span.badge.low { "ended" } } }
                                td.mono.small { (row.created_by) " · " (row.created_at) }
                            }
                        }
                    }
                }
            }
        }
    }
}
