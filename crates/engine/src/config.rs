//! Runtime configuration, read once at start-up from the environment.
//!
//! Every knob has a safe default; a value that is present but wrong is a start-up error with a
//! message naming the variable, never a silent fallback.

use crate::core::mode::AutoRevert;
use crate::core::ports::Scope;
use meshwarden_rules::catalog::RulesConfig;
use meshwarden_rules::resource::AwsService;
use std::collections::HashMap;
use std::fmt;
use std::str::FromStr;
use std::time::Duration;

/// Table name used when `MESHWARDEN_TABLE` is unset (the infra uses the same default).
pub const DEFAULT_TABLE: &str = "meshwarden";

impl FromStr for AutoRevert {
    type Err = ConfigError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim() {
            "" | "off" => Ok(AutoRevert::Off),
            "dry-run" => Ok(AutoRevert::DryRun),
            "on" => Ok(AutoRevert::On),
            other => Err(ConfigError::Invalid {
                var: "AUTO_REVERT",
                value: other.to_owned(),
                expected: "one of off, dry-run, on",
            }),
        }
    }
}

/// A configuration value that is present but unusable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The variable holds a value outside its domain.
    #[error("{var}={value:?} is invalid: expected {expected}")]
    Invalid {
        /// The environment variable.
        var: &'static str,
        /// What it held.
        value: String,
        /// What it may hold.
        expected: &'static str,
    },
    /// Auto-revert is on (or dry-run) but the responder does not know its own identity, so the
    /// loop guard could not recognise its own changes.
    #[error(
        "AUTO_REVERT={0} needs the responder's own identity for its loop guard: set \
         MESHWARDEN_OWN_ROLE_ARN or allow sts:GetCallerIdentity"
    )]
    UnknownIdentity(AutoRevert),
    /// A secret variable holds an unusable value (the value is never repeated).
    #[error("{var} is invalid: expected {expected}")]
    InvalidSecret {
        /// The environment variable.
        var: &'static str,
        /// What it may hold.
        expected: &'static str,
    },
}

/// The external id sent as `ExternalId` on every AssumeRole into a member account, when the
/// member role's trust policy demands one (`sts:ExternalId`). Validated like STS validates the
/// parameter: 2 to 1224 characters of `[\w+=,.@:/-]`
/// (<https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html>). Its `Debug`
/// hides the value and it has no `Display`, so it cannot reach a log by accident.
#[derive(Clone, PartialEq, Eq)]
pub struct ExternalId(String);

impl ExternalId {
    /// The variable that sets it.
    pub const VAR: &'static str = "MESHWARDEN_MEMBER_EXTERNAL_ID";

    /// The value, for the AssumeRole call only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl FromStr for ExternalId {
    type Err = ConfigError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        let allowed = |c: char| c.is_ascii_alphanumeric() || "_+=,.@:/-".contains(c);
        if (2..=1224).contains(&value.len()) && value.chars().all(allowed) {
            Ok(ExternalId(value.to_owned()))
        } else {
            Err(ConfigError::InvalidSecret {
                var: Self::VAR,
                expected: "2 to 1224 characters of letters, digits and _+=,.@:/-",
            })
        }
    }
}

impl fmt::Debug for ExternalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ExternalId(<redacted>)")
    }
}

/// Where the sweep learns of member accounts besides `MESHWARDEN_SWEEP_ACCOUNTS`
/// (`MESHWARDEN_DISCOVER_ACCOUNTS`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccountDiscovery {
    /// Only the listed accounts (default).
    #[default]
    Off,
    /// Also every ACTIVE account of the organisation (`organizations:ListAccounts`).
    Organizations,
}

impl FromStr for AccountDiscovery {
    type Err = ConfigError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        match value.trim() {
            "" | "off" => Ok(AccountDiscovery::Off),
            "organizations" => Ok(AccountDiscovery::Organizations),
            other => Err(ConfigError::Invalid {
                var: "MESHWARDEN_DISCOVER_ACCOUNTS",
                value: other.to_owned(),
                expected: "one of off, organizations",
            }),
        }
    }
}

