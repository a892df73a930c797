use crate::model::{ModelError, Resource};
use crate::resource::{AwsService, ResourceKind};
use serde_json::{json, Value};

fn service_network() -> Value {
    json!({
        "serviceNetwork": {
            "arn": "arn:aws:vpc-lattice:eu-west-1:111122223333:servicenetwork/sn-0123456789abcdef0",
            "authType": "AWS_IAM", "createdAt": "2026-11-20T10:00:00.000Z", "id": "sn-0123456789abcdef0",
            "lastUpdatedAt": "2026-11-21T10:00:00.000Z", "name": "payments",
            "numberOfAssociatedServices": 2, "numberOfAssociatedVPCs": 1, "sharingConfig": {"enabled": false}
        },
        "authPolicy": {"policy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}", "state": "Active",
                       "createdAt": "2026-11-20T10:00:00.000Z"},
        "accessLogSubscriptions": [{"id": "als-0123456789abcdef0", "arn": "arn:aws:vpc-lattice:eu-west-1:111122223333:accesslogsubscription/als-0123456789abcdef0",
            "destinationArn": "arn:aws:logs:eu-west-1:111122223333:log-group:lattice", "resourceId": "sn-0123456789abcdef0",
            "serviceNetworkLogType": "SERVICE"}],
        "vpcAssociations": [{"id": "snva-0123456789abcdef0", "vpcId": "vpc-1", "securityGroupIds": ["sg-1"], "status": "ACTIVE",
            "createdBy": "111122223333"}],
        "describedBy": "meshwarden"
    })
}

#[test]
fn documents_round_trip_with_unknown_members() {
    let documents = [
        service_network(),
        json!({"service": {"id": "svc-1", "authType": "NONE", "customDomainName": "pay.example.com",
                           "dnsEntry": {"domainName": "x", "hostedZoneId": "Z"}, "status": "ACTIVE"},
               "listeners": [{"id": "listener-1", "name": "web", "port": 80, "protocol": "HTTP",
                              "defaultAction": {"fixedResponse": {"statusCode": 404}}}],
               "authPolicy": null, "accessLogSubscriptions": []}),
        json!({"targetGroup": {"id": "tg-1", "type": "IP", "status": "ACTIVE", "serviceArns": [],
                               "config": {"protocol": "HTTPS", "port": 443, "protocolVersion": "HTTP1",
                                          "healthCheck": {"enabled": true, "path": "/health"}}}}),
    ];
    for document in documents {
        let resource = Resource::from_describe_value(&document).unwrap();
        assert_eq!(resource.service(), AwsService::VpcLattice);
        assert_eq!(resource.to_describe_value(), document);
        assert_eq!(resource.data_value(), document);
        assert_eq!(
            Resource::from_data(resource.kind(), &document).unwrap(),
            resource
        );
    }
}

#[test]
fn auth_policy_tells_absent_from_null() {
    let absent = Resource::from_describe_value(&json!({"serviceNetwork": {"id": "sn-1"}})).unwrap();
    assert_eq!(absent.auth_policy(), None);
    assert_eq!(absent.access_log_subscriptions(), None);
    assert_eq!(
        absent.to_describe_value(),
        json!({"serviceNetwork": {"id": "sn-1"}})
    );
    let null = Resource::from_describe_value(
        &json!({"serviceNetwork": {"id": "sn-1"}, "authPolicy": null}),
    )
    .unwrap();
    assert_eq!(null.auth_policy(), Some(None));
    assert_eq!(
        null.to_describe_value(),
        json!({"serviceNetwork": {"id": "sn-1"}, "authPolicy": null})
    );
    // Elsewhere null is absent, as for App Mesh.
    let lists = Resource::from_describe_value(
        &json!({"service": {"id": "svc-1", "authType": null}, "listeners": null}),
    )
    .unwrap();
    assert_eq!(lists.lattice_listeners(), None);
    assert_eq!(lists.auth_type(), None);
}

#[test]
fn identity_and_status_accessors() {
    let sn = Resource::from_describe_value(&service_network()).unwrap();
    assert_eq!(sn.kind(), ResourceKind::ServiceNetwork);
    assert_eq!(sn.local_id(), "sn-0123456789abcdef0");
    assert_eq!(
        sn.arn(),
        Some("arn:aws:vpc-lattice:eu-west-1:111122223333:servicenetwork/sn-0123456789abcdef0")
    );
    assert_eq!(
        sn.last_updated_at(),
        Some(&json!("2026-11-21T10:00:00.000Z"))
    );
    assert_eq!((sn.version(), sn.uid(), sn.status()), (None, None, None));
    assert!(!sn.is_deleted());
    let deleting = Resource::from_describe_value(
        &json!({"targetGroup": {"id": "tg-1", "status": "DELETE_IN_PROGRESS"}}),
    )
    .unwrap();
    assert_eq!(deleting.status(), Some("DELETE_IN_PROGRESS"));
    assert!(deleting.is_deleted());
    // App Mesh's DELETED is not a VPC Lattice status, and the reverse.
    let odd =
        Resource::from_describe_value(&json!({"service": {"id": "svc-1", "status": "DELETED"}}))
            .unwrap();
    assert!(!odd.is_deleted());
    let mesh = Resource::from_describe_value(
        &json!({"mesh": {"meshName": "m", "status": {"status": "DELETE_IN_PROGRESS"}}}),
    )
    .unwrap();
    assert!(!mesh.is_deleted());
    assert_eq!(mesh.local_id(), "m");
}

#[test]
fn passthrough_only_needs_listeners_all_passthrough() {
    let service = |listeners: Value| {
        Resource::from_describe_value(&json!({"service": {"id": "svc-1"}, "listeners": listeners}))
            .unwrap()
    };
    assert!(service(json!([{"protocol": "TLS_PASSTHROUGH", "port": 443}])).passthrough_only());
    assert!(
        !service(json!([{"protocol": "TLS_PASSTHROUGH"}, {"protocol": "HTTPS"}]))
            .passthrough_only()
    );
    assert!(!service(json!([])).passthrough_only());
    assert!(
        !Resource::from_describe_value(&json!({"service": {"id": "svc-1"}}))
            .unwrap()
            .passthrough_only()
    );
}

#[test]
fn malformed_documents_are_typed_errors() {
    let err = Resource::parse_describe(r#"{"serviceNetwork": {"name": "x"}}"#).unwrap_err();
    assert!(
        matches!(
            err,
            ModelError::Invalid {
                kind: ResourceKind::ServiceNetwork,
                ..
            }
        ),
        "{err}"
    );
    let err =
        Resource::parse_describe(r#"{"service": {"id": "svc-1"}, "listeners": {}}"#).unwrap_err();
    assert!(
        matches!(
            err,
            ModelError::Invalid {
                kind: ResourceKind::Service,
                ..
            }
        ),
        "{err}"
    );
    let err = Resource::parse_describe(
        r#"{"targetGroup": {"id": "tg-1", "config": {"healthCheck": {"enabled": "yes"}}}}"#,
    )
    .unwrap_err();
    assert!(err.to_string().contains("invalid targetGroup"), "{err}");
    let err = Resource::parse_describe(r#"{"listener": {}}"#).unwrap_err();
    assert!(err.to_string().contains("\"targetGroup\""), "{err}");
}
