//! Shared setup for tests against the local AWS emulator (moto server, started by
//! `scripts/with-emulator.sh`). Without `AWS_ENDPOINT_URL` every test fails loudly: a suite that
//! passes with no emulator would prove nothing.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

pub mod ecs;
pub mod event_bus;
pub mod fanout;
pub mod lattice;
pub mod lattice_memory;
pub mod memory;
pub mod proxy;
pub mod staged;

use aws_config::SdkConfig;
use aws_sdk_appmesh::types as am;
use aws_sdk_dynamodb::types::{
    AttributeDefinition, BillingMode, GlobalSecondaryIndex, KeySchemaElement, KeyType, Projection,
    ProjectionType, ScalarAttributeType,
};
use meshwarden_engine::adapters::aws::Accounts;
use meshwarden_engine::adapters::dynamo::DynamoStore;
use meshwarden_engine::core::ports::{ComplianceStore, FindingsSink, ResourceWriter};
use meshwarden_engine::invocation::{Invocation, Tally};
use meshwarden_engine::metrics::Counts;
use meshwarden_engine::services::AwsServices;
use meshwarden_engine::{AutoRevert, Engine, EngineConfig, EngineError, Handled};
use serde_json::{json, Value};
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, SystemTime};

/// The account our synthetic CloudTrail events come from (and the responder's own account).
/// (moto's default account, so ids built from STS and from events agree).
pub const ACCOUNT: &str = "123456789012";
/// The region every test uses.
pub const REGION: &str = "us-east-1";
/// The responder's own role (loop guard).
pub const OWN_ROLE: &str = "arn:aws:iam::123456789012:role/meshwarden-responder";
/// Someone else.
pub const HUMAN_ROLE: &str = "arn:aws:iam::123456789012:role/platform-admin";

pub fn endpoint() -> String {
    std::env::var("AWS_ENDPOINT_URL").unwrap_or_else(|_| {
        panic!("AWS_ENDPOINT_URL is not set: run the suite through scripts/with-emulator.sh (./scripts/test.sh)")
    })
}

