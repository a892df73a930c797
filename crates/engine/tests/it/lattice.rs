//! VPC Lattice end to end: the SDK adapter's documents, its reverts and what stays alert-only,
//! through real SDK clients against the local emulator.

use crate::pipeline::evaluated;
use aws_sdk_vpclattice::types::AuthType;
use meshwarden_engine::core::error::ErrorKind;
use meshwarden_engine::core::ports::{ComplianceStore, ResourceReader, Scope};
use meshwarden_engine::core::reason::ActionReason;
use meshwarden_engine::core::reason::SkipReason;
use meshwarden_engine::core::record::{Action, Status};
use meshwarden_engine::core::step;
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{AutoRevert, EngineError, Handled};
use meshwarden_rules::catalog::Refusal;
use meshwarden_rules::event::IgnoreReason;
use meshwarden_rules::resource::{AwsService, ResourceKind, ResourceRef};
use meshwarden_testkit::lattice::*;
use meshwarden_testkit::memory::{MemoryStore, Strike};
use meshwarden_testkit::staged::Staged;
use meshwarden_testkit::*;
use serde_json::{json, Value};
use std::time::Duration;

const LOGS: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/lattice/access";

fn network_ref(id: &str) -> ResourceRef {
    ResourceRef::new(ResourceKind::ServiceNetwork, ACCOUNT, REGION, id)
}

fn put_policy_event(id: &str) -> Value {
    lattice_event(
        "PutAuthPolicy",
        json!({"resourceIdentifier": id, "policy": restrictive_policy()}),
        json!({"policy": restrictive_policy(), "state": "Active"}),
        HUMAN_ROLE,
        Duration::ZERO,
    )
}

/// A service network that is compliant (AWS_IAM, a restrictive policy, access logs), recorded
/// as such, so its last compliant copy is known.
async fn compliant_network(h: &Harness) -> String {
    compliant_network_recorded_by(h, &h.engine(AutoRevert::Off)).await
}

/// The same, recorded by `engine`.
async fn compliant_network_recorded_by(
    h: &Harness,
    engine: &meshwarden_engine::Engine<
        impl meshwarden_engine::core::ports::ResourceWriter,
        impl ComplianceStore,
        impl meshwarden_engine::core::ports::FindingsSink,
    >,
) -> String {
    let id = h.create_network(&unique("sn"), AuthType::AwsIam).await;
    h.put_auth_policy(&id, &restrictive_policy()).await;
    h.subscribe_access_logs(&id, LOGS).await;
    let report = evaluated(engine, &put_policy_event(&id)).await;
    assert_eq!(report.status, Status::Compliant, "{report:?}");
    id
}

/// Delete the network's first access log subscription as someone would; the event of it, which
/// names only the subscription.
async fn delete_first_subscription(h: &Harness, network: &str) -> Value {
    let subscription = h
        .lattice
        .list_access_log_subscriptions()
        .resource_identifier(network)
        .send()
        .await
        .unwrap()
        .items
        .remove(0)
        .id;
    h.lattice
        .delete_access_log_subscription()
        .access_log_subscription_identifier(&subscription)
        .send()
        .await
        .unwrap();
    lattice_event(
        "DeleteAccessLogSubscription",
        json!({"accessLogSubscriptionIdentifier": subscription}),
        Value::Null,
        HUMAN_ROLE,
        Duration::ZERO,
    )
}

