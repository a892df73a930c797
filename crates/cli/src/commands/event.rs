//! `meshwarden event FILE`: print the routing decision of a CloudTrail record or EventBridge event.

use super::input;
use meshwarden_rules::event::{self, Decision};
use std::path::PathBuf;
use std::process::ExitCode;

/// Output formats of `event` (JSON only: the decision is for scripts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum EventFormat {
    /// One JSON object.
    Json,
}

/// Arguments of `meshwarden event`.
#[derive(Debug, clap::Args)]
pub struct EventArgs {
    /// The event file (`-` reads standard input).
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value = "json")]
    pub format: EventFormat,
}

/// Run the command.
pub fn run(args: &EventArgs) -> anyhow::Result<ExitCode> {
    let text = input::read_to_string(&args.file)?;
    let incoming =
        event::route_json(&text).map_err(|e| anyhow::anyhow!("{}: {e}", args.file.display()))?;
    println!("{}", serde_json::to_string(&Decision::of(&incoming))?);
    Ok(ExitCode::SUCCESS)
}
