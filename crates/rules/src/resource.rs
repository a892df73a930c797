//! Resource identity: which resource a finding, an event or a stored item is about.
//!
//! The canonical id is built by us (never taken from an ARN the service returns), so the
//! store does not depend on the service's or an emulator's ARN format. It starts with the
//! service's prefix:
//! * App Mesh: `appmesh:{account}:{region}:mesh/{mesh}[/virtualGateway|virtualNode/{name}]`;
//! * VPC Lattice: `lattice:{account}:{region}:serviceNetwork/{sn-id}`, `…:service/{svc-id}` or
//!   `…:targetGroup/{tg-id}`. Lattice ids are not checked against AWS's pattern (an emulator's
//!   ids contain hyphens): any non-empty segment without `/` is an id.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The AWS services Meshwarden evaluates. Each is one module of this crate ([`crate::appmesh`],
/// [`crate::lattice`]) with its model, rules and router.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum AwsService {
    /// AWS App Mesh.
    #[serde(rename = "appmesh")]
    AppMesh,
    /// Amazon VPC Lattice.
    #[serde(rename = "vpc-lattice")]
    VpcLattice,
}

impl AwsService {
    /// Every service, in catalog order.
    pub const ALL: [AwsService; 2] = [AwsService::AppMesh, AwsService::VpcLattice];

    /// The name printed in decisions and used in JSON: `appmesh` or `vpc-lattice`.
    pub fn as_str(self) -> &'static str {
        match self {
            AwsService::AppMesh => "appmesh",
            AwsService::VpcLattice => "vpc-lattice",
        }
    }

    /// The first field of its resources' canonical ids: `appmesh` or `lattice`.
    pub fn id_prefix(self) -> &'static str {
        match self {
            AwsService::AppMesh => "appmesh",
            AwsService::VpcLattice => "lattice",
        }
    }

    /// The kinds of resource Meshwarden evaluates in this service.
    pub fn kinds(self) -> &'static [ResourceKind] {
        match self {
            AwsService::AppMesh => &ResourceKind::ALL[..3],
            AwsService::VpcLattice => &ResourceKind::ALL[3..],
        }
    }

    /// The service whose canonical ids start with `prefix`.
    pub fn from_id_prefix(prefix: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id_prefix() == prefix)
    }
}

impl fmt::Display for AwsService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of resource Meshwarden evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum ResourceKind {
    /// An App Mesh service mesh.
    Mesh,
    /// An App Mesh virtual gateway (ingress to a mesh).
    VirtualGateway,
    /// An App Mesh virtual node (a workload in a mesh).
    VirtualNode,
    /// A VPC Lattice service network.
    ServiceNetwork,
    /// A VPC Lattice service.
    Service,
    /// A VPC Lattice target group.
    TargetGroup,
}

impl ResourceKind {
    /// Every kind, in catalog order (App Mesh's, then VPC Lattice's).
    pub const ALL: [ResourceKind; 6] = [
        ResourceKind::Mesh,
        ResourceKind::VirtualGateway,
        ResourceKind::VirtualNode,
        ResourceKind::ServiceNetwork,
        ResourceKind::Service,
        ResourceKind::TargetGroup,
    ];

    /// The camelCase name used in JSON, ids and the CLI (`mesh`, `virtualGateway`,
    /// `virtualNode`, `serviceNetwork`, `service`, `targetGroup`).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Mesh => "mesh",
            ResourceKind::VirtualGateway => "virtualGateway",
            ResourceKind::VirtualNode => "virtualNode",
            ResourceKind::ServiceNetwork => "serviceNetwork",
            ResourceKind::Service => "service",
            ResourceKind::TargetGroup => "targetGroup",
        }
    }

    /// The kind with this camelCase name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The service the kind belongs to.
    pub fn service(self) -> AwsService {
        match self {
            ResourceKind::Mesh | ResourceKind::VirtualGateway | ResourceKind::VirtualNode => {
                AwsService::AppMesh
            }
            ResourceKind::ServiceNetwork | ResourceKind::Service | ResourceKind::TargetGroup => {
                AwsService::VpcLattice
            }
        }
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A part of an evaluated resource that has its own id (a VPC Lattice access log subscription),
/// named by a call that does not say whose it is: the owner is looked up where Meshwarden
/// recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChildRef {
    /// The service.
    pub service: AwsService,
    /// Its kind, camelCase (`accessLogSubscription`).
    pub kind: String,
    /// The account (the ARN's, or the recipient's for an id).
    pub account: String,
    /// The region.
    pub region: String,
    /// Its id (`als-…`).
    pub id: String,
}