#[tokio::test]
async fn a_service_network_is_described_into_one_document_from_its_parts() {
    let h = Harness::new().await;
    let id = h.create_network(&unique("sn"), AuthType::None).await;
    h.put_auth_policy(&id, &restrictive_policy()).await;
    h.subscribe_access_logs(&id, LOGS).await;
    let (services, _) = h.ports(&h.config(AutoRevert::Off));
    let described = services.describe(&network_ref(&id)).await.unwrap().unwrap();
    let doc = described.resource.to_describe_value();
    assert_eq!(doc["serviceNetwork"]["id"], json!(id));
    assert_eq!(doc["serviceNetwork"]["authType"], json!("NONE"));
    assert_eq!(doc["authPolicy"]["policy"], json!(restrictive_policy()));
    assert_eq!(
        doc["authPolicy"]["state"],
        json!("Inactive"),
        "the policy is not enforced while the auth type is NONE"
    );
    assert_eq!(
        doc["accessLogSubscriptions"][0]["destinationArn"],
        json!(LOGS)
    );
    assert_eq!(doc["vpcAssociations"], json!([]));
    let absent = network_ref("sn-0000000000000000f");
    assert!(services.describe(&absent).await.unwrap().is_none());
}

#[tokio::test]
async fn an_opened_service_network_gets_its_policy_and_then_iam_back() {
    let h = Harness::new().await;
    let id = compliant_network(&h).await;
    // Someone opens the network: the policy goes, then the auth type.
    h.lattice
        .delete_auth_policy()
        .resource_identifier(&id)
        .send()
        .await
        .unwrap();
    h.set_network_auth(&id, AuthType::None).await;
    let engine = h.engine(AutoRevert::On);
    let report = evaluated(&engine, &update_network_event(&id, "NONE")).await;
    assert_eq!(report.action, Action::Reverted, "{report:?}");
    assert_eq!(
        h.auth_of(&id).await,
        (Some("AWS_IAM".to_owned()), Some(restrictive_policy())),
        "the last compliant policy is put back before the auth type that enforces it"
    );
    let state = engine
        .store()
        .state(&lattice_id("serviceNetwork", &id))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.common.status, Status::Compliant);
}

#[tokio::test]
async fn without_a_known_policy_iam_is_not_switched_on() {
    let h = Harness::new().await;
    let id = h.create_network(&unique("sn"), AuthType::None).await;
    let report = evaluated(
        &h.engine(AutoRevert::On),
        &update_network_event(&id, "NONE"),
    )
    .await;
    assert_eq!(report.status, Status::NonCompliant);
    assert_eq!(report.action, Action::RevertSkipped);
    assert!(
        matches!(&report.reason, Some(ActionReason::Skipped(skip)) if skip.refused(&Refusal::NoPolicySeenInForce)),
        "{report:?}"
    );
    assert_eq!(h.auth_of(&id).await, (Some("NONE".to_owned()), None));
}

#[tokio::test]
async fn iam_is_never_switched_on_with_a_policy_never_seen_in_force() {
    // Issue 19: a deny-only policy passes "restricted"; enforcing it would deny every caller.
    let h = Harness::new().await;
    let id = compliant_network(&h).await;
    let deny_only = json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]})
    .to_string();
    h.put_auth_policy(&id, &deny_only).await;
    h.set_network_auth(&id, AuthType::None).await;
    let config = h.config(AutoRevert::On);
    let (services, store) = h.ports(&config);
    let engine = meshwarden_engine::Engine::new(services, store, config);
    let resource = network_ref(&id);
    let described = engine
        .resources()
        .describe(&resource)
        .await
        .unwrap()
        .unwrap();
    let last = engine
        .store()
        .last_compliant(&resource.key())
        .await
        .unwrap();
    let last =
        last.map(|doc| meshwarden_rules::model::Resource::from_describe_value(&doc).unwrap());
    let plan = step::plan(
        &described.resource,
        &step::assess(&described.resource, None, &engine.config().rules),
        &step::Guards {
            mode: AutoRevert::On,
            own_change: false,
            own_account: Some(ACCOUNT),
        },
        None,
        &engine.config().rules,
        last.as_ref(),
    );
    match plan {
        step::Plan::Skip(reason) => {
            assert!(reason.refused(&Refusal::NoPolicySeenInForce), "{reason}")
        }
        other => panic!("expected a skip, got {other:?}"),
    }
    let report = evaluated(&engine, &update_network_event(&id, "NONE")).await;
    assert_eq!(report.action, Action::RevertSkipped, "{report:?}");
    assert_eq!(
        h.auth_of(&id).await,
        (Some("NONE".to_owned()), Some(deny_only)),
        "neither the auth type nor the policy is touched"
    );
}

