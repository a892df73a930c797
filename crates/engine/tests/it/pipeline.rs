//! The responder pipeline end to end: real SDK clients against the local emulator.

use aws_sdk_appmesh::types::EgressFilterType;
use meshwarden_engine::core::ports::ComplianceStore;
use meshwarden_engine::core::ports::RecordOutcome;
use meshwarden_engine::core::reason::ActionReason;
use meshwarden_engine::core::reason::SkipReason;
use meshwarden_engine::core::record::{Action, Status};
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{AutoRevert, EngineError, Handled};
use meshwarden_testkit::staged::Staged;
use meshwarden_testkit::*;
use serde_json::Value;
use std::time::Duration;

const OLD: Duration = Duration::from_secs(3_600);

pub(crate) async fn evaluated(
    engine: &meshwarden_engine::Engine<
        impl meshwarden_engine::core::ports::ResourceWriter,
        impl ComplianceStore,
        impl meshwarden_engine::core::ports::FindingsSink,
    >,
    event: &Value,
) -> meshwarden_engine::outcome::EventReport {
    match engine
        .run(event, &Invocation::new())
        .await
        .expect("no transient error")
    {
        Handled::Evaluated(report) => report,
        other => panic!("expected an evaluation, got {other:?}"),
    }
}

/// The STATE item of a mesh (it must exist).
async fn mesh_state(
    engine: &meshwarden_engine::Engine<
        impl meshwarden_engine::core::ports::ResourceWriter,
        impl ComplianceStore,
    >,
    mesh: &str,
) -> meshwarden_engine::core::record::StateItem {
    engine
        .store()
        .state(&mesh_id(mesh))
        .await
        .unwrap()
        .expect("a STATE item")
}

#[tokio::test]
async fn mesh_allow_all_with_auto_revert_off_is_recorded_not_changed() {
    let h = Harness::new().await;
    let mesh = unique("cc-production-app-mesh");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::Off);
    let report = evaluated(
        &engine,
        &update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO),
    )
    .await;
    assert_eq!(report.status, Status::NonCompliant);
    assert_eq!(report.action, Action::None);
    assert_eq!(report.non_compliant_rules, vec!["mesh-egress-drop-all"]);
    assert_eq!(
        h.egress(&mesh).await,
        Some(EgressFilterType::AllowAll),
        "off must not change anything"
    );
    let state = mesh_state(&engine, &mesh).await;
    assert_eq!(state.common.status, Status::NonCompliant);
    assert_eq!(state.common.resource_version, Some(v));
    assert_eq!(state.non_compliant.as_deref(), Some("NON_COMPLIANT"));
    assert_eq!(h.history_count(&mesh_id(&mesh)).await, 1);
}

#[tokio::test]
async fn mesh_allow_all_dry_run_records_the_would_be_change() {
    let h = Harness::new().await;
    let mesh = unique("cc-production-app-mesh");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::DryRun);
    let report = evaluated(
        &engine,
        &update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO),
    )
    .await;
    assert_eq!(report.action, Action::WouldRevert);
    assert_eq!(report.status, Status::NonCompliant);
    assert_eq!(
        h.egress(&mesh).await,
        Some(EgressFilterType::AllowAll),
        "dry-run must not change anything"
    );
    let history = engine
        .store()
        .history(&mesh_id(&mesh), &Default::default())
        .await
        .unwrap();
    let item = &history.items[0];
    assert_eq!(
        item.after.as_ref().unwrap()["mesh"]["spec"]["egressFilter"]["type"],
        "DROP_ALL"
    );
    assert_eq!(
        item.before.as_ref().unwrap()["mesh"]["spec"]["egressFilter"]["type"],
        "ALLOW_ALL"
    );
}

#[tokio::test]
async fn mesh_allow_all_with_auto_revert_on_is_reverted() {
    let h = Harness::new().await;
    let mesh = unique("cc-production-app-mesh");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::On);
    let report = evaluated(
        &engine,
        &update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO),
    )
    .await;
    assert_eq!(report.action, Action::Reverted);
    assert_eq!(report.status, Status::Compliant);
    assert_eq!(h.egress(&mesh).await, Some(EgressFilterType::DropAll));
    let state = mesh_state(&engine, &mesh).await;
    assert_eq!(
        state.common.resource_version,
        Some(v + 1),
        "records the reverted version"
    );
    assert_eq!(
        state.non_compliant, None,
        "a reverted resource leaves the non-compliant index"
    );
    assert!(state.spec_hash.is_some());
    assert!(
        engine
            .store()
            .last_compliant(&mesh_id(&mesh))
            .await
            .unwrap()
            .is_some(),
        "the reverted document is the last compliant copy"
    );
    let counters: Vec<_> = h
        .items(&mesh_id(&mesh))
        .await
        .into_iter()
        .filter(|i| i["sk"].as_s().unwrap().starts_with("CAP#"))
        .collect();
    assert_eq!(counters.len(), 1, "one hourly cap counter");
    assert_eq!(
        counters[0]["reverts"].as_n().unwrap(),
        "1",
        "the revert is counted"
    );
    let page = engine.store().non_compliant(None, 1000).await.unwrap();
    assert!(page.items.iter().all(|s| s.common.pk != mesh_id(&mesh)));
}

