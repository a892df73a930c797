//! The resource documents the rules read, one variant per evaluated kind of every service, and
//! what they share ([`Document`], [`Tag`], [`ModelError`]). The mirrors of each API live in
//! their service's module ([`crate::appmesh::model`], [`crate::lattice::model`]), each
//! implementing [`Document`]; App Mesh's are re-exported here, where they have always been.

pub use crate::appmesh::model::*;

use crate::ecs::model::EcsServiceDocument;
use crate::lattice::model::{ServiceDocument, ServiceNetworkDocument, TargetGroupDocument};
use crate::resource::{AwsService, ResourceKind};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A document that is not a describe-* output of a kind we model.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ModelError {
    /// Not JSON at all.
    #[error("not valid JSON: {0}")]
    Json(String),
    /// JSON, but not an object with one of the kinds' members (`{"mesh": …}`,
    /// `{"serviceNetwork": …, …}`, ...).
    #[error("expected an object with one of {members}, found {0}", members = kind_members())]
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

impl ModelError {
    /// `kind` read by a service it does not belong to.
    pub(crate) fn not_of(kind: ResourceKind, service: &str) -> Self {
        ModelError::Invalid {
            kind,
            message: format!("not a kind of {service}"),
        }
    }
}

/// `"mesh", "virtualGateway", … or "targetGroup"`: every kind's member name.
fn kind_members() -> String {
    let names: Vec<String> = ResourceKind::ALL
        .iter()
        .map(|kind| format!("{:?}", kind.as_str()))
        .collect();
    match names.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

/// What every kind's document tells the shared code (the store, the pipeline, the CLI), whatever
/// its service: one implementation per kind, in its service's model.
pub trait Document: DocumentJson {
    /// Which kind it is.
    fn kind(&self) -> ResourceKind;
    /// Its id inside its service, as in [`crate::resource::ResourceRef::id`].
    fn local_id(&self) -> String;
    /// The ARN the service reports, when present.
    fn arn(&self) -> Option<&str>;
    /// The resource's status, when it has one.
    fn status(&self) -> Option<&str>;
    /// The account that may update it: by default the account in its ARN.
    fn owner(&self) -> Option<&str> {
        arn_account(self.arn()?)
    }
    /// Whether the resource is gone (or going) and no rule applies to it.
    fn is_deleted(&self) -> bool;
    /// A timestamp member (`createdAt`, `lastUpdatedAt`) as the service writes it (a string or
    /// epoch seconds), wherever the service keeps it.
    fn timestamp(&self, member: &str) -> Option<&Value>;
    /// The version the service gives it, when it versions resources.
    fn version(&self) -> Option<i64> {
        None
    }
    /// The id of this incarnation, when the service's id does not already name one.
    fn uid(&self) -> Option<&str> {
        None
    }
    /// What every change the service makes replaces, even one that leaves
    /// [`Document::revert_content`] as it was, when the service has such a thing (ECS: the
    /// `PRIMARY` deployment, which an image deploy replaces while keeping the Service Connect
    /// configuration): a revert is made only on the revision it was planned on. `None` where the
    /// version and the content already tell every change.
    fn revision(&self) -> Option<String> {
        None
    }
    /// What the describe after a write (`self`) shows was started between the describe the
    /// write was planned on (`planned_on`) and the write, and that the write then replaced —
    /// where the service leaves a trace of it (ECS: a deployment started meanwhile with another
    /// Service Connect configuration, still listed while it drains). Each entry names one. Empty
    /// where the service leaves no such trace (App Mesh's versions already tell; VPC Lattice
    /// compares the content after the writes).
    fn replaced_since(&self, planned_on: &Resource) -> Vec<String> {
        let _ = planned_on;
        Vec::new()
    }
    /// What a revert writes and compares: only the members its rules and its remediation read,
    /// nothing AWS changes on its own (App Mesh: `spec`; VPC Lattice: the evaluated fields; ECS:
    /// the `PRIMARY` deployment's Service Connect configuration).
    fn revert_content(&self) -> Value;
    /// The document, same shape as the input: `{"<kind>": data}` for a service whose documents
    /// are wrapped ([`crate::service::ServiceSpec::wrapped`]), the data itself otherwise.
    fn to_describe_value(&self) -> Value {
        let data = self.data_value();
        if self.kind().service().spec().wrapped {
            let mut wrapper = Map::new();
            wrapper.insert(self.kind().as_str().to_owned(), data);
            Value::Object(wrapper)
        } else {
            data
        }
    }
}

/// The account field of an ARN (`arn:partition:service:region:ACCOUNT:…`), when not empty.
pub(crate) fn arn_account(arn: &str) -> Option<&str> {
    arn.split(':').nth(4).filter(|account| !account.is_empty())
}

/// A document's data as JSON (every serialisable document has it).
pub trait DocumentJson {
    /// The data as JSON: what goes inside the wrapper, or the whole document.
    fn data_value(&self) -> Value;
}

impl<T: Serialize> DocumentJson for T {
    fn data_value(&self) -> Value {
        // Plain structs of strings, numbers and JSON values always serialise.
        serde_json::to_value(self).unwrap_or(Value::Null)
    }
}

/// Read `data` as the document type of `variant`, naming `kind` in the error.
pub(crate) fn read<T: serde::de::DeserializeOwned>(
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
    /// An Amazon ECS service document.
    EcsService(EcsServiceDocument),
}

impl Resource {
    /// The document inside: every method below reads through it.
    pub fn as_document(&self) -> &dyn Document {
        match self {
            Resource::Mesh(d) => d,
            Resource::VirtualGateway(d) => d,
            Resource::VirtualNode(d) => d,
            Resource::ServiceNetwork(d) => d,
            Resource::Service(d) => d,
            Resource::TargetGroup(d) => d,
            Resource::EcsService(d) => d,
        }
    }

    /// Which kind it is.
    pub fn kind(&self) -> ResourceKind {
        self.as_document().kind()
    }

    /// The service it belongs to.
    pub fn service(&self) -> AwsService {
        self.kind().service()
    }

    /// Its id inside its service, as in [`crate::resource::ResourceRef::id`]: App Mesh's
    /// `{mesh}` or `{mesh}/{name}`, VPC Lattice's `sn-…`, `svc-…` or `tg-…`.
    pub fn local_id(&self) -> String {
        self.as_document().local_id()
    }

    /// The ARN the service reports (`metadata.arn` for App Mesh, `arn` for VPC Lattice), when
    /// present.
    pub fn arn(&self) -> Option<&str> {
        self.as_document().arn()
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
        self.as_document()
            .timestamp(member)
            .filter(|v| !v.is_null())
    }

    /// The account that may update it: App Mesh's `metadata.resourceOwner` (for a mesh,
    /// `meshOwner`), the account in a VPC Lattice resource's ARN.
    pub fn owner(&self) -> Option<&str> {
        self.as_document().owner()
    }

    /// `metadata.version`, when present; always `None` for VPC Lattice, which has no versions.
    pub fn version(&self) -> Option<i64> {
        self.as_document().version()
    }

    /// `metadata.uid`, when present: App Mesh's id of this incarnation of the resource (one
    /// deleted and re-created under the same name gets a new one). `None` for VPC Lattice, whose
    /// id already names one incarnation.
    pub fn uid(&self) -> Option<&str> {
        self.as_document().uid()
    }

    /// The resource's status, when present: App Mesh's `status.status` (`ACTIVE`, `INACTIVE`
    /// or `DELETED`); a VPC Lattice service's or target group's `status` (`ACTIVE`,
    /// `CREATE_IN_PROGRESS`, `DELETE_IN_PROGRESS`, ...). A service network has none.
    pub fn status(&self) -> Option<&str> {
        self.as_document().status()
    }

    /// Whether the resource is gone and no rule applies to it: App Mesh's status `DELETED`, or
    /// VPC Lattice's `DELETE_IN_PROGRESS`.
    pub fn is_deleted(&self) -> bool {
        self.as_document().is_deleted()
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
        if kind.service().spec().wrapped {
            Self::from_data(kind, data)
        } else {
            Self::from_data(kind, value)
        }
    }

    /// Read the resource data as `kind`: for App Mesh what is inside the wrapper, for VPC Lattice
    /// the whole document.
    pub fn from_data(kind: ResourceKind, data: &Value) -> Result<Self, ModelError> {
        (kind.service().spec().read)(kind, data)
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
        self.as_document().data_value()
    }

    /// The document, same shape as the input: `{"<kind>": {...}}` for App Mesh, the document
    /// itself for VPC Lattice.
    pub fn to_describe_value(&self) -> Value {
        self.as_document().to_describe_value()
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
