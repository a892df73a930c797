//! The resource documents the rules read, one variant per evaluated kind of every service, and
//! what they share ([`Tag`], [`ModelError`]). The App Mesh mirrors live in
//! [`crate::appmesh::model`] and are re-exported here, where they have always been.

pub use crate::appmesh::model::*;

use crate::resource::ResourceKind;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `status.status` of a deleted resource.
const DELETED: &str = "DELETED";

/// A document that is not a describe-* output of a kind we model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// Not JSON at all.
    #[error("not valid JSON: {0}")]
    Json(String),
    /// JSON, but not `{"mesh": …}`, `{"virtualGateway": …}` or `{"virtualNode": …}`.
    #[error(
        "expected an object with one of \"mesh\", \"virtualGateway\" or \"virtualNode\", found {0}"
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
// Held one at a time, by value: boxing the larger variant would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Resource {
    /// A mesh.
    Mesh(MeshData),
    /// A virtual gateway.
    VirtualGateway(VirtualGatewayData),
    /// A virtual node.
    VirtualNode(VirtualNodeData),
}

impl Resource {
    /// Which kind it is.
    pub fn kind(&self) -> ResourceKind {
        match self {
            Resource::Mesh(_) => ResourceKind::Mesh,
            Resource::VirtualGateway(_) => ResourceKind::VirtualGateway,
            Resource::VirtualNode(_) => ResourceKind::VirtualNode,
        }
    }

    /// The mesh it belongs to (a mesh's own name for a mesh).
    pub fn mesh_name(&self) -> &str {
        match self {
            Resource::Mesh(m) => &m.mesh_name,
            Resource::VirtualGateway(g) => &g.mesh_name,
            Resource::VirtualNode(n) => &n.mesh_name,
        }
    }

    /// Its name inside the mesh; `None` for a mesh.
    pub fn name(&self) -> Option<&str> {
        match self {
            Resource::Mesh(_) => None,
            Resource::VirtualGateway(g) => Some(&g.virtual_gateway_name),
            Resource::VirtualNode(n) => Some(&n.virtual_node_name),
        }
    }

    /// `metadata`, when present.
    fn metadata(&self) -> Option<&Metadata> {
        match self {
            Resource::Mesh(m) => m.metadata.as_ref(),
            Resource::VirtualGateway(g) => g.metadata.as_ref(),
            Resource::VirtualNode(n) => n.metadata.as_ref(),
        }
    }

    /// The members of the resource data the model does not name (`status`, ...).
    fn extra(&self) -> &Map<String, Value> {
        match self {
            Resource::Mesh(m) => &m.extra,
            Resource::VirtualGateway(g) => &g.extra,
            Resource::VirtualNode(n) => &n.extra,
        }
    }

    /// `metadata.version`, when present.
    pub fn version(&self) -> Option<i64> {
        self.metadata().and_then(|m| m.version)
    }

    /// `metadata.uid`, when present: App Mesh's id of this incarnation of the resource (one
    /// deleted and re-created under the same name gets a new one).
    pub fn uid(&self) -> Option<&str> {
        self.metadata()?.extra.get("uid")?.as_str()
    }

    /// `status.status`, when present: `ACTIVE`, `INACTIVE` or `DELETED` in the App Mesh API.
    pub fn status(&self) -> Option<&str> {
        self.extra().get("status")?.get("status")?.as_str()
    }

    /// Whether `status.status` is `DELETED`: the resource is gone and no rule applies to it.
    pub fn is_deleted(&self) -> bool {
        self.status() == Some(DELETED)
    }

    /// Read a describe-* document: `{"mesh": …}`, `{"virtualGateway": …}` or `{"virtualNode": …}`.
    pub fn from_describe_value(value: &Value) -> Result<Self, ModelError> {
        let object = value
            .as_object()
            .ok_or_else(|| ModelError::UnknownShape(json_type_name(value).to_owned()))?;
        let (kind, data) = ResourceKind::ALL
            .iter()
            .find_map(|kind| object.get(kind.as_str()).map(|data| (*kind, data)))
            .ok_or_else(|| ModelError::UnknownShape(describe_keys(object)))?;
        Self::from_data(kind, data)
    }

    /// Read the resource data itself (what is inside the wrapper) as `kind`.
    pub fn from_data(kind: ResourceKind, data: &Value) -> Result<Self, ModelError> {
        let invalid = |e: serde_json::Error| ModelError::Invalid {
            kind,
            message: e.to_string(),
        };
        Ok(match kind {
            ResourceKind::Mesh => Resource::Mesh(MeshData::deserialize(data).map_err(invalid)?),
            ResourceKind::VirtualGateway => {
                Resource::VirtualGateway(VirtualGatewayData::deserialize(data).map_err(invalid)?)
            }
            ResourceKind::VirtualNode => {
                Resource::VirtualNode(VirtualNodeData::deserialize(data).map_err(invalid)?)
            }
        })
    }

    /// Parse describe-* output text.
    pub fn parse_describe(text: &str) -> Result<Self, ModelError> {
        let value: Value =
            serde_json::from_str(text).map_err(|e| ModelError::Json(e.to_string()))?;
        Self::from_describe_value(&value)
    }

    /// The resource data as JSON (what goes inside the wrapper).
    pub fn data_value(&self) -> Value {
        let data = match self {
            Resource::Mesh(m) => serde_json::to_value(m),
            Resource::VirtualGateway(g) => serde_json::to_value(g),
            Resource::VirtualNode(n) => serde_json::to_value(n),
        };
        // Plain structs of strings, numbers and JSON values always serialise.
        data.unwrap_or(Value::Null)
    }

    /// The describe-* document, same shape as the input: `{"<kind>": {...}}`.
    pub fn to_describe_value(&self) -> Value {
        let mut wrapper = Map::new();
        wrapper.insert(self.kind().as_str().to_owned(), self.data_value());
        Value::Object(wrapper)
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