#[tokio::test]
async fn gateway_without_tls_under_each_mode() {
    let h = Harness::new().await;
    let mesh = unique("cc-production-app-mesh");
    h.create_mesh(&mesh, EgressFilterType::DropAll).await;
    let gateway = "cc-prod-mesh-virtual-gateway";
    let v = h.create_gateway_without_tls(&mesh, gateway).await;
    let event = || create_gateway_event(&mesh, gateway, v, HUMAN_ROLE);

    let off = evaluated(&h.engine(AutoRevert::Off), &event()).await;
    assert_eq!(off.status, Status::NonCompliant);
    assert!(off
        .non_compliant_rules
        .contains(&"vgw-backend-tls-enforced".to_owned()));
    assert_eq!(off.action, Action::None);

    // No trust source configured and no compliant history: never guess a CA. What can be fixed
    // safely (the access log) is; TLS is skipped with the reason.
    let on_without_trust = evaluated(&h.engine(AutoRevert::On), &event()).await;
    assert_eq!(on_without_trust.action, Action::Reverted);
    assert_eq!(on_without_trust.status, Status::NonCompliant);
    assert!(on_without_trust
        .non_compliant_rules
        .contains(&"vgw-backend-tls-enforced".to_owned()));
    assert!(
        matches!(&on_without_trust.reason, Some(ActionReason::RulesLeft(left))
            if left.iter().any(|s| s.rule == "vgw-backend-tls-enforced")),
        "{on_without_trust:?}"
    );
    assert_eq!(h.gateway_tls_enforced(&mesh, gateway).await, None);

    let mut config = h.config(AutoRevert::DryRun);
    config.rules.tls_ca_arns =
        vec!["arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/abc".into()];
    let dry = evaluated(&h.engine_with(config.clone()), &event()).await;
    assert_eq!(dry.action, Action::WouldRevert);
    assert_eq!(h.gateway_tls_enforced(&mesh, gateway).await, None);

    config.auto_revert = AutoRevert::On;
    let on = evaluated(&h.engine_with(config), &event()).await;
    assert_eq!(on.action, Action::Reverted);
    assert!(
        !on.non_compliant_rules
            .contains(&"vgw-backend-tls-enforced".to_owned()),
        "{on:?}"
    );
    assert_eq!(h.gateway_tls_enforced(&mesh, gateway).await, Some(true));
    assert_eq!(h.history_count(&gateway_id(&mesh, gateway)).await, 4);
}

#[tokio::test]
async fn duplicate_delivery_records_once_and_updates_at_most_once() {
    let h = Harness::new().await;
    let mesh = unique("dup");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::On);
    let event = update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO);
    let first = evaluated(&engine, &event).await;
    let second = evaluated(&engine, &event).await;
    assert_eq!(first.recorded, RecordOutcome::Written);
    assert_eq!(second.recorded, RecordOutcome::Duplicate);
    assert_eq!(
        second.action,
        Action::Reverted,
        "a duplicate reports what the event was recorded as"
    );
    assert_eq!(h.history_count(&mesh_id(&mesh)).await, 1);
    assert_eq!(h.mesh_version(&mesh).await, v + 1, "exactly one update");
}

#[tokio::test]
async fn out_of_order_delivery_never_regresses_state() {
    let h = Harness::new().await;
    let mesh = unique("ooo");
    let v1 = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let old_event = update_mesh_event(&mesh, "ALLOW_ALL", v1, HUMAN_ROLE, OLD);
    let v2 = h.update_mesh(&mesh, EgressFilterType::DropAll).await;
    let new_event = update_mesh_event(&mesh, "DROP_ALL", v2, HUMAN_ROLE, Duration::ZERO);
    let engine = h.engine(AutoRevert::Off);
    assert_eq!(
        evaluated(&engine, &new_event).await.status,
        Status::Compliant
    );
    let late = evaluated(&engine, &old_event).await;
    assert_eq!(
        late.status,
        Status::Compliant,
        "the late event is judged on a fresh describe"
    );
    let state = mesh_state(&engine, &mesh).await;
    assert_eq!(state.common.resource_version, Some(v2));
    assert_eq!(
        state.common.event_id,
        event_id(&new_event),
        "state keeps the newest event's view"
    );
    assert_eq!(h.history_count(&mesh_id(&mesh)).await, 2);
}

