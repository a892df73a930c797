//! Fault injection: a proxy between the SDK and the emulator throttles, fails and drops a share
//! of requests. Every event must still be recorded exactly once, retrying (as Lambda would) the
//! events the handler returned `Err` for.

use aws_sdk_appmesh::types::EgressFilterType;
use meshwarden_engine::core::ports::{ComplianceStore, ResourceWriter};
use meshwarden_engine::core::record::Action;
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{AutoRevert, Engine, Handled};
use meshwarden_testkit::proxy::{injected, through, FaultProxy};
use meshwarden_testkit::*;
use serde_json::Value;
use std::time::Duration;

/// Handle `event` as Lambda would: retry the same delivery while the handler returns `Err`.
/// Returns the outcome and how many attempts failed.
pub(crate) async fn until_handled<R: ResourceWriter, S: ComplianceStore>(
    engine: &Engine<R, S>,
    event: &Value,
    delivery: &str,
) -> (Handled, u32) {
    let mut failed = 0;
    loop {
        match engine
            .run(event, &Invocation::new().delivery(delivery))
            .await
        {
            Ok(handled) => return (handled, failed),
            Err(_) if failed < 30 => failed += 1,
            Err(e) => panic!(
                "event {} still failing after {failed} retries: {e}",
                event_id(event)
            ),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_event_is_recorded_exactly_once_through_20_percent_faults() {
    let h = Harness::new().await;
    let proxy = FaultProxy::start(0.2, 20261123);
    let meshes: Vec<String> = (0..20).map(|i| unique(&format!("fault-{i}"))).collect();
    let mut versions = Vec::new();
    for mesh in &meshes {
        versions.push(h.create_mesh(mesh, EgressFilterType::AllowAll).await);
    }
    let engine = through(&h, &proxy).engine(AutoRevert::Off);
    let mut events = Vec::new();
    for _ in 0..10 {
        for (mesh, version) in meshes.iter().zip(&versions) {
            events.push(update_mesh_event(
                mesh,
                "ALLOW_ALL",
                *version,
                HUMAN_ROLE,
                Duration::ZERO,
            ));
        }
    }
    assert_eq!(events.len(), 200);
    let mut handler_errors = 0;
    for (i, event) in events.iter().enumerate() {
        handler_errors += until_handled(&engine, event, &format!("delivery-{i}"))
            .await
            .1;
    }
    let stats = proxy.stats();
    assert!(
        injected(&stats) > 20,
        "the proxy must actually have injected faults: {stats}"
    );
    let mut total = 0;
    for mesh in &meshes {
        let history = h.history_count(&mesh_id(mesh)).await;
        assert_eq!(
            history, 10,
            "{mesh}: every event once, none lost, none duplicated"
        );
        total += history;
    }
    assert_eq!(total, 200);
    eprintln!("fault injection, auto-revert off: 200 events, {} faults injected, {handler_errors} handler errors retried, stats {stats}", injected(&stats));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_revert_is_made_and_recorded_exactly_once_through_20_percent_faults() {
    const ROUNDS: i64 = 10;
    let h = Harness::new().await;
    let proxy = FaultProxy::start(0.2, 20261125);
    let meshes: Vec<String> = (0..20)
        .map(|i| unique(&format!("revert-fault-{i}")))
        .collect();
    for mesh in &meshes {
        h.create_mesh(mesh, EgressFilterType::DropAll).await;
    }
    let mut config = h.config(AutoRevert::On);
    config.max_reverts_per_hour = 1_000;
    let engine = through(&h, &proxy).engine_with(config);
    // Each mesh: ten rounds of someone opening egress and the responder closing it again; the
    // meshes run side by side, each round's event retried as Lambda would until it is handled.
    let per_mesh = meshes.iter().map(|mesh| {
        let (h, engine) = (&h, &engine);
        async move {
            let mut failed = 0;
            for round in 0..ROUNDS {
                let version = h.update_mesh(mesh, EgressFilterType::AllowAll).await;
                let event =
                    update_mesh_event(mesh, "ALLOW_ALL", version, HUMAN_ROLE, Duration::ZERO);
                let (handled, retried) =
                    until_handled(engine, &event, &format!("{mesh}-{round}")).await;
                failed += retried;
                let Handled::Evaluated(report) = handled else {
                    panic!("{handled:?}")
                };
                assert_eq!(
                    report.action,
                    Action::Reverted,
                    "{mesh} round {round}: {report:?}"
                );
            }
            failed
        }
    });
    let handler_errors: u32 = futures::future::join_all(per_mesh).await.into_iter().sum();
    let stats = proxy.stats();
    assert!(injected(&stats) > 20, "faults were injected: {stats}");
    let mut reverts = 0;
    for mesh in &meshes {
        let items = h.items(&mesh_id(mesh)).await;
        let history: Vec<_> = items
            .iter()
            .filter(|i| i["sk"].as_s().unwrap().starts_with("EVT#"))
            .collect();
        assert_eq!(
            history.len(),
            ROUNDS as usize,
            "{mesh}: one history item per event: {:?}",
            history
                .iter()
                .map(|i| (i["sk"].as_s().unwrap(), i["action"].as_s().unwrap()))
                .collect::<Vec<_>>()
        );
        let reverted = history
            .iter()
            .filter(|i| i["action"].as_s().unwrap() == "REVERTED")
            .count() as i64;
        assert_eq!(reverted, ROUNDS, "{mesh}: every revert recorded");
        assert!(
            history
                .iter()
                .all(|i| i.contains_key("before") && i.contains_key("after")),
            "{mesh}: every revert with before and after"
        );
        // Versions: 1 at creation, one per drift (ours to make) and one per revert.
        let updates_made = h.mesh_version(mesh).await - 1 - ROUNDS;
        assert_eq!(
            updates_made, reverted,
            "{mesh}: one update per recorded revert"
        );
        let counted: i64 = items
            .iter()
            .filter(|i| i["sk"].as_s().unwrap().starts_with("CAP#"))
            .map(|i| i["reverts"].as_n().unwrap().parse::<i64>().unwrap())
            .sum();
        assert_eq!(
            counted, updates_made,
            "{mesh}: the cap counted each update once"
        );
        assert_eq!(h.egress(mesh).await, Some(EgressFilterType::DropAll));
        reverts += reverted;
    }
    eprintln!(
        "fault injection, auto-revert on: {} events, {} faults injected, {handler_errors} handler errors retried, {reverts} reverts made and recorded, stats {stats}",
        meshes.len() as i64 * ROUNDS,
        injected(&stats)
    );
}
