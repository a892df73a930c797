//! Every decision of the pipeline, on the in-memory ports: a concurrent change, a fault after
//! the update, a second delivery, the cap under concurrency, re-created resources, eventual
//! consistency, ownership, oversized records. Each test fails if its guarantee regresses.

use futures::future::join_all;
use meshwarden_engine::core::error::ErrorKind;
use meshwarden_engine::core::ports::ComplianceStore;
use meshwarden_engine::core::ports::RecordOutcome;
use meshwarden_engine::core::reason::ActionReason;
use meshwarden_engine::core::reason::SkipReason;
use meshwarden_engine::core::record::{Action, Status};
use meshwarden_engine::metrics::Attribution;
use meshwarden_engine::outcome::EventReport;
use meshwarden_engine::{AutoRevert, Engine, EngineConfig, EngineError, Handled};
use meshwarden_rules::resource::{AwsService, ResourceKind, ResourceRef};
use meshwarden_testkit::memory::{MemoryMesh, MemoryStore, Strike};
use meshwarden_testkit::staged::Staged;
use meshwarden_testkit::{update_mesh_event, ACCOUNT, HUMAN_ROLE, OWN_ROLE, REGION};
use serde_json::{json, Value};
use std::time::Duration;

const OTHER_ACCOUNT: &str = "444455556666";

pub(crate) fn config(mode: AutoRevert) -> EngineConfig {
    EngineConfig {
        auto_revert: mode,
        own_role_arn: Some(OWN_ROLE.to_owned()),
        regions: vec![REGION.to_owned()],
        emit_metrics: false,
        ..EngineConfig::default()
    }
}

pub(crate) fn mesh_ref(name: &str) -> ResourceRef {
    ResourceRef::new(ResourceKind::Mesh, ACCOUNT, REGION, name)
}

/// A mesh with egress ALLOW_ALL (non-compliant) owned by `owner`; its version.
pub(crate) fn allow_all_mesh(mesh: &MemoryMesh, name: &str, owner: &str) -> i64 {
    let r = mesh_ref(name);
    let mut world = mesh.world();
    world.create(
        &r,
        json!({"meshName": name, "spec": {"egressFilter": {"type": "ALLOW_ALL"}}}),
        owner,
    );
    version(&world.document(&r).unwrap())
}

/// In-memory ports holding one drifted mesh `m`, an engine over them, and the mesh's version.
fn drifted(
    config: EngineConfig,
) -> (
    MemoryMesh,
    MemoryStore,
    Engine<MemoryMesh, MemoryStore>,
    i64,
) {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    let engine = Engine::new(mesh.clone(), store.clone(), config);
    (mesh, store, engine, v)
}

fn version(document: &Value) -> i64 {
    document["mesh"]["metadata"]["version"].as_i64().unwrap()
}

pub(crate) fn egress(mesh: &MemoryMesh, name: &str) -> String {
    let doc = mesh.world().document(&mesh_ref(name)).unwrap();
    doc["mesh"]["spec"]["egressFilter"]["type"]
        .as_str()
        .unwrap()
        .to_owned()
}

pub(crate) fn event(name: &str, version: i64) -> Value {
    update_mesh_event(name, "ALLOW_ALL", version, HUMAN_ROLE, Duration::ZERO)
}

pub(crate) fn report(handled: Result<Handled, EngineError>) -> EventReport {
    match handled.expect("no transient error") {
        Handled::Evaluated(report) => report,
        other => panic!("expected an evaluation, got {other:?}"),
    }
}

pub(crate) use meshwarden_testkit::run_counted as handle;

pub(crate) fn id(name: &str) -> String {
    mesh_ref(name).key()
}

#[tokio::test]
async fn a_change_between_evaluation_and_update_is_never_undone() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    let deployer = mesh.clone();
    // A deployment lands between the evaluation's describe and the re-describe before the
    // update: it keeps ALLOW_ALL but adds an IP preference.
    let staged = Staged::new(mesh.clone()).before_describe(
        2,
        Box::new(move || {
            Box::pin(async move {
                deployer.world().change(&mesh_ref("m"), |spec| {
                    spec["serviceDiscovery"] = json!({"ipPreference": "IPv6_PREFERRED"});
                });
            })
        }),
    );
    let engine = Engine::new(staged, store.clone(), config(AutoRevert::On));
    let (handled, counts) = handle(&engine, &event("m", v), "d1").await;
    let r = report(handled);
    assert_eq!(r.action, Action::RevertSkipped);
    assert!(
        matches!(r.reason, Some(ActionReason::ChangedSinceEvaluated(_))),
        "{r:?}"
    );
    assert_eq!(
        mesh.update_count(),
        0,
        "no update over a change we did not evaluate"
    );
    let doc = mesh.world().document(&mesh_ref("m")).unwrap();
    assert_eq!(
        doc["mesh"]["spec"]["serviceDiscovery"]["ipPreference"], "IPv6_PREFERRED",
        "the deployment survives"
    );
    assert_eq!(
        store.reverts_counted(&id("m")),
        0,
        "the reserved slot is given back"
    );
    assert_eq!(counts.revert_skipped, 1);
    let history = store.history_of(&id("m"));
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].common.action, Action::RevertSkipped);
}

