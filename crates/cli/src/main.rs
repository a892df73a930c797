//! `meshwarden`: the operator's command line.
//!
//! Offline commands (`rules`, `check`, `fix`, `event`) work on files. Operator commands (`scan`,
//! `status`, `history`, `exempt`, `remediate`, `replay`, `dlq replay`, `report`) use AWS credentials the usual way
//! (profiles, SSO, environment; `--endpoint-url` for an emulator) and the same engine as the
//! Lambda.
//!
//! Every error is printed as one line on stderr and exits 2, so scripts can tell
//! "non-compliant" (1) from "could not tell" (2).

mod commands;

use clap::{Parser, Subcommand};
use commands::session::AwsArgs;
use std::process::ExitCode;

/// Meshwarden: App Mesh and VPC Lattice compliance rules, event routing, remediation and compliance history.
#[derive(Debug, Parser)]
#[command(name = "meshwarden", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    aws: AwsArgs,
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
    /// Evaluate every mesh, virtual gateway and virtual node in one or more regions: exit 1 when
    /// anything is non-compliant.
    Scan(commands::scan::ScanArgs),
    /// Current state from the table: one resource, or everything non-compliant now.
    Status(commands::status::StatusArgs),
    /// One resource's compliance history, newest first.
    History(commands::history::HistoryArgs),
    /// Accept a rule's failure on a resource for a while: add, list or remove exemptions.
    Exempt(commands::exempt::ExemptArgs),
    /// Show the change that makes a resource compliant; apply it with --apply.
    Remediate(commands::remediate::RemediateArgs),
    /// Run one CloudTrail/EventBridge event through the responder pipeline.
    Replay(commands::replay::ReplayArgs),
    /// The responder's dead-letter queue: re-drive its messages through the pipeline.
    Dlq(commands::dlq::DlqArgs),
    /// Write the drift report: one self-contained HTML file.
    Report(commands::report::ReportArgs),
}

fn main() -> ExitCode {
    // Output piped into `head` and the like: stop quietly when the reader goes away, as Unix
    // tools do, instead of panicking in `println!` on the broken pipe.
    sigpipe::reset();
    let cli = Cli::parse();
    let aws = &cli.aws;
    let outcome = match &cli.command {
        Command::Rules(args) => commands::rules::run(args),
        Command::Check(args) => commands::check::run(args),
        Command::Fix(args) => commands::fix::run(args),
        Command::Event(args) => commands::event::run(args),
        Command::Scan(args) => block_on(commands::scan::run(args, aws)),
        Command::Status(args) => block_on(commands::status::run(args, aws)),
        Command::History(args) => block_on(commands::history::run(args, aws)),
        Command::Exempt(args) => block_on(commands::exempt::run(args, aws)),
        Command::Remediate(args) => block_on(commands::remediate::run(args, aws)),
        Command::Replay(args) => block_on(commands::replay::run(args, aws)),
        Command::Dlq(args) => block_on(commands::dlq::run(args, aws)),
        Command::Report(args) => block_on(commands::report::run(args, aws)),
    };
    match outcome {
        Ok(code) => code,
        Err(err) => {
            let line = format!("{err:#}").replace('\n', " ");
            eprintln!("meshwarden: {}", commands::escape::escaped(&line));
            ExitCode::from(2)
        }
    }
}

/// Run an operator command on a runtime built for it (the offline commands need none).
fn block_on(
    command: impl std::future::Future<Output = anyhow::Result<ExitCode>>,
) -> anyhow::Result<ExitCode> {
    tokio::runtime::Runtime::new()?.block_on(command)
}
