//! Resource identity: which resource a finding, an event or a stored item is about.
//!
//! The canonical id is built by us (never taken from an ARN the service returns), so the
//! store does not depend on the service's or an emulator's ARN format:
//! `appmesh:{account}:{region}:mesh/{mesh}[/virtualGateway|virtualNode/{name}]`.

use serde::{Deserialize, Serialize};
use std::fmt;

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
}

impl ResourceKind {
    /// Every kind, in catalog order.
    pub const ALL: [ResourceKind; 3] = [
        ResourceKind::Mesh,
        ResourceKind::VirtualGateway,
        ResourceKind::VirtualNode,
    ];

    /// The camelCase name used in JSON, ids and the CLI (`mesh`, `virtualGateway`, `virtualNode`).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceKind::Mesh => "mesh",
            ResourceKind::VirtualGateway => "virtualGateway",
            ResourceKind::VirtualNode => "virtualNode",
        }
    }
}

impl fmt::Display for ResourceKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A reference to one resource: enough to describe it and to key it in the store.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceRef {
    /// What kind of resource this is.
    pub kind: ResourceKind,
    /// The account that owns the resource (for shared meshes: the mesh owner).
    pub account: String,
    /// The AWS region the resource lives in.
    pub region: String,
    /// The mesh the resource belongs to (for a mesh: its own name).
    pub mesh: String,
    /// The resource's name inside the mesh; `None` for a mesh.
    pub name: Option<String>,
}

impl ResourceRef {
    /// The resource's path inside its service: `mesh/{mesh}` or `mesh/{mesh}/{kind}/{name}`.
    pub fn path(&self) -> String {
        match (&self.kind, &self.name) {
            (ResourceKind::Mesh, _) | (_, None) => format!("mesh/{}", self.mesh),
            (kind, Some(name)) => format!("mesh/{}/{}/{}", self.mesh, kind, name),
        }
    }

    /// The canonical id, also the store's partition key:
    /// `appmesh:{account}:{region}:{path}`.
    pub fn id(&self) -> String {
        format!("appmesh:{}:{}:{}", self.account, self.region, self.path())
    }
}

/// A resource named in a form we cannot read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "malformed resource {0:?}: expected mesh/NAME, mesh/NAME/virtualGateway/NAME, \
     mesh/NAME/virtualNode/NAME or a stored id appmesh:ACCOUNT:REGION:mesh/NAME[/KIND/NAME]"
)]
pub struct ResourceParseError(pub String);

impl ResourceRef {
    /// Read a path (`mesh/NAME[/virtualGateway|virtualNode/NAME]`) in a given account and region.
    pub fn from_path(path: &str, account: &str, region: &str) -> Result<Self, ResourceParseError> {
        let bad = || ResourceParseError(path.to_owned());
        let parts: Vec<&str> = path.split('/').collect();
        let (kind, mesh, name) = match parts.as_slice() {
            ["mesh", mesh] => (ResourceKind::Mesh, *mesh, None),
            ["mesh", mesh, "virtualGateway", name] => {
                (ResourceKind::VirtualGateway, *mesh, Some(*name))
            }
            ["mesh", mesh, "virtualNode", name] => (ResourceKind::VirtualNode, *mesh, Some(*name)),
            _ => return Err(bad()),
        };
        if mesh.is_empty()
            || name.is_some_and(str::is_empty)
            || account.is_empty()
            || region.is_empty()
        {
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

    /// Read a canonical id (`appmesh:{account}:{region}:{path}`), the inverse of [`ResourceRef::id`].
    pub fn from_id(id: &str) -> Result<Self, ResourceParseError> {
        let mut parts = id.splitn(4, ':');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("appmesh"), Some(account), Some(region), Some(path)) => {
                Self::from_path(path, account, region)
                    .map_err(|_| ResourceParseError(id.to_owned()))
            }
            _ => Err(ResourceParseError(id.to_owned())),
        }
    }
}

impl fmt::Display for ResourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id())
    }
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
    fn kind_serializes_camel_case() {
        assert_eq!(
            serde_json::to_string(&ResourceKind::VirtualGateway).unwrap(),
            "\"virtualGateway\""
        );
    }
}
