//! The scheduled sweep against the emulator: every resource recorded once, re-runs add nothing.

use aws_sdk_appmesh::types::EgressFilterType;
use meshwarden_engine::adapters::dynamo::DynamoStore;
use meshwarden_engine::core::ports::ComplianceStore;
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::services::AwsServices;
use meshwarden_engine::sweep::SweepReport;
use meshwarden_engine::{AutoRevert, Engine, EngineConfig, Handled};
use meshwarden_testkit::proxy::{injected, through, FaultProxy};
use meshwarden_testkit::*;
use serde_json::json;

/// A region no other test touches, so the sweep sees only this test's resources.
const SWEEP_REGION: &str = "ap-southeast-2";

#[tokio::test]
async fn sweep_records_every_resource_once_and_reruns_add_nothing() {
    let h = Harness::new().await;
    let regional = aws_sdk_appmesh::Client::from_conf(
        aws_sdk_appmesh::config::Builder::from(&h.sdk)
            .region(aws_config::Region::new(SWEEP_REGION))
            .build(),
    );
    let in_region = Harness {
        appmesh: regional,
        ..h
    };
    let mut expected = Vec::new();
    for m in 0..3 {
        let mesh = unique(&format!("sweep-{m}"));
        let egress = if m == 0 {
            EgressFilterType::AllowAll
        } else {
            EgressFilterType::DropAll
        };
        in_region.create_mesh(&mesh, egress).await;
        expected.push(format!("appmesh:{ACCOUNT}:{SWEEP_REGION}:mesh/{mesh}"));
        for g in 0..5 {
            let gateway = format!("gw-{g}");
            in_region.create_gateway_without_tls(&mesh, &gateway).await;
            expected.push(format!(
                "appmesh:{ACCOUNT}:{SWEEP_REGION}:mesh/{mesh}/virtualGateway/{gateway}"
            ));
        }
    }
    let mut config = in_region.config(AutoRevert::On);
    config.regions = vec![SWEEP_REGION.to_owned()];
    let engine = in_region.engine_with(config);
    let schedule = json!({"detail-type": "Scheduled Event", "source": "meshwarden.sweep", "id": unique("sweep"), "time": "2026-11-23T06:00:00Z"});

    let Handled::Swept(first) = engine.run(&schedule, &Invocation::new()).await.unwrap() else {
        panic!("not a sweep")
    };
    assert_eq!(first.listed, 18);
    assert_eq!(first.recorded, 18);
    assert_eq!(
        first.non_compliant, 16,
        "1 ALLOW_ALL mesh + 15 gateways without TLS"
    );
    assert_eq!(first.state_updated, 18);
    for id in &expected {
        assert_eq!(in_region.history_count(id).await, 1, "{id}");
        let state = in_region
            .items(id)
            .await
            .into_iter()
            .find(|i| i["sk"].as_s().unwrap() == "STATE");
        assert!(state.is_some(), "no state for {id}");
    }

    let Handled::Swept(again) = engine.run(&schedule, &Invocation::new()).await.unwrap() else {
        panic!("not a sweep")
    };
    assert_eq!(again.recorded, 18);
    for id in &expected {
        assert_eq!(
            in_region.history_count(id).await,
            1,
            "a re-run of the same sweep duplicated {id}"
        );
    }
    assert_eq!(
        in_region
            .egress(expected[0].rsplit('/').next().unwrap())
            .await,
        Some(EgressFilterType::AllowAll),
        "the sweep records, it never reverts"
    );
}

/// A harness whose App Mesh client works in `region` (one no other test sweeps), and the
/// configuration of a sweep of that region alone, of the harness's account, in which every
/// change counts as settled at once (the default waits 15 minutes for its event).
async fn sweeping(region: &'static str) -> (Harness, EngineConfig) {
    let h = Harness::new().await;
    let regional = aws_sdk_appmesh::Client::from_conf(
        aws_sdk_appmesh::config::Builder::from(&h.sdk)
            .region(aws_config::Region::new(region))
            .build(),
    );
    let here = Harness {
        appmesh: regional,
        ..h
    };
    let mut config = here.config(AutoRevert::Off);
    config.regions = vec![region.to_owned()];
    config.account = Some(ACCOUNT.to_owned());
    config.missed_event_grace = std::time::Duration::ZERO;
    (here, config)
}

