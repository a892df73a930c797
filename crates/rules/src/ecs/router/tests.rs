//! The ECS router on CloudTrail records shaped as CloudTrail writes them (requestParameters and
//! responseElements are the API's request and response, camelCase; see the ECS Developer
//! Guide's "Log Amazon ECS API calls using AWS CloudTrail",
//! <https://docs.aws.amazon.com/AmazonECS/latest/developerguide/logging-using-cloudtrail.html>).

use super::*;
use crate::event::{route, Decision, Incoming, RoutedEvent};
use serde_json::{json, Value};

const ACCOUNT: &str = "111122223333";
const OTHER: &str = "444455556666";
const REGION: &str = "eu-west-1";

fn service_arn(account: &str, path: &str) -> String {
    format!("arn:aws:ecs:{REGION}:{account}:service/{path}")
}

fn cluster_arn(account: &str, name: &str) -> String {
    format!("arn:aws:ecs:{REGION}:{account}:cluster/{name}")
}

fn record(name: &str, request: Value, response: Value) -> Value {
    json!({
        "eventVersion": "1.08", "eventID": "e-1", "eventName": name, "eventSource": "ecs.amazonaws.com",
        "eventTime": "2026-11-23T03:00:00Z", "awsRegion": REGION, "recipientAccountId": ACCOUNT,
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/admin/alice",
                         "sessionContext": {"sessionIssuer": {"type": "Role", "arn": "arn:aws:iam::111122223333:role/admin"}}},
        "sourceIPAddress": "203.0.113.1", "userAgent": "aws-cli/2.17.0",
        "requestParameters": request, "responseElements": response, "readOnly": false,
        "eventType": "AwsApiCall", "managementEvent": true, "eventCategory": "Management"
    })
}

/// `responseElements` of Create/Update/DeleteService: `{"service": <Service>}`.
fn response(arn: &str, status: &str) -> Value {
    json!({"service": {"serviceArn": arn, "serviceName": arn.rsplit('/').next().unwrap(),
                       "clusterArn": cluster_arn(ACCOUNT, "prod"), "status": status,
                       "desiredCount": 2, "deployments": [{"id": "ecs-svc/1", "status": "PRIMARY"}]}})
}

fn sc_config() -> Value {
    json!({"enabled": true, "namespace": "pay.local",
           "services": [{"portName": "api", "clientAliases": [{"port": 8080}]}]})
}

fn routed(value: &Value) -> RoutedEvent {
    match route(value).unwrap() {
        Incoming::CloudTrail(r) => r,
        other => panic!("expected a CloudTrail route, got {other:?}"),
    }
}

fn svc(account: &str, cluster: &str, service: &str) -> ResourceRef {
    ResourceRef::ecs(account, REGION, cluster, service)
}

fn evaluate(resource: ResourceRef) -> Route {
    Route::Evaluate {
        resource,
        expected_version: None,
        expected_uid: None,
    }
}

#[test]
fn handled_calls_route_to_the_service_they_change() {
    let new_arn = service_arn(ACCOUNT, "prod/payments");
    let cases: Vec<(&str, Value, Value, Route)> = vec![
        (
            "CreateService",
            json!({"serviceName": "payments", "cluster": "prod", "taskDefinition": "payments:7",
                   "desiredCount": 2, "serviceConnectConfiguration": sc_config()}),
            response(&new_arn, "ACTIVE"),
            evaluate(svc(ACCOUNT, "prod", "payments")),
        ),
        (
            // No response (CloudTrail omits large ones): the request names it, default cluster.
            "CreateService",
            json!({"serviceName": "payments", "taskDefinition": "payments:7"}),
            json!(null),
            evaluate(svc(ACCOUNT, "default", "payments")),
        ),
        (
            "UpdateService",
            json!({"cluster": cluster_arn(ACCOUNT, "prod"), "service": "payments",
                   "serviceConnectConfiguration": sc_config()}),
            json!(null),
            evaluate(svc(ACCOUNT, "prod", "payments")),
        ),
        (
            "UpdateService",
            json!({"cluster": "prod", "service": new_arn, "serviceConnectConfiguration": {"enabled": false}}),
            response(&new_arn, "ACTIVE"),
            evaluate(svc(ACCOUNT, "prod", "payments")),
        ),
        (
            "DeleteService",
            json!({"cluster": "prod", "service": "payments", "force": true}),
            response(&new_arn, "DRAINING"),
            Route::Deleted {
                resource: svc(ACCOUNT, "prod", "payments"),
            },
        ),
        (
            // An old-format ARN names no cluster: the request's, else `default`.
            "DeleteService",
            json!({"cluster": "legacy", "service": "payments"}),
            response(&service_arn(ACCOUNT, "payments"), "DRAINING"),
            Route::Deleted {
                resource: svc(ACCOUNT, "legacy", "payments"),
            },
        ),
        (
            "DeleteService",
            json!({"service": service_arn(ACCOUNT, "payments")}),
            json!(null),
            Route::Deleted {
                resource: svc(ACCOUNT, "default", "payments"),
            },
        ),
    ];
    for (name, request, response, expected) in cases {
        let routed = routed(&record(name, request.clone(), response));
        assert_eq!(routed.route, expected, "{name} {request}");
    }
}

