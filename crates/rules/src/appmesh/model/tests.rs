use crate::model::*;
use crate::resource::ResourceKind;
use serde_json::json;
use serde_json::Value;

/// Remove `null` members recursively: the one normalisation the model makes.
fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

fn gateway_document() -> Value {
    json!({"virtualGateway": {
        "meshName": "cc-production-app-mesh",
        "virtualGatewayName": "cc-prod-mesh-virtual-gateway",
        "metadata": {"arn": "arn:aws:appmesh:us-east-1:111122223333:mesh/cc-production-app-mesh/virtualGateway/cc-prod-mesh-virtual-gateway",
                     "createdAt": "Nov 5, 2023, 4:29:11 AM", "lastUpdatedAt": 1700000000.5, "meshOwner": "111122223333",
                     "resourceOwner": "111122223333", "uid": "a1", "version": 7},
        "spec": {
            "backendDefaults": {"clientPolicy": {"tls": {"enforce": true, "ports": [], "futureTls": 1,
                "certificate": {"sds": {"secretName": "client"}},
                "validation": {"subjectAlternativeNames": {"match": {"exact": ["svc"]}},
                               "trust": {"acm": {"certificateAuthorityArns": ["arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x"]}}}}}},
            "listeners": [{"portMapping": {"port": 8080, "protocol": "http"},
                           "connectionPool": {"http": {"maxConnections": 10}},
                           "healthCheck": {"protocol": "http", "path": "/ping", "healthyThreshold": 2},
                           "tls": {"mode": "STRICT", "certificate": {"acm": {"certificateArn": "arn:cert"}}, "sdsFuture": true}}],
            "logging": {"accessLog": {"file": {"path": "/dev/stdout", "format": {"text": "%START_TIME%"}}}},
            "futureField": {"x": [1, 2, {"y": "z"}]}
        },
        "status": {"status": "ACTIVE"}
    }})
}

#[test]
fn parse_then_serialize_loses_nothing() {
    let doc = gateway_document();
    let resource = Resource::from_describe_value(&doc).unwrap();
    assert_eq!(resource.to_describe_value(), doc);
    assert_eq!(resource.version(), Some(7));
    assert_eq!(
        resource.local_id(),
        "cc-production-app-mesh/cc-prod-mesh-virtual-gateway"
    );
}

#[test]
fn status_and_uid_are_read_from_the_describe_output() {
    let gateway = Resource::from_describe_value(&gateway_document()).unwrap();
    assert_eq!(gateway.status(), Some("ACTIVE"));
    assert!(!gateway.is_deleted());
    assert_eq!(gateway.uid(), Some("a1"));

    let deleted = Resource::from_describe_value(&json!({"virtualNode": {"meshName": "m",
        "virtualNodeName": "n", "metadata": {"uid": "u-2", "version": 3},
        "status": {"status": "DELETED"}}}))
    .unwrap();
    assert_eq!(deleted.status(), Some("DELETED"));
    assert!(deleted.is_deleted());
    assert_eq!(deleted.uid(), Some("u-2"));

    let mesh = Resource::from_describe_value(
        &json!({"mesh": {"meshName": "m", "status": {"status": "DELETED"}}}),
    )
    .unwrap();
    assert!(mesh.is_deleted(), "meshes carry the same status member");
    assert_eq!(mesh.uid(), None, "no metadata");
}

#[test]
fn absent_or_odd_status_is_not_deleted() {
    for data in [
        json!({"meshName": "m"}),
        json!({"meshName": "m", "status": null}),
        json!({"meshName": "m", "status": {}}),
        json!({"meshName": "m", "status": "DELETED"}),
        json!({"meshName": "m", "status": {"status": 1}, "metadata": {"uid": 7}}),
        json!({"meshName": "m", "status": {"status": "deleted"}}),
    ] {
        let resource = Resource::from_describe_value(&json!({ "mesh": data })).unwrap();
        assert!(!resource.is_deleted(), "{data}");
        assert_eq!(resource.uid(), None, "{data}");
    }
    let inactive = Resource::from_describe_value(
        &json!({"mesh": {"meshName": "m", "status": {"status": "INACTIVE"}}}),
    )
    .unwrap();
    assert_eq!(inactive.status(), Some("INACTIVE"));
    assert!(!inactive.is_deleted());
}

