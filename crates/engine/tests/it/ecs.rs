//! Amazon ECS Service Connect end to end: the SDK adapter's document, listing and revert,
//! through real `aws-sdk-ecs` clients against the emulator (moto plus the harness's
//! `ecs_fidelity.py`, which keeps the configuration per deployment as ECS does).

use crate::pipeline::evaluated;
use aws_sdk_ecs::operation::update_service::builders::UpdateServiceFluentBuilder;
use meshwarden_engine::core::ports::{ComplianceStore, ResourceReader, Scope};
use meshwarden_engine::core::reason::ActionReason;
use meshwarden_engine::core::record::{Action, Status};
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::outcome::EventReport;
use meshwarden_engine::services::ecs::EcsAdapter;
use meshwarden_engine::{AutoRevert, Handled};
use meshwarden_rules::catalog::Refusal;
use meshwarden_rules::resource::{AwsService, ResourceRef};
use meshwarden_testkit::ecs::*;
use meshwarden_testkit::proxy::{through, FaultProxy};
use meshwarden_testkit::staged::{Staged, Step};
use meshwarden_testkit::*;
use serde_json::Value;

/// What the recording proxy sees of ECS: its JSON protocol's `X-Amz-Target` prefix.
const ECS_TARGET: &str = "AmazonEC2ContainerServiceV20141113.";

fn service_ref(cluster: &str, service: &str) -> ResourceRef {
    ResourceRef::ecs(ACCOUNT, REGION, cluster, service)
}

/// How many recorded requests were `operation`.
fn calls(proxy: &FaultProxy, operation: &str) -> usize {
    let target = format!("{ECS_TARGET}{operation}");
    proxy
        .recorded()
        .iter()
        .filter(|r| r["target"] == target.as_str())
        .count()
}

/// A cluster and a service with a compliant configuration, evaluated and recorded COMPLIANT
/// (so its last compliant copy is known).
async fn compliant_service(h: &Harness) -> (String, String) {
    let cluster = unique("cl");
    let service = unique("svc");
    h.create_ecs_cluster(&cluster).await;
    h.create_ecs_service(&cluster, &service, Some(ServiceConnect::compliant()))
        .await;
    let event = update_service_event(
        &cluster,
        &service,
        Some(ServiceConnect::compliant()),
        HUMAN_ROLE,
    );
    let report = evaluated(&h.engine(AutoRevert::Off), &event).await;
    assert_eq!(report.status, Status::Compliant, "{report:?}");
    (cluster, service)
}

/// A compliant service, recorded as such, whose TLS someone then removed.
async fn service_that_lost_tls(h: &Harness) -> (String, String) {
    let (cluster, service) = compliant_service(h).await;
    let broken = ServiceConnect::compliant().without_tls();
    h.update_service_connect(&cluster, &service, broken).await;
    (cluster, service)
}

/// When a staged change to the service is made during the revert: before the re-describe that
/// precedes the write (the second describe), or just before the write.
enum During {
    Redescribe,
    Write,
}

/// The revert of a service that lost TLS (`AUTO_REVERT=on`), with someone's `UpdateService`
/// (`change` completes the request) made `during` it.
async fn revert_interleaved(
    h: &Harness,
    cluster: &str,
    service: &str,
    during: During,
    change: impl FnOnce(UpdateServiceFluentBuilder) -> UpdateServiceFluentBuilder + Send + 'static,
) -> EventReport {
    let request = change(h.ecs().update_service().cluster(cluster).service(service));
    let step: Step = Box::new(move || {
        Box::pin(async move {
            request.send().await.unwrap();
        })
    });
    let config = h.config(AutoRevert::On);
    let (services, store) = h.ports(&config);
    let staged = match during {
        During::Redescribe => Staged::new(services).before_describe(2, step),
        During::Write => Staged::new(services).before_update(step),
    };
    let engine = meshwarden_engine::Engine::new(staged, store, config);
    let event = update_service_event(
        cluster,
        service,
        Some(ServiceConnect::compliant().without_tls()),
        HUMAN_ROLE,
    );
    evaluated(&engine, &event).await
}

