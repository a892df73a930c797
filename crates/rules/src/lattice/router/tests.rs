use super::*;
use crate::event::{route, Decision, Incoming, RoutedEvent};
use serde_json::json;

const ACCOUNT: &str = "111122223333";
const OWNER: &str = "444455556666";
const REGION: &str = "eu-west-1";

fn record(name: &str, request: Value, response: Value) -> Value {
    json!({
        "eventVersion": "1.09", "eventID": "e-1", "eventName": name, "eventSource": "vpc-lattice.amazonaws.com",
        "eventTime": "2026-11-23T03:00:00Z", "awsRegion": REGION, "recipientAccountId": ACCOUNT,
        "userIdentity": {"type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/admin/alice"},
        "requestParameters": request, "responseElements": response, "readOnly": false,
        "eventType": "AwsApiCall"
    })
}

fn envelope(detail_type: &str, source: &str, detail: Value) -> Value {
    json!({"version": "0", "id": "env-1", "detail-type": detail_type, "source": source,
           "account": ACCOUNT, "time": "2026-11-23T03:00:01Z", "region": REGION, "resources": [], "detail": detail})
}

fn routed(value: &Value) -> RoutedEvent {
    match route(value).unwrap() {
        Incoming::CloudTrail(r) => r,
        other => panic!("expected a CloudTrail route, got {other:?}"),
    }
}

fn lattice(kind: ResourceKind, id: &str) -> ResourceRef {
    ResourceRef::new(kind, ACCOUNT, REGION, id)
}

fn evaluate_route(resource: ResourceRef) -> Route {
    Route::Evaluate {
        resource,
        expected_version: None,
        expected_uid: None,
    }
}

fn arn(kind_path: &str) -> String {
    format!("arn:aws:vpc-lattice:{REGION}:{ACCOUNT}:{kind_path}")
}

