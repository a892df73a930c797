use crate::model::{ModelError, Resource};
use crate::resource::{AwsService, ResourceKind};
use serde_json::{json, Value};

/// A service as `aws ecs describe-services --include TAGS` prints it: a new PRIMARY deployment
/// with TLS, the one it replaces ACTIVE, and members the model does not name.
pub(crate) fn service() -> Value {
    json!({"ecsService": {
        "serviceArn": "arn:aws:ecs:eu-west-1:111122223333:service/prod/payments",
        "serviceName": "payments",
        "clusterArn": "arn:aws:ecs:eu-west-1:111122223333:cluster/prod",
        "status": "ACTIVE", "desiredCount": 2, "runningCount": 2, "launchType": "FARGATE",
        "taskDefinition": "arn:aws:ecs:eu-west-1:111122223333:task-definition/payments:7",
        "createdAt": 1764000000.123, "createdBy": "arn:aws:iam::111122223333:role/deployer",
        "tags": [{"key": "team", "value": "pay"}],
        "deployments": [
            {"id": "ecs-svc/2", "status": "PRIMARY",
             "taskDefinition": "arn:aws:ecs:eu-west-1:111122223333:task-definition/payments:7",
             "createdAt": 1764000100.5, "updatedAt": 1764000200.5, "rolloutState": "COMPLETED",
             "serviceConnectConfiguration": {
                "enabled": true, "namespace": "pay.local",
                "services": [{"portName": "api", "discoveryName": "payments",
                              "clientAliases": [{"port": 8080, "dnsName": "payments.pay.local"}],
                              "timeout": {"idleTimeoutSeconds": 300, "perRequestTimeoutSeconds": 15},
                              "tls": {"issuerCertificateAuthority": {"awsPcaAuthorityArn": "arn:aws:acm-pca:eu-west-1:111122223333:certificate-authority/ca-1"},
                                      "kmsKey": "arn:aws:kms:eu-west-1:111122223333:key/k-1",
                                      "roleArn": "arn:aws:iam::111122223333:role/ecs-sc-tls"}}],
                "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "sc"}},
                "accessLogConfiguration": {"format": "JSON", "includeQueryParameters": "DISABLED"}},
             "serviceConnectResources": [{"discoveryName": "payments", "discoveryArn": "arn:aws:servicediscovery:eu-west-1:111122223333:service/srv-1"}]},
            {"id": "ecs-svc/1", "status": "ACTIVE", "createdAt": 1764000000.5,
             "serviceConnectConfiguration": {"enabled": true, "namespace": "pay.local"}}
        ]
    }, "describedBy": "meshwarden"})
}

#[test]
fn the_document_round_trips_with_unknown_members() {
    let document = service();
    let resource = Resource::parse_describe(&document.to_string()).unwrap();
    assert_eq!(resource.kind(), ResourceKind::EcsService);
    assert_eq!(resource.service(), AwsService::Ecs);
    assert_eq!(resource.to_describe_value(), document);
    assert_eq!(resource.data_value(), document);
    assert_eq!(
        Resource::from_data(ResourceKind::EcsService, &document).unwrap(),
        resource
    );
}

#[test]
fn the_primary_deployment_holds_the_configuration_judged() {
    let Resource::EcsService(doc) = Resource::from_describe_value(&service()).unwrap() else {
        panic!("not an ECS service");
    };
    assert_eq!(doc.primary().unwrap().id.as_deref(), Some("ecs-svc/2"));
    let config = doc.primary_configuration().unwrap();
    assert!(config.is_enabled());
    assert_eq!(config.published().len(), 1);
    assert_eq!(doc.cluster_name(), Some("prod"));
    assert!(!doc.is_gone());
}

#[test]
fn identity_accessors_read_the_service() {
    let resource = Resource::from_describe_value(&service()).unwrap();
    assert_eq!(
        resource.arn(),
        Some("arn:aws:ecs:eu-west-1:111122223333:service/prod/payments")
    );
    assert_eq!(resource.local_id(), "prod/payments");
    assert_eq!(resource.version(), None);
    assert_eq!(resource.status(), Some("ACTIVE"));
    assert_eq!(resource.created_at(), Some(&json!(1764000000.123)));
}

#[test]
fn inactive_and_draining_services_are_gone() {
    for (status, gone) in [("INACTIVE", true), ("DRAINING", true), ("ACTIVE", false)] {
        let mut document = service();
        document["ecsService"]["status"] = json!(status);
        let resource = Resource::from_describe_value(&document).unwrap();
        assert_eq!(resource.is_deleted(), gone, "{status}");
    }
}

#[test]
fn a_wrong_shape_is_a_clear_error() {
    let err =
        Resource::from_describe_value(&json!({"ecsService": {"deployments": {}}})).unwrap_err();
    assert!(
        matches!(
            err,
            ModelError::Invalid {
                kind: ResourceKind::EcsService,
                ..
            }
        ),
        "{err:?}"
    );
    let unknown = Resource::from_describe_value(&json!({"ecs": {}})).unwrap_err();
    assert!(unknown.to_string().contains("ecsService"), "{unknown}");
}

/// The service after a deploy: `ecs-svc/{primary}` with `primary_config` is PRIMARY, and the
/// deployments in `draining` (id, configuration) are ACTIVE.
fn redeployed(primary: &str, primary_config: Value, draining: &[(&str, Value)]) -> Resource {
    let mut document = service();
    let mut deployments = vec![json!({"id": primary, "status": "PRIMARY",
        "serviceConnectConfiguration": primary_config})];
    deployments.extend(draining.iter().map(
        |(id, config)| json!({"id": id, "status": "ACTIVE", "serviceConnectConfiguration": config}),
    ));
    document["ecsService"]["deployments"] = Value::Array(deployments);
    Resource::from_describe_value(&document).unwrap()
}

#[test]
fn a_deployment_the_write_replaced_is_named_only_when_it_carried_another_configuration() {
    let open = json!({"enabled": true, "namespace": "pay.local"});
    let planned = json!({"enabled": true, "namespace": "pay.local", "services": []});
    let theirs = json!({"enabled": false});
    let planned_on = redeployed("ecs-svc/2", open.clone(), &[("ecs-svc/1", theirs.clone())]);
    // Our deployment is PRIMARY; ecs-svc/3 started in between with another configuration.
    let after = redeployed(
        "ecs-svc/4",
        planned.clone(),
        &[("ecs-svc/3", theirs.clone()), ("ecs-svc/2", open.clone())],
    );
    assert_eq!(
        after.as_document().replaced_since(&planned_on),
        ["deployment ecs-svc/3"]
    );
    // A deploy in between that kept the configuration (an image deploy) replaced nothing of it;
    // nor did one that already carried the planned configuration, nor one known before.
    for kept in [open.clone(), planned.clone()] {
        let after = redeployed("ecs-svc/4", planned.clone(), &[("ecs-svc/3", kept)]);
        assert!(after.as_document().replaced_since(&planned_on).is_empty());
    }
    let after = redeployed("ecs-svc/4", planned, &[("ecs-svc/1", theirs)]);
    assert!(after.as_document().replaced_since(&planned_on).is_empty());
    // Another kind's document tells nothing.
    let other = Resource::from_describe_value(&json!({"targetGroup": {"id": "tg-1"}})).unwrap();
    assert!(after.as_document().replaced_since(&other).is_empty());
}