#[tokio::test]
async fn a_service_is_described_into_its_document_with_its_tags() {
    let h = Harness::new().await;
    let cluster = unique("cl");
    let service = unique("svc");
    h.create_ecs_cluster(&cluster).await;
    h.create_ecs_service(&cluster, &service, Some(ServiceConnect::compliant()))
        .await;
    let (services, _) = h.ports(&h.config(AutoRevert::Off));
    let resource = service_ref(&cluster, &service);
    let described = services.describe(&resource).await.unwrap().unwrap();
    let doc = described.resource.to_describe_value();
    let ecs = &doc["ecsService"];
    assert_eq!(ecs["serviceName"], Value::from(service.as_str()));
    assert!(ecs["serviceArn"].as_str().unwrap().ends_with(&service));
    assert!(ecs["clusterArn"].as_str().unwrap().ends_with(&cluster));
    assert_eq!(ecs["status"], "ACTIVE");
    assert!(ecs["createdAt"].is_number());
    assert_eq!(ecs["tags"][0]["key"], "team");
    let primary = &ecs["deployments"][0];
    assert_eq!(primary["status"], "PRIMARY");
    assert_eq!(
        primary["serviceConnectConfiguration"],
        ServiceConnect::compliant().json()
    );
    let tags = services.tags(&resource, &described.snapshot).await.unwrap();
    assert_eq!(tags[0].key, "team");
    let absent = service_ref(&cluster, "never-created");
    assert!(services.describe(&absent).await.unwrap().is_none());
    let no_cluster = service_ref(&unique("no-cluster"), &service);
    assert!(services.describe(&no_cluster).await.unwrap().is_none());
    h.delete_ecs_service(&cluster, &service).await;
    let gone = services.describe(&resource).await.unwrap().unwrap();
    assert_eq!(gone.resource.status(), Some("INACTIVE"));
    assert!(gone.resource.is_deleted());
}

#[tokio::test]
async fn a_service_that_loses_tls_gets_its_last_compliant_configuration_back_once() {
    let h = Harness::new().await;
    let (cluster, service) = service_that_lost_tls(&h).await;
    let proxy = FaultProxy::recording(&[ECS_TARGET]);
    let seen = through(&h, &proxy);
    let engine = seen.engine(AutoRevert::On);
    let event = update_service_event(
        &cluster,
        &service,
        Some(ServiceConnect::compliant().without_tls()),
        HUMAN_ROLE,
    );
    let report = evaluated(&engine, &event).await;
    assert_eq!(report.status, Status::Compliant, "{report:?}");
    assert_eq!(report.action, Action::Reverted, "{report:?}");
    assert_eq!(
        h.primary_service_connect(&cluster, &service).await,
        Some(ServiceConnect::compliant().sdk()),
        "the PRIMARY deployment carries the last compliant configuration"
    );
    assert_eq!(
        calls(&proxy, "UpdateService"),
        1,
        "exactly one UpdateService"
    );
    // The same event again (a redelivery): nothing more is written.
    engine.run(&event, &Invocation::new()).await.unwrap();
    assert_eq!(calls(&proxy, "UpdateService"), 1, "no second write");
    let redelivery = proxy.recorded().len() - 4;
    assert_eq!(
        redelivery, 1,
        "the redelivery describes once and writes nothing"
    );
    let state = engine
        .store()
        .state(&ecs_id(&cluster, &service))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.common.status, Status::Compliant);
}

#[tokio::test]
async fn a_configuration_changed_between_evaluation_and_revert_is_not_undone() {
    let h = Harness::new().await;
    let (cluster, service) = service_that_lost_tls(&h).await;
    // After the evaluation's describe, someone changes the configuration again: the newer
    // change has its own event, this revert must not overwrite it.
    let theirs = ServiceConnect::compliant()
        .without_tls()
        .with_zero_timeout();
    let report = revert_interleaved(&h, &cluster, &service, During::Redescribe, move |u| {
        u.service_connect_configuration(theirs.sdk())
    })
    .await;
    assert_eq!(report.action, Action::RevertSkipped, "{report:?}");
    assert!(
        matches!(report.reason, Some(ActionReason::ChangedSinceEvaluated(_))),
        "{report:?}"
    );
    assert_eq!(
        h.primary_service_connect(&cluster, &service).await,
        Some(
            ServiceConnect::compliant()
                .without_tls()
                .with_zero_timeout()
                .sdk()
        ),
        "the newer change stays"
    );
}

#[tokio::test]
async fn a_redeploy_between_evaluation_and_revert_skips_the_revert_and_says_so() {
    let h = Harness::new().await;
    let (cluster, service) = service_that_lost_tls(&h).await;
    let evaluated_deployment = h
        .describe_ecs_service(&cluster, &service)
        .await
        .and_then(|s| {
            s.deployments
                .unwrap_or_default()
                .into_iter()
                .find(|d| d.status.as_deref() == Some("PRIMARY"))
        })
        .and_then(|d| d.id)
        .unwrap();
    // After the evaluation's describe, a deploy that keeps the configuration (as an image deploy
    // does) makes a new PRIMARY deployment: the revert was planned on the evaluated one.
    let report = revert_interleaved(&h, &cluster, &service, During::Redescribe, |u| {
        u.force_new_deployment(true)
    })
    .await;
    assert_eq!(report.action, Action::RevertSkipped, "{report:?}");
    match &report.reason {
        Some(ActionReason::Redeployed { before, now }) => {
            assert_eq!(
                before,
                &format!("PRIMARY deployment {evaluated_deployment}")
            );
            assert_ne!(before, now);
        }
        other => panic!("expected Redeployed, got {other:?}"),
    }
    assert_eq!(
        h.primary_service_connect(&cluster, &service).await,
        Some(ServiceConnect::compliant().without_tls().sdk()),
        "nothing written onto the new deployment"
    );
}