#[test]
fn every_handled_call_routes_to_the_resource_it_changes() {
    use ResourceKind::{Service, ServiceNetwork, TargetGroup};
    let sn = "sn-0123456789abcdef0";
    let svc = "svc-0123456789abcdef0";
    let tg = "tg-0123456789abcdef0";
    let cases: Vec<(&str, Value, Value, Route)> = vec![
        (
            "CreateServiceNetwork",
            json!({"name": "payments", "authType": "NONE"}),
            json!({"id": sn, "arn": arn(&format!("servicenetwork/{sn}")), "authType": "NONE"}),
            evaluate_route(lattice(ServiceNetwork, sn)),
        ),
        (
            "UpdateServiceNetwork",
            json!({"serviceNetworkIdentifier": sn, "authType": "NONE"}),
            json!({"id": sn}),
            evaluate_route(lattice(ServiceNetwork, sn)),
        ),
        (
            "DeleteServiceNetwork",
            json!({"serviceNetworkIdentifier": arn(&format!("servicenetwork/{sn}"))}),
            json!(null),
            Route::Deleted {
                resource: lattice(ServiceNetwork, sn),
            },
        ),
        (
            "CreateService",
            json!({"name": "orders"}),
            json!({"id": svc, "arn": arn(&format!("service/{svc}"))}),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "UpdateService",
            json!({"serviceIdentifier": svc, "authType": "NONE"}),
            json!({}),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "DeleteService",
            json!({"serviceIdentifier": svc}),
            json!({"id": svc, "status": "DELETE_IN_PROGRESS"}),
            Route::Deleted {
                resource: lattice(Service, svc),
            },
        ),
        (
            "CreateListener",
            json!({"serviceIdentifier": svc, "protocol": "HTTP", "port": 80}),
            json!({"id": "listener-1"}),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "UpdateListener",
            json!({"serviceIdentifier": svc, "listenerIdentifier": "listener-1"}),
            json!({}),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "DeleteListener",
            json!({"serviceIdentifier": svc, "listenerIdentifier": "listener-1"}),
            json!(null),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "CreateRule",
            json!({"serviceIdentifier": svc, "listenerIdentifier": "listener-1"}),
            json!({}),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "UpdateRule",
            json!({"serviceIdentifier": svc, "listenerIdentifier": "listener-1", "ruleIdentifier": "rule-1"}),
            json!({}),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "DeleteRule",
            json!({"serviceIdentifier": arn(&format!("service/{svc}")), "listenerIdentifier": "listener-1", "ruleIdentifier": "rule-1"}),
            json!(null),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "BatchUpdateRule",
            json!({"serviceIdentifier": svc, "listenerIdentifier": "listener-1", "rules": []}),
            json!({}),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "CreateTargetGroup",
            json!({"name": "orders", "type": "IP"}),
            json!({"id": tg, "arn": arn(&format!("targetgroup/{tg}"))}),
            evaluate_route(lattice(TargetGroup, tg)),
        ),
        (
            "UpdateTargetGroup",
            json!({"targetGroupIdentifier": tg, "healthCheck": {"enabled": false}}),
            json!({}),
            evaluate_route(lattice(TargetGroup, tg)),
        ),
        (
            "DeleteTargetGroup",
            json!({"targetGroupIdentifier": tg}),
            json!(null),
            Route::Deleted {
                resource: lattice(TargetGroup, tg),
            },
        ),
        (
            "RegisterTargets",
            json!({"targetGroupIdentifier": tg, "targets": [{"id": "10.0.0.1"}]}),
            json!({}),
            evaluate_route(lattice(TargetGroup, tg)),
        ),
        (
            "DeregisterTargets",
            json!({"targetGroupIdentifier": tg, "targets": []}),
            json!({}),
            evaluate_route(lattice(TargetGroup, tg)),
        ),
        (
            "CreateAccessLogSubscription",
            json!({"resourceIdentifier": sn, "destinationArn": "arn:aws:s3:::logs"}),
            json!({"id": "als-1"}),
            evaluate_route(lattice(ServiceNetwork, sn)),
        ),
        (
            "UpdateAccessLogSubscription",
            json!({"accessLogSubscriptionIdentifier": "als-1"}),
            json!({"id": "als-1", "resourceArn": arn(&format!("service/{svc}")), "resourceId": svc}),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "DeleteAccessLogSubscription",
            json!({"accessLogSubscriptionIdentifier": "als-1"}),
            json!(null),
            Route::Child {
                child: ChildRef {
                    service: crate::resource::AwsService::VpcLattice,
                    kind: "accessLogSubscription".into(),
                    account: ACCOUNT.into(),
                    region: REGION.into(),
                    id: "als-1".into(),
                },
            },
        ),
        (
            "PutAuthPolicy",
            json!({"resourceIdentifier": svc, "policy": "{}"}),
            json!({"state": "Active"}),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "DeleteAuthPolicy",
            json!({"resourceIdentifier": arn(&format!("servicenetwork/{sn}"))}),
            json!(null),
            evaluate_route(lattice(ServiceNetwork, sn)),
        ),
        (
            "PutResourcePolicy",
            json!({"resourceArn": arn(&format!("servicenetwork/{sn}")), "policy": "{}"}),
            json!(null),
            evaluate_route(lattice(ServiceNetwork, sn)),
        ),
        (
            "DeleteResourcePolicy",
            json!({"resourceArn": arn(&format!("service/{svc}"))}),
            json!(null),
            evaluate_route(lattice(Service, svc)),
        ),
        (
            "TagResource",
            json!({"resourceArn": arn(&format!("targetgroup/{tg}")), "tags": {"team": "x"}}),
            json!(null),
            evaluate_route(lattice(TargetGroup, tg)),
        ),
        (
            "UntagResource",
            json!({"resourceArn": arn(&format!("servicenetwork/{sn}")), "tagKeys": ["team"]}),
            json!(null),
            evaluate_route(lattice(ServiceNetwork, sn)),
        ),
        (
            "CreateServiceNetworkVpcAssociation",
            json!({"serviceNetworkIdentifier": sn, "vpcIdentifier": "vpc-1"}),
            json!({"id": "snva-1"}),
            evaluate_route(lattice(ServiceNetwork, sn)),
        ),
        (
            "CreateServiceNetworkServiceAssociation",
            json!({"serviceNetworkIdentifier": sn, "serviceIdentifier": svc}),
            json!({"id": "snsa-1"}),
            evaluate_route(lattice(ServiceNetwork, sn)),
        ),
        (
            "CreateServiceNetworkResourceAssociation",
            json!({"serviceNetworkIdentifier": sn, "resourceConfigurationIdentifier": "rcfg-1"}),
            json!({"id": "snra-1"}),
            evaluate_route(lattice(ServiceNetwork, sn)),
        ),
    ];
    let mut names: Vec<&str> = cases.iter().map(|c| c.0).collect();
    names.sort_unstable();
    assert_eq!(names, HANDLED_EVENT_NAMES, "one case per handled call");
    for (name, request, response, expected) in cases {
        let event = envelope(
            "AWS API Call via CloudTrail",
            "aws.vpc-lattice",
            record(name, request, response),
        );
        assert_eq!(routed(&event).route, expected, "{name}");
    }
}

