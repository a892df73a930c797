//! `meshwarden replay EVENT_FILE`: run one CloudTrail/EventBridge event through the responder's
//! pipeline from a laptop (it records, and with `--auto-revert on` reverts, like the Lambda).

use super::input;
use super::session::{connect, AwsArgs, Session, Wants};
use anyhow::Context;
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::AutoRevert;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `meshwarden replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// The event (`-` reads standard input).
    pub file: PathBuf,
    #[command(flatten)]
    pub pipeline: PipelineArgs,
}

/// How a replay configures the responder's pipeline (`replay` and `dlq replay`).
#[derive(Debug, Clone, clap::Args)]
pub struct PipelineArgs {
    /// Auto-revert mode for this run (default: AUTO_REVERT, else off).
    #[arg(long, value_parser = parse_mode)]
    pub auto_revert: Option<AutoRevert>,
    /// Region of the clients and the table (the event's own region is used for the resource;
    /// `dlq replay` reads the queue in the region its URL names).
    #[arg(long)]
    pub region: Option<String>,
}

impl PipelineArgs {
    /// Build the engine as the Lambda's, with this run's region and auto-revert mode.
    pub async fn connect(&self, aws: &AwsArgs) -> anyhow::Result<Session> {
        connect(
            aws,
            Wants {
                region: self.region.clone(),
                auto_revert: self.auto_revert,
                ..Wants::default()
            },
        )
        .await
    }
}

/// How a failure the Lambda would retry is reported.
pub const TRANSIENT: &str = "transient failure (the Lambda would return an error and be retried)";

fn parse_mode(text: &str) -> Result<AutoRevert, String> {
    text.parse()
        .map_err(|_| "expected off, dry-run or on".to_owned())
}

/// Run the command: prints what the handler returned, exactly as the Lambda would.
pub async fn run(args: &ReplayArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    let text = input::read_to_string(&args.file)?;
    let event: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{}: not valid JSON", args.file.display()))?;
    let session = args.pipeline.connect(aws).await?;
    let handled = session
        .engine
        .run(&event, &Invocation::new())
        .await
        .context(TRANSIENT)?;
    println!("{}", serde_json::to_string(&handled)?);
    Ok(ExitCode::SUCCESS)
}