/// When Lambda retries a failed asynchronous invocation (its default two retries): about one
/// minute after the first attempt, then two minutes after the second ("Error handling and
/// automatic retries in Lambda", AWS Lambda Developer Guide). The last attempt therefore starts
/// at least this long after the first.
pub const LAMBDA_LAST_RETRY_AFTER: Duration = Duration::from_secs(180);

/// Default consistency window: ends a minute before Lambda's last retry, so an event that is
/// still "not found" on its last attempt is recorded as the truth, never sent to the DLQ.
pub const DEFAULT_CONSISTENCY_WINDOW: Duration = Duration::from_secs(120);

/// Longest history retention accepted (days): anything above is a typo, not a policy.
const MAX_HISTORY_TTL_DAYS: u64 = 36_500;
/// Longest consistency window or revert lease accepted (seconds): Lambda's maximum timeout.
const MAX_WINDOW_SECS: u64 = 900;
/// Most concurrent describes a sweep may run.
const MAX_SWEEP_CONCURRENCY: u64 = 256;
/// Most resources one evaluate shard of a fanned-out sweep may hold.
const MAX_SWEEP_SHARD_SIZE: u64 = 1_000;
/// SQS's longest message delay (`DelaySeconds`), the longest wait before a retried remainder.
pub const MAX_SWEEP_RETRY_DELAY_SECS: u64 = 900;

/// Everything the engine needs to know besides its clients.
#[derive(Debug, Clone, PartialEq)]
pub struct EngineConfig {
    /// DynamoDB table holding history and state.
    pub table: String,
    /// Auto-revert mode.
    pub auto_revert: AutoRevert,
    /// Parameters of the rules (IP preferences, required tags, TLS CA ARNs).
    pub rules: RulesConfig,
    /// How long history items live.
    pub history_ttl: Duration,
    /// The responder's own role ARN: events it caused are recorded, never reverted.
    pub own_role_arn: Option<String>,
    /// The account the responder runs in (only its resources are ever updated); when unset,
    /// the account of `own_role_arn`.
    pub account: Option<String>,
    /// Organisation mode: the role (by name) the responder assumes in another account to
    /// describe and update that account's resources with its own credentials.
    pub member_role_name: Option<String>,
    /// Sent as `ExternalId` on every AssumeRole of a member role (`MESHWARDEN_MEMBER_EXTERNAL_ID`).
    pub member_external_id: Option<ExternalId>,
    /// `MESHWARDEN_EXEMPTION_TAG_KEY`: the tag whose value names a resource's exempted rules
    /// (unset: exempting by tag is off; whoever may tag could otherwise exempt).
    pub exemption_tag_key: Option<String>,
    /// At most this many reverts per resource per hour.
    pub max_reverts_per_hour: u32,
    /// While an event is younger than this, "not found" and "older version" are treated as
    /// eventual consistency (retry); after it, as the truth.
    pub consistency_window: Duration,
    /// How long a pending revert belongs to the delivery that started it; after that another
    /// delivery may complete it (at least the function's timeout).
    pub revert_lease: Duration,
    /// A change the sweep finds younger than this may still have its event on the way: it is
    /// not counted as a missed event.
    pub missed_event_grace: Duration,
    /// Regions the sweep covers (the first is the home region).
    pub regions: Vec<String>,
    /// Concurrent describes during a sweep (per invocation: a fanned-out sweep runs this many in
    /// each of its concurrent shards).
    pub sweep_concurrency: usize,
    /// Member accounts the sweep covers besides the responder's own (organisation mode).
    pub sweep_accounts: Vec<String>,
    /// Whether the sweep adds the organisation's ACTIVE accounts to `sweep_accounts`.
    pub discover_accounts: AccountDiscovery,
    /// The sweep's shard queue (SQS URL): when set, a scheduled sweep fans out over shards
    /// through it instead of sweeping inline.
    pub sweep_queue_url: Option<String>,
    /// Resources per evaluate shard of a fanned-out sweep.
    pub sweep_shard_size: usize,
    /// The first delay before a shard's throttled remainder is tried again (doubling on every
    /// further attempt, up to [`MAX_SWEEP_RETRY_DELAY_SECS`]).
    pub sweep_retry_delay: Duration,
    /// Write CloudWatch EMF metric lines to stdout (the Lambda does; the CLI does not).
    pub emit_metrics: bool,
    /// Import findings into AWS Security Hub (`MESHWARDEN_SECURITY_HUB=on`); off by default.
    pub security_hub: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        EngineConfig {
            table: DEFAULT_TABLE.to_owned(),
            auto_revert: AutoRevert::Off,
            rules: RulesConfig::default(),
            history_ttl: Duration::from_secs(365 * 86_400),
            own_role_arn: None,
            account: None,
            member_role_name: None,
            member_external_id: None,
            exemption_tag_key: None,
            max_reverts_per_hour: 3,
            consistency_window: DEFAULT_CONSISTENCY_WINDOW,
            revert_lease: Duration::from_secs(MAX_WINDOW_SECS),
            missed_event_grace: Duration::from_secs(15 * 60),
            regions: Vec::new(),
            sweep_concurrency: 8,
            sweep_accounts: Vec::new(),
            discover_accounts: AccountDiscovery::Off,
            sweep_queue_url: None,
            sweep_shard_size: 50,
            sweep_retry_delay: Duration::from_secs(30),
            emit_metrics: true,
            security_hub: false,
        }
    }
}