#[test]
fn node_and_mesh_round_trip_with_unknown_members() {
    let node = json!({"virtualNode": {"meshName": "m", "virtualNodeName": "n", "meshOwnerHint": "x",
        "spec": {"backends": [{"virtualService": {"virtualServiceName": "s.local", "clientPolicy": {"tls": {"enforce": false,
            "validation": {"trust": {"file": {"certificateChain": "/ca.pem"}}}}}}}],
            "serviceDiscovery": {"dns": {"hostname": "n.local", "ipPreference": "IPv4_ONLY", "responseType": "ENDPOINTS"}},
            "listeners": [{"portMapping": {"port": 80, "protocol": "tcp"}, "outlierDetection": {"maxServerErrors": 5}}]}}});
    assert_eq!(
        Resource::from_describe_value(&node)
            .unwrap()
            .to_describe_value(),
        node
    );
    let mesh = json!({"mesh": {"meshName": "m", "spec": {"egressFilter": {"type": "ALLOW_ALL"}, "serviceDiscovery": {"ipPreference": "IPv6_ONLY"}}, "status": {"status": "ACTIVE"}}});
    assert_eq!(
        Resource::from_describe_value(&mesh)
            .unwrap()
            .to_describe_value(),
        mesh
    );
}

#[test]
fn nulls_read_as_absent() {
    // moto stores {"egressFilter": {"type": null}} when the mesh was created without one.
    let doc = json!({"mesh": {"meshName": "m", "spec": {"egressFilter": {"type": null}}, "metadata": null}});
    let resource = Resource::from_describe_value(&doc).unwrap();
    assert_eq!(resource.to_describe_value(), without_nulls(&doc));
    assert_eq!(resource.version(), None);
}

#[test]
fn shape_errors_name_the_problem() {
    assert!(matches!(
        Resource::parse_describe("{"),
        Err(ModelError::Json(_))
    ));
    let err = Resource::parse_describe("[]").unwrap_err();
    assert!(err.to_string().contains("an array"), "{err}");
    let err = Resource::parse_describe(r#"{"route": {}}"#).unwrap_err();
    assert!(err.to_string().contains("route"), "{err}");
    let err = Resource::parse_describe(r#"{"mesh": {"spec": {}}}"#).unwrap_err();
    assert!(err.to_string().contains("meshName"), "{err}");
    let err = Resource::parse_describe(r#"{"virtualGateway": {"meshName": "m", "virtualGatewayName": "g", "spec": {"listeners": {}}}}"#)
        .unwrap_err();
    assert!(
        matches!(
            err,
            ModelError::Invalid {
                kind: ResourceKind::VirtualGateway,
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn trust_kinds_require_a_named_source() {
    let trust = |v: Value| serde_json::from_value::<Trust>(v).unwrap().kind();
    assert_eq!(
        trust(json!({"acm": {"certificateAuthorityArns": ["arn:ca"]}})),
        Some(TrustKind::Acm)
    );
    assert_eq!(
        trust(json!({"file": {"certificateChain": "/etc/ca.pem"}})),
        Some(TrustKind::File)
    );
    assert_eq!(
        trust(json!({"sds": {"secretName": "ca"}})),
        Some(TrustKind::Sds)
    );
    assert_eq!(
        trust(json!({"acm": {"certificateAuthorityArns": []}})),
        None
    );
    assert_eq!(trust(json!({"file": {"certificateChain": " "}})), None);
    assert_eq!(trust(json!({})), None);
}
