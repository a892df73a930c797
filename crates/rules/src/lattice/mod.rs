//! Amazon VPC Lattice: the documents its rules read (one per service network, service and
//! target group), its rules and its CloudTrail router, and [`SERVICE`], how the shared code
//! ([`crate::model::Resource`], [`crate::catalog`], [`crate::event`],
//! [`crate::resource::ResourceRef`]) reads them.

pub mod model;
mod regions;
pub mod router;
pub mod rules;

use crate::model::{ModelError, Resource};
use crate::resource::ResourceKind;
use crate::service::{no_id_members, no_securityhub_details, ServiceSpec};
use serde_json::Value;

/// VPC Lattice's registration in [`crate::service`].
pub static SERVICE: ServiceSpec = ServiceSpec {
    name: "vpc-lattice",
    id_prefix: "lattice",
    display_name: "Amazon VPC Lattice",
    event_source: router::EVENT_SOURCE,
    eventbridge_source: router::EVENTBRIDGE_SOURCE,
    handled_event_names: &router::HANDLED_EVENT_NAMES,
    service_event_names: &router::SERVICE_EVENT_NAMES,
    kinds: &[
        ResourceKind::ServiceNetwork,
        ResourceKind::Service,
        ResourceKind::TargetGroup,
    ],
    rules: rules::ALL,
    regions: regions::REGIONS,
    wrapped: false,
    versioned: false,
    securityhub_type: "Other",
    securityhub_details: no_securityhub_details,
    arn_namespace: "vpc-lattice",
    read,
    path,
    parse_path,
    arn_resource,
    id_members: no_id_members,
    decide: router::decide,
    rules_doc,
};

/// What its rules read and when they do not apply, for `docs/rules.md`.
fn rules_doc() -> String {
    "VPC Lattice rules read one document per resource, assembled from the API's outputs with \
     their members as the API names them: `{\"serviceNetwork\": GetServiceNetwork, \"authPolicy\": \
     GetAuthPolicy | null, \"accessLogSubscriptions\": [ListAccessLogSubscriptions items], \
     \"vpcAssociations\": [GetServiceNetworkVpcAssociation]}`, `{\"service\": GetService, \
     \"listeners\": [GetListener], \"authPolicy\": GetAuthPolicy | null, \"accessLogSubscriptions\": \
     [...]}` and `{\"targetGroup\": GetTargetGroup}`. A member the document lacks was not \
     described: the rules that read it are `NOT_APPLICABLE`. Their fields are named from the \
     document's root. A service or target group whose `status` is `DELETE_IN_PROGRESS` is \
     `NOT_APPLICABLE` for every rule (reason `resource is DELETE_IN_PROGRESS`; the status values \
     are listed in the API reference's \
     [GetService](https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_GetService.html) and \
     [GetTargetGroup](https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_GetTargetGroup.html)); \
     a service network has no status."
        .to_owned()
}

/// Read a whole document as `kind`.
fn read(kind: ResourceKind, document: &Value) -> Result<Resource, ModelError> {
    match kind {
        ResourceKind::ServiceNetwork => {
            crate::model::read(kind, document, Resource::ServiceNetwork)
        }
        ResourceKind::Service => crate::model::read(kind, document, Resource::Service),
        ResourceKind::TargetGroup => crate::model::read(kind, document, Resource::TargetGroup),
        other => Err(ModelError::not_of(other, SERVICE.name)),
    }
}

/// `{kind}/{id}`: `serviceNetwork/sn-…`, `service/svc-…`, `targetGroup/tg-…`.
fn path(kind: ResourceKind, id: &str) -> String {
    format!("{kind}/{id}")
}

/// The kind and id of `serviceNetwork|service|targetGroup/ID`. Ids are not checked against
/// AWS's pattern (an emulator's contain hyphens): any non-empty segment without `/` is an id.
fn parse_path(path: &str) -> Option<(ResourceKind, String)> {
    let (kind, id) = path.split_once('/')?;
    let kind = ResourceKind::from_name(kind).filter(|k| SERVICE.kinds.contains(k))?;
    (!id.is_empty() && !id.contains('/')).then(|| (kind, id.to_owned()))
}

/// The ARN's resource part: `servicenetwork/sn-…`, `service/svc-…`, `targetgroup/tg-…`.
fn arn_resource(kind: ResourceKind, id: &str) -> String {
    format!("{}/{id}", kind.as_str().to_lowercase())
}
