//! `meshwarden check FILE`: evaluate a describe-* document offline.

use super::escape::Escaped;
use super::input::{self, Format};
use super::rule_args::RuleArgs;
use super::table::Table;
use meshwarden_rules::catalog::{self, EvalContext};
use meshwarden_rules::model::Resource;
use meshwarden_rules::resource::ResourceKind;
use meshwarden_rules::verdict::{ComplianceStatus, Finding, Severity, VerdictStatus};
use serde::Serialize;
use serde_json::{Map, Value};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `meshwarden check`.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// A describe-* output: `{"mesh": …}`, `{"virtualGateway": …}` or `{"virtualNode": …}` (`-` = stdin).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// The resource a report is about.
#[derive(Debug, Serialize)]
pub struct ResourceSummary {
    /// Its kind.
    pub kind: ResourceKind,
    /// Its id inside its service (`{mesh}/{name}`, `sn-…`).
    pub id: String,
    /// The members naming the id's parts (App Mesh's `mesh` and `name`).
    #[serde(flatten)]
    pub id_members: Map<String, Value>,
    /// `metadata.version`.
    pub version: Option<i64>,
}

impl ResourceSummary {
    /// Summarise a resource.
    pub fn of(resource: &Resource) -> Self {
        let (kind, id) = (resource.kind(), resource.local_id());
        let id_members = (kind.service().spec().id_members)(kind, &id)
            .into_iter()
            .map(|(member, value)| (member.to_owned(), value))
            .collect();
        ResourceSummary {
            kind,
            id,
            id_members,
            version: resource.version(),
        }
    }
}

/// A finding with `reason` always present (null when compliant), for a stable output shape.
#[derive(Debug, Serialize)]
pub struct FindingOut<'a> {
    /// Rule id.
    pub rule: &'a str,
    /// Severity.
    pub severity: Severity,
    /// Verdict.
    pub verdict: VerdictStatus,
    /// Why.
    pub reason: Option<&'a str>,
}

/// `check --format json`.
#[derive(Debug, Serialize)]
pub struct CheckReport<'a> {
    /// The resource.
    pub resource: ResourceSummary,
    /// Overall status.
    pub status: ComplianceStatus,
    /// One finding per rule of the resource's kind.
    pub findings: Vec<FindingOut<'a>>,
}

/// The findings as rows: rule, severity, verdict, reason.
pub fn finding_rows(findings: &[Finding]) -> impl Iterator<Item = Vec<String>> + '_ {
    findings.iter().map(|f| {
        vec![
            f.rule.to_string(),
            f.severity.to_string(),
            verdict_name(f.verdict).to_owned(),
            f.reason.as_deref().unwrap_or_default().to_owned(),
        ]
    })
}

/// `COMPLIANT`, `NON_COMPLIANT` or `NOT_APPLICABLE`.
pub fn verdict_name(verdict: VerdictStatus) -> &'static str {
    match verdict {
        VerdictStatus::Compliant => "COMPLIANT",
        VerdictStatus::NonCompliant => "NON_COMPLIANT",
        VerdictStatus::NotApplicable => "NOT_APPLICABLE",
        VerdictStatus::Exempted => "EXEMPTED",
    }
}

/// Exit 0 when compliant, 1 when not.
pub fn exit_code(status: ComplianceStatus) -> ExitCode {
    match status {
        ComplianceStatus::Compliant => ExitCode::SUCCESS,
        ComplianceStatus::NonCompliant => ExitCode::from(1),
    }
}

/// Run the command.
pub fn run(args: &CheckArgs) -> anyhow::Result<ExitCode> {
    let resource = input::read_resource(&args.file)?;
    let config = args.rules.config();
    let findings = catalog::evaluate(
        &resource,
        &EvalContext {
            config: &config,
            tags: None,
        },
    );
    let status = ComplianceStatus::of(&findings);
    match args.format {
        Format::Json => {
            let report = CheckReport {
                resource: ResourceSummary::of(&resource),
                status,
                findings: findings
                    .iter()
                    .map(|f| FindingOut {
                        rule: &f.rule,
                        severity: f.severity,
                        verdict: f.verdict,
                        reason: f.reason.as_deref(),
                    })
                    .collect(),
            };
            println!("{}", serde_json::to_string(&report)?);
        }
        Format::Table => {
            // The id inside its service: `mesh/name` in App Mesh, `sn-…` in VPC Lattice.
            let label = Escaped(resource.local_id());
            println!("{} {label}: {}", resource.kind(), status_name(status));
            let mut table = Table::new(&["RULE", "SEVERITY", "VERDICT", "REASON"]);
            finding_rows(&findings).for_each(|row| table.row(row));
            print!("{}", table.render());
        }
    }
    Ok(exit_code(status))
}

/// `COMPLIANT` or `NON_COMPLIANT`.
pub fn status_name(status: ComplianceStatus) -> &'static str {
    match status {
        ComplianceStatus::Compliant => "COMPLIANT",
        ComplianceStatus::NonCompliant => "NON_COMPLIANT",
    }
}