#[test]
fn an_arn_of_another_partition_naming_an_aws_region_is_not_ours() {
    for partition in ["aws-cn", "aws-us-gov", "aws-iso"] {
        let foreign = format!("arn:{partition}:vpc-lattice:{REGION}:{ACCOUNT}:servicenetwork/sn-1");
        let update = record(
            "UpdateServiceNetwork",
            json!({"serviceNetworkIdentifier": foreign, "authType": "NONE"}),
            json!({}),
        );
        match routed(&update).route {
            Route::Ignore {
                reason:
                    IgnoreReason::ForeignPartition {
                        partition: p,
                        region,
                    },
                ..
            } => assert_eq!((p.as_str(), region.as_str()), (partition, REGION)),
            other => panic!("{partition}: expected ignored, got {other:?}"),
        }
    }
    // The partition of the region is ours: China and GovCloud ARNs in their own regions route.
    for (partition, region) in [("aws-cn", "cn-north-1"), ("aws-us-gov", "us-gov-west-1")] {
        let own = format!("arn:{partition}:vpc-lattice:{region}:{ACCOUNT}:service/svc-1");
        let update = record(
            "UpdateService",
            json!({"serviceIdentifier": own}),
            json!({}),
        );
        assert_eq!(
            routed(&update).route,
            evaluate_route(ResourceRef::new(
                ResourceKind::Service,
                ACCOUNT,
                region,
                "svc-1"
            ))
        );
    }
}

#[test]
fn partitions_follow_the_region() {
    use crate::resource::partition_of;
    for (region, partition) in [
        ("eu-west-1", "aws"),
        ("cn-northwest-1", "aws-cn"),
        ("us-gov-east-1", "aws-us-gov"),
        ("us-iso-east-1", "aws-iso"),
        ("us-isob-east-1", "aws-iso-b"),
        ("us-isof-south-1", "aws-iso-f"),
        ("eu-isoe-west-1", "aws-iso-e"),
    ] {
        assert_eq!(partition_of(region), partition, "{region}");
    }
}

#[test]
fn arns_name_the_owner_and_ids_the_recipient() {
    let shared =
        format!("arn:aws:vpc-lattice:us-west-2:{OWNER}:servicenetwork/sn-27a56bbf-b352-47b");
    let association = record(
        "CreateServiceNetworkVpcAssociation",
        json!({"serviceNetworkIdentifier": shared, "vpcIdentifier": "vpc-1"}),
        json!({"id": "snva-1"}),
    );
    assert_eq!(
        routed(&association).route,
        evaluate_route(ResourceRef::new(
            ResourceKind::ServiceNetwork,
            OWNER,
            "us-west-2",
            "sn-27a56bbf-b352-47b"
        ))
    );
    // An emulator's hyphenated id is an id.
    let moto = record(
        "UpdateService",
        json!({"serviceIdentifier": "svc-27a56bbf-b352-47b"}),
        json!({}),
    );
    assert_eq!(
        routed(&moto).route,
        evaluate_route(lattice(ResourceKind::Service, "svc-27a56bbf-b352-47b"))
    );
}

