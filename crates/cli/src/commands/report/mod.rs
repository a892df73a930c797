//! `meshwarden report`: the drift report, one self-contained HTML file.
//!
//! It reads the table through the queries `status` and `history` use, never a scan: the
//! resources non-compliant now (index `nonCompliant`, every account and region), the live
//! resources of each service in the caller's account and region (index `live`), then each
//! resource's STATE item and history (queries on its partition), and every exemption (index
//! `exemptions`).

pub mod exemptions;
pub mod html;
pub mod model;
pub mod timeline;

use super::history::since;
use super::session::{connect, AwsArgs, Session, Wants};
use anyhow::Context;
use exemptions::ExemptionRow;
use indicatif::{ProgressBar, ProgressStyle};
use meshwarden_engine::core::ports::{ComplianceStore, HistoryQuery, Scope};
use meshwarden_engine::core::record::{rfc3339, HistoryItem, StateItem, Status};
use meshwarden_rules::resource::{AwsService, ResourceRef};
use model::{history_is_enough, ReportData, ResourceReport};
use std::collections::BTreeMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::SystemTime;

/// Arguments of `meshwarden report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Where to write the HTML (default: meshwarden-report.html; `-` = stdout).
    #[arg(long, default_value = "meshwarden-report.html", value_name = "FILE")]
    pub out: PathBuf,
    /// Start of the period: RFC 3339 or an age (`2h`, `7d`).
    #[arg(long, default_value = "7d", value_name = "AGE|TIME")]
    pub since: String,
    /// Only these services (`appmesh`, `vpc-lattice`; repeatable; default: every one).
    #[arg(long = "service", value_name = "S", value_parser = parse_service)]
    pub services: Vec<AwsService>,
    /// Region whose live resources are listed (default: the configured region); the
    /// non-compliant ones of every region are always included.
    #[arg(long)]
    pub region: Option<String>,
}

fn parse_service(text: &str) -> Result<AwsService, String> {
    AwsService::ALL
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| {
            let known: Vec<&str> = AwsService::ALL.iter().map(|s| s.as_str()).collect();
            format!(
                "unknown service {text:?}: expected one of {}",
                known.join(", ")
            )
        })
}

/// History items per query.
const PAGE: u32 = 100;
/// At most this many history items are read per resource.
const MAX_HISTORY: usize = 1_000;

/// Run the command.
pub async fn run(args: &ReportArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    let now = SystemTime::now();
    let since = since(&args.since, now)?;
    let services = if args.services.is_empty() {
        AwsService::ALL.to_vec()
    } else {
        args.services.clone()
    };
    let session = connect(aws, Wants::in_region(args.region.clone())).await?;
    let progress = Progress::new();
    let data = gather(&session, &services, &since, now, &progress).await?;
    progress.done();
    let page = html::render(&data);
    if args.out.as_os_str() == "-" {
        print!("{page}");
    } else {
        std::fs::write(&args.out, page)
            .with_context(|| format!("cannot write {}", args.out.display()))?;
        eprintln!(
            "report of {} resource(s), {} non-compliant, written to {}",
            data.resources.len(),
            data.non_compliant().len(),
            args.out.display()
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Read what the report shows.
async fn gather(
    session: &Session,
    services: &[AwsService],
    since: &str,
    now: SystemTime,
    progress: &Progress,
) -> anyhow::Result<ReportData> {
    let store = session.engine.store();
    let wanted =
        |id: &str| ResourceRef::from_key(id).is_ok_and(|r| services.contains(&r.service()));
    let mut states: BTreeMap<String, Option<StateItem>> = BTreeMap::new();
    for item in session
        .non_compliant_now()
        .await?
        .into_iter()
        .filter(|i| wanted(&i.common.pk))
    {
        states.insert(item.common.pk.clone(), Some(item));
    }
    for service in services {
        let scope = Scope {
            service: *service,
            account: session.account.clone(),
            region: session.region.clone(),
        };
        for id in store
            .live_ids(&scope.id())
            .await
            .map_err(|e| session.store_error(e))?
        {
            states.entry(id).or_insert(None);
        }
    }
    progress.start(states.len());
    let mut resources = Vec::with_capacity(states.len());
    for (id, known) in states {
        let state = match known {
            Some(state) => Some(state),
            None => store.state(&id).await.map_err(|e| session.store_error(e))?,
        };
        if let Some(state) = state {
            let non_compliant = state.common.status == Status::NonCompliant;
            let (history, history_complete) =
                read_history(session, &id, since, non_compliant).await?;
            resources.push(ResourceReport {
                state,
                history,
                history_complete,
            });
        }
        progress.inc();
    }
    Ok(ReportData {
        table: session.engine.config().table.clone(),
        generated_at: rfc3339(now),
        since: since.to_owned(),
        resources,
        exemptions: exemption_rows(session, &wanted).await?,
    })
}

/// Every exemption of the wanted services (the sparse `exemptions` index, no scan), by
/// resource then rule.
async fn exemption_rows(
    session: &Session,
    wanted: impl Fn(&str) -> bool,
) -> anyhow::Result<Vec<ExemptionRow>> {
    let items = session
        .engine
        .store()
        .all_exemptions()
        .await
        .map_err(|e| session.store_error(e))?;
    let mut rows: Vec<ExemptionRow> = items
        .into_iter()
        .filter_map(|item| {
            let resource = ResourceRef::from_key(&item.pk).ok()?;
            wanted(&item.pk).then(|| ExemptionRow {
                resource: resource.path(),
                rule: item.rule,
                reason: item.reason,
                until: item.until,
                created_by: item.created_by,
                created_at: item.created_at,
            })
        })
        .collect();
    rows.sort_by(|a, b| (&a.resource, &a.rule).cmp(&(&b.resource, &b.rule)));
    Ok(rows)
}

/// One resource's history, newest first, as far back as [`history_is_enough`] asks, and
/// whether that is all of it.
async fn read_history(
    session: &Session,
    id: &str,
    since: &str,
    non_compliant: bool,
) -> anyhow::Result<(Vec<HistoryItem>, bool)> {
    let store = session.engine.store();
    let mut items: Vec<HistoryItem> = Vec::new();
    let mut cursor = None;
    while items.len() < MAX_HISTORY {
        let query = HistoryQuery {
            limit: PAGE,
            since: None,
            cursor,
        };
        let page = store
            .history(id, &query)
            .await
            .map_err(|e| session.store_error(e))?;
        items.extend(page.items);
        match page.next {
            None => return Ok((items, true)),
            Some(_) if history_is_enough(&items, since, non_compliant) => break,
            Some(next) => cursor = Some(next),
        }
    }
    Ok((items, false))
}

/// A progress bar on stderr when it is a terminal; nothing otherwise.
struct Progress(Option<ProgressBar>);

impl Progress {
    fn new() -> Self {
        Progress(std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new_spinner();
            bar.set_message("reading the non-compliant and live resources");
            bar
        }))
    }

    fn start(&self, total: usize) {
        if let Some(bar) = &self.0 {
            bar.set_length(total as u64);
            bar.set_style(
                ProgressStyle::with_template("{bar:30} {pos}/{len} resources read")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
        }
    }

    fn inc(&self) {
        if let Some(bar) = &self.0 {
            bar.inc(1);
        }
    }

    fn done(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