#[tokio::test]
async fn a_retry_recognises_its_own_recreated_subscription_and_records_it_once() {
    // Issue 19: the subscription is re-created, the completion write fails; the retry sees a
    // subscription with an id, ARN and timestamps the plan could not know, to the planned
    // destination: its own revert.
    let h = Harness::new().await;
    let config = h.config(AutoRevert::On);
    let (services, _) = h.ports(&config);
    let store = MemoryStore::default();
    let engine = meshwarden_engine::Engine::new(services, store.clone(), config);
    let id = compliant_network_recorded_by(&h, &engine).await;
    let deleted = delete_first_subscription(&h, &id).await;
    store.fail("complete_revert", ErrorKind::Throttled, Strike::Before);
    let (first, _) = meshwarden_testkit::run_counted(&engine, &deleted, "d1").await;
    assert!(matches!(first, Err(EngineError::Transient(_))), "{first:?}");
    assert_eq!(h.access_log_destinations(&id).await, vec![LOGS.to_owned()]);
    let (retry, counts) = meshwarden_testkit::run_counted(&engine, &deleted, "d1").await;
    let Ok(Handled::Evaluated(report)) = retry else {
        panic!("expected an evaluation, got {retry:?}");
    };
    assert_eq!(report.action, Action::Reverted, "{report:?}");
    assert_eq!(
        counts.reverted, 1,
        "the retry reports the revert it completed"
    );
    assert_eq!(
        h.access_log_destinations(&id).await,
        vec![LOGS.to_owned()],
        "created once"
    );
    let network = lattice_id("serviceNetwork", &id);
    let reverts: Vec<_> = store
        .history_of(&network)
        .into_iter()
        .filter(|item| item.common.action == Action::Reverted)
        .collect();
    assert_eq!(reverts.len(), 1, "recorded once");
    assert_eq!(store.reverts_counted(&network), 1, "counted once");
}

#[tokio::test]
async fn an_http_listener_stays_flagged_as_alert_only() {
    let h = Harness::new().await;
    let group = h.create_target_group(&unique("tg"), "HTTPS", true).await;
    let service = h
        .create_lattice_service(&unique("svc"), AuthType::AwsIam)
        .await;
    h.put_auth_policy(&service, &restrictive_policy()).await;
    h.subscribe_access_logs(&service, LOGS).await;
    h.create_listener(&service, "HTTP", 80, &group).await;
    let event = lattice_event(
        "CreateListener",
        json!({"serviceIdentifier": service, "protocol": "HTTP", "port": 80, "name": "l"}),
        json!({"serviceId": service, "protocol": "HTTP", "port": 80}),
        HUMAN_ROLE,
        Duration::ZERO,
    );
    let report = evaluated(&h.engine(AutoRevert::On), &event).await;
    assert_eq!(report.non_compliant_rules, vec!["lattice-listener-https"]);
    assert_eq!(report.action, Action::RevertSkipped);
    let Some(ActionReason::Skipped(SkipReason::NoSafePatch(skipped))) = &report.reason else {
        panic!("no safe patch expected: {report:?}");
    };
    assert_eq!(
        skipped.iter().map(|s| s.rule).collect::<Vec<_>>(),
        ["lattice-listener-https"]
    );
}

#[tokio::test]
async fn a_disabled_health_check_is_switched_back_on_keeping_its_settings() {
    let h = Harness::new().await;
    let group = h.create_target_group(&unique("tg"), "HTTPS", false).await;
    let event = lattice_event(
        "UpdateTargetGroup",
        json!({"targetGroupIdentifier": group, "healthCheck": {"enabled": false}}),
        json!({"id": group}),
        HUMAN_ROLE,
        Duration::ZERO,
    );
    let report = evaluated(&h.engine(AutoRevert::On), &event).await;
    assert_eq!(report.action, Action::Reverted, "{report:?}");
    let described = h
        .lattice
        .get_target_group()
        .target_group_identifier(&group)
        .send()
        .await
        .unwrap();
    let check = described.config.unwrap().health_check.unwrap();
    assert_eq!(check.enabled, Some(true));
    assert_eq!(
        check.path.as_deref(),
        Some("/healthz"),
        "other settings kept"
    );
}