/// A name no other test uses (tests share one emulator and run in parallel).
pub fn unique(prefix: &str) -> String {
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "{prefix}-{}-{nanos:x}",
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// `sdk` pointed at another endpoint (a fault proxy). The origin must say "set in code": an
/// endpoint from `AWS_ENDPOINT_URL` would otherwise win when the service client is built.
pub fn sdk_with_endpoint(sdk: &SdkConfig, url: &str) -> SdkConfig {
    let mut builder = sdk.to_builder().endpoint_url(url);
    builder.insert_origin("endpoint_url", aws_types::origin::Origin::shared_config());
    builder.build()
}

/// Credentials of `account`'s member role, assumed from `sdk` (moto maps the credentials STS
/// returns to the role's account).
pub async fn member_credentials(
    sdk: &SdkConfig,
    account: &str,
) -> aws_config::sts::AssumeRoleProvider {
    let role = format!("arn:aws:iam::{account}:role/meshwarden-member");
    aws_config::sts::AssumeRoleProvider::builder(role)
        .session_name("test")
        .configure(sdk)
        .build()
        .await
}

/// The organisation of `sdk`'s account (created unless it exists: tests share the emulator) with
/// `members` new accounts; returns the new accounts' ids.
pub async fn organization_with(sdk: &SdkConfig, members: usize) -> Vec<String> {
    let client = aws_sdk_organizations::Client::new(sdk);
    if let Err(err) = client.create_organization().send().await {
        let err = err.into_service_error();
        assert!(err.is_already_in_organization_exception(), "{err:?}");
    }
    let mut ids = Vec::with_capacity(members);
    for _ in 0..members {
        let name = unique("member");
        let created = client
            .create_account()
            .account_name(&name)
            .email(format!("{name}@example.com"))
            .send()
            .await
            .unwrap();
        let status = created.create_account_status.unwrap();
        ids.push(status.account_id.unwrap());
    }
    ids
}

pub async fn sdk_config() -> SdkConfig {
    let _ = endpoint();
    meshwarden_engine::adapters::aws::load_sdk_config(
        &meshwarden_engine::adapters::aws::SdkOptions {
            region: Some(REGION.to_owned()),
            ..Default::default()
        },
    )
    .await
}

/// Everything a scenario needs: clients, a fresh table, and engine factories.
pub struct Harness {
    pub sdk: SdkConfig,
    pub appmesh: aws_sdk_appmesh::Client,
    pub lattice: aws_sdk_vpclattice::Client,
    pub dynamodb: aws_sdk_dynamodb::Client,
    pub table: String,
}

impl Harness {
    pub async fn new() -> Self {
        let sdk = sdk_config().await;
        let harness = Harness {
            appmesh: aws_sdk_appmesh::Client::new(&sdk),
            lattice: aws_sdk_vpclattice::Client::new(&sdk),
            dynamodb: aws_sdk_dynamodb::Client::new(&sdk),
            table: unique("meshwarden"),
            sdk,
        };
        create_table(&harness.dynamodb, &harness.table).await;
        harness
    }

    /// An App Mesh client in `region`, acting in `account` through its member role when given
    /// (moto maps the credentials STS returns to the role's account).
    pub async fn app_mesh_as(
        &self,
        account: Option<&str>,
        region: &str,
    ) -> aws_sdk_appmesh::Client {
        let mut config = aws_sdk_appmesh::config::Builder::from(&self.sdk)
            .region(aws_config::Region::new(region.to_owned()));
        if let Some(account) = account {
            config = config.credentials_provider(member_credentials(&self.sdk, account).await);
        }
        aws_sdk_appmesh::Client::from_conf(config.build())
    }

    /// A mesh `name` left ALLOW_ALL (non-compliant) in `region`, of `account` (through its
    /// member role) or of the harness's own account.
    pub async fn create_mesh_in(&self, account: Option<&str>, region: &str, name: &str) {
        self.app_mesh_as(account, region)
            .await
            .create_mesh()
            .mesh_name(name)
            .spec(mesh_spec(am::EgressFilterType::AllowAll))
            .send()
            .await
            .unwrap();
    }

    /// A VPC Lattice client in `region`, acting in `account` through its member role.
    pub async fn lattice_as(&self, account: &str, region: &str) -> aws_sdk_vpclattice::Client {
        let config = aws_sdk_vpclattice::config::Builder::from(&self.sdk)
            .region(aws_config::Region::new(region.to_owned()))
            .credentials_provider(member_credentials(&self.sdk, account).await);
        aws_sdk_vpclattice::Client::from_conf(config.build())
    }

    pub fn config(&self, auto_revert: AutoRevert) -> EngineConfig {
        EngineConfig {
            table: self.table.clone(),
            auto_revert,
            own_role_arn: Some(OWN_ROLE.to_owned()),
            regions: vec![REGION.to_owned()],
            ..EngineConfig::default()
        }
    }

    /// The real ports for `config`: App Mesh and DynamoDB through the SDK, on the emulator.
    pub fn ports(&self, config: &EngineConfig) -> (AwsServices, DynamoStore) {
        let store = DynamoStore::new(
            self.dynamodb.clone(),
            config.table.clone(),
            config.history_ttl,
        );
        let accounts =
            Accounts::new(&self.sdk, config.own_account().map(str::to_owned)).with_members(config);
        let services = AwsServices::new(&accounts);
        (services, store)
    }

    pub fn engine_with(&self, config: EngineConfig) -> Engine<AwsServices, DynamoStore> {
        let (services, store) = self.ports(&config);
        Engine::new(services, store, config)
    }

    pub fn engine(&self, auto_revert: AutoRevert) -> Engine<AwsServices, DynamoStore> {
        self.engine_with(self.config(auto_revert))
    }

    /// Every item under one resource id: (history count, state item).
    pub async fn items(
        &self,
        pk: &str,
    ) -> Vec<std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>> {
        self.dynamodb
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk")
            .expression_attribute_values(
                ":pk",
                aws_sdk_dynamodb::types::AttributeValue::S(pk.to_owned()),
            )
            .send()
            .await
            .unwrap()
            .items
            .unwrap_or_default()
    }

    pub async fn history_count(&self, pk: &str) -> usize {
        self.items(pk)
            .await
            .iter()
            .filter(|i| i["sk"].as_s().unwrap().starts_with("EVT#"))
            .count()
    }

    pub async fn create_mesh(&self, name: &str, egress: am::EgressFilterType) -> i64 {
        let out = self
            .appmesh
            .create_mesh()
            .mesh_name(name)
            .spec(mesh_spec(egress))
            .send()
            .await
            .unwrap();
        out.mesh.unwrap().metadata.unwrap().version
    }

    pub async fn update_mesh(&self, name: &str, egress: am::EgressFilterType) -> i64 {
        let out = self
            .appmesh
            .update_mesh()
            .mesh_name(name)
            .spec(mesh_spec(egress))
            .send()
            .await
            .unwrap();
        out.mesh.unwrap().metadata.unwrap().version
    }

    pub async fn egress(&self, name: &str) -> Option<am::EgressFilterType> {
        let out = self
            .appmesh
            .describe_mesh()
            .mesh_name(name)
            .send()
            .await
            .unwrap();
        out.mesh
            .and_then(|m| m.spec)
            .and_then(|s| s.egress_filter)
            .map(|e| e.r#type)
    }

    pub async fn mesh_version(&self, name: &str) -> i64 {
        let out = self
            .appmesh
            .describe_mesh()
            .mesh_name(name)
            .send()
            .await
            .unwrap();
        out.mesh.unwrap().metadata.unwrap().version
    }

    /// A gateway with one HTTP listener and `"backendDefaults": {"clientPolicy": {}}` — the seed.
    pub async fn create_gateway_without_tls(&self, mesh: &str, name: &str) -> i64 {
        create_gateway_without_tls_with(&self.appmesh, mesh, name)
            .await
            .unwrap()
    }

    pub async fn gateway_tls_enforced(&self, mesh: &str, name: &str) -> Option<bool> {
        let out = self
            .appmesh
            .describe_virtual_gateway()
            .mesh_name(mesh)
            .virtual_gateway_name(name)
            .send()
            .await
            .unwrap();
        out.virtual_gateway
            .and_then(|g| g.spec)
            .and_then(|s| s.backend_defaults)
            .and_then(|b| b.client_policy)
            .and_then(|c| c.tls)
            .map(|t| t.enforce.unwrap_or(true))
    }
}

/// The seed gateway's spec: one HTTP listener on 8080, `"backendDefaults": {"clientPolicy": {}}`.
pub fn seed_gateway_spec() -> am::VirtualGatewaySpec {
    let port = am::VirtualGatewayPortMapping::builder()
        .port(8080)
        .protocol(am::VirtualGatewayPortProtocol::Http)
        .build()
        .unwrap();
    am::VirtualGatewaySpec::builder()
        .listeners(
            am::VirtualGatewayListener::builder()
                .port_mapping(port)
                .build(),
        )
        .backend_defaults(
            am::VirtualGatewayBackendDefaults::builder()
                .client_policy(am::VirtualGatewayClientPolicy::builder().build())
                .build(),
        )
        .build()
        .unwrap()
}

/// Create the seed gateway with any client (any region); returns its version.
pub async fn create_gateway_without_tls_with(
    client: &aws_sdk_appmesh::Client,
    mesh: &str,
    name: &str,
) -> Result<i64, aws_sdk_appmesh::Error> {
    let out = client
        .create_virtual_gateway()
        .mesh_name(mesh)
        .virtual_gateway_name(name)
        .spec(seed_gateway_spec())
        .send()
        .await?;
    Ok(out
        .virtual_gateway
        .and_then(|g| g.metadata)
        .map_or(0, |m| m.version))
}

pub fn mesh_spec(egress: am::EgressFilterType) -> am::MeshSpec {
    am::MeshSpec::builder()
        .egress_filter(am::EgressFilter::builder().r#type(egress).build().unwrap())
        .build()
}

pub async fn create_table(client: &aws_sdk_dynamodb::Client, name: &str) {
    let key = |n: &str, t: KeyType| {
        KeySchemaElement::builder()
            .attribute_name(n)
            .key_type(t)
            .build()
            .unwrap()
    };
    let attr = |n: &str| {
        AttributeDefinition::builder()
            .attribute_name(n)
            .attribute_type(ScalarAttributeType::S)
            .build()
            .unwrap()
    };
    // Each index is keyed by its attribute, then `pk`, as the infrastructure defines it.
    let index = |name: &str, hash: &str, projection: ProjectionType| {
        GlobalSecondaryIndex::builder()
            .index_name(name)
            .key_schema(key(hash, KeyType::Hash))
            .key_schema(key("pk", KeyType::Range))
            .projection(Projection::builder().projection_type(projection).build())
            .build()
            .unwrap()
    };
    client
        .create_table()
        .table_name(name)
        .billing_mode(BillingMode::PayPerRequest)
        .attribute_definitions(attr("pk"))
        .attribute_definitions(attr("sk"))
        .attribute_definitions(attr("nonCompliant"))
        .attribute_definitions(attr("scope"))
        .attribute_definitions(attr("exemption"))
        .key_schema(key("pk", KeyType::Hash))
        .key_schema(key("sk", KeyType::Range))
        .global_secondary_indexes(index("nonCompliant", "nonCompliant", ProjectionType::All))
        .global_secondary_indexes(index("live", "scope", ProjectionType::KeysOnly))
        .global_secondary_indexes(index("exemptions", "exemption", ProjectionType::All))
        .send()
        .await
        .unwrap();
}

/// The canonical id of a resource in the test account.
pub fn mesh_id(mesh: &str) -> String {
    format!("appmesh:{ACCOUNT}:{REGION}:mesh/{mesh}")
}

pub fn gateway_id(mesh: &str, gateway: &str) -> String {
    format!("appmesh:{ACCOUNT}:{REGION}:mesh/{mesh}/virtualGateway/{gateway}")
}

/// An EventBridge "AWS API Call via CloudTrail" event for an App Mesh call, timed `age` ago.
pub fn cloudtrail_event(
    event_name: &str,
    request: Value,
    response: Value,
    actor_role: &str,
    age: Duration,
) -> Value {
    api_call_event(
        ("aws.appmesh", "appmesh.amazonaws.com"),
        event_name,
        request,
        response,
        actor_role,
        age,
    )
}

/// An EventBridge "AWS API Call via CloudTrail" event from `(source, eventSource)`.
pub fn api_call_event(
    (source, event_source): (&str, &str),
    event_name: &str,
    request: Value,
    response: Value,
    actor_role: &str,
    age: Duration,
) -> Value {
    let time = humantime::format_rfc3339_seconds(SystemTime::now() - age).to_string();
    let role_name = actor_role.rsplit('/').next().unwrap();
    json!({
        "version": "0",
        "id": unique("envelope"),
        "detail-type": "AWS API Call via CloudTrail",
        "source": source,
        "account": ACCOUNT,
        "time": time,
        "region": REGION,
        "resources": [],
        "detail": {
            "eventVersion": "1.08",
            "userIdentity": {
                "type": "AssumedRole",
                "principalId": "AROAEXAMPLE:session",
                "arn": format!("arn:aws:sts::{ACCOUNT}:assumed-role/{role_name}/session"),
                "accountId": ACCOUNT,
                "sessionContext": {"sessionIssuer": {"type": "Role", "arn": actor_role, "accountId": ACCOUNT, "userName": role_name}}
            },
            "eventTime": time,
            "eventSource": event_source,
            "eventName": event_name,
            "awsRegion": REGION,
            "sourceIPAddress": "192.0.2.10",
            "userAgent": "aws-cli/2.15.0",
            "requestParameters": request,
            "responseElements": response,
            "requestID": unique("req"),
            "eventID": unique("evt"),
            "readOnly": false,
            "eventType": "AwsApiCall",
            "managementEvent": true,
            "recipientAccountId": ACCOUNT,
            "eventCategory": "Management"
        }
    })
}

/// `event` made an event of `account` (a member account's, forwarded to the hub).
pub fn as_member_event(event: &mut Value, account: &str) {
    event["account"] = account.into();
    event["detail"]["recipientAccountId"] = account.into();
    event["detail"]["userIdentity"]["accountId"] = account.into();
}

/// Every finding of the emulator's Security Hub in `region` whose `Id` starts with `prefix`.
/// Read on a thread of its own: the SDK builds a finding's `ResourceDetails` (30 KB) by value,
/// and deserializing one in a debug build needs more stack than a test thread has.
pub async fn security_hub_findings(
    sdk: &SdkConfig,
    region: &str,
    prefix: &str,
) -> Vec<aws_sdk_securityhub::types::AwsSecurityFinding> {
    let client = aws_sdk_securityhub::Client::from_conf(
        aws_sdk_securityhub::config::Builder::from(sdk)
            .region(aws_config::Region::new(region.to_owned()))
            .build(),
    );
    let all = std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                client
                    .get_findings()
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect()
                    .await
                    .unwrap()
            })
        })
        .unwrap()
        .join()
        .unwrap();
    all.into_iter()
        .filter(|f: &aws_sdk_securityhub::types::AwsSecurityFinding| {
            f.id().is_some_and(|id| id.starts_with(prefix))
        })
        .collect()
}