#[test]
fn failed_read_only_and_unmodelled_calls_are_ignored() {
    let failed = {
        let mut r = record(
            "UpdateServiceNetwork",
            json!({"serviceNetworkIdentifier": "sn-1"}),
            json!(null),
        );
        r["errorCode"] = json!("AccessDenied");
        r
    };
    assert_eq!(
        routed(&failed).route,
        Route::Ignore {
            reason: IgnoreReason::FailedCall {
                code: "AccessDenied".into()
            },
            resource: Some(lattice(ResourceKind::ServiceNetwork, "sn-1")),
        }
    );
    // A failed call lacking its parameters still ignores, with no resource.
    let mut bare = record("CreateService", json!({}), json!(null));
    bare["errorCode"] = json!("ValidationException");
    assert!(matches!(
        routed(&bare).route,
        Route::Ignore {
            reason: IgnoreReason::FailedCall { .. },
            resource: None
        }
    ));
    let ignored = |name: &str, request: Value, response: Value| match routed(&record(
        name, request, response,
    ))
    .route
    {
        Route::Ignore {
            reason,
            resource: None,
        } => reason,
        other => panic!("{name}: {other:?}"),
    };
    for read in [
        "GetServiceNetwork",
        "ListServices",
        "GetAuthPolicy",
        "GetServiceBySharee",
    ] {
        assert_eq!(
            ignored(read, json!({}), json!(null)),
            IgnoreReason::ReadOnly,
            "{read}"
        );
    }
    let unmodelled = |reason: IgnoreReason| match reason {
        IgnoreReason::UnmodelledKind(kind) => kind,
        other => panic!("{other:?}"),
    };
    assert_eq!(
        unmodelled(ignored("CreateResourceConfiguration", json!({}), json!({}))),
        "resourceConfiguration"
    );
    assert_eq!(
        unmodelled(ignored("UpdateResourceGateway", json!({}), json!({}))),
        "resourceGateway"
    );
    assert_eq!(
        unmodelled(ignored("StartDomainVerification", json!({}), json!({}))),
        "domainVerification"
    );
    assert_eq!(
        unmodelled(ignored(
            "DeleteResourceEndpointAssociation",
            json!({}),
            json!({})
        )),
        "resourceEndpointAssociation"
    );
    let listener_arn = arn("service/svc-1/listener/listener-1");
    assert_eq!(
        unmodelled(ignored(
            "TagResource",
            json!({"resourceArn": listener_arn}),
            json!(null)
        )),
        "listener"
    );
    assert_eq!(
        unmodelled(ignored(
            "PutResourcePolicy",
            json!({"resourceArn": arn("resourceconfiguration/rcfg-1")}),
            json!(null)
        )),
        "resourceConfiguration"
    );
    assert_eq!(
        unmodelled(ignored(
            "CreateAccessLogSubscription",
            json!({"resourceIdentifier": "rcfg-1"}),
            json!({})
        )),
        "resourceConfiguration"
    );
    assert_eq!(
        ignored("CreateSomethingNew", json!({}), json!({})),
        IgnoreReason::UnhandledEvent
    );
}

#[test]
fn access_log_calls_naming_only_the_subscription_look_its_owner_up() {
    let child = |name: &str, request: Value, response: Value| match routed(&record(
        name, request, response,
    ))
    .route
    {
        Route::Child { child } => child,
        other => panic!("{name}: {other:?}"),
    };
    let deleted = child(
        "DeleteAccessLogSubscription",
        json!({"accessLogSubscriptionIdentifier": "als-1"}),
        json!(null),
    );
    assert_eq!(deleted.kind, "accessLogSubscription");
    assert_eq!(deleted.id, "als-1");
    assert_eq!(
        deleted.key(),
        format!("lattice:{ACCOUNT}:{REGION}:accessLogSubscription/als-1"),
        "an id: the recipient's account and region"
    );
    let by_arn = child(
        "DeleteAccessLogSubscription",
        json!({"accessLogSubscriptionIdentifier":
            "arn:aws:vpc-lattice:eu-west-1:444455556666:accesslogsubscription/als-2"}),
        json!(null),
    );
    assert_eq!(
        by_arn.key(),
        "lattice:444455556666:eu-west-1:accessLogSubscription/als-2"
    );
    let updated = child(
        "UpdateAccessLogSubscription",
        json!({"accessLogSubscriptionIdentifier": "als-1"}),
        json!({"id": "als-1"}),
    );
    assert_eq!(updated, deleted, "a response without the owner");
}

