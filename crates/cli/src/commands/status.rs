//! `meshwarden status`: the current state, from the table's sparse index (never a table scan).

use super::input::Format;
use super::resource_column::ResourceColumns;
use super::session::{connect, AwsArgs, Wants};
use super::state_view;
use anyhow::anyhow;
use meshwarden_engine::core::ports::ComplianceStore;
use meshwarden_engine::core::record::StateItem;
use std::process::ExitCode;

/// Arguments of `meshwarden status`.
#[derive(Debug, clap::Args)]
pub struct StatusArgs {
    /// One resource (mesh/NAME[/virtualGateway|virtualNode/NAME] or a stored id); without it,
    /// every non-compliant resource.
    pub resource: Option<String>,
    /// List the resources non-compliant now (the default without RESOURCE; listing every
    /// resource would need a table scan and is deliberately not offered).
    #[arg(long, conflicts_with = "resource")]
    pub non_compliant: bool,
    /// Region of a RESOURCE given as a path (default: the configured region).
    #[arg(long)]
    pub region: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Run the command.
pub async fn run(args: &StatusArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    let session = connect(aws, Wants::in_region(args.region.clone())).await?;
    let store = session.engine.store();
    let items: Vec<StateItem> = match &args.resource {
        Some(text) => {
            let resource = session.resource(text)?;
            let state = store
                .state(&resource.key())
                .await
                .map_err(|e| session.store_error(e))?;
            vec![state.ok_or_else(|| anyhow!("no record of {resource} in table {}", aws.table()))?]
        }
        None => session.non_compliant_now().await?,
    };
    match args.format {
        Format::Json => println!("{}", serde_json::to_string(&items)?),
        Format::Table => {
            let resources: Vec<_> = items.iter().map(|i| i.common.resource()).collect();
            let columns = ResourceColumns::of(&resources);
            let mut table = columns.table(&[
                "STATUS",
                "FAILED RULES",
                "EXEMPTED",
                "ACTION",
                "LAST EVENT",
                "ACTOR",
                "EVALUATED",
            ]);
            for (item, resource) in items.iter().zip(&resources) {
                let c = &item.common;
                table.row(columns.row(
                    resource,
                    vec![
                        state_view::status(c.status),
                        state_view::failed_rules(c),
                        state_view::exempted_rules(c),
                        state_view::action(c.action),
                        c.event_name.clone(),
                        state_view::actor(c),
                        c.evaluated_at.clone(),
                    ],
                ));
            }
            print!("{}", table.render());
            if args.resource.is_none() {
                println!(
                    "{} non-compliant resource(s) in table {}{}",
                    items.len(),
                    aws.table(),
                    columns.caption()
                );
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