#[tokio::test]
async fn event_for_a_resource_deleted_since_records_deleted() {
    let h = Harness::new().await;
    let mesh = unique("gone");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    h.appmesh
        .delete_mesh()
        .mesh_name(&mesh)
        .send()
        .await
        .unwrap();
    let engine = h.engine(AutoRevert::On);
    // Young event: "not found" may be eventual consistency, so the event is retried.
    let young = update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO);
    let err = engine.run(&young, &Invocation::new()).await.unwrap_err();
    assert!(
        matches!(&err, EngineError::NotYetConsistent(e) if e.contains("not found yet")),
        "{err}"
    );
    // Past the consistency window, not found is the truth.
    let old = update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, OLD);
    let report = evaluated(&engine, &old).await;
    assert_eq!(report.status, Status::Deleted);
    let state = mesh_state(&engine, &mesh).await;
    assert_eq!(state.common.status, Status::Deleted);
    assert_eq!(state.common.resource_version, None);
}

#[tokio::test]
async fn describe_older_than_the_event_is_retried_while_young() {
    let h = Harness::new().await;
    let mesh = unique("lag");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::Off);
    let ahead = update_mesh_event(&mesh, "ALLOW_ALL", v + 5, HUMAN_ROLE, Duration::ZERO);
    let err = engine.run(&ahead, &Invocation::new()).await.unwrap_err();
    assert!(
        matches!(&err, EngineError::NotYetConsistent(e) if e.contains("older than the event")),
        "{err}"
    );
    assert_eq!(
        h.history_count(&mesh_id(&mesh)).await,
        0,
        "nothing recorded for a retried event"
    );
}

#[tokio::test]
async fn own_role_changes_are_recorded_but_never_reverted() {
    let h = Harness::new().await;
    let mesh = unique("own");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::On);
    let report = evaluated(
        &engine,
        &update_mesh_event(&mesh, "ALLOW_ALL", v, OWN_ROLE, Duration::ZERO),
    )
    .await;
    assert_eq!(report.action, Action::RevertSkipped);
    assert_eq!(
        report.reason,
        Some(ActionReason::Skipped(SkipReason::LoopGuard))
    );
    assert_eq!(h.egress(&mesh).await, Some(EgressFilterType::AllowAll));
    assert_eq!(h.history_count(&mesh_id(&mesh)).await, 1);
}

#[tokio::test]
async fn a_flapping_resource_is_reverted_at_most_n_times_per_hour() {
    let h = Harness::new().await;
    let mesh = unique("flap");
    h.create_mesh(&mesh, EgressFilterType::DropAll).await;
    let mut config = h.config(AutoRevert::On);
    config.max_reverts_per_hour = 2;
    let engine = h.engine_with(config);
    let mut actions = Vec::new();
    for _ in 0..4 {
        let v = h.update_mesh(&mesh, EgressFilterType::AllowAll).await;
        let report = evaluated(
            &engine,
            &update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO),
        )
        .await;
        actions.push(report.action);
    }
    assert_eq!(
        actions,
        vec![
            Action::Reverted,
            Action::Reverted,
            Action::RevertSkipped,
            Action::RevertSkipped
        ]
    );
    let history = engine
        .store()
        .history(&mesh_id(&mesh), &Default::default())
        .await
        .unwrap();
    // Events within one second sort by event id, not arrival: look at the skipped ones.
    let skipped: Vec<_> = history
        .items
        .iter()
        .filter(|i| i.common.action == Action::RevertSkipped)
        .collect();
    assert_eq!(skipped.len(), 2);
    assert!(skipped
        .iter()
        .all(|i| i.common.action_reason == Some(ActionReason::Capped(2))));
    assert_eq!(h.egress(&mesh).await, Some(EgressFilterType::AllowAll));
}