#[test]
fn association_calls_naming_only_the_association_are_routed_through_its_owner() {
    let child = |name: &str, request: Value| match routed(&record(name, request, json!({}))).route {
        Route::Child { child } => child,
        other => panic!("{name}: {other:?}"),
    };
    let deleted = child(
        "DeleteServiceNetworkVpcAssociation",
        json!({"serviceNetworkVpcAssociationIdentifier": "snva-1"}),
    );
    assert_eq!(
        deleted.key(),
        format!("lattice:{ACCOUNT}:{REGION}:serviceNetworkVpcAssociation/snva-1")
    );
    let updated = child(
        "UpdateServiceNetworkVpcAssociation",
        json!({"serviceNetworkVpcAssociationIdentifier": "snva-1", "securityGroupIds": []}),
    );
    assert_eq!(updated, deleted);
    // A record without the association is malformed: a typed error, never a guess.
    assert!(route(&record(
        "DeleteServiceNetworkServiceAssociation",
        json!({}),
        json!(null)
    ))
    .is_err());
    assert_eq!(
        IgnoreReason::OwnerNotNamed("accessLogSubscription als-1".into()).to_string(),
        "the record names accessLogSubscription als-1, not the service network, service or target \
         group it changes: the sweep re-evaluates that"
    );
}

fn service_event(name: &str, resources: Value) -> Value {
    envelope(
        "AWS Service Event via CloudTrail",
        "aws.vpc-lattice",
        json!({
            "eventVersion": "1.08", "userIdentity": {"type": "Unknown"}, "eventTime": "2026-11-23T03:00:00Z",
            "eventSource": "vpc-lattice.amazonaws.com", "eventName": name, "awsRegion": REGION,
            "sourceIPAddress": "vpc-lattice.amazonaws.com", "requestParameters": null, "responseElements": null,
            "additionalEventData": {"callerAccountId": OWNER}, "eventID": "e-2", "readOnly": false,
            "resources": resources, "eventType": "AwsServiceEvent", "recipientAccountId": ACCOUNT
        }),
    )
}

#[test]
fn cross_account_service_events_route_by_resources() {
    let sn_arn = arn("servicenetwork/sn-1");
    let event = service_event(
        "CreateServiceNetworkVpcAssociationBySharee",
        json!([{"accountId": ACCOUNT, "type": "AWS::VpcLattice::ServiceNetworkVpcAssociation", "ARN": arn("servicenetworkvpcassociation/snva-1")},
               {"accountId": ACCOUNT, "type": "AWS::VpcLattice::ServiceNetwork", "ARN": sn_arn}]),
    );
    let r = routed(&event);
    assert_eq!(
        r.route,
        evaluate_route(lattice(ResourceKind::ServiceNetwork, "sn-1"))
    );
    assert_eq!(r.meta.actor, None);
    // As documented, an association's ARN alone names no owner.
    let association = service_event(
        "CreateServiceNetworkServiceAssociationBySharee",
        json!([{"accountId": ACCOUNT, "type": "AWS::VpcLattice::ServiceNetworkServiceAssociation",
                "ARN": arn("servicenetworkserviceassociation/snsa-0d5ea7bc72EXAMPLE")}]),
    );
    assert_eq!(
        routed(&association).route,
        ignore(IgnoreReason::OwnerNotNamed(
            "serviceNetworkServiceAssociation snsa-0d5ea7bc72EXAMPLE".into()
        ))
    );
    let none = service_event("DeleteServiceNetworkVpcAssociationByOwner", json!([]));
    assert_eq!(
        routed(&none).route,
        ignore(IgnoreReason::OwnerNotNamed(
            "no VPC Lattice resource".into()
        ))
    );
    let malformed = service_event(
        "DeleteServiceNetworkVpcAssociationByOwner",
        json!({"ARN": sn_arn}),
    );
    assert!(matches!(
        route(&malformed),
        Err(EventError::WrongType { .. })
    ));
}

#[test]
fn records_are_trusted_only_under_their_own_source() {
    let update = record(
        "UpdateService",
        json!({"serviceIdentifier": "svc-1"}),
        json!({}),
    );
    for source in ["aws.appmesh", "custom.vpc-lattice", ""] {
        let event = envelope("AWS API Call via CloudTrail", source, update.clone());
        assert_eq!(
            routed(&event).route,
            ignore(IgnoreReason::UntrustedSource {
                source: source.into(),
                expected: "aws.vpc-lattice"
            }),
            "{source}"
        );
    }
}

