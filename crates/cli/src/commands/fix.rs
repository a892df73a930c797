//! `meshwarden fix FILE`: print the remediated document, or say why it cannot be fixed.

use super::check::exit_code;
use super::input;
use super::rule_args::RuleArgs;
use meshwarden_rules::catalog::{self, EvalContext, RemediationContext};
use meshwarden_rules::verdict::ComplianceStatus;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `meshwarden fix`.
#[derive(Debug, clap::Args)]
pub struct FixArgs {
    /// A describe-* output (`-` = stdin).
    pub file: PathBuf,
    #[command(flatten)]
    pub rules: RuleArgs,
}

/// Run the command: the document on stdout (same shape as the input), what was applied and
/// skipped on stderr; exit 0 when the result is compliant, 1 when rules remain violated.
pub fn run(args: &FixArgs) -> anyhow::Result<ExitCode> {
    let resource = input::read_resource(&args.file)?;
    let config = args.rules.config();
    let ctx = EvalContext {
        config: &config,
        tags: None,
    };
    let plan = catalog::remediate(
        &resource,
        &ctx,
        &RemediationContext {
            config: &config,
            last_compliant: None,
        },
    );
    println!(
        "{}",
        serde_json::to_string_pretty(&plan.resource.to_describe_value())?
    );
    for rule in &plan.applied {
        eprintln!("fixed: {rule}");
    }
    for skipped in &plan.skipped {
        eprintln!("skipped: {}: {}", skipped.rule, skipped.reason);
    }
    Ok(exit_code(ComplianceStatus::of(&catalog::evaluate(
        &plan.resource,
        &ctx,
    ))))
}
