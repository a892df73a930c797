//! The scheduled sweep against the emulator: every resource recorded once, re-runs add nothing.

use aws_sdk_appmesh::types::EgressFilterType;
use meshwarden_engine::{AutoRevert, Handled};
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

    let Handled::Swept(first) = engine.handle(&schedule).await.unwrap() else {
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

    let Handled::Swept(again) = engine.handle(&schedule).await.unwrap() else {
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