impl ChildRef {
    /// Its canonical id: `{service prefix}:{account}:{region}:{kind}/{id}`.
    pub fn key(&self) -> String {
        format!(
            "{}:{}:{}:{}/{}",
            self.service.id_prefix(),
            self.account,
            self.region,
            self.kind,
            self.id
        )
    }
}

impl fmt::Display for ChildRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.kind, self.id)
    }
}

/// A reference to one resource: enough to describe it and to key it in the store.
///
/// The fields are App Mesh's (`mesh`, `name`); a VPC Lattice resource is in no mesh, so its
/// `mesh` is empty and its `name` is its Lattice id (`sn-…`, `svc-…`, `tg-…`). Build one with
/// [`ResourceRef::lattice`] and read the id back with [`ResourceRef::lattice_id`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    /// What kind of resource this is.
    pub kind: ResourceKind,
    /// The account that owns the resource (for shared meshes: the mesh owner).
    pub account: String,
    /// The AWS region the resource lives in.
    pub region: String,
    /// App Mesh: the mesh the resource belongs to (for a mesh: its own name). VPC Lattice: empty.
    pub mesh: String,
    /// App Mesh: the resource's name inside the mesh; `None` for a mesh. VPC Lattice: the
    /// resource's id.
    pub name: Option<String>,
}

impl ResourceRef {
    /// A VPC Lattice resource of `kind` (`serviceNetwork`, `service` or `targetGroup`) by id.
    pub fn lattice(
        kind: ResourceKind,
        account: impl Into<String>,
        region: impl Into<String>,
        id: impl Into<String>,
    ) -> Self {
        ResourceRef {
            kind,
            account: account.into(),
            region: region.into(),
            mesh: String::new(),
            name: Some(id.into()),
        }
    }

    /// The service the resource belongs to.
    pub fn service(&self) -> AwsService {
        self.kind.service()
    }

    /// The VPC Lattice id (`sn-…`, `svc-…`, `tg-…`); `None` for an App Mesh resource.
    pub fn lattice_id(&self) -> Option<&str> {
        match self.service() {
            AwsService::VpcLattice => self.name.as_deref(),
            AwsService::AppMesh => None,
        }
    }

    /// The resource's path inside its service: `mesh/{mesh}`, `mesh/{mesh}/{kind}/{name}` or,
    /// for VPC Lattice, `{kind}/{id}`.
    pub fn path(&self) -> String {
        match (self.service(), &self.kind, &self.name) {
            (AwsService::VpcLattice, kind, name) => {
                format!("{kind}/{}", name.as_deref().unwrap_or_default())
            }
            (AwsService::AppMesh, ResourceKind::Mesh, _) | (AwsService::AppMesh, _, None) => {
                format!("mesh/{}", self.mesh)
            }
            (AwsService::AppMesh, kind, Some(name)) => {
                format!("mesh/{}/{}/{}", self.mesh, kind, name)
            }
        }
    }

    /// The resource's ARN in `partition`: App Mesh's
    /// `arn:{partition}:appmesh:{region}:{account}:mesh/{mesh}[/{kind}/{name}]`, VPC Lattice's
    /// `arn:{partition}:vpc-lattice:{region}:{account}:{servicenetwork|service|targetgroup}/{id}`.
    pub fn arn(&self, partition: &str) -> String {
        let (service, path) = match self.service() {
            AwsService::AppMesh => ("appmesh", self.path()),
            AwsService::VpcLattice => (
                "vpc-lattice",
                format!(
                    "{}/{}",
                    self.kind.as_str().to_lowercase(),
                    self.name.as_deref().unwrap_or_default()
                ),
            ),
        };
        format!(
            "arn:{partition}:{service}:{}:{}:{path}",
            self.region, self.account
        )
    }