/// One scheduled sweep (a fresh sweep id) by `engine`, and its report.
async fn swept(engine: &Engine<AwsServices, DynamoStore>) -> SweepReport {
    let event = json!({"detail-type": "Scheduled Event", "source": "aws.scheduler",
        "id": unique("sweep"), "time": "2026-11-25T06:00:00Z"});
    match engine.run(&event, &Invocation::new()).await.unwrap() {
        Handled::Swept(report) => report,
        other => panic!("not a sweep: {other:?}"),
    }
}

#[tokio::test]
async fn the_sweep_retires_what_is_gone_and_counts_changes_no_event_recorded() {
    const REGION_HERE: &str = "eu-north-1";
    let (here, config) = sweeping(REGION_HERE).await;
    let (kept, gone) = (unique("kept"), unique("gone"));
    here.create_mesh(&kept, EgressFilterType::DropAll).await;
    here.create_mesh(&gone, EgressFilterType::AllowAll).await;
    let engine = here.engine_with(config);
    let first = swept(&engine).await;
    assert_eq!((first.missed_events, first.retired), (0, 0), "{first:?}");
    // Between two sweeps: one mesh changes and one is deleted, and no event reaches us.
    here.update_mesh(&kept, EgressFilterType::AllowAll).await;
    here.appmesh
        .delete_mesh()
        .mesh_name(&gone)
        .send()
        .await
        .unwrap();
    let second = swept(&engine).await;
    assert_eq!(second.missed_events, 1, "{second:?}");
    assert_eq!(second.retired, 1, "{second:?}");
    let gone_id = format!("appmesh:{ACCOUNT}:{REGION_HERE}:mesh/{gone}");
    let state = engine.store().state(&gone_id).await.unwrap().unwrap();
    assert_eq!(
        state.common.status,
        meshwarden_engine::core::record::Status::Deleted
    );
    let listed = engine.store().non_compliant(None, 1000).await.unwrap();
    assert!(
        listed.items.iter().all(|s| s.common.pk != gone_id),
        "a retired mesh leaves the non-compliant list"
    );
}

#[tokio::test]
async fn a_state_write_retried_after_it_landed_still_counts_the_change_and_the_new_failure() {
    const REGION_HERE: &str = "me-south-1";
    let (here, config) = sweeping(REGION_HERE).await;
    let mesh = unique("retried");
    here.create_mesh(&mesh, EgressFilterType::DropAll).await;
    let first = swept(&here.engine_with(config.clone())).await;
    assert_eq!((first.compliant, first.missed_events), (1, 0), "{first:?}");
    // No event reaches us: the mesh now lets traffic out.
    here.update_mesh(&mesh, EgressFilterType::AllowAll).await;
    // The second sweep's STATE write of the mesh lands and its answer is lost: the SDK sends it
    // again, and the condition admits the same evaluation, so the answer to the retry is the
    // item the first attempt wrote (seed 13: the first eligible request is lost, not the next).
    let proxy = FaultProxy::start_with(
        0.5,
        13,
        "lost",
        &["DynamoDB_20120810.UpdateItem", &format!("mesh/{mesh}")],
    );
    let second = swept(&through(&here, &proxy).engine_with(config)).await;
    assert_eq!(injected(&proxy.stats()), 1, "one STATE write's answer lost");
    assert_eq!(second.non_compliant, 1, "{second:?}");
    assert_eq!(
        (second.missed_events, second.new_non_compliance),
        (1, 1),
        "what STATE held before the write, not the write's own first attempt: {second:?}"
    );
}
