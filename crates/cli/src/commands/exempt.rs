//! `meshwarden exempt add|list|remove`: accept a rule's failure on a resource until a set time.
//! Every change is recorded with who made it and re-evaluated through the responder's pipeline
//! (auto-revert off: the re-evaluation records, it never reverts), so `status` and the
//! non-compliant index reflect it at once.

use super::cli_event;
use super::input::Format;
use super::session::{connect, AwsArgs, Session, Wants};
use super::table::Table;
use anyhow::{anyhow, bail, Context};
use meshwarden_engine::core::exemptions::ExemptionItem;
use meshwarden_engine::core::ports::ComplianceStore;
use meshwarden_engine::core::record::rfc3339;
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{AutoRevert, Handled};
use meshwarden_rules::catalog;
use meshwarden_rules::exemption::Exemption;
use meshwarden_rules::resource::ResourceRef;
use serde::Serialize;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

/// Event name recorded for re-evaluations after an exemption changed.
pub const EVENT_NAME: &str = "MeshwardenExempt";
/// How long an exemption lasts unless `--until` says otherwise.
pub const DEFAULT_LENGTH: Duration = Duration::from_secs(90 * 86_400);
/// The longest an exemption may last: exemptions that never end are how drift hides.
pub const MAX_LENGTH: Duration = Duration::from_secs(365 * 86_400);

/// Arguments of `meshwarden exempt`.
#[derive(Debug, clap::Args)]
pub struct ExemptArgs {
    #[command(subcommand)]
    pub action: ExemptAction,
}

/// What to do with exemptions.
#[derive(Debug, clap::Subcommand)]
pub enum ExemptAction {
    /// Exempt one or more rules on a resource, then re-evaluate it.
    Add(AddArgs),
    /// List the exemptions of a resource, or of every resource (ended ones marked).
    List(ListArgs),
    /// Remove a rule's exemption on a resource, then re-evaluate it.
    Remove(RemoveArgs),
}

/// Arguments of `meshwarden exempt add`.
#[derive(Debug, clap::Args)]
pub struct AddArgs {
    /// A stored id, or mesh/NAME[/virtualGateway|virtualNode/NAME].
    pub resource: String,
    /// The rule to exempt (a catalog id; repeat for several).
    #[arg(long = "rule", required = true, value_name = "RULE")]
    pub rules: Vec<String>,
    /// Why the failure is accepted (required, non-empty).
    #[arg(long)]
    pub reason: String,
    /// When the exemption ends: RFC 3339 or an age (`30d`); default 90 days, at most 365.
    #[arg(long, value_name = "TIME|AGE")]
    pub until: Option<String>,
    /// Region of a RESOURCE given as a path (default: the configured region).
    #[arg(long)]
    pub region: Option<String>,
}

/// Arguments of `meshwarden exempt list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only this resource's exemptions (default: every resource's, from the table's index).
    pub resource: Option<String>,
    /// Region of a RESOURCE given as a path (default: the configured region).
    #[arg(long)]
    pub region: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: Format,
}

/// Arguments of `meshwarden exempt remove`.
#[derive(Debug, clap::Args)]
pub struct RemoveArgs {
    /// A stored id, or mesh/NAME[/virtualGateway|virtualNode/NAME].
    pub resource: String,
    /// The rule whose exemption ends now.
    #[arg(long)]
    pub rule: String,
    /// Region of a RESOURCE given as a path (default: the configured region).
    #[arg(long)]
    pub region: Option<String>,
}

/// Run the command.
pub async fn run(args: &ExemptArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    match &args.action {
        ExemptAction::Add(add_args) => add(add_args, aws).await,
        ExemptAction::List(list_args) => list(list_args, aws).await,
        ExemptAction::Remove(remove_args) => remove(remove_args, aws).await,
    }
}

/// `--until` as an end time: RFC 3339 or an age from `now`; after `now`, at most
/// [`MAX_LENGTH`] away.
pub fn until(text: Option<&str>, now: SystemTime) -> anyhow::Result<SystemTime> {
    let end = match text {
        None => now + DEFAULT_LENGTH,
        Some(text) => match humantime::parse_rfc3339_weak(text) {
            Ok(time) => time,
            Err(_) => {
                let age = humantime::parse_duration(text).with_context(|| {
                    format!("--until {text:?}: expected an RFC 3339 time or an age like 30d")
                })?;
                now + age
            }
        },
    };
    if end <= now {
        bail!("--until {}: the end is not in the future", rfc3339(end));
    }
    if end > now + MAX_LENGTH {
        bail!(
            "--until {}: more than 365 days away (exemptions must end; renew them instead)",
            rfc3339(end)
        );
    }
    Ok(end)
}

/// The reason, trimmed; empty is refused.
pub fn reason(text: &str) -> anyhow::Result<&str> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        bail!("--reason is empty: say why the failure is accepted");
    }
    Ok(trimmed)
}

/// Every rule must be in the catalog and read resources of the resource's kind.
pub fn check_rules(rules: &[String], resource: &ResourceRef) -> anyhow::Result<()> {
    for rule in rules {
        let meta = catalog::find(rule)
            .map(|r| r.meta())
            .ok_or_else(|| anyhow!("unknown rule {rule:?} (see `meshwarden rules`)"))?;
        if !meta.applies_to(resource.kind) {
            bail!(
                "rule {rule} reads {} resources, not {}",
                meta.kinds_label(),
                resource.kind
            );
        }
    }
    Ok(())
}