#[tokio::test]
async fn a_revert_writes_version_plus_one_with_the_event_id_as_client_token() {
    let (mesh, store, engine, v) = drifted(config(AutoRevert::On));
    let e = event("m", v);
    let (handled, counts) = handle(&engine, &e, "d1").await;
    let r = report(handled);
    assert_eq!(r.action, Action::Reverted);
    assert_eq!(r.status, Status::Compliant);
    assert_eq!(egress(&mesh, "m"), "DROP_ALL");
    let updates = mesh.world().updates.clone();
    assert_eq!(updates.len(), 1);
    assert_eq!(updates[0].1, e["detail"]["eventID"].as_str().unwrap());
    assert_eq!(updates[0].2, v + 1);
    assert_eq!(store.reverts_counted(&id("m")), 1);
    assert_eq!(counts.reverted, 1);
    assert_eq!(counts.events_received, 1);
    assert_eq!(
        counts.service,
        Attribution::Service(AwsService::AppMesh),
        "the metrics carry the Service dimension"
    );
    let history = store.history_of(&id("m"));
    assert_eq!(history.len(), 1);
    let item = &history[0];
    assert_eq!(item.common.action, Action::Reverted);
    assert_eq!(item.revert, None, "a completed revert keeps no intent");
    assert_eq!(
        item.before.as_ref().unwrap()["mesh"]["spec"]["egressFilter"]["type"],
        "ALLOW_ALL"
    );
    assert_eq!(
        item.after.as_ref().unwrap()["mesh"]["spec"]["egressFilter"]["type"],
        "DROP_ALL"
    );
    let state = store.state_of(&id("m")).unwrap();
    assert_eq!(state.common.resource_version, Some(v + 1));
}

#[tokio::test]
async fn a_change_racing_the_update_is_recorded_as_a_conflict() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    let racer = mesh.clone();
    let staged = Staged::new(mesh.clone()).before_update(Box::new(move || {
        Box::pin(async move {
            racer.world().change(&mesh_ref("m"), |spec| {
                spec["serviceDiscovery"] = json!({"ipPreference": "IPv4_ONLY"});
            });
        })
    }));
    let engine = Engine::new(staged, store.clone(), config(AutoRevert::On));
    let (handled, counts) = handle(&engine, &event("m", v), "d1").await;
    let r = report(handled);
    assert_eq!(r.action, Action::RevertConflict);
    assert!(
        matches!(r.reason, Some(ActionReason::VersionConflict { .. })),
        "{r:?}"
    );
    assert_eq!(counts.errors, 1, "a conflict is an error someone must see");
    assert_eq!(
        store.reverts_counted(&id("m")),
        1,
        "the update was made: it counts"
    );
}

#[tokio::test]
async fn a_record_lost_after_the_update_is_completed_by_the_retry_exactly_once() {
    for strike in [Strike::Before, Strike::After] {
        let mesh = MemoryMesh::default();
        let store = MemoryStore::default();
        let v = allow_all_mesh(&mesh, "m", ACCOUNT);
        let engine = Engine::new(mesh.clone(), store.clone(), config(AutoRevert::On));
        let e = event("m", v);
        store.fail("complete_revert", ErrorKind::Throttled, strike);
        let (first, _) = handle(&engine, &e, "d1").await;
        assert!(
            matches!(first, Err(EngineError::Transient(_))),
            "{strike:?}: {first:?}"
        );
        assert_eq!(mesh.update_count(), 1);
        // Lambda retries the same delivery: the resource is compliant by now.
        let (retry, counts) = handle(&engine, &e, "d1").await;
        let r = report(retry);
        assert_eq!(r.action, Action::Reverted, "{strike:?}");
        assert_eq!(mesh.update_count(), 1, "{strike:?}: never a second update");
        let history = store.history_of(&id("m"));
        assert_eq!(history.len(), 1, "{strike:?}");
        assert_eq!(history[0].common.action, Action::Reverted, "{strike:?}");
        assert!(history[0].before.is_some() && history[0].after.is_some());
        assert_eq!(
            store.reverts_counted(&id("m")),
            1,
            "{strike:?}: counted once"
        );
        if strike == Strike::Before {
            assert_eq!(
                counts.reverted, 1,
                "the retry reports the revert it completed"
            );
        }
    }
}

