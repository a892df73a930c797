//! AWS App Mesh: the model of its describe outputs, its rules and its CloudTrail router, and
//! [`SERVICE`], how the shared code ([`crate::model::Resource`], [`crate::catalog`],
//! [`crate::event`], [`crate::resource::ResourceRef`]) reads meshes, virtual gateways and
//! virtual nodes.

pub mod model;
pub mod path;
mod regions;
pub mod router;
pub mod rules;

use crate::catalog::DELETED_REASON;
use crate::model::{ModelError, Resource};
use crate::resource::ResourceKind;
use crate::service::{no_securityhub_details, ServiceSpec};
use serde_json::Value;

/// App Mesh's registration in [`crate::service`].
pub static SERVICE: ServiceSpec = ServiceSpec {
    name: "appmesh",
    id_prefix: "appmesh",
    display_name: "AWS App Mesh",
    event_source: router::EVENT_SOURCE,
    eventbridge_source: router::EVENTBRIDGE_SOURCE,
    handled_event_names: &router::HANDLED_EVENT_NAMES,
    service_event_names: &[],
    kinds: &[
        ResourceKind::Mesh,
        ResourceKind::VirtualGateway,
        ResourceKind::VirtualNode,
    ],
    rules: rules::ALL,
    regions: regions::REGIONS,
    wrapped: true,
    versioned: true,
    securityhub_type: "Other",
    securityhub_details: no_securityhub_details,
    arn_namespace: "appmesh",
    read,
    path: path::path,
    parse_path: path::parse,
    arn_resource: path::path,
    id_members: path::id_members,
    decide: router::decide,
    rules_doc,
};

/// What its rules read and when they do not apply, for `docs/rules.md`.
fn rules_doc() -> String {
    format!(
        "App Mesh rules read a describe-* output as the API returns it (`{{\"mesh\": …}}`, \
         `{{\"virtualGateway\": …}}`, `{{\"virtualNode\": …}}`). A resource whose `status.status` is \
         `DELETED` is `NOT_APPLICABLE` for every rule (reason `{DELETED_REASON}`): App Mesh reports a \
         deleted mesh, virtual gateway or virtual node with that status (`ACTIVE | INACTIVE | DELETED` in \
         the API reference's \
         [MeshStatus](https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_MeshStatus.html), \
         [VirtualGatewayStatus](https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_VirtualGatewayStatus.html) \
         and [VirtualNodeStatus](https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_VirtualNodeStatus.html))."
    )
}

/// Read what is inside a describe-* output's wrapper as `kind`.
fn read(kind: ResourceKind, data: &Value) -> Result<Resource, ModelError> {
    match kind {
        ResourceKind::Mesh => crate::model::read(kind, data, Resource::Mesh),
        ResourceKind::VirtualGateway => crate::model::read(kind, data, Resource::VirtualGateway),
        ResourceKind::VirtualNode => crate::model::read(kind, data, Resource::VirtualNode),
        other => Err(crate::model::ModelError::not_of(other, SERVICE.name)),
    }
}