#[test]
fn malformed_identifiers_are_typed_errors() {
    let wrong_kind = record(
        "UpdateServiceNetwork",
        json!({"serviceNetworkIdentifier": arn("service/svc-1")}),
        json!({}),
    );
    assert_eq!(
        route(&wrong_kind).unwrap_err().to_string(),
        format!(
            "requestParameters.serviceNetworkIdentifier {:?} is not a VPC Lattice id or ARN of the expected kind",
            arn("service/svc-1")
        )
    );
    let not_an_id = record(
        "UpdateService",
        json!({"serviceIdentifier": "svc 1"}),
        json!({}),
    );
    assert!(matches!(
        route(&not_an_id),
        Err(EventError::InvalidIdentifier { .. })
    ));
    let bad_arn = record(
        "TagResource",
        json!({"resourceArn": "arn:aws:vpc-lattice:eu-west-1:1:servicenetwork"}),
        json!(null),
    );
    assert!(matches!(route(&bad_arn), Err(EventError::InvalidArn(_))));
    let no_params = record("UpdateService", json!(null), json!({}));
    assert_eq!(
        route(&no_params),
        Err(EventError::MissingField("requestParameters".into()))
    );
    let no_id = record(
        "CreateServiceNetwork",
        json!({"name": "x"}),
        json!({"arn": "x"}),
    );
    assert_eq!(
        route(&no_id),
        Err(EventError::MissingField("responseElements.id".into()))
    );
    let unknown_prefix = record(
        "PutAuthPolicy",
        json!({"resourceIdentifier": "x-1"}),
        json!({}),
    );
    assert!(matches!(
        route(&unknown_prefix),
        Err(EventError::InvalidIdentifier { .. })
    ));
}

#[test]
fn decision_prints_the_lattice_shape() {
    let event = envelope(
        "AWS API Call via CloudTrail",
        "aws.vpc-lattice",
        record(
            "UpdateServiceNetwork",
            json!({"serviceNetworkIdentifier": "sn-1"}),
            json!({}),
        ),
    );
    let decision = serde_json::to_value(Decision::of(&route(&event).unwrap())).unwrap();
    assert_eq!(
        decision,
        json!({"route": "evaluate", "service": "vpc-lattice", "kind": "serviceNetwork", "account": ACCOUNT,
               "region": REGION, "id": "sn-1", "eventName": "UpdateServiceNetwork", "eventId": "e-1",
               "actor": "arn:aws:sts::111122223333:assumed-role/admin/alice"})
    );
    let read = record(
        "GetService",
        json!({"serviceIdentifier": "svc-1"}),
        json!({}),
    );
    let decision = serde_json::to_value(Decision::of(&route(&read).unwrap())).unwrap();
    assert_eq!(
        decision,
        json!({"route": "ignore", "service": "vpc-lattice", "kind": null, "account": null, "region": null,
               "id": null, "eventName": "GetService", "eventId": "e-1",
               "actor": "arn:aws:sts::111122223333:assumed-role/admin/alice", "reason": "read-only call"})
    );
}

