//! The resource documents the rules read, one variant per evaluated kind of every service, and
//! what they share ([`Tag`], [`ModelError`]). The mirrors of each API live in their service's
//! module ([`crate::appmesh::model`], [`crate::lattice::model`]); App Mesh's are re-exported
//! here, where they have always been.

pub use crate::appmesh::model::*;

use crate::lattice::model::{ServiceDocument, ServiceNetworkDocument, TargetGroupDocument};
use crate::resource::{AwsService, ResourceKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `status.status` of a deleted App Mesh resource.
const DELETED: &str = "DELETED";
/// The `status` of a VPC Lattice service or target group being deleted.
const DELETE_IN_PROGRESS: &str = "DELETE_IN_PROGRESS";

/// A document that is not a describe-* output of a kind we model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// Not JSON at all.
    #[error("not valid JSON: {0}")]
    Json(String),
    /// JSON, but not an object with one of the kinds' members (`{"mesh": …}`,
    /// `{"serviceNetwork": …, …}`, ...).
    #[error(
        "expected an object with one of \"mesh\", \"virtualGateway\", \"virtualNode\", \
         \"serviceNetwork\", \"service\" or \"targetGroup\", found {0}"
    )]
    UnknownShape(String),
    /// The right wrapper, but the resource inside does not match the API's shape.
    #[error("invalid {kind}: {message}")]
    Invalid {
        /// The kind the wrapper named.
        kind: ResourceKind,
        /// What serde found wrong, with its path.
        message: String,
    },
}

/// A resource tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tag {
    /// The tag key.
    pub key: String,
    /// The tag value (App Mesh allows an empty value).
    #[serde(default)]
    pub value: String,
}

/// One described resource of any modelled kind.
///
/// An App Mesh resource is the data inside its describe-* wrapper (`{"mesh": {…}}` holds a
/// [`MeshData`]); a VPC Lattice resource is its whole document (see [`crate::lattice::model`]),
/// so [`Resource::data_value`] and [`Resource::to_describe_value`] are the same for it, and the
/// rules' field paths start at the document (`serviceNetwork.authType`).
// Held one at a time, by value: boxing the larger variant would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    /// An App Mesh mesh.
    Mesh(MeshData),
    /// An App Mesh virtual gateway.
    VirtualGateway(VirtualGatewayData),
    /// An App Mesh virtual node.
    VirtualNode(VirtualNodeData),
    /// A VPC Lattice service network document.
    ServiceNetwork(ServiceNetworkDocument),
    /// A VPC Lattice service document.
    Service(ServiceDocument),
    /// A VPC Lattice target group document.
    TargetGroup(TargetGroupDocument),
}

impl Resource {
    /// Which kind it is.
    pub fn kind(&self) -> ResourceKind {
        match self {
            Resource::Mesh(_) => ResourceKind::Mesh,
            Resource::VirtualGateway(_) => ResourceKind::VirtualGateway,
            Resource::VirtualNode(_) => ResourceKind::VirtualNode,
            Resource::ServiceNetwork(_) => ResourceKind::ServiceNetwork,
            Resource::Service(_) => ResourceKind::Service,
            Resource::TargetGroup(_) => ResourceKind::TargetGroup,
        }
    }

    /// The service it belongs to.
    pub fn service(&self) -> AwsService {
        self.kind().service()
    }

    /// The mesh it belongs to (a mesh's own name for a mesh); empty for a VPC Lattice resource,
    /// which is in no mesh (as in [`crate::resource::ResourceRef`]).
    pub fn mesh_name(&self) -> &str {
        match self {
            Resource::Mesh(m) => &m.mesh_name,
            Resource::VirtualGateway(g) => &g.mesh_name,
            Resource::VirtualNode(n) => &n.mesh_name,
            Resource::ServiceNetwork(_) | Resource::Service(_) | Resource::TargetGroup(_) => "",
        }
    }

    /// App Mesh: its name inside the mesh (`None` for a mesh). VPC Lattice: its id, as in
    /// [`crate::resource::ResourceRef::name`].
    pub fn name(&self) -> Option<&str> {
        match self {
            Resource::Mesh(_) => None,
            Resource::VirtualGateway(g) => Some(&g.virtual_gateway_name),
            Resource::VirtualNode(n) => Some(&n.virtual_node_name),
            Resource::ServiceNetwork(_) | Resource::Service(_) | Resource::TargetGroup(_) => {
                self.lattice_id()
            }
        }
    }

