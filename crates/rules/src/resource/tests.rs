#![allow(clippy::unwrap_used)]
use super::*;
use crate::appmesh::path::{mesh_and_name, resource_ref};

const ACCOUNT: &str = "111122223333";
const REGION: &str = "eu-west-1";

/// The stored ids, paths and ARNs of every kind, pinned: the store's keys, the CLI's paths and
/// Security Hub's resource ids must never change under a refactor.
#[test]
fn stored_ids_paths_and_arns_are_pinned() {
    let table = [
        (
            ResourceRef::new(ResourceKind::Mesh, ACCOUNT, REGION, "m"),
            "appmesh:111122223333:eu-west-1:mesh/m",
            "mesh/m",
            "arn:aws:appmesh:eu-west-1:111122223333:mesh/m",
        ),
        (
            ResourceRef::new(ResourceKind::VirtualGateway, ACCOUNT, REGION, "m/g"),
            "appmesh:111122223333:eu-west-1:mesh/m/virtualGateway/g",
            "mesh/m/virtualGateway/g",
            "arn:aws:appmesh:eu-west-1:111122223333:mesh/m/virtualGateway/g",
        ),
        (
            ResourceRef::new(ResourceKind::VirtualNode, ACCOUNT, REGION, "m/n"),
            "appmesh:111122223333:eu-west-1:mesh/m/virtualNode/n",
            "mesh/m/virtualNode/n",
            "arn:aws:appmesh:eu-west-1:111122223333:mesh/m/virtualNode/n",
        ),
        (
            ResourceRef::new(
                ResourceKind::ServiceNetwork,
                ACCOUNT,
                REGION,
                "sn-0123456789abcdef0",
            ),
            "lattice:111122223333:eu-west-1:serviceNetwork/sn-0123456789abcdef0",
            "serviceNetwork/sn-0123456789abcdef0",
            "arn:aws:vpc-lattice:eu-west-1:111122223333:servicenetwork/sn-0123456789abcdef0",
        ),
        (
            ResourceRef::new(
                ResourceKind::Service,
                ACCOUNT,
                REGION,
                "svc-0123456789abcdef0",
            ),
            "lattice:111122223333:eu-west-1:service/svc-0123456789abcdef0",
            "service/svc-0123456789abcdef0",
            "arn:aws:vpc-lattice:eu-west-1:111122223333:service/svc-0123456789abcdef0",
        ),
        (
            ResourceRef::new(
                ResourceKind::TargetGroup,
                ACCOUNT,
                REGION,
                "tg-0123456789abcdef0",
            ),
            "lattice:111122223333:eu-west-1:targetGroup/tg-0123456789abcdef0",
            "targetGroup/tg-0123456789abcdef0",
            "arn:aws:vpc-lattice:eu-west-1:111122223333:targetgroup/tg-0123456789abcdef0",
        ),
        // An emulator's Lattice ids contain hyphens: they are ids all the same.
        (
            ResourceRef::new(
                ResourceKind::ServiceNetwork,
                ACCOUNT,
                REGION,
                "sn-27a56bbf-b352-47b",
            ),
            "lattice:111122223333:eu-west-1:serviceNetwork/sn-27a56bbf-b352-47b",
            "serviceNetwork/sn-27a56bbf-b352-47b",
            "arn:aws:vpc-lattice:eu-west-1:111122223333:servicenetwork/sn-27a56bbf-b352-47b",
        ),
    ];
    for (r, key, path, arn) in table {
        assert_eq!(r.key(), key);
        assert_eq!(r.to_string(), key);
        assert_eq!(r.path(), path);
        assert_eq!(r.arn("aws"), arn);
        assert_eq!(ResourceRef::from_key(key).unwrap(), r, "{key}");
        assert_eq!(ResourceRef::from_path(path, ACCOUNT, REGION).unwrap(), r);
    }
    assert_eq!(
        ResourceRef::new(ResourceKind::Mesh, ACCOUNT, "cn-north-1", "m").arn("aws-cn"),
        "arn:aws-cn:appmesh:cn-north-1:111122223333:mesh/m"
    );
}

#[test]
fn app_mesh_refs_are_built_and_read_by_mesh_and_name() {
    let gateway = resource_ref(
        ResourceKind::VirtualGateway,
        ACCOUNT,
        REGION,
        "m",
        Some("g"),
    );
    assert_eq!(gateway.id, "m/g");
    assert_eq!(mesh_and_name(&gateway), ("m", Some("g")));
    let mesh = resource_ref(ResourceKind::Mesh, ACCOUNT, REGION, "m", None);
    assert_eq!(mesh.id, "m");
    assert_eq!(mesh_and_name(&mesh), ("m", None));
    assert_eq!(
        gateway.id_members(),
        [("mesh", "m".into()), ("name", "g".into())]
    );
    assert_eq!(
        mesh.id_members(),
        [("mesh", "m".into()), ("name", serde_json::Value::Null)]
    );
    let lattice = ResourceRef::new(ResourceKind::Service, ACCOUNT, REGION, "svc-1");
    assert!(lattice.id_members().is_empty());
}

#[test]
fn malformed_paths_and_keys_are_refused() {
    for bad in [
        "",
        "mesh",
        "mesh/",
        "mesh/m/virtualRouter/r",
        "mesh/m/virtualGateway/",
        "m/virtualGateway/g",
        "serviceNetwork/",
        "listener/listener-1",
        "serviceNetwork/sn-1/x",
        "targetgroup/tg-1",
        "mesh/m/virtualNode/n/x",
    ] {
        assert!(ResourceRef::from_path(bad, "1", "r").is_err(), "{bad}");
    }
    assert!(ResourceRef::from_path("mesh/m", "", "r").is_err());
    assert!(ResourceRef::from_path("mesh/m", "1", "").is_err());
    assert!(ResourceRef::from_key("appmesh:1:r").is_err());
    assert!(ResourceRef::from_key("ecs:1:r:mesh/m").is_err());
    // The prefix must name the resource's own service.
    assert!(ResourceRef::from_key("appmesh:1:r:service/svc-1").is_err());
    assert!(ResourceRef::from_key("lattice:1:r:mesh/m").is_err());
    assert!(ResourceRef::from_key("lattice::r:service/svc-1").is_err());
}

#[test]
fn every_kind_parses_by_name_and_serializes_camel_case() {
    for kind in ResourceKind::ALL {
        assert_eq!(ResourceKind::from_name(kind.as_str()), Some(kind));
        assert_eq!(
            serde_json::to_value(kind).unwrap(),
            serde_json::Value::from(kind.as_str())
        );
    }
    assert_eq!(ResourceKind::from_name("virtualgateway"), None);
    assert_eq!(
        serde_json::to_string(&ResourceKind::VirtualGateway).unwrap(),
        "\"virtualGateway\""
    );
    assert_eq!(
        serde_json::to_string(&ResourceKind::TargetGroup).unwrap(),
        "\"targetGroup\""
    );
    for service in AwsService::ALL {
        assert_eq!(
            serde_json::to_value(service).unwrap(),
            serde_json::Value::from(service.as_str())
        );
        assert_eq!(AwsService::from_name(service.as_str()), Some(service));
    }
    assert_eq!(
        serde_json::to_string(&AwsService::VpcLattice).unwrap(),
        "\"vpc-lattice\""
    );
}