    /// The canonical id, also the store's partition key: `{prefix}:{account}:{region}:{path}`
    /// (`appmesh:…` or `lattice:…`).
    pub fn id(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.service().id_prefix(),
            self.account,
            self.region,
            self.path()
        )
    }
}

/// A resource named in a form we cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "malformed resource {0:?}: expected mesh/NAME, mesh/NAME/virtualGateway/NAME, \
     mesh/NAME/virtualNode/NAME, serviceNetwork/ID, service/ID, targetGroup/ID or a stored id \
     appmesh:ACCOUNT:REGION:mesh/NAME[/KIND/NAME] or lattice:ACCOUNT:REGION:KIND/ID"
)]
pub struct ResourceParseError(pub String);

impl ResourceRef {
    /// Read a path in a given account and region: App Mesh's
    /// `mesh/NAME[/virtualGateway|virtualNode/NAME]` or VPC Lattice's
    /// `serviceNetwork|service|targetGroup/ID`.
    pub fn from_path(path: &str, account: &str, region: &str) -> Result<Self, ResourceParseError> {
        let bad = || ResourceParseError(path.to_owned());
        if account.is_empty() || region.is_empty() {
            return Err(bad());
        }
        let parts: Vec<&str> = path.split('/').collect();
        let (kind, mesh, name) = match parts.as_slice() {
            ["mesh", mesh] => (ResourceKind::Mesh, *mesh, None),
            ["mesh", mesh, "virtualGateway", name] => {
                (ResourceKind::VirtualGateway, *mesh, Some(*name))
            }
            ["mesh", mesh, "virtualNode", name] => (ResourceKind::VirtualNode, *mesh, Some(*name)),
            [kind, id] => match ResourceKind::from_name(kind) {
                Some(kind) if kind.service() == AwsService::VpcLattice && !id.is_empty() => {
                    return Ok(ResourceRef::lattice(kind, account, region, *id));
                }
                _ => return Err(bad()),
            },
            _ => return Err(bad()),
        };
        if mesh.is_empty() || name.is_some_and(str::is_empty) {
            return Err(bad());
        }
        Ok(ResourceRef {
            kind,
            account: account.to_owned(),
            region: region.to_owned(),
            mesh: mesh.to_owned(),
            name: name.map(str::to_owned),
        })
    }

    /// Read a canonical id (`appmesh:…` or `lattice:…`), the inverse of [`ResourceRef::id`].
    pub fn from_id(id: &str) -> Result<Self, ResourceParseError> {
        let bad = || ResourceParseError(id.to_owned());
        let mut parts = id.splitn(4, ':');
        let (Some(prefix), Some(account), Some(region), Some(path)) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        let service = AwsService::from_id_prefix(prefix).ok_or_else(bad)?;
        let resource = Self::from_path(path, account, region).map_err(|_| bad())?;
        if resource.service() == service {
            Ok(resource)
        } else {
            Err(bad())
        }
    }
}

impl fmt::Display for ResourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())
    }
}