    /// The VPC Lattice id (`sn-…`, `svc-…`, `tg-…`); `None` for an App Mesh resource.
    pub fn lattice_id(&self) -> Option<&str> {
        match self {
            Resource::ServiceNetwork(d) => Some(&d.service_network.id),
            Resource::Service(d) => Some(&d.service.id),
            Resource::TargetGroup(d) => Some(&d.target_group.id),
            Resource::Mesh(_) | Resource::VirtualGateway(_) | Resource::VirtualNode(_) => None,
        }
    }

    /// The ARN the service reports (`metadata.arn` for App Mesh, `arn` for VPC Lattice), when
    /// present.
    pub fn arn(&self) -> Option<&str> {
        match self {
            Resource::ServiceNetwork(d) => d.service_network.arn.as_deref(),
            Resource::Service(d) => d.service.arn.as_deref(),
            Resource::TargetGroup(d) => d.target_group.arn.as_deref(),
            _ => self.metadata()?.extra.get("arn")?.as_str(),
        }
    }

    /// When the service last changed the resource, as the describe output writes it (a string
    /// or epoch seconds): `metadata.lastUpdatedAt` for App Mesh, `lastUpdatedAt` for VPC Lattice.
    pub fn last_updated_at(&self) -> Option<&Value> {
        self.timestamp("lastUpdatedAt")
    }

    /// When the resource was created, written as [`Resource::last_updated_at`] is:
    /// `metadata.createdAt` for App Mesh, `createdAt` for VPC Lattice.
    pub fn created_at(&self) -> Option<&Value> {
        self.timestamp("createdAt")
    }

    fn timestamp(&self, member: &str) -> Option<&Value> {
        let extra = match self {
            Resource::ServiceNetwork(d) => &d.service_network.extra,
            Resource::Service(d) => &d.service.extra,
            Resource::TargetGroup(d) => &d.target_group.extra,
            _ => &self.metadata()?.extra,
        };
        extra.get(member).filter(|v| !v.is_null())
    }

    /// `metadata`, when present (App Mesh only).
    fn metadata(&self) -> Option<&Metadata> {
        match self {
            Resource::Mesh(m) => m.metadata.as_ref(),
            Resource::VirtualGateway(g) => g.metadata.as_ref(),
            Resource::VirtualNode(n) => n.metadata.as_ref(),
            Resource::ServiceNetwork(_) | Resource::Service(_) | Resource::TargetGroup(_) => None,
        }
    }

    /// `metadata.version`, when present; always `None` for VPC Lattice, which has no versions.
    pub fn version(&self) -> Option<i64> {
        self.metadata().and_then(|m| m.version)
    }

    /// `metadata.uid`, when present: App Mesh's id of this incarnation of the resource (one
    /// deleted and re-created under the same name gets a new one). `None` for VPC Lattice, whose
    /// id already names one incarnation.
    pub fn uid(&self) -> Option<&str> {
        self.metadata()?.extra.get("uid")?.as_str()
    }

    /// The resource's status, when present: App Mesh's `status.status` (`ACTIVE`, `INACTIVE`
    /// or `DELETED`); a VPC Lattice service's or target group's `status` (`ACTIVE`,
    /// `CREATE_IN_PROGRESS`, `DELETE_IN_PROGRESS`, ...). A service network has none.
    pub fn status(&self) -> Option<&str> {
        let extra = match self {
            Resource::Mesh(m) => &m.extra,
            Resource::VirtualGateway(g) => &g.extra,
            Resource::VirtualNode(n) => &n.extra,
            Resource::Service(d) => return d.service.status.as_deref(),
            Resource::TargetGroup(d) => return d.target_group.status.as_deref(),
            Resource::ServiceNetwork(_) => return None,
        };
        extra.get("status")?.get("status")?.as_str()
    }

