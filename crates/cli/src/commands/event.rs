//! `meshwarden event FILE`: print the routing decision (being written).

use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `meshwarden event`.
#[derive(Debug, clap::Args)]
pub struct EventArgs {
    /// The event file (`-` reads standard input).
    pub file: PathBuf,
}

/// Run the command.
pub fn run(args: &EventArgs) -> anyhow::Result<ExitCode> {
    let _text = super::input::read_to_string(&args.file)?;
    Ok(ExitCode::from(2))
}