/// A session with auto-revert off (re-evaluations record, never revert) and the named resource,
/// which the table must know.
async fn known_resource(
    aws: &AwsArgs,
    text: &str,
    region: Option<String>,
) -> anyhow::Result<(Session, ResourceRef)> {
    let wants = Wants {
        region,
        auto_revert: Some(AutoRevert::Off),
        ..Wants::default()
    };
    let session = connect(aws, wants).await?;
    let resource = session.resource(text)?;
    let state = session
        .engine
        .store()
        .state(&resource.key())
        .await
        .map_err(|e| session.store_error(e))?;
    if state.is_none() {
        bail!(
            "unknown resource: no record of {resource} in table {}",
            aws.table()
        );
    }
    Ok((session, resource))
}

async fn add(args: &AddArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    // Everything the command line alone can refuse is refused before any call.
    let now = SystemTime::now();
    let reason = reason(&args.reason)?;
    let end = rfc3339(until(args.until.as_deref(), now)?);
    let (session, resource) = known_resource(aws, &args.resource, args.region.clone()).await?;
    check_rules(&args.rules, &resource)?;
    let id = resource.key();
    for rule in &args.rules {
        let exemption = Exemption {
            rule: rule.clone(),
            reason: reason.to_owned(),
            until: end.clone(),
        };
        let item = ExemptionItem::new(&id, exemption, &session.caller, &rfc3339(now));
        session
            .engine
            .store()
            .put_exemption(&item)
            .await
            .map_err(|e| session.store_error(e))?;
        println!("exempted {rule} on {resource} until {end}");
    }
    reevaluate(&session, &resource).await
}

async fn remove(args: &RemoveArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    let (session, resource) = known_resource(aws, &args.resource, args.region.clone()).await?;
    let removed = session
        .engine
        .store()
        .remove_exemption(&resource.key(), &args.rule)
        .await
        .map_err(|e| session.store_error(e))?;
    if !removed {
        bail!("no exemption of {} on {resource}", args.rule);
    }
    println!("removed the exemption of {} on {resource}", args.rule);
    reevaluate(&session, &resource).await
}

/// Run the resource through the pipeline so its STATE (and the non-compliant index) reflects the
/// change now, not at its next event or sweep.
async fn reevaluate(session: &Session, resource: &ResourceRef) -> anyhow::Result<ExitCode> {
    let routed = cli_event::evaluate(resource, EVENT_NAME, &session.account);
    let handled = session.engine.run(&routed, &Invocation::new()).await?;
    match &handled {
        Handled::Evaluated(report) => println!("re-evaluated: {:?}", report.status),
        other => println!("re-evaluated: {}", serde_json::to_string(other)?),
    }
    Ok(ExitCode::SUCCESS)
}

/// One listed exemption.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Listed<'a> {
    #[serde(flatten)]
    item: &'a ExemptionItem,
    /// Whether it has ended (it no longer exempts anything).
    expired: bool,
}

async fn list(args: &ListArgs, aws: &AwsArgs) -> anyhow::Result<ExitCode> {
    let session = connect(aws, Wants::in_region(args.region.clone())).await?;
    let store = session.engine.store();
    let mut items = match &args.resource {
        Some(text) => store.exemptions(&session.resource(text)?.key()).await,
        None => store.all_exemptions().await,
    }
    .map_err(|e| session.store_error(e))?;
    items.sort_by(|a, b| (&a.pk, &a.rule).cmp(&(&b.pk, &b.rule)));
    let now = SystemTime::now();
    let listed: Vec<Listed> = items
        .iter()
        .map(|item| Listed {
            item,
            expired: item.expired_at(now),
        })
        .collect();
    match args.format {
        Format::Json => println!("{}", serde_json::to_string(&listed)?),
        Format::Table => {
            let mut table = Table::new(&["RESOURCE", "RULE", "UNTIL", "BY", "REASON"]);
            for l in &listed {
                let until = if l.expired {
                    format!("{} (expired)", l.item.until)
                } else {
                    l.item.until.clone()
                };
                table.row(vec![
                    l.item.pk.clone(),
                    l.item.rule.clone(),
                    until,
                    l.item.created_by.clone(),
                    l.item.reason.clone(),
                ]);
            }
            print!("{}", table.render());
            println!("{} exemption(s) in table {}", listed.len(), aws.table());
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> SystemTime {
        humantime::parse_rfc3339(text).unwrap()
    }

    #[test]
    fn until_takes_a_time_or_an_age_in_the_next_365_days() {
        let now = at("2026-12-06T00:00:00Z");
        assert_eq!(until(None, now).unwrap(), at("2027-03-06T00:00:00Z"));
        assert_eq!(until(Some("30d"), now).unwrap(), at("2027-01-05T00:00:00Z"));
        assert_eq!(
            until(Some("2027-01-01T00:00:00Z"), now).unwrap(),
            at("2027-01-01T00:00:00Z")
        );
        for (text, problem) in [
            ("2026-12-05T00:00:00Z", "not in the future"),
            ("366d", "more than 365 days"),
            ("2030-01-01T00:00:00Z", "more than 365 days"),
            ("someday", "expected an RFC 3339 time or an age"),
        ] {
            let err = until(Some(text), now).unwrap_err().to_string();
            assert!(err.contains(problem), "{text}: {err}");
        }
    }

    #[test]
    fn reasons_and_rules_are_checked() {
        assert!(reason("  \t").is_err());
        assert_eq!(reason(" legacy ").unwrap(), "legacy");
        let mesh = ResourceRef::from_key("appmesh:111122223333:us-east-1:mesh/m").unwrap();
        assert!(check_rules(&["mesh-egress-drop-all".to_owned()], &mesh).is_ok());
        let unknown = check_rules(&["no-such-rule".to_owned()], &mesh).unwrap_err();
        assert!(unknown.to_string().contains("unknown rule"));
        let other_kind = check_rules(&["vgw-access-logging".to_owned()], &mesh).unwrap_err();
        assert!(other_kind.to_string().contains("reads virtualGateway"));
    }
}