impl EngineConfig {
    /// Read the configuration from the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_vars(std::env::vars().collect())
    }

    /// Read the configuration from a map of variables (the environment, in tests a literal).
    pub fn from_vars(vars: HashMap<String, String>) -> Result<Self, ConfigError> {
        let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
        let defaults = EngineConfig::default();
        let region_default = get("AWS_REGION").or_else(|| get("AWS_DEFAULT_REGION"));
        let mut regions = list(get("MESHWARDEN_REGIONS"));
        if regions.is_empty() {
            regions.extend(region_default.map(str::to_owned));
        }
        Ok(EngineConfig {
            table: table_name(&vars),
            auto_revert: get("AUTO_REVERT").unwrap_or("off").parse()?,
            rules: rules_config(&vars),
            history_ttl: Duration::from_secs(
                number(
                    get("MESHWARDEN_HISTORY_TTL_DAYS"),
                    "MESHWARDEN_HISTORY_TTL_DAYS",
                    365,
                    1..=MAX_HISTORY_TTL_DAYS,
                )? * 86_400,
            ),
            own_role_arn: get("MESHWARDEN_OWN_ROLE_ARN").map(str::to_owned),
            account: None,
            member_role_name: get("MESHWARDEN_MEMBER_ROLE_NAME").map(str::to_owned),
            member_external_id: get(ExternalId::VAR).map(str::parse).transpose()?,
            exemption_tag_key: get("MESHWARDEN_EXEMPTION_TAG_KEY").map(str::to_owned),
            max_reverts_per_hour: number(
                get("MESHWARDEN_MAX_REVERTS_PER_HOUR"),
                "MESHWARDEN_MAX_REVERTS_PER_HOUR",
                u64::from(defaults.max_reverts_per_hour),
                0..=u64::from(u32::MAX),
            )?
            .try_into()
            .unwrap_or(u32::MAX),
            consistency_window: Duration::from_secs(number(
                get("MESHWARDEN_CONSISTENCY_WINDOW_SECS"),
                "MESHWARDEN_CONSISTENCY_WINDOW_SECS",
                defaults.consistency_window.as_secs(),
                0..=MAX_WINDOW_SECS,
            )?),
            revert_lease: Duration::from_secs(number(
                get("MESHWARDEN_REVERT_LEASE_SECS"),
                "MESHWARDEN_REVERT_LEASE_SECS",
                defaults.revert_lease.as_secs(),
                1..=MAX_WINDOW_SECS,
            )?),
            missed_event_grace: Duration::from_secs(number(
                get("MESHWARDEN_MISSED_EVENT_GRACE_SECS"),
                "MESHWARDEN_MISSED_EVENT_GRACE_SECS",
                defaults.missed_event_grace.as_secs(),
                0..=86_400,
            )?),
            regions,
            sweep_concurrency: number(
                get("MESHWARDEN_SWEEP_CONCURRENCY"),
                "MESHWARDEN_SWEEP_CONCURRENCY",
                defaults.sweep_concurrency as u64,
                1..=MAX_SWEEP_CONCURRENCY,
            )?
            .try_into()
            .unwrap_or(defaults.sweep_concurrency),
            sweep_accounts: list(get("MESHWARDEN_SWEEP_ACCOUNTS")),
            discover_accounts: get("MESHWARDEN_DISCOVER_ACCOUNTS")
                .unwrap_or("off")
                .parse()?,
            sweep_queue_url: get("MESHWARDEN_SWEEP_QUEUE_URL").map(str::to_owned),
            sweep_shard_size: number(
                get("MESHWARDEN_SWEEP_SHARD_SIZE"),
                "MESHWARDEN_SWEEP_SHARD_SIZE",
                defaults.sweep_shard_size as u64,
                1..=MAX_SWEEP_SHARD_SIZE,
            )?
            .try_into()
            .unwrap_or(defaults.sweep_shard_size),
            sweep_retry_delay: Duration::from_secs(number(
                get("MESHWARDEN_SWEEP_RETRY_DELAY_SECS"),
                "MESHWARDEN_SWEEP_RETRY_DELAY_SECS",
                defaults.sweep_retry_delay.as_secs(),
                0..=MAX_SWEEP_RETRY_DELAY_SECS,
            )?),
            emit_metrics: defaults.emit_metrics,
            security_hub: switch(get("MESHWARDEN_SECURITY_HUB"), "MESHWARDEN_SECURITY_HUB")?,
        })
    }

    /// Refuse a mode that changes (or plans changes to) resources without a known own identity:
    /// the loop guard must never be silently off.
    pub fn check_identity(&self) -> Result<(), ConfigError> {
        match (self.auto_revert, &self.own_role_arn) {
            (AutoRevert::Off, _) | (_, Some(_)) => Ok(()),
            (mode, None) => Err(ConfigError::UnknownIdentity(mode)),
        }
    }

    /// What the sweep lists: every service in every configured region of the own account
    /// (empty when unknown: the account the credentials reach), then of each member account of
    /// [`EngineConfig::sweep_accounts`] and of `discovered` (reached through its member role),
    /// each account once.
    pub fn sweep_scopes(&self, discovered: &[String]) -> Vec<Scope> {
        let own = self.own_account().unwrap_or_default();
        let mut accounts = vec![own];
        for account in self.sweep_accounts.iter().chain(discovered) {
            if !accounts.contains(&account.as_str()) {
                accounts.push(account);
            }
        }
        accounts
            .into_iter()
            .flat_map(|account| {
                self.regions.iter().flat_map(move |region| {
                    AwsService::ALL.into_iter().map(move |service| Scope {
                        service,
                        account: account.to_owned(),
                        region: region.clone(),
                    })
                })
            })
            .collect()
    }

    /// The account of the responder's own role, parsed from its ARN
    /// (`arn:aws:iam::ACCOUNT:role/...`), used to tell shared-mesh resources apart.
    pub fn own_account(&self) -> Option<&str> {
        if let Some(account) = self.account.as_deref() {
            return Some(account);
        }
        let arn = self.own_role_arn.as_deref()?;
        arn.split(':').nth(4).filter(|a| !a.is_empty())
    }
}