#[tokio::test]
async fn a_configuration_change_just_before_the_write_is_recorded_as_overwritten() {
    let h = Harness::new().await;
    let (cluster, service) = service_that_lost_tls(&h).await;
    // Between the describe before the write and the write, someone sets another configuration:
    // UpdateService takes no condition, so the revert replaces it. The describe after the write
    // still lists that deployment (draining): the conflict is recorded, not hidden.
    let theirs = ServiceConnect::compliant()
        .without_tls()
        .with_zero_timeout();
    let report = revert_interleaved(&h, &cluster, &service, During::Write, move |u| {
        u.service_connect_configuration(theirs.sdk())
    })
    .await;
    assert_eq!(report.action, Action::RevertConflict, "{report:?}");
    assert!(
        matches!(&report.reason, Some(ActionReason::Overwritten(changes)) if changes.len() == 1 && changes[0].starts_with("deployment ")),
        "{report:?}"
    );
    assert_eq!(
        h.primary_service_connect(&cluster, &service).await,
        Some(ServiceConnect::compliant().sdk()),
        "the revert's configuration is in force"
    );
}

#[tokio::test]
async fn without_a_compliant_configuration_the_revert_is_skipped_with_the_refusal() {
    let h = Harness::new().await;
    let cluster = unique("cl");
    let service = unique("svc");
    h.create_ecs_cluster(&cluster).await;
    let never = ServiceConnect::compliant().without_tls();
    h.create_ecs_service(&cluster, &service, Some(never)).await;
    let proxy = FaultProxy::recording(&[ECS_TARGET]);
    let engine = through(&h, &proxy).engine(AutoRevert::On);
    let report = evaluated(
        &engine,
        &update_service_event(&cluster, &service, Some(never), HUMAN_ROLE),
    )
    .await;
    assert_eq!(report.status, Status::NonCompliant);
    assert_eq!(report.action, Action::RevertSkipped, "{report:?}");
    assert!(
        matches!(&report.reason, Some(ActionReason::Skipped(skip)) if skip.refused(&Refusal::NoCompliantConfiguration)),
        "{report:?}"
    );
    assert_eq!(calls(&proxy, "UpdateService"), 0);
    assert_eq!(
        proxy.recorded().len(),
        1,
        "one DescribeServices, tags included"
    );
    assert_eq!(
        h.primary_service_connect(&cluster, &service).await,
        Some(never.sdk())
    );
}

#[tokio::test]
async fn an_image_only_deploy_is_ignored_without_a_describe() {
    let h = Harness::new().await;
    let (cluster, service) = compliant_service(&h).await;
    h.deploy_image(&cluster, &service, "nginx:2").await;
    let proxy = FaultProxy::recording(&[ECS_TARGET]);
    let engine = through(&h, &proxy).engine(AutoRevert::On);
    let handled = engine
        .run(
            &update_service_event(&cluster, &service, None, HUMAN_ROLE),
            &Invocation::new(),
        )
        .await
        .unwrap();
    assert!(matches!(handled, Handled::Ignored { .. }), "{handled:?}");
    assert_eq!(proxy.recorded().len(), 0, "no ECS call at all");
}

#[tokio::test]
async fn the_listing_pages_clusters_then_each_clusters_services() {
    let h = Harness::new().await;
    let mut expected = Vec::new();
    for _ in 0..2 {
        let cluster = unique("cl");
        h.create_ecs_cluster(&cluster).await;
        for _ in 0..3 {
            let service = unique("svc");
            h.create_ecs_service(&cluster, &service, Some(ServiceConnect::compliant()))
                .await;
            expected.push(service_ref(&cluster, &service).key());
        }
    }
    let config = h.config(AutoRevert::Off);
    let accounts =
        meshwarden_engine::adapters::aws::Accounts::new(&h.sdk, Some(ACCOUNT.to_owned()))
            .with_members(&config);
    let adapter = EcsAdapter::new(accounts).with_page_size(2);
    let scope = Scope {
        service: AwsService::Ecs,
        account: ACCOUNT.to_owned(),
        region: REGION.to_owned(),
    };
    let mut listed = Vec::new();
    let mut pages = 0;
    let mut cursor = None;
    loop {
        let page = adapter.list_page(&scope, cursor.as_deref()).await.unwrap();
        pages += 1;
        listed.extend(page.items.iter().map(ResourceRef::key));
        match page.next {
            Some(next) => cursor = Some(next),
            None => break,
        }
    }
    for id in &expected {
        assert_eq!(listed.iter().filter(|l| *l == id).count(), 1, "{id} once");
    }
    assert!(pages >= 4, "two pages per cluster at least: {pages}");
    let err = adapter
        .list_page(&scope, Some("not-a-cursor"))
        .await
        .unwrap_err();
    assert_eq!(err.kind, meshwarden_engine::ErrorKind::Rejected);
}