/// The ARN partition of a region, as AWS documents it
/// (<https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html>): `aws-cn` for the
/// China regions (`cn-*`), `aws-us-gov` for AWS GovCloud (US) (`us-gov-*`), `aws-iso`
/// (`us-iso-*`), `aws-iso-b` (`us-isob-*`), `aws-iso-e` (`eu-isoe-*`) and `aws-iso-f`
/// (`us-isof-*`) for the isolated regions, `aws` for every other region. The one place the
/// responder derives a partition: ARNs it builds and ARNs it is handed are both held to it.
pub fn partition_of(region: &str) -> &'static str {
    const PARTITIONS: &[(&str, &str)] = &[
        ("cn-", "aws-cn"),
        ("us-gov-", "aws-us-gov"),
        ("us-isob-", "aws-iso-b"),
        ("us-isof-", "aws-iso-f"),
        ("us-iso-", "aws-iso"),
        ("eu-isoe-", "aws-iso-e"),
    ];
    PARTITIONS
        .iter()
        .find(|(prefix, _)| region.starts_with(prefix))
        .map_or("aws", |(_, partition)| partition)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(kind: ResourceKind, name: Option<&str>) -> ResourceRef {
        ResourceRef {
            kind,
            account: "111122223333".into(),
            region: "eu-west-1".into(),
            mesh: "m".into(),
            name: name.map(str::to_owned),
        }
    }

    #[test]
    fn ids_follow_the_design() {
        assert_eq!(
            r(ResourceKind::Mesh, None).id(),
            "appmesh:111122223333:eu-west-1:mesh/m"
        );
        assert_eq!(
            r(ResourceKind::VirtualGateway, Some("g")).id(),
            "appmesh:111122223333:eu-west-1:mesh/m/virtualGateway/g"
        );
        assert_eq!(
            r(ResourceKind::VirtualNode, Some("n")).id(),
            "appmesh:111122223333:eu-west-1:mesh/m/virtualNode/n"
        );
    }

    #[test]
    fn ids_and_paths_parse_back() {
        for r in [
            r(ResourceKind::Mesh, None),
            r(ResourceKind::VirtualGateway, Some("g")),
            r(ResourceKind::VirtualNode, Some("n")),
        ] {
            assert_eq!(ResourceRef::from_id(&r.id()).unwrap(), r);
            assert_eq!(
                ResourceRef::from_path(&r.path(), "111122223333", "eu-west-1").unwrap(),
                r
            );
        }
        for bad in [
            "",
            "mesh",
            "mesh/",
            "mesh/m/virtualRouter/r",
            "mesh/m/virtualGateway/",
            "m/virtualGateway/g",
        ] {
            assert!(ResourceRef::from_path(bad, "1", "r").is_err(), "{bad}");
        }
        assert!(ResourceRef::from_id("appmesh:1:r").is_err());
        assert!(ResourceRef::from_id("ecs:1:r:mesh/m").is_err());
    }

    #[test]
    fn lattice_ids_follow_the_design_and_parse_back() {
        let cases = [
            (
                ResourceKind::ServiceNetwork,
                "sn-0123456789abcdef0",
                "serviceNetwork",
            ),
            (ResourceKind::Service, "svc-0123456789abcdef0", "service"),
            (
                ResourceKind::TargetGroup,
                "tg-0123456789abcdef0",
                "targetGroup",
            ),
            // An emulator's ids contain hyphens: they are ids all the same.
            (
                ResourceKind::ServiceNetwork,
                "sn-27a56bbf-b352-47b",
                "serviceNetwork",
            ),
        ];
        for (kind, id, name) in cases {
            let r = ResourceRef::lattice(kind, "111122223333", "eu-west-1", id);
            assert_eq!(
                r.id(),
                format!("lattice:111122223333:eu-west-1:{name}/{id}")
            );
            assert_eq!(r.lattice_id(), Some(id));
            assert_eq!(r.service(), AwsService::VpcLattice);
            assert_eq!(ResourceRef::from_id(&r.id()).unwrap(), r);
            assert_eq!(
                ResourceRef::from_path(&r.path(), "111122223333", "eu-west-1").unwrap(),
                r
            );
        }
        for bad in [
            "serviceNetwork/",
            "listener/listener-1",
            "serviceNetwork/sn-1/x",
            "targetgroup/tg-1",
        ] {
            assert!(ResourceRef::from_path(bad, "1", "r").is_err(), "{bad}");
        }
        // The prefix must name the resource's own service.
        assert!(ResourceRef::from_id("appmesh:1:r:service/svc-1").is_err());
        assert!(ResourceRef::from_id("lattice:1:r:mesh/m").is_err());
        assert!(ResourceRef::from_id("lattice::r:service/svc-1").is_err());
        assert_eq!(r(ResourceKind::Mesh, None).lattice_id(), None);
    }

    #[test]
    fn every_kind_belongs_to_one_service_and_parses_by_name() {
        for kind in ResourceKind::ALL {
            assert!(kind.service().kinds().contains(&kind), "{kind}");
            assert_eq!(ResourceKind::from_name(kind.as_str()), Some(kind));
        }
        assert_eq!(
            serde_json::to_string(&AwsService::VpcLattice).unwrap(),
            "\"vpc-lattice\""
        );
        assert_eq!(
            serde_json::to_string(&ResourceKind::TargetGroup).unwrap(),
            "\"targetGroup\""
        );
    }

    #[test]
    fn kind_serializes_camel_case() {
        assert_eq!(
            serde_json::to_string(&ResourceKind::VirtualGateway).unwrap(),
            "\"virtualGateway\""
        );
    }
}