/// The compliance table's name from the variables (`MESHWARDEN_TABLE`; unset or empty: the
/// infrastructure's default): the responder's reading and the CLI's.
pub fn table_name(vars: &HashMap<String, String>) -> String {
    vars.get("MESHWARDEN_TABLE")
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
        .unwrap_or(DEFAULT_TABLE)
        .to_owned()
}

/// The rules' parameters from the variables: the one reading of them, the responder's and the
/// CLI's (`meshwarden check`, `fix`, `scan`, `remediate` start from it).
pub fn rules_config(vars: &HashMap<String, String>) -> RulesConfig {
    let get = |name: &str| vars.get(name).map(|v| v.trim()).filter(|v| !v.is_empty());
    RulesConfig {
        mesh_ip_preference: get("MESHWARDEN_MESH_IP_PREFERENCE").map(str::to_owned),
        node_ip_preference: get("MESHWARDEN_NODE_IP_PREFERENCE").map(str::to_owned),
        // Set-but-empty means "any tag": distinguish it from unset.
        required_tag_keys: vars
            .get("MESHWARDEN_REQUIRED_TAG_KEYS")
            .map(|v| list(Some(v.as_str()))),
        tls_ca_arns: list(get("MESHWARDEN_TLS_CA_ARNS")),
        // Set-but-empty means "no role may be passed": distinguish it from unset.
        ecs_tls_role_arns: vars
            .get("MESHWARDEN_ECS_TLS_ROLE_ARNS")
            .map(|v| list(Some(v.as_str()))),
    }
}

