//! Member accounts on the emulator, with the engine built as the Lambda and the CLI build it
//! (`on_aws::build`): the external id on every AssumeRole into a member (recorded by the fault
//! proxy: moto does not check trust policies), and the organisation's ACTIVE accounts discovered
//! once per sweep (Organizations `ListAccounts`), a refusal counted in `Errors`.

use crate::fanout::schedule;
use meshwarden_engine::config::{AccountDiscovery, ExternalId};
use meshwarden_engine::core::ports::{ComplianceStore, ResourceReader, Scope};
use meshwarden_engine::core::record::Status;
use meshwarden_engine::fanout::ShardOutcome;
use meshwarden_engine::on_aws::{self, AwsEngine};
use meshwarden_engine::{AutoRevert, EngineConfig, EngineError, Handled};
use meshwarden_rules::resource::{AwsService, ResourceKind, ResourceRef};
use meshwarden_testkit::fanout::SweepQueue;
use meshwarden_testkit::proxy::{through, FaultProxy};
use meshwarden_testkit::*;
use std::time::Duration;

const ROLE: &str = "meshwarden-member";

fn mesh_in(account: &str, region: &str, name: &str) -> ResourceRef {
    ResourceRef::new(ResourceKind::Mesh, account, region, name)
}

/// The AssumeRole calls `proxy` recorded: (RoleArn, ExternalId).
fn assumed(proxy: &FaultProxy) -> Vec<(String, Option<String>)> {
    proxy
        .recorded()
        .iter()
        .filter(|r| r["params"]["Action"] == "AssumeRole")
        .map(|r| {
            let param = |name: &str| r["params"][name].as_str().map(str::to_owned);
            (param("RoleArn").unwrap(), param("ExternalId"))
        })
        .collect()
}

/// A mesh left ALLOW_ALL (non-compliant) in `account`'s `region`.
async fn member_mesh(h: &Harness, account: &str, region: &str) -> ResourceRef {
    let name = unique("member-mesh");
    h.create_mesh_in(Some(account), region, &name).await;
    mesh_in(account, region, &name)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_assume_role_into_a_member_carries_the_external_id_only_when_one_is_set() {
    const MEMBER: &str = "310987654321";
    let h = Harness::new().await;
    let resource = member_mesh(&h, MEMBER, REGION).await;
    let role_arn = format!("arn:aws:iam::{MEMBER}:role/{ROLE}");
    for external_id in [Some("org-7:hub/meshwarden=1"), None] {
        let proxy = FaultProxy::recording(&["Action=AssumeRole"]);
        let config = EngineConfig {
            account: Some(ACCOUNT.to_owned()),
            member_role_name: Some(ROLE.to_owned()),
            member_external_id: external_id.map(|id| id.parse::<ExternalId>().unwrap()),
            ..h.config(AutoRevert::Off)
        };
        let engine = on_aws::build(&through(&h, &proxy).sdk, config);
        let described = engine.resources().describe(&resource).await.unwrap();
        assert!(
            described.is_some(),
            "the mesh exists only in the member account: described with its role's credentials"
        );
        let scope = Scope {
            service: AwsService::AppMesh,
            account: MEMBER.to_owned(),
            region: "eu-west-3".to_owned(),
        };
        engine.resources().list(&scope).await.unwrap();
        let calls = assumed(&proxy);
        assert!(!calls.is_empty(), "no AssumeRole recorded");
        for (arn, sent) in calls {
            assert_eq!(arn, role_arn);
            assert_eq!(sent.as_deref(), external_id, "{external_id:?}");
        }
    }
}

/// The scopes of one account in a plan.
fn scopes_of<'a>(scopes: &'a [String], account: &str) -> Vec<&'a String> {
    scopes
        .iter()
        .filter(|s| s.split(':').nth(1) == Some(account))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_fanned_out_sweep_covers_the_active_accounts_of_the_organisation_listed_once() {
    const R: &str = "eu-central-2";
    const LISTED: &str = "410987654321";
    let h = Harness::new().await;
    // More accounts than one ListAccounts page holds.
    let members = organization_with(&h.sdk, 21).await;
    let (active, closed) = (&members[0], &members[1]);
    aws_sdk_organizations::Client::new(&h.sdk)
        .close_account()
        .account_id(closed)
        .send()
        .await
        .unwrap();
    let resource = member_mesh(&h, active, R).await;
    let sqs = aws_sdk_sqs::Client::new(&h.sdk);
    let queue = SweepQueue::create(sqs, &unique("sweep")).await;
    let proxy = FaultProxy::recording(&["ListAccounts"]);
    let config = EngineConfig {
        account: Some(ACCOUNT.to_owned()),
        regions: vec![R.to_owned()],
        sweep_accounts: vec![LISTED.to_owned()],
        member_role_name: Some(ROLE.to_owned()),
        discover_accounts: AccountDiscovery::Organizations,
        sweep_queue_url: Some(queue.url.clone()),
        sweep_retry_delay: Duration::ZERO,
        missed_event_grace: Duration::ZERO,
        emit_metrics: false,
        ..h.config(AutoRevert::Off)
    };
    let engine: AwsEngine = on_aws::build(&through(&h, &proxy).sdk, config);

    let sweep = unique("sweep");
    let (handled, counts) =
        meshwarden_testkit::run_counted(&engine, &schedule(&sweep), "schedule").await;
    let Ok(Handled::Planned(plan)) = handled else {
        panic!("the schedule did not plan: {handled:?}")
    };
    assert_eq!(counts.errors, 0);
    let services = AwsService::ALL.len();
    assert_eq!(
        scopes_of(&plan.scopes, ACCOUNT).len(),
        services,
        "own account once"
    );
    assert_eq!(
        scopes_of(&plan.scopes, LISTED).len(),
        services,
        "listed account"
    );
    for member in &members[2..] {
        assert_eq!(scopes_of(&plan.scopes, member).len(), services, "{member}");
    }
    assert_eq!(scopes_of(&plan.scopes, active).len(), services);
    assert!(
        scopes_of(&plan.scopes, closed).is_empty(),
        "a SUSPENDED account is not swept"
    );
    let pages = proxy.recorded().len();
    assert!(pages >= 2, "{pages} ListAccounts call(s): not paginated");

    let drained = queue.drain(&engine, 10, 2, None).await;
    assert!(
        drained
            .reports
            .iter()
            .all(|r| r.outcome == ShardOutcome::Done),
        "{:?}",
        drained.reports
    );
    assert_eq!(
        proxy.recorded().len(),
        pages,
        "shards listed the accounts again"
    );
    let state = engine.store().state(&resource.key()).await.unwrap();
    assert_eq!(
        state
            .expect("the discovered member's mesh was swept")
            .common
            .status,
        Status::NonCompliant
    );
}