#[tokio::test]
async fn an_update_whose_answer_was_lost_is_not_made_again() {
    let (mesh, store, engine, v) = drifted(config(AutoRevert::On));
    let e = event("m", v);
    mesh.fail("update", ErrorKind::Transport, Strike::After);
    assert!(handle(&engine, &e, "d1").await.0.is_err());
    let r = report(handle(&engine, &e, "d1").await.0);
    assert_eq!(r.action, Action::Reverted);
    assert_eq!(mesh.update_count(), 1);
    assert_eq!(store.reverts_counted(&id("m")), 1);
}

#[tokio::test]
async fn an_update_that_never_happened_is_made_by_the_retry() {
    let (mesh, store, engine, v) = drifted(config(AutoRevert::On));
    let e = event("m", v);
    mesh.fail("update", ErrorKind::Throttled, Strike::Before);
    assert!(handle(&engine, &e, "d1").await.0.is_err());
    assert_eq!(mesh.update_count(), 0);
    assert_eq!(
        store.history_of(&id("m"))[0].common.action,
        Action::RevertPending,
        "the intent is durable before the update"
    );
    let r = report(handle(&engine, &e, "d1").await.0);
    assert_eq!(r.action, Action::Reverted);
    assert_eq!(mesh.update_count(), 1);
    assert_eq!(
        store.reverts_counted(&id("m")),
        1,
        "one slot, reserved once"
    );
}

#[tokio::test]
async fn another_delivery_of_the_same_event_waits_for_the_lease() {
    let (mesh, store, engine, v) = drifted(config(AutoRevert::On));
    let e = event("m", v);
    mesh.fail("update", ErrorKind::Throttled, Strike::Before);
    assert!(handle(&engine, &e, "first").await.0.is_err());
    let (second, _) = handle(&engine, &e, "second").await;
    assert!(
        matches!(second, Err(EngineError::RevertInProgress { .. })),
        "{second:?}"
    );
    assert_eq!(mesh.update_count(), 0);
    let history = store.history_of(&id("m"));
    assert_eq!(history.len(), 1);
    assert_eq!(
        history[0].common.action,
        Action::RevertPending,
        "the first delivery's intent is untouched"
    );
}

#[tokio::test]
async fn a_revert_abandoned_past_its_lease_is_completed_by_another_delivery() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    let mut short = config(AutoRevert::On);
    short.revert_lease = Duration::ZERO;
    let engine = Engine::new(mesh.clone(), store.clone(), short);
    let e = event("m", v);
    mesh.fail("update", ErrorKind::Throttled, Strike::Before);
    assert!(handle(&engine, &e, "first").await.0.is_err());
    let r = report(handle(&engine, &e, "second").await.0);
    assert_eq!(r.action, Action::Reverted);
    assert_eq!(mesh.update_count(), 1);
    assert_eq!(store.history_of(&id("m")).len(), 1);
    assert_eq!(store.reverts_counted(&id("m")), 1);
}

#[tokio::test]
async fn two_deliveries_at_once_revert_once() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    let staged = Staged::new(mesh.clone()).gate_first_describes(2);
    let engine = Engine::new(staged, store.clone(), config(AutoRevert::On));
    let e = event("m", v);
    let outcomes = join_all([handle(&engine, &e, "a"), handle(&engine, &e, "b")]).await;
    // One reverts; the other finds its revert recorded (duplicate) or in progress (retried).
    let reverted = outcomes
        .iter()
        .filter(|(o, _)| {
            matches!(o, Ok(Handled::Evaluated(r)) if r.action == Action::Reverted && r.recorded == RecordOutcome::Written)
        })
        .count();
    let other = outcomes
        .iter()
        .filter(|(o, _)| match o {
            Ok(Handled::Evaluated(r)) => r.recorded == RecordOutcome::Duplicate,
            Err(EngineError::RevertInProgress { .. }) => true,
            _ => false,
        })
        .count();
    assert_eq!((reverted, other), (1, 1), "{outcomes:?}");
    assert_eq!(mesh.update_count(), 1);
    assert_eq!(store.history_of(&id("m")).len(), 1);
    assert_eq!(store.reverts_counted(&id("m")), 1);
}

