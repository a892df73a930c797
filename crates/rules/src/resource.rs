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
use strum::{EnumCount, VariantArray};

/// The AWS services Meshwarden evaluates. Each is one module of this crate ([`crate::appmesh`],
/// [`crate::lattice`]) with its model, rules and router, registered in [`AwsService::spec`].
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    VariantArray,
    EnumCount,
)]
pub enum AwsService {
    /// AWS App Mesh.
    #[serde(rename = "appmesh")]
    AppMesh,
    /// Amazon VPC Lattice.
    #[serde(rename = "vpc-lattice")]
    VpcLattice,
    /// Amazon ECS Service Connect.
    #[serde(rename = "ecs")]
    Ecs,
}

impl AwsService {
    /// Every service, in catalog order.
    pub const ALL: [AwsService; Self::COUNT] = match Self::VARIANTS.first_chunk() {
        Some(all) => *all,
        None => unreachable!(),
    };

    /// The name printed in decisions and used in JSON: `appmesh` or `vpc-lattice`.
    pub fn as_str(self) -> &'static str {
        self.spec().name
    }

    /// The first field of its resources' canonical ids: `appmesh` or `lattice`.
    pub fn id_prefix(self) -> &'static str {
        self.spec().id_prefix
    }

    /// The kinds of resource Meshwarden evaluates in this service.
    pub fn kinds(self) -> &'static [ResourceKind] {
        self.spec().kinds
    }

    /// The service whose canonical ids start with `prefix`.
    pub fn from_id_prefix(prefix: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.id_prefix() == prefix)
    }

    /// The service named `name` (`appmesh`, `vpc-lattice`).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }
}

impl fmt::Display for AwsService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kinds of resource Meshwarden evaluates. Each belongs to the one service whose
/// [`crate::service::ServiceSpec::kinds`] lists it.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    VariantArray,
    EnumCount,
    strum::IntoStaticStr,
    strum::EnumString,
)]
#[serde(rename_all = "camelCase")]
#[strum(serialize_all = "camelCase")]
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
    /// An Amazon ECS service (its Service Connect configuration).
    EcsService,
}

impl ResourceKind {
    /// Every kind, in catalog order (by service, as [`AwsService::ALL`]).
    pub const ALL: [ResourceKind; Self::COUNT] = match Self::VARIANTS.first_chunk() {
        Some(all) => *all,
        None => unreachable!(),
    };

    /// The camelCase name used in JSON, ids and the CLI (`mesh`, `virtualGateway`,
    /// `virtualNode`, `serviceNetwork`, `service`, `targetGroup`).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The kind with this camelCase name.
    pub fn from_name(name: &str) -> Option<Self> {
        name.parse().ok()
    }

    /// The service the kind belongs to: the one whose spec lists it.
    pub fn service(self) -> AwsService {
        AwsService::ALL
            .into_iter()
            .find(|service| service.kinds().contains(&self))
            // Every kind is registered with exactly one service (`service::tests` pins it).
            .unwrap_or(AwsService::AppMesh)
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
/// `id` is the resource's id inside its service, as the service's spec reads and writes it:
/// App Mesh's `{mesh}` for a mesh and `{mesh}/{name}` for a virtual gateway or node, VPC
/// Lattice's `sn-…`, `svc-…` or `tg-…`. Its stored form is [`ResourceRef::key`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ResourceRef {
    /// What kind of resource this is.
    pub kind: ResourceKind,
    /// The account that owns the resource (for shared App Mesh meshes: the mesh owner).
    pub account: String,
    /// The AWS region the resource lives in.
    pub region: String,
    /// The id inside its service (see the type's documentation).
    pub id: String,
}

impl ResourceRef {
    /// The resource of `kind` with service-local `id` in `account` and `region`.
    pub fn new(
        kind: ResourceKind,
        account: impl Into<String>,
        region: impl Into<String>,
        id: impl Into<String>,
    ) -> Self {
        ResourceRef {
            kind,
            account: account.into(),
            region: region.into(),
            id: id.into(),
        }
    }

    /// The service the resource belongs to.
    pub fn service(&self) -> AwsService {
        self.kind.service()
    }

    /// The resource's path inside its service: `mesh/{mesh}`, `mesh/{mesh}/{kind}/{name}` or,
    /// for VPC Lattice, `{kind}/{id}`.
    pub fn path(&self) -> String {
        (self.service().spec().path)(self.kind, &self.id)
    }

    /// The resource's ARN in `partition`: `arn:{partition}:{namespace}:{region}:{account}:…`,
    /// e.g. App Mesh's `…:mesh/{mesh}[/{kind}/{name}]`, VPC Lattice's
    /// `…:{servicenetwork|service|targetgroup}/{id}`.
    pub fn arn(&self, partition: &str) -> String {
        let spec = self.service().spec();
        format!(
            "arn:{partition}:{}:{}:{}:{}",
            spec.arn_namespace,
            self.region,
            self.account,
            (spec.arn_resource)(self.kind, &self.id)
        )
    }

    /// The canonical id, also the store's partition key: `{prefix}:{account}:{region}:{path}`
    /// (`appmesh:…` or `lattice:…`).
    pub fn key(&self) -> String {
        format!(
            "{}:{}:{}:{}",
            self.service().id_prefix(),
            self.account,
            self.region,
            self.path()
        )
    }

    /// The members naming the id's parts in JSON output, beside `id` (App Mesh: `mesh` and
    /// `name`; none for VPC Lattice).
    pub fn id_members(&self) -> Vec<(&'static str, serde_json::Value)> {
        (self.service().spec().id_members)(self.kind, &self.id)
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
    /// Read a path in a given account and region: any service's path, e.g. App Mesh's
    /// `mesh/NAME[/virtualGateway|virtualNode/NAME]` or VPC Lattice's
    /// `serviceNetwork|service|targetGroup/ID`.
    pub fn from_path(path: &str, account: &str, region: &str) -> Result<Self, ResourceParseError> {
        if account.is_empty() || region.is_empty() {
            return Err(ResourceParseError(path.to_owned()));
        }
        AwsService::ALL
            .iter()
            .find_map(|service| (service.spec().parse_path)(path))
            .map(|(kind, id)| ResourceRef::new(kind, account, region, id))
            .ok_or_else(|| ResourceParseError(path.to_owned()))
    }

    /// Read a canonical id (`appmesh:…` or `lattice:…`), the inverse of [`ResourceRef::key`].
    pub fn from_key(key: &str) -> Result<Self, ResourceParseError> {
        let bad = || ResourceParseError(key.to_owned());
        let mut parts = key.splitn(4, ':');
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
        f.write_str(&self.key())
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
mod tests;