#[test]
fn an_image_only_update_is_ignored_with_its_service() {
    for request in [
        json!({"cluster": "prod", "service": "payments", "taskDefinition": "payments:8"}),
        json!({"cluster": "prod", "service": "payments", "desiredCount": 4, "serviceConnectConfiguration": null}),
        json!({"cluster": "prod", "service": "payments", "forceNewDeployment": true}),
    ] {
        let routed = routed(&record(
            "UpdateService",
            request.clone(),
            response(&service_arn(ACCOUNT, "prod/payments"), "ACTIVE"),
        ));
        assert_eq!(
            routed.route,
            Route::Ignore {
                reason: IgnoreReason::ServiceConnectUnchanged,
                resource: Some(svc(ACCOUNT, "prod", "payments")),
            },
            "{request}"
        );
    }
    assert_eq!(
        IgnoreReason::ServiceConnectUnchanged.to_string(),
        "UpdateService without serviceConnectConfiguration keeps the Service Connect configuration"
    );
}

#[test]
fn an_arn_of_another_account_or_region_routes_there() {
    // ECS services are not shared: an ARN naming another account is that account's service,
    // reached through its member role.
    let other = service_arn(OTHER, "prod/payments");
    let routed = routed(&record(
        "UpdateService",
        json!({"service": other, "serviceConnectConfiguration": sc_config()}),
        json!(null),
    ));
    assert_eq!(routed.route, evaluate(svc(OTHER, "prod", "payments")));
    let routed = self::routed(&record(
        "UpdateService",
        json!({"cluster": "arn:aws:ecs:us-east-1:444455556666:cluster/prod", "service": "payments",
               "serviceConnectConfiguration": sc_config()}),
        json!(null),
    ));
    assert_eq!(
        routed.route,
        evaluate(ResourceRef::ecs(OTHER, "us-east-1", "prod", "payments"))
    );
}

#[test]
fn a_cluster_and_a_service_that_disagree_are_poison() {
    // ECS never writes such a record (the service ARN is the cluster's): the input lies, so it
    // is refused with a clear error rather than routed to either account.
    for (cluster, service) in [
        (
            cluster_arn(OTHER, "prod"),
            service_arn(ACCOUNT, "prod/payments"),
        ),
        (
            "arn:aws:ecs:us-east-1:111122223333:cluster/prod".to_owned(),
            service_arn(ACCOUNT, "prod/payments"),
        ),
        ("dev".to_owned(), service_arn(ACCOUNT, "prod/payments")),
        (
            cluster_arn(ACCOUNT, "dev"),
            service_arn(ACCOUNT, "prod/payments"),
        ),
    ] {
        let value = record(
            "UpdateService",
            json!({"cluster": cluster, "service": service, "serviceConnectConfiguration": sc_config()}),
            json!(null),
        );
        let err = route(&value).unwrap_err();
        assert!(
            matches!(err, EventError::Conflicting { .. }),
            "{cluster}: {err:?}"
        );
    }
}

#[test]
fn a_foreign_partition_is_not_ours() {
    let value = record(
        "UpdateService",
        json!({"service": "arn:aws-cn:ecs:eu-west-1:111122223333:service/prod/payments",
               "serviceConnectConfiguration": sc_config()}),
        json!(null),
    );
    assert_eq!(
        routed(&value).route,
        Route::Ignore {
            reason: IgnoreReason::ForeignPartition {
                partition: "aws-cn".into(),
                region: REGION.into()
            },
            resource: None
        }
    );
}

#[test]
fn failed_other_and_read_only_calls_are_ignored() {
    let mut failed = record(
        "UpdateService",
        json!({"cluster": "prod", "service": "payments", "serviceConnectConfiguration": sc_config()}),
        json!(null),
    );
    failed["errorCode"] = json!("InvalidParameterException");
    assert_eq!(
        routed(&failed).route,
        Route::Ignore {
            reason: IgnoreReason::FailedCall {
                code: "InvalidParameterException".into()
            },
            resource: Some(svc(ACCOUNT, "prod", "payments")),
        }
    );
    for (name, reason) in [
        ("DescribeServices", IgnoreReason::ReadOnly),
        ("ListServices", IgnoreReason::ReadOnly),
        ("RegisterTaskDefinition", IgnoreReason::UnhandledEvent),
        ("TagResource", IgnoreReason::UnhandledEvent),
    ] {
        let routed = routed(&record(name, json!({}), json!(null)));
        assert_eq!(
            routed.route,
            Route::Ignore {
                reason,
                resource: None
            },
            "{name}"
        );
    }
}