    /// Whether the resource is gone and no rule applies to it: App Mesh's status `DELETED`, or
    /// VPC Lattice's `DELETE_IN_PROGRESS`.
    pub fn is_deleted(&self) -> bool {
        let gone = match self.service() {
            AwsService::AppMesh => DELETED,
            AwsService::VpcLattice => DELETE_IN_PROGRESS,
        };
        self.status() == Some(gone)
    }

    /// Read a document: App Mesh's describe-* output (`{"mesh": …}`, `{"virtualGateway": …}`,
    /// `{"virtualNode": …}`) or a VPC Lattice document (`{"serviceNetwork": …, …}`,
    /// `{"service": …, …}`, `{"targetGroup": …}`). The first kind (in [`ResourceKind::ALL`]
    /// order) whose member is present decides.
    pub fn from_describe_value(value: &Value) -> Result<Self, ModelError> {
        let object = value
            .as_object()
            .ok_or_else(|| ModelError::UnknownShape(json_type_name(value).to_owned()))?;
        let (kind, data) = ResourceKind::ALL
            .iter()
            .find_map(|kind| object.get(kind.as_str()).map(|data| (*kind, data)))
            .ok_or_else(|| ModelError::UnknownShape(describe_keys(object)))?;
        match kind.service() {
            AwsService::AppMesh => Self::from_data(kind, data),
            AwsService::VpcLattice => Self::from_data(kind, value),
        }
    }

    /// Read the resource data as `kind`: for App Mesh what is inside the wrapper, for VPC Lattice
    /// the whole document.
    pub fn from_data(kind: ResourceKind, data: &Value) -> Result<Self, ModelError> {
        fn read<T: serde::de::DeserializeOwned>(
            kind: ResourceKind,
            data: &Value,
            variant: fn(T) -> Resource,
        ) -> Result<Resource, ModelError> {
            T::deserialize(data)
                .map(variant)
                .map_err(|e| ModelError::Invalid {
                    kind,
                    message: e.to_string(),
                })
        }
        match kind {
            ResourceKind::Mesh => read(kind, data, Resource::Mesh),
            ResourceKind::VirtualGateway => read(kind, data, Resource::VirtualGateway),
            ResourceKind::VirtualNode => read(kind, data, Resource::VirtualNode),
            ResourceKind::ServiceNetwork => read(kind, data, Resource::ServiceNetwork),
            ResourceKind::Service => read(kind, data, Resource::Service),
            ResourceKind::TargetGroup => read(kind, data, Resource::TargetGroup),
        }
    }

    /// Parse describe-* output text (or a VPC Lattice document).
    pub fn parse_describe(text: &str) -> Result<Self, ModelError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| ModelError::Json(e.to_string()))?;
        Self::from_describe_value(&value)
    }

    /// The resource data as JSON: for App Mesh what goes inside the wrapper, for VPC Lattice the
    /// whole document.
    pub fn data_value(&self) -> Value {
        let data = match self {
            Resource::Mesh(m) => serde_json::to_value(m),
            Resource::VirtualGateway(g) => serde_json::to_value(g),
            Resource::VirtualNode(n) => serde_json::to_value(n),
            Resource::ServiceNetwork(d) => serde_json::to_value(d),
            Resource::Service(d) => serde_json::to_value(d),
            Resource::TargetGroup(d) => serde_json::to_value(d),
        };
        // Plain structs of strings, numbers and JSON values always serialise.
        data.unwrap_or(Value::Null)
    }

    /// The document, same shape as the input: `{"<kind>": {...}}` for App Mesh, the document
    /// itself for VPC Lattice.
    pub fn to_describe_value(&self) -> Value {
        match self.service() {
            AwsService::AppMesh => {
                let mut wrapper = Map::new();
                wrapper.insert(self.kind().as_str().to_owned(), self.data_value());
                Value::Object(wrapper)
            }
            AwsService::VpcLattice => self.data_value(),
        }
    }
}

/// A JSON type's name for error messages (`an object`, `a string`, ...).
pub(crate) fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn describe_keys(object: &Map<String, Value>) -> String {
    if object.is_empty() {
        "an empty object".to_owned()
    } else {
        let keys: Vec<&str> = object.keys().map(String::as_str).take(5).collect();
        format!("keys {}", keys.join(", "))
    }
}