/// Every mutating VPC Lattice API operation (the API reference's 43) is either routed or ignored
/// with a reason that names why: none falls through to "event name not handled".
#[test]
fn every_mutating_call_is_routed_or_ignored_for_a_reason() {
    let others = [
        "CreateResourceConfiguration",
        "UpdateResourceConfiguration",
        "DeleteResourceConfiguration",
        "CreateResourceGateway",
        "UpdateResourceGateway",
        "DeleteResourceGateway",
        "DeleteResourceEndpointAssociation",
        "StartDomainVerification",
        "DeleteDomainVerification",
    ];
    let not_named: Vec<&str> = OWNER_NOT_NAMED.iter().map(|(name, _)| *name).collect();
    assert_eq!(
        HANDLED_EVENT_NAMES.len() + others.len() + not_named.len(),
        43
    );
    for name in others.iter().chain(&not_named) {
        assert!(!HANDLED_EVENT_NAMES.contains(name), "{name}");
    }
    for name in others {
        let reason = match routed(&record(name, json!({}), json!({}))).route {
            Route::Ignore { reason, .. } => reason,
            other => panic!("{name}: {other:?}"),
        };
        assert!(
            matches!(reason, IgnoreReason::UnmodelledKind(_)),
            "{name}: {reason:?}"
        );
    }
    // Association calls naming only the association are routed through its recorded owner.
    for (name, param) in OWNER_NOT_NAMED {
        let prefix = match param {
            "serviceNetworkVpcAssociationIdentifier" => "snva",
            "serviceNetworkServiceAssociationIdentifier" => "snsa",
            _ => "snra",
        };
        let id = format!("{prefix}-1");
        match routed(&record(name, json!({param: id}), json!({}))).route {
            Route::Child { child } => assert_eq!(
                (child.kind.as_str(), child.id.as_str()),
                (param.trim_end_matches("Identifier"), id.as_str()),
                "{name}"
            ),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn handled_names_are_sorted_and_match_the_file_the_infrastructure_reads() {
    let finders: Vec<&str> = FINDERS.iter().map(|(name, _)| *name).collect();
    assert_eq!(finders, HANDLED_EVENT_NAMES);
    for names in [&HANDLED_EVENT_NAMES[..], &SERVICE_EVENT_NAMES[..]] {
        let mut sorted = names.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, names);
    }
    let file: Value =
        serde_json::from_str(include_str!("../../../handled-events.vpc-lattice.json")).unwrap();
    assert_eq!(
        file,
        json!({"source": EVENTBRIDGE_SOURCE, "eventSource": EVENT_SOURCE,
               "apiCalls": HANDLED_EVENT_NAMES, "serviceEvents": SERVICE_EVENT_NAMES})
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    /// Identifier values: ids, ARNs of every kind, near misses and other JSON.
    fn identifier_value() -> impl Strategy<Value = Value> {
        prop_oneof![
            "(sn|svc|tg|rcfg|als|snva|x)-[0-9a-z-]{0,20}".prop_map(Value::String),
            (
                "(servicenetwork|service|targetgroup|accesslogsubscription|resourceconfiguration|listener)",
                "[a-z]{1,5}-[0-9a-z]{0,8}",
                "(/listener/listener-1(/rule/rule-1)?)?",
            )
                .prop_map(|(kind, id, child)| json!(format!("arn:aws:vpc-lattice:eu-west-1:1:{kind}/{id}{child}"))),
            "\\PC{0,24}".prop_map(Value::String),
            any::<i64>().prop_map(|n| json!(n)),
            Just(json!(null)),
            Just(json!(["sn-1"])),
        ]
    }

    fn event_name() -> impl Strategy<Value = String> {
        let known: Vec<&'static str> = HANDLED_EVENT_NAMES
            .iter()
            .chain(&SERVICE_EVENT_NAMES)
            .chain(OWNER_NOT_NAMED.iter().map(|(name, _)| name))
            .copied()
            .collect();
        prop_oneof![
            4 => prop::sample::select(known).prop_map(str::to_owned),
            1 => "(Create|Update|Delete|Get|Put)[A-Za-z]{0,12}",
        ]
    }

    proptest! {
        #[test]
        fn lattice_routing_returns_a_decision_or_an_error(
            name in event_name(),
            keys in prop::collection::vec(prop::sample::select(vec![
                "serviceNetworkIdentifier", "serviceIdentifier", "targetGroupIdentifier",
                "resourceIdentifier", "resourceArn", "accessLogSubscriptionIdentifier",
            ]), 0..4),
            values in prop::collection::vec(identifier_value(), 4),
            response_id in identifier_value(),
            response_arn in identifier_value(),
            resources in prop::collection::vec(identifier_value(), 0..3),
            failed in any::<bool>(),
            service_event in any::<bool>(),
        ) {
            let request: serde_json::Map<String, Value> = keys
                .iter()
                .zip(&values)
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect();
            let mut detail = record(
                &name,
                Value::Object(request),
                json!({"id": response_id, "arn": response_arn, "resourceArn": response_arn}),
            );
            detail["resources"] = Value::Array(resources.into_iter().map(|arn| json!({"ARN": arn})).collect());
            if failed {
                detail["errorCode"] = json!("ValidationException");
            }
            let detail_type = if service_event { "AWS Service Event via CloudTrail" } else { "AWS API Call via CloudTrail" };
            let event = envelope(detail_type, "aws.vpc-lattice", detail);
            if let Ok(incoming) = route(&event) {
                let decision = serde_json::to_value(Decision::of(&incoming)).unwrap();
                prop_assert_eq!(&decision["service"], &json!("vpc-lattice"));
                if failed && !SERVICE_EVENT_NAMES.contains(&name.as_str()) {
                    prop_assert_eq!(&decision["route"], &json!("ignore"));
                }
            }
        }
    }
}
