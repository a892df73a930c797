//! `meshwarden scan`: the audit procedure automated — list every resource of every service (App
//! Mesh meshes, virtual gateways and nodes; VPC Lattice service networks, services and target
//! groups), describe and evaluate each, across regions; optionally record like the sweep.

use super::check::{status_name, verdict_name};
use super::input::Format;
use super::regions;
use super::resource_column::ResourceColumns;
use super::rule_args::RuleArgs;
use super::session::{connect, AwsArgs, Wants};
use indicatif::{ProgressBar, ProgressStyle};
use meshwarden_engine::core::exemptions::ByResource;
use meshwarden_engine::core::ports::ComplianceStore;
use meshwarden_engine::core::record::{rfc3339, Record, Status};
use meshwarden_rules::verdict::{ComplianceStatus, VerdictStatus};
use serde_json::json;
use std::io::IsTerminal;
use std::process::ExitCode;
use std::time::SystemTime;

/// Arguments of `meshwarden scan`.
#[derive(Debug, clap::Args)]
pub struct ScanArgs {
    /// Region to scan (repeatable; default: the configured region).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,
    /// Scan every service in every region it is offered in (each service its own regions).
    #[arg(long, conflicts_with = "regions")]
    pub all_regions: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
    /// Record the results in the table, as the scheduled sweep does.
    #[arg(long)]
    pub record: bool,
    /// List compliant and not-applicable findings too (default: only non-compliant ones).
    #[arg(long)]
    pub all_findings: bool,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Run the command: exit 1 when anything is non-compliant.
pub async fn run(args: &ScanArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    let regions: Vec<String> = if args.all_regions {
        regions::any_service()
    } else {
        args.regions.clone()
    };
    let wants = Wants {
        region: regions.first().cloned(),
        regions,
        rules: Some(args.rules.config()),
        ..Wants::default()
    };
    let session = connect(aws, wants).await?;
    let engine = &session.engine;
    let bar = (args.format == Format::Table && std::io::stderr().is_terminal()).then(|| {
        let bar = ProgressBar::new(0);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {pos}/{len} resources evaluated")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let progress = |done: usize, total: usize| {
        if let Some(bar) = &bar {
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    };
    let now = SystemTime::now();
    let scan_id = format!("scan-{}", humantime::format_rfc3339_seconds(now));
    let mut covered = engine.sweep_scopes().await?;
    if args.all_regions {
        covered
            .scopes
            .retain(|s| regions::offered_in(s.service).contains(&s.region.as_str()));
    }
    if covered.errors > 0 {
        eprintln!(
            "meshwarden: member accounts not discovered: scanning the configured accounts only"
        );
    }
    // Exemptions are the table's: a scan that records judges by them, one that only looks
    // needs no table at all.
    let exemptions = match args.record {
        true => engine.exemptions_by_resource().await?,
        false => ByResource::default(),
    };
    let scan = engine
        .scan(
            &covered.scopes,
            &exemptions,
            &scan_id,
            &rfc3339(now),
            &progress,
        )
        .await?;
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let recorded = match args.record {
        true => Some(
            engine
                .store()
                .record_sweep(&scan.records)
                .await
                .map_err(|e| session.store_error(e))?
                .iter()
                .filter(|w| w.updated)
                .count(),
        ),
        false => None,
    };
    let non_compliant = scan
        .records
        .iter()
        .filter(|r| r.status == Status::NonCompliant)
        .count();
    let shown = |r: &Record| -> Vec<(String, String, &'static str, String)> {
        r.findings
            .iter()
            .filter(|f| args.all_findings || f.verdict == VerdictStatus::NonCompliant)
            .map(|f| {
                (
                    f.rule.to_string(),
                    f.severity.to_string(),
                    verdict_name(f.verdict),
                    f.reason.as_deref().unwrap_or_default().to_owned(),
                )
            })
            .collect()
    };
    match args.format {
        Format::Json => {
            let resources: Vec<_> = scan
                .records
                .iter()
                .map(|r| {
                    let mut out = json!({"resource": r.resource.key(), "kind": r.resource.kind,
                                         "region": r.resource.region, "id": r.resource.id});
                    for (member, value) in r.resource.id_members() {
                        out[member] = value;
                    }
                    out["version"] = json!(r.identity.version);
                    out["status"] = json!(r.status);
                    out["findings"] = json!(r.findings);
                    out
                })
                .collect();
            let summary = json!({"regions": engine.config().regions, "resources": scan.records.len(),
                "nonCompliant": non_compliant, "compliant": scan.records.len() - non_compliant,
                "vanished": scan.vanished, "errors": scan.errors, "recorded": recorded});
            println!("{}", json!({"resources": resources, "summary": summary}));
        }
        Format::Table => {
            let rows: Vec<_> = scan
                .records
                .iter()
                .flat_map(|record| shown(record).into_iter().map(move |row| (record, row)))
                .collect();
            let columns = ResourceColumns::of(rows.iter().map(|(record, _)| &record.resource));
            let mut table = columns.table(&["RULE", "SEVERITY", "VERDICT", "REASON"]);
            for (record, (rule, severity, verdict, reason)) in rows {
                table.row(columns.row(
                    &record.resource,
                    vec![rule, severity, verdict.to_owned(), reason],
                ));
            }
            print!("{}", table.render());
            let status = if non_compliant > 0 {
                ComplianceStatus::NonCompliant
            } else {
                ComplianceStatus::Compliant
            };
            println!(
                "{}: {} resources in {} — {} non-compliant, {} compliant{}{}{}",
                status_name(status),
                scan.records.len(),
                engine.config().regions.join(", "),
                non_compliant,
                scan.records.len() - non_compliant,
                if scan.errors > 0 {
                    format!(", {} could not be described", scan.errors)
                } else {
                    String::new()
                },
                recorded
                    .map(|_| format!(", recorded in {}", engine.config().table))
                    .unwrap_or_default(),
                columns.caption(),
            );
        }
    }
    Ok(if non_compliant > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
