//! `meshwarden replay EVENT_FILE`: run one CloudTrail/EventBridge event through the responder's
//! pipeline from a laptop (it records, and with `--auto-revert on` reverts, like the Lambda).

use super::input;
use super::session::{connect, AwsArgs, Wants};
use anyhow::Context;
use meshwarden_engine::AutoRevert;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `meshwarden replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// The event (`-` reads standard input).
    pub file: PathBuf,
    /// Auto-revert mode for this run (default: AUTO_REVERT, else off).
    #[arg(long, value_parser = parse_mode)]
    pub auto_revert: Option<AutoRevert>,
    /// Region of the clients (the event's own region is used for the resource).
    #[arg(long)]
    pub region: Option<String>,
}

fn parse_mode(text: &str) -> Result<AutoRevert, String> {
    text.parse()
        .map_err(|_| "expected off, dry-run or on".to_owned())
}

/// Run the command: prints what the handler returned, exactly as the Lambda would.
pub async fn run(args: &ReplayArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    let text = input::read_to_string(&args.file)?;
    let event: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not valid JSON", args.file.display()))?;
    let session = connect(
        aws,
        Wants {
            region: args.region.clone(),
            auto_revert: args.auto_revert,
            ..Wants::default()
        },
    )
    .await?;
    let handled = session
        .engine
        .handle(&event)
        .await
        .context("transient failure (the Lambda would return an error and be retried)")?;
    println!("{}", serde_json::to_string(&handled)?);
    Ok(ExitCode::SUCCESS)
}
