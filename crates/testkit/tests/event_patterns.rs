//! The deployed rules' patterns (`infra/cdk/event-patterns.json`) on the emulator's EventBridge:
//! what reaches the function and what never does.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use meshwarden_testkit::ecs::{update_service_event, ServiceConnect, ECS_SOURCE};
use meshwarden_testkit::event_bus::{api_call_pattern, EventBridgeStandIn};
use meshwarden_testkit::{api_call_event, cloudtrail_event, sdk_config, HUMAN_ROLE};
use serde_json::{json, Value};
use std::time::Duration;

fn failed(mut event: Value) -> Value {
    event["detail"]["errorCode"] = "InvalidParameterException".into();
    event
}

#[tokio::test]
async fn app_mesh_rule_delivers_successful_handled_calls_only() {
    let pattern = api_call_pattern("aws.appmesh").unwrap();
    let bus = EventBridgeStandIn::new(&sdk_config().await, &[pattern]).await;
    let update = cloudtrail_event(
        "UpdateMesh",
        json!({"meshName": "m"}),
        json!({}),
        HUMAN_ROLE,
        Duration::ZERO,
    );
    let describe = cloudtrail_event(
        "DescribeMesh",
        json!({"meshName": "m"}),
        json!({}),
        HUMAN_ROLE,
        Duration::ZERO,
    );
    bus.put(&[update.clone(), failed(update.clone()), describe])
        .await;
    let delivered = bus.delivered().await;
    assert_eq!(delivered.len(), 1, "{delivered:#?}");
    assert_eq!(delivered[0]["detail"], update["detail"]);
}

/// Issue 20's volume figure: every image deploy is an `UpdateService`; one that carries no
/// `serviceConnectConfiguration` keeps the configuration and must not invoke the function.
#[tokio::test]
async fn image_only_deploys_invoke_nothing() {
    let pattern = api_call_pattern("aws.ecs")
        .expect("infra/cdk/event-patterns.json has no aws.ecs API call rule");
    let bus = EventBridgeStandIn::new(&sdk_config().await, &[pattern]).await;

    // 1,000 image-only deploys: a new task definition, sometimes forced, sometimes scaled too.
    let deploys: Vec<Value> = (0..1000)
        .map(|n| {
            let mut event =
                update_service_event("prod", &format!("svc-{}", n % 7), None, HUMAN_ROLE);
            let request = &mut event["detail"]["requestParameters"];
            request["taskDefinition"] = format!("web:{}", n + 2).into();
            if n % 3 == 0 {
                request["forceNewDeployment"] = true.into();
            }
            if n % 5 == 0 {
                request["desiredCount"] = (n % 4).into();
            }
            event
        })
        .collect();
    bus.put(&deploys).await;
    assert_eq!(
        bus.delivered().await.len(),
        0,
        "invocations per 1,000 image-only deploys"
    );

    // What changes Service Connect (switching it off included) reaches the function, once each;
    // so do CreateService and DeleteService; a failed call does not.
    let disabled = {
        let mut event =
            update_service_event("prod", "web", Some(ServiceConnect::compliant()), HUMAN_ROLE);
        event["detail"]["requestParameters"]["serviceConnectConfiguration"] =
            json!({"enabled": false});
        event
    };
    let changes = vec![
        update_service_event(
            "prod",
            "web",
            Some(ServiceConnect::compliant().without_tls()),
            HUMAN_ROLE,
        ),
        disabled,
        api_call_event(
            ECS_SOURCE,
            "CreateService",
            json!({"cluster": "prod", "serviceName": "web"}),
            json!({}),
            HUMAN_ROLE,
            Duration::ZERO,
        ),
        api_call_event(
            ECS_SOURCE,
            "DeleteService",
            json!({"cluster": "prod", "service": "web"}),
            json!({}),
            HUMAN_ROLE,
            Duration::ZERO,
        ),
    ];
    bus.put(&changes).await;
    bus.put(&[failed(changes[0].clone())]).await;
    let delivered = bus.delivered().await;
    let names: Vec<_> = delivered
        .iter()
        .map(|e| e["detail"]["eventName"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "UpdateService",
            "UpdateService",
            "CreateService",
            "DeleteService"
        ]
    );
}