/// An UpdateMesh event as CloudTrail records it.
pub fn update_mesh_event(
    mesh: &str,
    egress: &str,
    version: i64,
    actor_role: &str,
    age: Duration,
) -> Value {
    cloudtrail_event(
        "UpdateMesh",
        json!({"meshName": mesh, "spec": {"egressFilter": {"type": egress}}}),
        json!({"mesh": {"meshName": mesh, "spec": {"egressFilter": {"type": egress}},
               "metadata": {"version": version, "createdAt": "Nov 5, 2023, 4:29:11 AM"}, "status": {"status": "ACTIVE"}}}),
        actor_role,
        age,
    )
}

/// A CreateVirtualGateway event for the seed gateway.
pub fn create_gateway_event(mesh: &str, gateway: &str, version: i64, actor_role: &str) -> Value {
    let spec = json!({"listeners": [{"portMapping": {"port": 8080, "protocol": "http"}}], "backendDefaults": {"clientPolicy": {}}});
    cloudtrail_event(
        "CreateVirtualGateway",
        json!({"meshName": mesh, "virtualGatewayName": gateway, "spec": spec}),
        json!({"virtualGateway": {"meshName": mesh, "virtualGatewayName": gateway, "spec": spec,
               "metadata": {"version": version}, "status": {"status": "ACTIVE"}}}),
        actor_role,
        Duration::ZERO,
    )
}

/// The same event delivered again later (EventBridge is at-least-once).
pub fn event_id(event: &Value) -> String {
    event["detail"]["eventID"].as_str().unwrap().to_owned()
}

/// [`Engine::run`] as delivery `delivery`, with the run's metrics tallied instead of emitted:
/// what a test asserts on.
pub async fn run_counted<R: ResourceWriter, S: ComplianceStore, F: FindingsSink>(
    engine: &Engine<R, S, F>,
    input: &Value,
    delivery: &str,
) -> (Result<Handled, EngineError>, Counts) {
    let tally = Tally::new();
    let invocation = Invocation::new().delivery(delivery).counts_into(&tally);
    let handled = engine.run(input, &invocation).await;
    (handled, tally.counts())
}