#[tokio::test]
async fn malformed_and_ignored_events_succeed_without_records() {
    let h = Harness::new().await;
    let engine = h.engine(AutoRevert::On);
    let rejected = engine
        .run(
            &serde_json::json!({"detail-type": "AWS API Call via CloudTrail", "detail": 7}),
            &Invocation::new(),
        )
        .await
        .unwrap();
    assert!(matches!(rejected, Handled::Rejected { .. }), "{rejected:?}");
    let mut failed = update_mesh_event("m", "ALLOW_ALL", 1, HUMAN_ROLE, Duration::ZERO);
    failed["detail"]["errorCode"] = "AccessDeniedException".into();
    let ignored = engine.run(&failed, &Invocation::new()).await.unwrap();
    assert!(matches!(ignored, Handled::Ignored { .. }), "{ignored:?}");
}

/// An engine over the real ports, with `staged` deciding what happens between its calls.
fn staged_engine(
    h: &Harness,
    config: meshwarden_engine::EngineConfig,
    stage: impl FnOnce(
        Staged<meshwarden_engine::services::AwsServices>,
    ) -> Staged<meshwarden_engine::services::AwsServices>,
) -> meshwarden_engine::Engine<
    Staged<meshwarden_engine::services::AwsServices>,
    meshwarden_engine::adapters::dynamo::DynamoStore,
> {
    let (services, store) = h.ports(&config);
    meshwarden_engine::Engine::new(stage(Staged::new(services)), store, config)
}

#[tokio::test]
async fn a_deployment_between_evaluation_and_update_survives() {
    let h = Harness::new().await;
    let mesh = unique("window");
    h.create_mesh(&mesh, EgressFilterType::DropAll).await;
    let gateway = "gw";
    let v = h.create_gateway_without_tls(&mesh, gateway).await;
    // The deployment: listener moved to 9090 with a health check, landing after the evaluation's
    // describe and before the re-describe that precedes the update.
    let client = h.appmesh.clone();
    let (m, g) = (mesh.clone(), gateway.to_owned());
    let engine = staged_engine(&h, h.config(AutoRevert::On), |staged| {
        staged.before_describe(
            2,
            Box::new(move || {
                Box::pin(async move {
                    client
                        .update_virtual_gateway()
                        .mesh_name(&m)
                        .virtual_gateway_name(&g)
                        .spec(deployed_gateway_spec())
                        .send()
                        .await
                        .unwrap();
                })
            }),
        )
    });
    let report = evaluated(
        &engine,
        &create_gateway_event(&mesh, gateway, v, HUMAN_ROLE),
    )
    .await;
    assert_eq!(report.action, Action::RevertSkipped, "{report:?}");
    assert!(
        matches!(report.reason, Some(ActionReason::ChangedSinceEvaluated(_))),
        "{report:?}"
    );
    let described = h
        .appmesh
        .describe_virtual_gateway()
        .mesh_name(&mesh)
        .virtual_gateway_name(gateway)
        .send()
        .await
        .unwrap()
        .virtual_gateway
        .unwrap();
    assert_eq!(
        described.metadata.unwrap().version,
        v + 1,
        "no update after the deployment"
    );
    let listener = &described.spec.unwrap().listeners[0];
    assert_eq!(listener.port_mapping.as_ref().unwrap().port, 9090);
    assert!(
        listener.health_check.is_some(),
        "the deployment's health check survives"
    );
    let counters = h
        .items(&gateway_id(&mesh, gateway))
        .await
        .into_iter()
        .filter(|i| i["sk"].as_s().unwrap().starts_with("CAP#"))
        .map(|i| i["reverts"].as_n().unwrap().to_owned())
        .collect::<Vec<_>>();
    assert_eq!(counters, vec!["0"], "the reserved slot is given back");
}

/// The gateway after a deployment: its listener on 9090 with a health check.
fn deployed_gateway_spec() -> aws_sdk_appmesh::types::VirtualGatewaySpec {
    use aws_sdk_appmesh::types as am;
    let mut spec = seed_gateway_spec();
    let health = am::VirtualGatewayHealthCheckPolicy::builder()
        .protocol(am::VirtualGatewayPortProtocol::Http)
        .path("/ping")
        .healthy_threshold(2)
        .unhealthy_threshold(2)
        .interval_millis(5_000)
        .timeout_millis(2_000)
        .build()
        .unwrap();
    let port = am::VirtualGatewayPortMapping::builder()
        .port(9090)
        .protocol(am::VirtualGatewayPortProtocol::Http)
        .build()
        .unwrap();
    spec.listeners = vec![am::VirtualGatewayListener::builder()
        .port_mapping(port)
        .health_check(health)
        .build()];
    spec
}