#[test]
fn malformed_identifiers_are_typed_errors() {
    for request in [
        json!({"cluster": "prod", "service": "a/b", "serviceConnectConfiguration": sc_config()}),
        json!({"cluster": "arn:aws:ecs:eu-west-1:111122223333:service/prod/x", "service": "payments",
               "serviceConnectConfiguration": sc_config()}),
        json!({"service": "arn:aws:ecs:eu-west-1:111122223333:task/prod/1", "serviceConnectConfiguration": sc_config()}),
    ] {
        let err = route(&record("UpdateService", request.clone(), json!(null))).unwrap_err();
        assert!(
            matches!(err, EventError::InvalidEcsIdentifier { .. }),
            "{request}: {err:?}"
        );
    }
    let err = route(&record(
        "DeleteService",
        json!({"cluster": "prod"}),
        json!(null),
    ))
    .unwrap_err();
    assert_eq!(
        err,
        EventError::MissingField("requestParameters.service".into())
    );
    let err = route(&record(
        "CreateService",
        json!({"service": "x"}),
        json!(null),
    ))
    .unwrap_err();
    assert_eq!(
        err,
        EventError::MissingField("requestParameters.serviceName".into())
    );
}

#[test]
fn only_the_ecs_source_carries_ecs_calls() {
    let detail = record(
        "UpdateService",
        json!({"cluster": "prod", "service": "payments", "serviceConnectConfiguration": sc_config()}),
        json!(null),
    );
    let envelope = |source: &str| {
        json!({"version": "0", "id": "env-1", "detail-type": "AWS API Call via CloudTrail", "source": source,
               "account": ACCOUNT, "time": "2026-11-23T03:00:01Z", "region": REGION, "resources": [],
               "detail": detail})
    };
    assert_eq!(
        routed(&envelope("aws.ecs")).route,
        evaluate(svc(ACCOUNT, "prod", "payments"))
    );
    assert!(matches!(
        routed(&envelope("aws.vpc-lattice")).route,
        Route::Ignore {
            reason: IgnoreReason::UntrustedSource { .. },
            ..
        }
    ));
}

#[test]
fn the_decision_prints_the_contract_shape() {
    let incoming = route(&record(
        "UpdateService",
        json!({"cluster": "prod", "service": "payments", "serviceConnectConfiguration": sc_config()}),
        json!(null),
    ))
    .unwrap();
    assert_eq!(
        serde_json::to_value(Decision::of(&incoming)).unwrap(),
        json!({"route": "evaluate", "service": "ecs", "kind": "ecsService", "account": ACCOUNT,
               "region": REGION, "id": "prod/payments", "eventName": "UpdateService", "eventId": "e-1",
               "actor": "arn:aws:sts::111122223333:assumed-role/admin/alice"})
    );
    let ignored = route(&record(
        "UpdateService",
        json!({"cluster": "prod", "service": "payments", "taskDefinition": "payments:8"}),
        json!(null),
    ))
    .unwrap();
    let decision = serde_json::to_value(Decision::of(&ignored)).unwrap();
    assert_eq!(decision["route"], "ignore");
    assert_eq!(decision["id"], "prod/payments");
    assert_eq!(
        decision["reason"],
        "UpdateService without serviceConnectConfiguration keeps the Service Connect configuration"
    );
}

#[test]
fn handled_names_are_sorted_and_match_the_file_the_infrastructure_reads() {
    let mut sorted = HANDLED_EVENT_NAMES.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted, HANDLED_EVENT_NAMES);
    let file: Value =
        serde_json::from_str(include_str!("../../../handled-events.ecs.json")).unwrap();
    assert_eq!(
        file,
        json!({"source": EVENTBRIDGE_SOURCE, "eventSource": EVENT_SOURCE,
               "apiCalls": HANDLED_EVENT_NAMES, "serviceEvents": []})
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    fn identifier() -> impl Strategy<Value = Value> {
        prop_oneof![
            "[a-z0-9_/: -]{0,20}".prop_map(Value::String),
            (
                "(aws|aws-cn|)",
                "(eu-west-1|us-east-1|)",
                "(111122223333|)",
                "(service|cluster|task)",
                "(/[a-z]{0,4}){0,3}"
            )
                .prop_map(|(p, r, a, t, rest)| Value::String(format!(
                    "arn:{p}:ecs:{r}:{a}:{t}{rest}"
                ))),
            Just(json!(null)),
            Just(json!(7)),
            Just(json!({})),
        ]
    }

    proptest! {
        #[test]
        fn any_identifiers_route_or_error(
            name in "(CreateService|UpdateService|DeleteService)",
            cluster in identifier(),
            service in identifier(),
            arn in identifier(),
        ) {
            let request = json!({"cluster": cluster, "service": service, "serviceName": service,
                                 "serviceConnectConfiguration": {"enabled": true}});
            let _ = route(&record(&name, request, json!({"service": {"serviceArn": arn}})));
        }
    }
}