#[tokio::test]
async fn five_concurrent_events_with_a_cap_of_one_revert_once() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    let staged = Staged::new(mesh.clone()).gate_first_describes(5);
    let mut capped = config(AutoRevert::On);
    capped.max_reverts_per_hour = 1;
    let engine = Engine::new(staged, store.clone(), capped);
    let events: Vec<Value> = (0..5).map(|_| event("m", v)).collect();
    let outcomes = join_all(events.iter().enumerate().map(|(i, e)| {
        meshwarden_testkit::run_counted(&engine, e, if i == 0 { "d0" } else { "dn" })
    }))
    .await;
    let mut actions: Vec<Action> = Vec::new();
    let mut capped_metric = 0;
    for (outcome, counts) in &outcomes {
        let Ok(Handled::Evaluated(r)) = outcome else {
            panic!("{outcome:?}")
        };
        if r.action == Action::RevertSkipped {
            assert_eq!(r.reason, Some(ActionReason::Capped(1)), "{r:?}");
        }
        actions.push(r.action);
        capped_metric += counts.reverts_capped;
    }
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
    assert_eq!(capped_metric, 4, "every capped revert is counted loudly");
    assert_eq!(mesh.update_count(), 1);
    assert_eq!(store.reverts_counted(&id("m")), 1);
}

#[tokio::test]
async fn a_recreated_resource_replaces_the_dead_incarnation() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let engine = Engine::new(mesh.clone(), store.clone(), config(AutoRevert::Off));
    allow_all_mesh(&mesh, "m", ACCOUNT);
    for _ in 0..4 {
        mesh.world().change(&mesh_ref("m"), |_| {});
    }
    let dead = mesh.world().document(&mesh_ref("m")).unwrap();
    report(handle(&engine, &event("m", version(&dead)), "d1").await.0);
    assert_eq!(
        store.state_of(&id("m")).unwrap().common.resource_version,
        Some(5)
    );
    // Deleted and re-created under the same name: versions restart at 1.
    mesh.world().delete(&mesh_ref("m"));
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    assert_eq!(v, 1);
    let r = report(handle(&engine, &event("m", v), "d2").await.0);
    assert_eq!(
        r.recorded,
        RecordOutcome::Written,
        "a new incarnation is not stale"
    );
    let state = store.state_of(&id("m")).unwrap();
    assert_eq!(state.common.resource_version, Some(1));
    assert_ne!(
        state.common.resource_uid,
        dead["mesh"]["metadata"]["uid"].as_str().map(str::to_owned)
    );
    assert_eq!(state.common.status, Status::NonCompliant);
    let listed = engine.store().non_compliant(None, 100).await.unwrap();
    assert!(listed.items.iter().any(|s| s.common.pk == id("m")));
}

#[tokio::test]
async fn a_resource_described_as_deleted_is_gone() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let engine = Engine::new(mesh.clone(), store.clone(), config(AutoRevert::On));
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    let old = update_mesh_event("m", "ALLOW_ALL", v, HUMAN_ROLE, Duration::from_secs(3_600));
    mesh.world().set_status(&mesh_ref("m"), "DELETED");
    let r = report(handle(&engine, &old, "d1").await.0);
    assert_eq!(r.status, Status::Deleted);
    assert_eq!(r.action, Action::None);
    assert_eq!(
        mesh.update_count(),
        0,
        "a DELETED resource is never remediated"
    );
}

#[tokio::test]
async fn a_create_rolled_back_at_once_is_superseded_not_retried() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let engine = Engine::new(mesh.clone(), store.clone(), config(AutoRevert::Off));
    let create = update_mesh_event("m", "ALLOW_ALL", 1, HUMAN_ROLE, Duration::from_secs(2));
    let mut create = create;
    create["detail"]["eventName"] = json!("CreateMesh");
    // Without a recorded deletion, a young "not found" is eventual consistency: retried.
    let (young, _) = handle(&engine, &create, "d1").await;
    assert!(
        matches!(young, Err(EngineError::NotYetConsistent(_))),
        "{young:?}"
    );
    // The DeleteMesh event (a second later) is recorded first ...
    let mut delete = update_mesh_event("m", "ALLOW_ALL", 1, HUMAN_ROLE, Duration::from_secs(1));
    delete["detail"]["eventName"] = json!("DeleteMesh");
    assert_eq!(
        report(handle(&engine, &delete, "d2").await.0).status,
        Status::Deleted
    );
    // ... so the create's retry is recorded at once, without an error.
    let r = report(handle(&engine, &create, "d1").await.0);
    assert_eq!(r.status, Status::Deleted);
    assert!(
        matches!(r.reason, Some(ActionReason::Superseded { ref event_name, .. }) if event_name == "DeleteMesh"),
        "{r:?}"
    );
    assert_eq!(store.history_of(&id("m")).len(), 2);
}