#[tokio::test]
async fn five_concurrent_events_with_a_cap_of_one_revert_once() {
    let h = Harness::new().await;
    let mesh = unique("cap");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let mut config = h.config(AutoRevert::On);
    config.max_reverts_per_hour = 1;
    // All five evaluate the same drifted mesh before any goes on.
    let engine = staged_engine(&h, config, |staged| staged.gate_first_describes(5));
    let events: Vec<Value> = (0..5)
        .map(|_| update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO))
        .collect();
    // Five deliveries of their own.
    let fresh = Invocation::new();
    let outcomes = futures::future::join_all(events.iter().map(|e| engine.run(e, &fresh))).await;
    let actions: Vec<Action> = outcomes
        .into_iter()
        .map(|o| match o.unwrap() {
            Handled::Evaluated(r) => {
                if r.action == Action::RevertSkipped {
                    assert!(r.reason == Some(ActionReason::Capped(1)), "{r:?}");
                }
                r.action
            }
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        actions.iter().filter(|a| **a == Action::Reverted).count(),
        1,
        "{actions:?}"
    );
    assert_eq!(
        actions
            .iter()
            .filter(|a| **a == Action::RevertSkipped)
            .count(),
        4,
        "{actions:?}"
    );
    assert_eq!(h.mesh_version(&mesh).await, v + 1, "exactly one update");
    assert_eq!(h.history_count(&mesh_id(&mesh)).await, 5);
}

#[tokio::test]
async fn a_recreated_mesh_is_listed_non_compliant_again() {
    let h = Harness::new().await;
    let mesh = unique("reborn");
    h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    for _ in 0..3 {
        h.update_mesh(&mesh, EgressFilterType::AllowAll).await;
    }
    let engine = h.engine(AutoRevert::Off);
    let v = h.mesh_version(&mesh).await;
    evaluated(
        &engine,
        &update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO),
    )
    .await;
    let dead_uid = mesh_state(&engine, &mesh).await.common.resource_uid;
    h.appmesh
        .delete_mesh()
        .mesh_name(&mesh)
        .send()
        .await
        .unwrap();
    let reborn = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    assert_eq!(reborn, 1, "App Mesh restarts versions on re-creation");
    let report = evaluated(
        &engine,
        &update_mesh_event(&mesh, "ALLOW_ALL", reborn, HUMAN_ROLE, Duration::ZERO),
    )
    .await;
    assert_eq!(report.recorded, RecordOutcome::Written);
    let state = mesh_state(&engine, &mesh).await;
    assert_eq!(state.common.resource_version, Some(1));
    assert_ne!(state.common.resource_uid, dead_uid);
    let page = engine.store().non_compliant(None, 1000).await.unwrap();
    assert!(
        page.items.iter().any(|s| s.common.pk == mesh_id(&mesh)),
        "the live non-compliant mesh is listed"
    );
}

#[tokio::test]
async fn a_member_accounts_event_is_described_and_reverted_in_that_account() {
    const MEMBER: &str = "210987654321";
    let h = Harness::new().await;
    let member = h.app_mesh_as(Some(MEMBER), REGION).await;
    let mesh = unique("member-mesh");
    let created = member
        .create_mesh()
        .mesh_name(&mesh)
        .spec(mesh_spec(EgressFilterType::AllowAll))
        .send()
        .await
        .unwrap();
    let owner = created.mesh.unwrap().metadata.unwrap().mesh_owner;
    assert_eq!(
        owner, MEMBER,
        "the emulator created it in the member account"
    );
    let mut config = h.config(AutoRevert::On);
    config.member_role_name = Some("meshwarden-member".to_owned());
    let engine = h.engine_with(config);
    let mut event = update_mesh_event(&mesh, "ALLOW_ALL", 1, HUMAN_ROLE, Duration::ZERO);
    as_member_event(&mut event, MEMBER);
    let report = evaluated(&engine, &event).await;
    assert_eq!(report.action, Action::Reverted, "{report:?}");
    assert_eq!(
        report.resource,
        format!("appmesh:{MEMBER}:{REGION}:mesh/{mesh}"),
        "recorded under the member account's id"
    );
    let reverted = member
        .describe_mesh()
        .mesh_name(&mesh)
        .send()
        .await
        .unwrap();
    let spec = reverted.mesh.unwrap().spec.unwrap();
    assert_eq!(
        spec.egress_filter.unwrap().r#type,
        EgressFilterType::DropAll,
        "reverted in the member account, with its credentials"
    );
    assert!(
        h.appmesh
            .describe_mesh()
            .mesh_name(&mesh)
            .send()
            .await
            .is_err(),
        "the hub's own account has no such mesh"
    );
}