#[tokio::test]
async fn a_deleted_access_log_subscription_is_recreated_to_its_last_destination() {
    let h = Harness::new().await;
    let id = compliant_network(&h).await;
    // The deletion names only the subscription: its owner is the one recorded with the last
    // compliant copy.
    let deleted = delete_first_subscription(&h, &id).await;
    let report = evaluated(&h.engine(AutoRevert::On), &deleted).await;
    assert_eq!(report.resource, lattice_id("serviceNetwork", &id));
    assert_eq!(report.action, Action::Reverted, "{report:?}");
    assert_eq!(h.access_log_destinations(&id).await, vec![LOGS.to_owned()]);
}

#[tokio::test]
async fn an_association_call_naming_only_the_association_evaluates_its_recorded_owner() {
    // Issue 19: UpdateServiceNetworkVpcAssociation names only `snva-…`; the network's compliant
    // copy recorded the association's owner.
    let h = Harness::new().await;
    let id = h.create_network(&unique("sn"), AuthType::AwsIam).await;
    h.put_auth_policy(&id, &restrictive_policy()).await;
    h.subscribe_access_logs(&id, LOGS).await;
    h.associate_vpc(&id, "vpc-0example", &["sg-0example"]).await;
    let engine = h.engine(AutoRevert::Off);
    let report = evaluated(&engine, &put_policy_event(&id)).await;
    assert_eq!(report.status, Status::Compliant, "{report:?}");
    let association = h
        .lattice
        .list_service_network_vpc_associations()
        .service_network_identifier(&id)
        .send()
        .await
        .unwrap()
        .items
        .remove(0)
        .id
        .unwrap();
    let updated = lattice_event(
        "UpdateServiceNetworkVpcAssociation",
        json!({"serviceNetworkVpcAssociationIdentifier": association,
               "securityGroupIds": ["sg-0example"]}),
        json!({"id": association}),
        HUMAN_ROLE,
        Duration::ZERO,
    );
    let report = evaluated(&engine, &updated).await;
    assert_eq!(report.resource, lattice_id("serviceNetwork", &id));
    assert_eq!(report.status, Status::Compliant, "{report:?}");
}

#[tokio::test]
async fn a_subscription_never_seen_in_a_compliant_copy_is_ignored_with_the_reason() {
    let h = Harness::new().await;
    let event = lattice_event(
        "DeleteAccessLogSubscription",
        json!({"accessLogSubscriptionIdentifier": "als-0123456789abcdef0"}),
        Value::Null,
        HUMAN_ROLE,
        Duration::ZERO,
    );
    match h
        .engine(AutoRevert::On)
        .run(&event, &Invocation::new())
        .await
        .unwrap()
    {
        Handled::Ignored { reason, .. } => assert_eq!(
            reason,
            IgnoreReason::OwnerNotNamed(
                "accessLogSubscription als-0123456789abcdef0 (never in a compliant copy \
                 Meshwarden recorded)"
                    .to_owned()
            )
        ),
        other => panic!("expected ignored, got {other:?}"),
    }
}