/// An inline sweep of `R` whose ListAccounts meets `kinds` every time.
async fn sweep_with_listing_faulted(
    h: &Harness,
    kinds: &str,
    listed: &str,
) -> (Result<Handled, EngineError>, u64) {
    const R: &str = "eu-central-2";
    let proxy = FaultProxy::start_with(1.0, 7, kinds, &["ListAccounts"]);
    let config = EngineConfig {
        account: Some(ACCOUNT.to_owned()),
        regions: vec![R.to_owned()],
        sweep_accounts: vec![listed.to_owned()],
        member_role_name: Some(ROLE.to_owned()),
        discover_accounts: AccountDiscovery::Organizations,
        missed_event_grace: Duration::ZERO,
        emit_metrics: false,
        ..h.config(AutoRevert::Off)
    };
    let engine = on_aws::build(&through(h, &proxy).sdk, config);
    let (handled, counts) =
        meshwarden_testkit::run_counted(&engine, &schedule(&unique("sweep")), "schedule").await;
    (handled, counts.errors)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_account_listing_is_an_error_and_the_listed_accounts_are_still_swept() {
    const LISTED: &str = "510987654321";
    let h = Harness::new().await;
    let resource = member_mesh(&h, LISTED, "eu-central-2").await;
    let (handled, errors) = sweep_with_listing_faulted(&h, "deny", LISTED).await;
    let Ok(Handled::Swept(report)) = handled else {
        panic!("the sweep did not run: {handled:?}")
    };
    assert_eq!(errors, 1, "the refusal is counted in Errors");
    assert!(report.recorded >= 1);
    let state = h
        .engine(AutoRevert::Off)
        .store()
        .state(&resource.key())
        .await;
    assert!(state.unwrap().is_some(), "the listed member was swept");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_throttled_account_listing_fails_the_sweep_for_the_schedule_to_retry() {
    let h = Harness::new().await;
    let (handled, errors) = sweep_with_listing_faulted(&h, "throttle", "610987654321").await;
    assert!(
        matches!(handled, Err(EngineError::Transient(ref e)) if e.operation == "ListAccounts"),
        "{handled:?}"
    );
    assert_eq!(errors, 0, "a transient failure is retried, not counted");
}
