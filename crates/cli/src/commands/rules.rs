//! `meshwarden rules`: the catalog, or the event names the router handles.

use super::table::Table;
use meshwarden_rules::catalog::{self, RuleMeta};
use meshwarden_rules::event::HANDLED_EVENT_NAMES;
use std::process::ExitCode;

/// Output formats of `rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RulesFormat {
    /// Aligned text.
    Table,
    /// JSON array.
    Json,
    /// The rule reference (`docs/rules.md`).
    Markdown,
}

/// Arguments of `meshwarden rules`.
#[derive(Debug, clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: RulesFormat,
    /// List the CloudTrail event names the router acts on instead (the EventBridge rule's list).
    #[arg(long)]
    pub events: bool,
}

/// Run the command.
pub fn run(args: &RulesArgs) -> anyhow::Result<ExitCode> {
    let text = match (args.events, args.format) {
        (true, RulesFormat::Json) => serde_json::to_string_pretty(&HANDLED_EVENT_NAMES)? + "\n",
        (true, _) => HANDLED_EVENT_NAMES.join("\n") + "\n",
        (false, RulesFormat::Json) => {
            let metas: Vec<&RuleMeta> = catalog::rules().iter().map(|r| r.meta()).collect();
            serde_json::to_string_pretty(&metas)? + "\n"
        }
        (false, RulesFormat::Markdown) => catalog::render_markdown(),
        (false, RulesFormat::Table) => {
            let mut table = Table::new(&["ID", "RESOURCE", "SEVERITY", "FIELD", "TITLE"]);
            for rule in catalog::rules() {
                let m = rule.meta();
                table.row(vec![
                    m.id.into(),
                    m.kinds_label(),
                    m.severity.to_string(),
                    m.field.into(),
                    m.title.into(),
                ]);
            }
            table.render()
        }
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}
