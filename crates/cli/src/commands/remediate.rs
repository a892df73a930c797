//! `meshwarden remediate RESOURCE`: show the exact change (a diff of the spec); apply it, through
//! the responder's own pipeline, only with `--apply`.

use super::cli_event;
use super::escape::Escaped;
use super::rule_args::RuleArgs;
use super::session::{connect, AwsArgs, Wants};
use anyhow::anyhow;
use meshwarden_engine::core::exemptions::ExemptionItem;
use meshwarden_engine::core::ports::{ComplianceStore, ResourceReader};
use meshwarden_engine::core::step::{self, Guards, Plan};
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{AutoRevert, Handled};
use meshwarden_rules::model::Resource;
use similar::TextDiff;
use std::process::ExitCode;
use std::time::SystemTime;

/// Event name recorded for remediations made from the command line.
pub const EVENT_NAME: &str = "MeshwardenRemediate";

/// Arguments of `meshwarden remediate`.
#[derive(Debug, clap::Args)]
pub struct RemediateArgs {
    /// mesh/NAME, mesh/NAME/virtualGateway/NAME, mesh/NAME/virtualNode/NAME or a stored id.
    pub resource: String,
    /// Apply the change (default: only show it).
    #[arg(long)]
    pub apply: bool,
    /// Region of a RESOURCE given as a path (default: the configured region).
    #[arg(long)]
    pub region: Option<String>,
    #[command(flatten)]
    pub rules: RuleArgs,
}

fn pretty(resource: &Resource) -> String {
    serde_json::to_string_pretty(&resource.to_describe_value()).unwrap_or_default() + "\n"
}

/// Run the command: exit 0 when the resource is (or would be) compliant afterwards, 1 otherwise.
pub async fn run(args: &RemediateArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    let wants = Wants {
        region: args.region.clone(),
        auto_revert: Some(AutoRevert::On),
        rules: Some(args.rules.config()),
        ..Wants::default()
    };
    let session = connect(aws, wants).await?;
    let engine = &session.engine;
    let resource = session.resource(&args.resource)?;
    let shown = Escaped(&resource);
    let described = engine
        .resources()
        .describe(&resource)
        .await?
        .ok_or_else(|| anyhow!("{shown} does not exist"))?;
    let tags = engine
        .tags_if_needed(&resource, &described.snapshot)
        .await?;
    let last_compliant = engine
        .store()
        .last_compliant(&resource.key())
        .await
        .map_err(|e| session.store_error(e))?
        .and_then(|doc| Resource::from_describe_value(&doc).ok());
    let config = engine.config();
    let exemptions = engine
        .store()
        .exemptions(&resource.key())
        .await
        .map_err(|e| session.store_error(e))?;
    let exemptions: Vec<_> = exemptions.iter().map(ExemptionItem::exemption).collect();
    let mut assessment = step::assess(&described.resource, tags.as_deref(), &config.rules);
    step::exempt(&mut assessment, &exemptions, SystemTime::now());
    let guards = Guards {
        mode: AutoRevert::On,
        own_change: false,
        own_account: Some(&session.account),
    };
    let plan = step::plan(
        &described.resource,
        &assessment,
        &guards,
        tags.as_deref(),
        &config.rules,
        last_compliant.as_ref(),
    );
    let (patched, applied, note) = match plan {
        Plan::Revert {
            patched,
            applied,
            note,
        } => (patched, applied, note),
        Plan::Record => {
            println!("{shown}: nothing to change");
            return Ok(ExitCode::SUCCESS);
        }
        Plan::Skip(reason) => return Ok(skipped(&shown, &reason)),
        Plan::WouldRevert {
            note: Some(reason), ..
        } => return Ok(skipped(&shown, &reason)),
        Plan::WouldRevert { note: None, .. } => {
            println!("{shown}: nothing to change");
            return Ok(ExitCode::from(1));
        }
    };
    if let Some(note) = &note {
        eprintln!("skipped: {note}");
    }
    let (before, after) = (pretty(&described.resource), pretty(&patched));
    print!(
        "{}",
        TextDiff::from_lines(&before, &after)
            .unified_diff()
            .header(&format!("{shown} (now)"), "remediated")
    );
    println!("rules fixed: {}", applied.join(", "));
    if !args.apply {
        println!("(not applied: pass --apply to make this change)");
        return Ok(ExitCode::from(u8::from(note.is_some())));
    }
    let routed = cli_event::evaluate(&resource, EVENT_NAME, &session.account);
    let handled = engine.run(&routed, &Invocation::new()).await?;
    println!("{}", serde_json::to_string(&handled)?);
    let compliant =
        matches!(&handled, Handled::Evaluated(report) if report.non_compliant_rules.is_empty());
    Ok(ExitCode::from(u8::from(!compliant)))
}

/// Say why nothing is changed (exit code 1).
fn skipped(resource: &impl std::fmt::Display, reason: &dyn std::fmt::Display) -> ExitCode {
    eprintln!("skipped: {reason}");
    println!("{resource}: nothing to change");
    ExitCode::from(1)
}
