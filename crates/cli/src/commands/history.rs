//! `meshwarden history RESOURCE`: one resource's compliance history, newest first.

use super::escape::Escaped;
use super::input::Format;
use super::resource_column::ResourceColumns;
use super::session::{connect, AwsArgs, Wants};
use super::state_view;
use super::table::Table;
use anyhow::{anyhow, Context};
use meshwarden_engine::core::ports::{ComplianceStore, HistoryQuery};
use meshwarden_engine::core::record::{rfc3339, HistoryItem};
use std::process::ExitCode;
use std::time::SystemTime;

/// Arguments of `meshwarden history`.
#[derive(Debug, clap::Args)]
pub struct HistoryArgs {
    /// mesh/NAME, mesh/NAME/virtualGateway/NAME, mesh/NAME/virtualNode/NAME or a stored id.
    pub resource: String,
    /// At most this many events.
    #[arg(long, default_value_t = 20)]
    pub limit: u32,
    /// Only events since this time: RFC 3339 (`2026-11-23T00:00:00Z`) or an age (`2h`, `7d`).
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Region of a RESOURCE given as a path (default: the configured region).
    #[arg(long)]
    pub region: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// `--since` as the RFC 3339 time history keys start with.
pub fn since(text: &str, now: SystemTime) -> anyhow::Result<String> {
    if let Ok(time) = humantime::parse_rfc3339_weak(text) {
        return Ok(rfc3339(time));
    }
    let age = humantime::parse_duration(text).with_context(|| {
        format!("--since {text:?}: expected an RFC 3339 time or an age like 2h or 7d")
    })?;
    Ok(rfc3339(
        now.checked_sub(age).unwrap_or(SystemTime::UNIX_EPOCH),
    ))
}

/// Items per store query.
const PAGE: u32 = 100;

/// Run the command.
pub async fn run(args: &HistoryArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    let since = args
        .since
        .as_deref()
        .map(|s| since(s, SystemTime::now()))
        .transpose()?;
    let session = connect(aws, Wants::in_region(args.region.clone())).await?;
    let resource = session.resource(&args.resource)?;
    let store = session.engine.store();
    let mut items: Vec<HistoryItem> = Vec::new();
    let mut cursor = None;
    while items.len() < args.limit as usize {
        let want = (args.limit as usize - items.len()).min(PAGE as usize) as u32;
        let query = HistoryQuery {
            limit: want,
            since: since.clone(),
            cursor,
        };
        let page = store
            .history(&resource.key(), &query)
            .await
            .map_err(|e| session.store_error(e))?;
        items.extend(page.items);
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    if items.is_empty()
        && store
            .state(&resource.key())
            .await
            .map_err(|e| session.store_error(e))?
            .is_none()
    {
        return Err(anyhow!("no record of {resource} in table {}", aws.table()));
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string(&items)?),
        Format::Table => {
            let columns = ResourceColumns::of([&resource]);
            let mut table = Table::new(&[
                "TIME",
                "EVENT",
                "ACTOR",
                "STATUS",
                "FAILED RULES",
                "EXEMPTED",
                "ACTION",
                "REASON",
            ]);
            for item in &items {
                let c = &item.common;
                table.row(vec![
                    c.event_time.clone(),
                    c.event_name.clone(),
                    state_view::actor(c),
                    state_view::status(c.status),
                    state_view::failed_rules(c),
                    state_view::exempted_rules(c),
                    state_view::action(c.action),
                    c.action_reason
                        .as_ref()
                        .map_or_else(String::new, ToString::to_string),
                ]);
            }
            println!("{}{}", Escaped(resource.path()), columns.caption());
            print!("{}", table.render());
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn since_reads_times_and_ages() {
        let now = humantime::parse_rfc3339("2026-11-23T12:00:00Z").unwrap();
        assert_eq!(
            since("2026-11-22T00:00:00Z", now).unwrap(),
            "2026-11-22T00:00:00Z"
        );
        assert_eq!(since("2h", now).unwrap(), "2026-11-23T10:00:00Z");
        assert!(since("yesterday-ish", now).is_err());
    }
}
