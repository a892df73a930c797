//! [`Document`] for App Mesh's three kinds: what they share (`metadata`, `status.status`) is read
//! once, through [`AppMeshData`].

use super::{MeshData, Metadata, VirtualGatewayData, VirtualNodeData};
use crate::appmesh::path::local_id;
use crate::model::{arn_account, Document};
use crate::resource::ResourceKind;
use serde_json::{Map, Value};

/// The `status.status` of a deleted App Mesh resource.
const DELETED: &str = "DELETED";

/// What a kind's data tells [`Document`]: its kind, names, `metadata` and unnamed members.
trait AppMeshData {
    const KIND: ResourceKind;
    /// The mesh it is in (a mesh's own name for a mesh).
    fn mesh_name(&self) -> &str;
    /// Its name inside the mesh; `None` for a mesh.
    fn name(&self) -> Option<&str>;
    fn metadata(&self) -> Option<&Metadata>;
    fn extra(&self) -> &Map<String, Value>;
    /// Its `spec` as JSON (`null` when absent).
    fn spec_value(&self) -> Value;
}

/// Implements [`AppMeshData`] for a kind's data; `$name` reads its name inside the mesh.
macro_rules! app_mesh_data {
    ($data:ty, $kind:ident, |$d:ident| $name:expr) => {
        impl AppMeshData for $data {
            const KIND: ResourceKind = ResourceKind::$kind;
            fn mesh_name(&self) -> &str {
                &self.mesh_name
            }
            fn name(&self) -> Option<&str> {
                let $d = self;
                $name
            }
            fn metadata(&self) -> Option<&Metadata> {
                self.metadata.as_ref()
            }
            fn extra(&self) -> &Map<String, Value> {
                &self.extra
            }
            fn spec_value(&self) -> Value {
                // Plain structs of strings, numbers and JSON values always serialise.
                serde_json::to_value(&self.spec).unwrap_or(Value::Null)
            }
        }
    };
}

app_mesh_data!(MeshData, Mesh, |_data| None);
app_mesh_data!(VirtualGatewayData, VirtualGateway, |data| Some(
    &data.virtual_gateway_name
));
app_mesh_data!(VirtualNodeData, VirtualNode, |data| Some(
    &data.virtual_node_name
));

impl<T: AppMeshData + serde::Serialize> Document for T {
    fn kind(&self) -> ResourceKind {
        T::KIND
    }

    /// `{mesh}` for a mesh, `{mesh}/{name}` for a virtual gateway or node.
    fn local_id(&self) -> String {
        local_id(self.mesh_name(), self.name())
    }

    /// `metadata.arn`.
    fn arn(&self) -> Option<&str> {
        self.metadata()?.extra.get("arn")?.as_str()
    }

    /// `status.status`: `ACTIVE`, `INACTIVE` or `DELETED`.
    fn status(&self) -> Option<&str> {
        self.extra().get("status")?.get("status")?.as_str()
    }

    /// `metadata.resourceOwner` (a mesh's `metadata.meshOwner`), else the ARN's account.
    fn owner(&self) -> Option<&str> {
        let metadata = &self.metadata()?.extra;
        ["resourceOwner", "meshOwner"]
            .iter()
            .find_map(|member| metadata.get(*member)?.as_str())
            .or_else(|| arn_account(self.arn()?))
    }

    /// Status `DELETED`.
    fn is_deleted(&self) -> bool {
        self.status() == Some(DELETED)
    }

    /// `metadata.{member}` (`createdAt`, `lastUpdatedAt`).
    fn timestamp(&self, member: &str) -> Option<&Value> {
        self.metadata()?.extra.get(member)
    }

    /// `metadata.version`.
    fn version(&self) -> Option<i64> {
        self.metadata()?.version
    }

    /// `metadata.uid`: the id of this incarnation (one deleted and re-created under the same
    /// name gets a new one).
    fn uid(&self) -> Option<&str> {
        self.metadata()?.extra.get("uid")?.as_str()
    }

    /// `spec`: everything App Mesh lets a caller set (`metadata` and `status` are its own).
    fn revert_content(&self) -> Value {
        self.spec_value()
    }
}
