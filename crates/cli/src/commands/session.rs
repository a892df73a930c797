//! Connecting the operator commands to AWS: the SDK configuration (profiles, SSO, environment,
//! `--endpoint-url`), the caller's account, and the same engine the Lambda runs, built the same
//! way from the same variables (Security Hub, member roles and external id, account discovery).

use anyhow::{anyhow, Context};
use meshwarden_engine::adapters::aws::{load_sdk_config, SdkOptions};
use meshwarden_engine::config;
use meshwarden_engine::core::ports::{ComplianceStore, PortError};
use meshwarden_engine::core::record::StateItem;
use meshwarden_engine::on_aws::{self, AwsEngine};
use meshwarden_engine::{AutoRevert, EngineConfig};
use meshwarden_rules::resource::{AwsService, ResourceRef};

/// Options every command that talks to AWS shares.
#[derive(Debug, Clone, clap::Args)]
pub struct AwsArgs {
    /// Named AWS profile (SSO profiles included); default: the usual chain.
    #[arg(long, global = true, env = "AWS_PROFILE", value_name = "NAME")]
    pub profile: Option<String>,
    /// Send every AWS call to this endpoint (a local emulator).
    #[arg(long, global = true, env = "AWS_ENDPOINT_URL", value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// The compliance table [default: $MESHWARDEN_TABLE, read as the responder reads it; unset
    /// or empty: the infrastructure's default name, `meshwarden`].
    #[arg(long, global = true, value_name = "NAME")]
    pub table: Option<String>,
}

impl AwsArgs {
    /// The compliance table: `--table`, else the process environment's, read by the responder's
    /// own function ([`config::table_name`]).
    pub fn table(&self) -> String {
        self.table
            .clone()
            .unwrap_or_else(|| config::table_name(&std::env::vars().collect()))
    }
}

/// The engine, and who and where we are.
pub struct Session {
    /// The engine, configured and built like the responder's ([`on_aws::build`]).
    pub engine: AwsEngine,
    /// The caller's account.
    pub account: String,
    /// The caller's ARN (STS GetCallerIdentity), recorded as who made an exemption.
    pub caller: String,
    /// The region commands default to.
    pub region: String,
    /// The SDK configuration the engine's clients were built from, for the clients a command
    /// needs beside them.
    pub sdk: aws_config::SdkConfig,
}

/// What a command needs from the engine's configuration.
#[derive(Debug, Clone, Default)]
pub struct Wants {
    /// `--region` (else the SDK's region).
    pub region: Option<String>,
    /// Regions to scan (else the region).
    pub regions: Vec<String>,
    /// Auto-revert mode (else the environment's, default off).
    pub auto_revert: Option<AutoRevert>,
    /// Rule parameters (else the environment's).
    pub rules: Option<meshwarden_rules::catalog::RulesConfig>,
}

impl Wants {
    /// Only a region (else the SDK's).
    pub fn in_region(region: Option<String>) -> Self {
        Wants {
            region,
            ..Wants::default()
        }
    }
}

/// Build the SDK configuration, identify the caller and construct the engine.
pub async fn connect(aws: &AwsArgs, wants: Wants) -> anyhow::Result<Session> {
    let options = SdkOptions {
        region: wants.region,
        profile: aws.profile.clone(),
        endpoint_url: aws.endpoint_url.clone(),
    };
    let sdk = load_sdk_config(&options).await;
    let region = sdk
        .region()
        .map(|r| r.as_ref().to_owned())
        .ok_or_else(|| anyhow!("no AWS region: pass --region or set AWS_REGION"))?;
    let identity = aws_sdk_sts::Client::new(&sdk)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| {
            anyhow!(
                "cannot identify the caller (are AWS credentials configured?): {}",
                one_line(&e)
            )
        })?;
    let account = identity
        .account
        .ok_or_else(|| anyhow!("STS returned no account"))?;
    let mut config = EngineConfig::from_env().context("invalid configuration")?;
    config.table = aws.table();
    config.account = Some(account.clone());
    // From a laptop the responder's "own identity" is the operator's: their own changes are
    // recorded, never reverted by a replay.
    if config.own_role_arn.is_none() {
        config.own_role_arn = identity.arn.clone();
    }
    config.emit_metrics = false;
    config.regions = if wants.regions.is_empty() {
        vec![region.clone()]
    } else {
        wants.regions
    };
    if let Some(mode) = wants.auto_revert {
        config.auto_revert = mode;
    }
    if let Some(rules) = wants.rules {
        config.rules = rules;
    }
    Ok(Session {
        engine: on_aws::build(&sdk, config),
        caller: identity.arn.unwrap_or_default(),
        account,
        region,
        sdk,
    })
}

/// An SDK error with its causes, on one line.
pub fn one_line(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text.replace('\n', " ")
}

/// STATE items per query of the non-compliant index.
const NON_COMPLIANT_PAGE: u32 = 100;

impl Session {
    /// Every resource non-compliant now: the sparse index, page by page (never a scan).
    pub async fn non_compliant_now(&self) -> anyhow::Result<Vec<StateItem>> {
        let store = self.engine.store();
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let page = store
                .non_compliant(cursor.as_deref(), NON_COMPLIANT_PAGE)
                .await
                .map_err(|e| self.store_error(e))?;
            items.extend(page.items);
            match page.next {
                Some(next) => cursor = Some(next),
                None => return Ok(items),
            }
        }
    }

    /// A store error, worded for people: a missing table is named as such.
    pub fn store_error(&self, err: PortError) -> anyhow::Error {
        let table = &self.engine.config().table;
        if err.to_string().contains("ResourceNotFoundException") {
            anyhow!(
                "table {table} does not exist in {} (pass --table or set MESHWARDEN_TABLE)",
                self.region
            )
        } else {
            anyhow!(err)
        }
    }

    /// A resource named on the command line: a stored id of any service (`appmesh:…`,
    /// `lattice:…`, as `status --format json` prints them), or a path in the caller's account
    /// and the session's region.
    pub fn resource(&self, text: &str) -> anyhow::Result<ResourceRef> {
        let stored_id = text
            .split_once(':')
            .is_some_and(|(prefix, _)| AwsService::from_id_prefix(prefix).is_some());
        let parsed = if stored_id {
            ResourceRef::from_key(text)
        } else {
            ResourceRef::from_path(text, &self.account, &self.region)
        };
        Ok(parsed?)
    }
}
