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
    fn kind_serializes_camel_case() {
        assert_eq!(
            serde_json::to_string(&ResourceKind::VirtualGateway).unwrap(),
            "\"virtualGateway\""
        );
    }
}
