//! `meshwarden`: the operator's command line.
//!
//! Every command returns an exit code; any error is printed as one line on stderr and exits 2
//! (bad input, unreadable file, malformed JSON), so scripts can tell "non-compliant" (1) from
//! "could not tell" (2).

mod commands;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// Meshwarden: App Mesh compliance rules, event routing and remediation.
#[derive(Debug, Parser)]
#[command(name = "meshwarden", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List the rules catalog (or, with --events, the event names the router handles).
    Rules(commands::rules::RulesArgs),
    /// Evaluate a describe-* document: exit 0 compliant, 1 non-compliant, 2 bad input.
    Check(commands::check::CheckArgs),
    /// Print the remediated describe-* document, or why a rule cannot be fixed.
    Fix(commands::fix::FixArgs),
    /// Print the routing decision for a CloudTrail record or EventBridge event.
    Event(commands::event::EventArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match &cli.command {
        Command::Rules(args) => commands::rules::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Fix(args) => commands::fix::run(args),
        Command::Event(args) => commands::event::run(args),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            eprintln!("meshwarden: {err:#}");
            ExitCode::from(2)
        }
    }
}