#[tokio::test]
async fn a_not_found_past_the_window_is_recorded_deleted() {
    let engine = Engine::new(
        MemoryMesh::default(),
        MemoryStore::default(),
        config(AutoRevert::Off),
    );
    let window = engine.config().consistency_window;
    let late = update_mesh_event(
        "m",
        "ALLOW_ALL",
        1,
        HUMAN_ROLE,
        window + Duration::from_secs(1),
    );
    assert_eq!(
        report(handle(&engine, &late, "d1").await.0).status,
        Status::Deleted
    );
}

#[tokio::test]
async fn resources_of_another_account_are_recorded_never_updated() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let engine = Engine::new(mesh.clone(), store.clone(), config(AutoRevert::On));
    let v = allow_all_mesh(&mesh, "shared", OTHER_ACCOUNT);
    let r = report(handle(&engine, &event("shared", v), "d1").await.0);
    assert_eq!(r.action, Action::RevertSkipped);
    assert_eq!(
        r.reason,
        Some(ActionReason::Skipped(SkipReason::NotOurs(
            OTHER_ACCOUNT.to_owned()
        )))
    );
    assert_eq!(r.status, Status::NonCompliant);
    assert_eq!(mesh.update_count(), 0);
}

#[tokio::test]
async fn a_refused_record_is_reduced_and_still_recorded() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let engine = Engine::new(mesh.clone(), store.clone(), config(AutoRevert::On));
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    // The full completion is refused (an item too large, say): the revert is still recorded.
    store.fail("complete_revert", ErrorKind::Rejected, Strike::Before);
    let r = report(handle(&engine, &event("m", v), "d1").await.0);
    assert_eq!(r.action, Action::Reverted);
    assert!(matches!(r.reason, Some(ActionReason::Reduced(_))), "{r:?}");
    let history = store.history_of(&id("m"));
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].common.action, Action::Reverted);
}

#[tokio::test]
async fn a_store_that_refuses_everything_fails_loudly_without_retry() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let engine = Engine::new(mesh.clone(), store.clone(), config(AutoRevert::Off));
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    store.fail("record", ErrorKind::Rejected, Strike::Before);
    store.fail("record", ErrorKind::Rejected, Strike::Before);
    let (handled, counts) = handle(&engine, &event("m", v), "d1").await;
    assert!(matches!(handled, Ok(Handled::Failed { .. })), "{handled:?}");
    assert!(counts.errors >= 1);
}

#[tokio::test]
async fn a_refused_describe_is_an_error_record_not_a_retry() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let engine = Engine::new(mesh.clone(), store.clone(), config(AutoRevert::On));
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    mesh.fail("describe", ErrorKind::Rejected, Strike::Before);
    let (handled, counts) = handle(&engine, &event("m", v), "d1").await;
    assert_eq!(report(handled).status, Status::Error);
    assert_eq!(counts.errors, 1);
    mesh.fail("describe", ErrorKind::Throttled, Strike::Before);
    let (throttled, _) = handle(&engine, &event("m", v), "d2").await;
    assert!(matches!(throttled, Err(EngineError::Transient(_))));
}

#[tokio::test]
async fn the_sweep_counts_changes_no_event_recorded_and_retires_the_gone() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let engine = Engine::new(mesh.clone(), store.clone(), config(AutoRevert::Off));
    for name in ["kept", "drifted", "gone"] {
        let v = allow_all_mesh(&mesh, name, ACCOUNT);
        report(handle(&engine, &event(name, v), name).await.0);
    }
    // A change the event path never saw, and a deletion it never saw.
    mesh.world().change(&mesh_ref("drifted"), |_| {});
    mesh.world().delete(&mesh_ref("gone"));
    let sweep = json!({"detail-type": "Scheduled Event", "source": "aws.scheduler",
                       "id": "sweep-1", "time": "2026-11-25T06:00:00Z"});
    let (handled, counts) = handle(&engine, &sweep, "s1").await;
    let Ok(Handled::Swept(report)) = handled else {
        panic!("{handled:?}")
    };
    assert_eq!(report.missed_events, 1, "{report:?}");
    assert_eq!(counts.missed_events, 1);
    assert_eq!(counts.events_received, 0, "a sweep is not an event");
    assert_eq!(report.retired, 1);
    let gone = store.state_of(&id("gone")).unwrap();
    assert_eq!(gone.common.status, Status::Deleted);
    assert_eq!(
        gone.non_compliant, None,
        "retired items leave the non-compliant index"
    );
    // A second run finds nothing new.
    let (again, _) = handle(&engine, &sweep, "s1").await;
    let Ok(Handled::Swept(again)) = again else {
        panic!()
    };
    assert_eq!((again.missed_events, again.retired), (0, 0));
}