fn list(value: Option<&str>) -> Vec<String> {
    value
        .map(|v| {
            v.split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// `on` or `off`; absent → off.
fn switch(value: Option<&str>, var: &'static str) -> Result<bool, ConfigError> {
    match value {
        None | Some("off") => Ok(false),
        Some("on") => Ok(true),
        Some(other) => Err(ConfigError::Invalid {
            var,
            value: other.to_owned(),
            expected: "one of off, on",
        }),
    }
}

/// A whole number within `range`; absent → `default`.
fn number(
    value: Option<&str>,
    var: &'static str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64, ConfigError> {
    let Some(text) = value else {
        return Ok(default);
    };
    text.parse()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| ConfigError::Invalid {
            var,
            value: text.to_owned(),
            expected: expected_range(var),
        })
}

/// The accepted values of a numeric variable, in words.
fn expected_range(var: &str) -> &'static str {
    match var {
        "MESHWARDEN_HISTORY_TTL_DAYS" => "a whole number of days from 1 to 36500",
        "MESHWARDEN_CONSISTENCY_WINDOW_SECS" => "a whole number of seconds from 0 to 900",
        "MESHWARDEN_REVERT_LEASE_SECS" => "a whole number of seconds from 1 to 900",
        "MESHWARDEN_SWEEP_CONCURRENCY" => "a whole number from 1 to 256",
        "MESHWARDEN_MISSED_EVENT_GRACE_SECS" => "a whole number of seconds from 0 to 86400",
        "MESHWARDEN_SWEEP_SHARD_SIZE" => "a whole number from 1 to 1000",
        "MESHWARDEN_SWEEP_RETRY_DELAY_SECS" => "a whole number of seconds from 0 to 900",
        _ => "a whole number from 0 to 4294967295",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_are_safe() {
        let c = EngineConfig::from_vars(vars(&[("AWS_REGION", "eu-west-1")])).unwrap();
        assert_eq!(c.auto_revert, AutoRevert::Off);
        assert_eq!(c.table, "meshwarden");
        assert_eq!(c.regions, vec!["eu-west-1"]);
        assert_eq!(c.history_ttl, Duration::from_secs(365 * 86_400));
        assert_eq!(c.max_reverts_per_hour, 3);
        assert_eq!(c.rules.required_tag_keys, None);
    }

    #[test]
    fn bad_auto_revert_names_the_variable() {
        let err = EngineConfig::from_vars(vars(&[("AUTO_REVERT", "yes")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "AUTO_REVERT=\"yes\" is invalid: expected one of off, dry-run, on"
        );
    }

    #[test]
    fn security_hub_is_off_unless_switched_on() {
        let off = EngineConfig::from_vars(vars(&[])).unwrap();
        assert!(!off.security_hub);
        let on = EngineConfig::from_vars(vars(&[("MESHWARDEN_SECURITY_HUB", "on")])).unwrap();
        assert!(on.security_hub);
        let explicit = vars(&[("MESHWARDEN_SECURITY_HUB", " off ")]);
        assert!(!EngineConfig::from_vars(explicit).unwrap().security_hub);
        let err =
            EngineConfig::from_vars(vars(&[("MESHWARDEN_SECURITY_HUB", "true")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "MESHWARDEN_SECURITY_HUB=\"true\" is invalid: expected one of off, on"
        );
    }

    #[test]
    fn the_member_external_id_follows_sts_and_is_never_shown() {
        let unset = EngineConfig::from_vars(vars(&[])).unwrap();
        assert_eq!(unset.member_external_id, None);
        let ok = "Org_1+=,.@:/-x";
        let set = EngineConfig::from_vars(vars(&[(ExternalId::VAR, ok)])).unwrap();
        let id = set.member_external_id.as_ref().unwrap();
        assert_eq!(id.expose(), ok);
        assert!(
            !format!("{set:?}").contains(ok),
            "Debug shows the external id"
        );
        let longest = "a".repeat(1224);
        assert!(EngineConfig::from_vars(vars(&[(ExternalId::VAR, &longest)])).is_ok());
        for bad in [
            "q",
            "has space",
            "semi;colon",
            "é-accent",
            &"a".repeat(1225),
        ] {
            let err = EngineConfig::from_vars(vars(&[(ExternalId::VAR, bad)])).unwrap_err();
            let text = err.to_string();
            assert!(text.starts_with(ExternalId::VAR), "{text}");
            assert!(
                !text.contains(bad),
                "the error repeats the external id: {text}"
            );
        }
    }

    #[test]
    fn account_discovery_is_off_unless_organizations() {
        let off = EngineConfig::from_vars(vars(&[])).unwrap();
        assert_eq!(off.discover_accounts, AccountDiscovery::Off);
        let on = vars(&[("MESHWARDEN_DISCOVER_ACCOUNTS", "organizations")]);
        assert_eq!(
            EngineConfig::from_vars(on).unwrap().discover_accounts,
            AccountDiscovery::Organizations
        );
        let err =
            EngineConfig::from_vars(vars(&[("MESHWARDEN_DISCOVER_ACCOUNTS", "on")])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "MESHWARDEN_DISCOVER_ACCOUNTS=\"on\" is invalid: expected one of off, organizations"
        );
    }

    #[test]
    fn bad_number_names_the_variable() {
        let err =
            EngineConfig::from_vars(vars(&[("MESHWARDEN_HISTORY_TTL_DAYS", "-1")])).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("MESHWARDEN_HISTORY_TTL_DAYS=\"-1\""));
    }

    #[test]
    fn absurd_numbers_stop_start_up_naming_the_variable() {
        for (var, value) in [
            ("MESHWARDEN_HISTORY_TTL_DAYS", "18446744073709551615"),
            ("MESHWARDEN_HISTORY_TTL_DAYS", "0"),
            ("MESHWARDEN_HISTORY_TTL_DAYS", "99999999999999"),
            ("MESHWARDEN_MAX_REVERTS_PER_HOUR", "4294967296"),
            ("MESHWARDEN_CONSISTENCY_WINDOW_SECS", "86400"),
            ("MESHWARDEN_REVERT_LEASE_SECS", "0"),
            ("MESHWARDEN_SWEEP_CONCURRENCY", "0"),
            ("MESHWARDEN_SWEEP_CONCURRENCY", "1e3"),
            ("MESHWARDEN_SWEEP_SHARD_SIZE", "0"),
            ("MESHWARDEN_SWEEP_SHARD_SIZE", "1001"),
            ("MESHWARDEN_SWEEP_RETRY_DELAY_SECS", "901"),
        ] {
            let err = EngineConfig::from_vars(vars(&[(var, value)])).unwrap_err();
            assert!(err.to_string().starts_with(var), "{var}={value}: {err}");
        }
    }

    #[test]
    fn reverting_without_an_own_identity_is_refused() {
        let on = EngineConfig::from_vars(vars(&[("AUTO_REVERT", "on")])).unwrap();
        assert_eq!(
            on.check_identity(),
            Err(ConfigError::UnknownIdentity(AutoRevert::On))
        );
        let dry = EngineConfig::from_vars(vars(&[("AUTO_REVERT", "dry-run")])).unwrap();
        assert!(dry.check_identity().is_err());
        let off = EngineConfig::from_vars(vars(&[])).unwrap();
        assert_eq!(off.check_identity(), Ok(()));
        let known = EngineConfig::from_vars(vars(&[
            ("AUTO_REVERT", "on"),
            (
                "MESHWARDEN_OWN_ROLE_ARN",
                "arn:aws:iam::123456789012:role/r",
            ),
        ]))
        .unwrap();
        assert_eq!(known.check_identity(), Ok(()));
    }

    #[test]
    fn the_default_window_ends_before_lambdas_last_retry() {
        let c = EngineConfig::from_vars(vars(&[])).unwrap();
        assert!(c.consistency_window < LAMBDA_LAST_RETRY_AFTER);
        assert!(c.consistency_window + Duration::from_secs(60) <= LAMBDA_LAST_RETRY_AFTER);
    }

    #[test]
    fn the_table_is_the_variable_else_the_default_even_when_empty() {
        assert_eq!(table_name(&vars(&[])), DEFAULT_TABLE);
        assert_eq!(
            table_name(&vars(&[("MESHWARDEN_TABLE", " ")])),
            DEFAULT_TABLE
        );
        assert_eq!(
            table_name(&vars(&[("MESHWARDEN_TABLE", " drift ")])),
            "drift"
        );
        let c = EngineConfig::from_vars(vars(&[("MESHWARDEN_TABLE", "")])).unwrap();
        assert_eq!(c.table, DEFAULT_TABLE);
    }

    #[test]
    fn lists_and_account_parse() {
        let c = EngineConfig::from_vars(vars(&[
            ("AUTO_REVERT", "dry-run"),
            ("MESHWARDEN_TLS_CA_ARNS", " a, ,b "),
            ("MESHWARDEN_REQUIRED_TAG_KEYS", ""),
            ("MESHWARDEN_ECS_TLS_ROLE_ARNS", "arn:aws:iam::1:role/tls, "),
            ("MESHWARDEN_REGIONS", "us-east-1,eu-west-1"),
            (
                "MESHWARDEN_OWN_ROLE_ARN",
                "arn:aws:iam::123456789012:role/meshwarden",
            ),
        ]))
        .unwrap();
        assert_eq!(c.auto_revert, AutoRevert::DryRun);
        assert_eq!(c.rules.tls_ca_arns, vec!["a", "b"]);
        assert_eq!(c.rules.required_tag_keys, Some(vec![]));
        assert_eq!(
            c.rules.ecs_tls_role_arns,
            Some(vec!["arn:aws:iam::1:role/tls".to_owned()])
        );
        assert_eq!(
            EngineConfig::from_vars(vars(&[]))
                .unwrap()
                .rules
                .ecs_tls_role_arns,
            None
        );
        assert_eq!(c.regions, vec!["us-east-1", "eu-west-1"]);
        assert_eq!(c.own_account(), Some("123456789012"));
    }

    #[test]
    fn the_sweep_covers_every_service_region_and_account_once() {
        let c = EngineConfig::from_vars(vars(&[
            ("MESHWARDEN_REGIONS", "us-east-1,eu-west-1"),
            (
                "MESHWARDEN_OWN_ROLE_ARN",
                "arn:aws:iam::111122223333:role/r",
            ),
            (
                "MESHWARDEN_SWEEP_ACCOUNTS",
                "444455556666, 111122223333,444455556666",
            ),
            (
                "MESHWARDEN_SWEEP_QUEUE_URL",
                "https://sqs.us-east-1.amazonaws.com/1/q",
            ),
        ]))
        .unwrap();
        let discovered = ["111122223333".to_owned(), "777788889999".to_owned()];
        let scopes = c.sweep_scopes(&discovered);
        assert_eq!(scopes.len(), 2 * 3 * AwsService::ALL.len());
        let ids: std::collections::BTreeSet<String> = scopes.iter().map(Scope::id).collect();
        assert_eq!(ids.len(), scopes.len(), "each scope once");
        assert!(ids.contains("appmesh:444455556666:eu-west-1"));
        assert!(ids.contains("lattice:111122223333:us-east-1"));
        assert!(ids.contains("lattice:777788889999:eu-west-1"), "discovered");
        assert_eq!(scopes[0].account, "111122223333", "the own account first");
        assert_eq!(
            c.sweep_queue_url.as_deref(),
            Some("https://sqs.us-east-1.amazonaws.com/1/q")
        );
        assert_eq!(c.sweep_shard_size, 50);
        assert_eq!(c.sweep_retry_delay, Duration::from_secs(30));
    }
}
