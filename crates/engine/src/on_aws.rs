//! The engine on AWS, built one way for the Lambda and for the CLI's pipeline commands (`replay`,
//! `dlq replay`, `scan --record`, `remediate --apply`): every port from one SDK configuration and
//! one [`EngineConfig`], so a variable honoured by one is honoured by the other.
//!
//! * compliance store: DynamoDB (`MESHWARDEN_TABLE`);
//! * services: App Mesh and VPC Lattice, other accounts through the member role
//!   (`MESHWARDEN_MEMBER_ROLE_NAME`, with `MESHWARDEN_MEMBER_EXTERNAL_ID`);
//! * findings: Security Hub when `MESHWARDEN_SECURITY_HUB=on` (no client otherwise);
//! * sweep queue: SQS when `MESHWARDEN_SWEEP_QUEUE_URL` is set (used by the scheduled sweep only);
//! * account directory: AWS Organizations when `MESHWARDEN_DISCOVER_ACCOUNTS=organizations`.

use crate::adapters::aws::Accounts;
use crate::adapters::dynamo::DynamoStore;
use crate::adapters::organizations::OrganizationsDirectory;
use crate::adapters::securityhub::SecurityHubAdapter;
use crate::adapters::sqs::SqsShardQueue;
use crate::config::{AccountDiscovery, EngineConfig};
use crate::engine::Engine;
use crate::services::AwsServices;
use aws_config::SdkConfig;

/// The engine the Lambda and the CLI run.
pub type AwsEngine = Engine<AwsServices, DynamoStore, Option<SecurityHubAdapter>>;

/// The engine for `config`, every client built from `sdk`.
pub fn build(sdk: &SdkConfig, config: EngineConfig) -> AwsEngine {
    let store = DynamoStore::new(
        aws_sdk_dynamodb::Client::new(sdk),
        config.table.clone(),
        config.history_ttl,
    );
    let accounts =
        Accounts::new(sdk, config.own_account().map(str::to_owned)).with_members(&config);
    let findings = config.security_hub.then(|| SecurityHubAdapter::new(sdk));
    let queue = config
        .sweep_queue_url
        .clone()
        .map(|url| SqsShardQueue::new(aws_sdk_sqs::Client::new(sdk), url));
    let directory = (config.discover_accounts == AccountDiscovery::Organizations)
        .then(|| OrganizationsDirectory::new(aws_sdk_organizations::Client::new(sdk)));
    let mut engine =
        Engine::new(AwsServices::new(&accounts), store, config).with_findings(findings);
    if let Some(queue) = queue {
        engine = engine.with_queue(queue);
    }
    if let Some(directory) = directory {
        engine = engine.with_directory(directory);
    }
    engine
}