#[tokio::test]
async fn an_event_about_a_dead_incarnation_is_judged_on_the_live_one_without_retry() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let engine = Engine::new(mesh.clone(), store.clone(), config(AutoRevert::Off));
    allow_all_mesh(&mesh, "m", ACCOUNT);
    // The event's mesh reached version 7 and was then deleted and re-created (now version 1).
    let mut e = event("m", 7);
    e["detail"]["responseElements"]["mesh"]["metadata"]["uid"] = json!("uid-of-the-dead-one");
    let r = report(handle(&engine, &e, "d1").await.0);
    assert_eq!(r.status, Status::NonCompliant);
    assert_eq!(
        store.state_of(&id("m")).unwrap().common.resource_version,
        Some(1)
    );
    // The same event naming the live incarnation is eventual consistency: retried while young.
    let live_uid =
        mesh.world().document(&mesh_ref("m")).unwrap()["mesh"]["metadata"]["uid"].clone();
    let mut same = event("m", 7);
    same["detail"]["responseElements"]["mesh"]["metadata"]["uid"] = live_uid;
    let (retried, _) = handle(&engine, &same, "d2").await;
    assert!(
        matches!(retried, Err(EngineError::NotYetConsistent(_))),
        "{retried:?}"
    );
}

#[tokio::test]
async fn a_state_update_lost_after_the_history_put_is_completed_by_the_retry() {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let engine = Engine::new(mesh.clone(), store.clone(), config(AutoRevert::Off));
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    let e = event("m", v);
    store.fail("record_state", ErrorKind::Throttled, Strike::Before);
    assert!(handle(&engine, &e, "d1").await.0.is_err());
    assert_eq!(store.history_of(&id("m")).len(), 1);
    assert_eq!(
        store.state_of(&id("m")),
        None,
        "the crash left STATE behind"
    );
    let r = report(handle(&engine, &e, "d1").await.0);
    assert_eq!(r.recorded, RecordOutcome::Duplicate);
    let state = store.state_of(&id("m")).expect("the retry completed STATE");
    assert_eq!(state.common.resource_version, Some(v));
    assert_eq!(store.history_of(&id("m")).len(), 1, "nothing written twice");
}

#[tokio::test]
async fn the_evaluation_time_is_taken_after_the_describe() {
    // Issue 19: a time taken before the describe lets an earlier describe be recorded as the
    // later one. The describe here starts measurably after the event began to be processed.
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let v = allow_all_mesh(&mesh, "m", ACCOUNT);
    let described_from = std::sync::Arc::new(std::sync::Mutex::new(None));
    let mark = described_from.clone();
    let staged = Staged::new(mesh.clone()).before_describe(
        1,
        Box::new(move || {
            Box::pin(async move {
                // Let the clock move past the start of processing (not a synchronisation).
                let entered = std::time::SystemTime::now();
                while entered.elapsed().unwrap_or_default() < Duration::from_millis(2) {
                    std::hint::spin_loop();
                }
                *mark.lock().unwrap() = Some(std::time::SystemTime::now());
            })
        }),
    );
    let engine = Engine::new(staged, store.clone(), config(AutoRevert::Off));
    report(handle(&engine, &event("m", v), "d1").await.0);
    let described_from = described_from.lock().unwrap().expect("described");
    let history = store.history_of(&id("m"));
    let evaluated_at = humantime::parse_rfc3339(&history[0].common.evaluated_at).unwrap();
    assert!(
        evaluated_at >= described_from,
        "evaluated at {} before the describe began ({described_from:?})",
        history[0].common.evaluated_at
    );
    assert_eq!(
        history[0].common.evaluated_at.len(),
        "2026-11-25T10:00:00.000000Z".len(),
        "kept to the microsecond"
    );
}