#[tokio::test]
async fn a_change_between_evaluation_and_update_is_never_undone() {
    let h = Harness::new().await;
    let id = compliant_network(&h).await;
    h.set_network_auth(&id, AuthType::None).await;
    // After the evaluation's describe, someone attaches a new subscription: the network is no
    // longer what was evaluated, and the newer change has its own event.
    let client = h.lattice.clone();
    let network = id.clone();
    let config = h.config(AutoRevert::On);
    let (services, store) = h.ports(&config);
    let staged = Staged::new(services).before_describe(
        2,
        Box::new(move || {
            Box::pin(async move {
                client
                    .create_access_log_subscription()
                    .resource_identifier(&network)
                    .destination_arn("arn:aws:s3:::audit-bucket")
                    .send()
                    .await
                    .unwrap();
            })
        }),
    );
    let engine = meshwarden_engine::Engine::new(staged, store, config);
    let report = evaluated(&engine, &update_network_event(&id, "NONE")).await;
    assert_eq!(report.action, Action::RevertSkipped, "{report:?}");
    assert!(
        matches!(report.reason, Some(ActionReason::ChangedSinceEvaluated(_))),
        "{report:?}"
    );
    assert_eq!(h.auth_of(&id).await.0.as_deref(), Some("NONE"));
}

#[tokio::test]
async fn a_change_landing_while_the_writes_are_made_is_a_conflict_never_reverted() {
    // Issue 19: VPC Lattice's writes take no condition. A change landing between the
    // re-describe and the writes is not prevented, but the describe after them shows content
    // that is neither the planned nor the evaluated one: REVERT_CONFLICT, naming what differs.
    let h = Harness::new().await;
    let id = compliant_network(&h).await;
    h.set_network_auth(&id, AuthType::None).await;
    let client = h.lattice.clone();
    let network = id.clone();
    let config = h.config(AutoRevert::On);
    let (services, store) = h.ports(&config);
    let staged = Staged::new(services).before_update(Box::new(move || {
        Box::pin(async move {
            client
                .create_access_log_subscription()
                .resource_identifier(&network)
                .destination_arn("arn:aws:s3:::audit-bucket")
                .send()
                .await
                .unwrap();
        })
    }));
    let engine = meshwarden_engine::Engine::new(staged, store, config);
    let (handled, counts) =
        meshwarden_testkit::run_counted(&engine, &update_network_event(&id, "NONE"), "d1").await;
    let Ok(Handled::Evaluated(report)) = handled else {
        panic!("expected an evaluation, got {handled:?}");
    };
    assert_eq!(report.action, Action::RevertConflict, "{report:?}");
    assert!(
        matches!(&report.reason, Some(ActionReason::ContentConflict(members)) if members.iter().any(|m| m == "accessLogSubscriptions")),
        "{report:?}"
    );
    assert_eq!(counts.errors, 1, "an error someone must see");
    assert_eq!(h.auth_of(&id).await.0.as_deref(), Some("AWS_IAM"));
}

#[tokio::test]
async fn the_listing_covers_every_lattice_kind_and_the_sweep_records_them() {
    let h = Harness::new().await;
    let network = h.create_network(&unique("sn"), AuthType::None).await;
    let service = h
        .create_lattice_service(&unique("svc"), AuthType::AwsIam)
        .await;
    let group = h.create_target_group(&unique("tg"), "HTTP", true).await;
    let config = h.config(AutoRevert::Off);
    let (services, _) = h.ports(&config);
    let scope = Scope {
        service: AwsService::VpcLattice,
        account: ACCOUNT.to_owned(),
        region: REGION.to_owned(),
    };
    let listed: Vec<String> = services
        .list(&scope)
        .await
        .unwrap()
        .iter()
        .map(ResourceRef::key)
        .collect();
    let ids = [
        lattice_id("serviceNetwork", &network),
        lattice_id("service", &service),
        lattice_id("targetGroup", &group),
    ];
    for id in &ids {
        assert!(listed.contains(id), "{id} not in {listed:?}");
    }
    let engine = h.engine_with(config);
    let schedule = json!({"detail-type": "Scheduled Event", "source": "meshwarden.sweep",
        "id": unique("sweep")});
    engine.run(&schedule, &Invocation::new()).await.unwrap();
    for id in &ids {
        let state = engine.store().state(id).await.unwrap();
        assert!(state.is_some(), "the sweep recorded {id}");
    }
    let network_state = engine.store().state(&ids[0]).await.unwrap().unwrap();
    assert_eq!(network_state.common.status, Status::NonCompliant);
}
