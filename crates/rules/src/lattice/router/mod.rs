//! VPC Lattice's router: which service network, service or target group a
//! `vpc-lattice.amazonaws.com` call changed.
//!
//! Calls on a child name its parent: listener, rule, auth policy, resource policy, access log
//! and association calls route to their service or service network, target registration to
//! its target group. `Create*` calls of an evaluated kind take the new id from
//! `responseElements`. Identifiers may be ids or ARNs; an ARN names the owning account (a shared
//! resource's owner), an id the recipient's. The cross-account `*BySharee`/`*ByOwner` service
//! events carry no parameters: they route by the ARNs in `resources[]`.
//!
//! A few calls name only the child they change, and neither the request nor the response says
//! whose it is. `DeleteAccessLogSubscription` (and an `UpdateAccessLogSubscription` whose
//! response lacks the owner) routes to [`Route::Child`]: the engine looks up the owner it
//! recorded for that subscription, so a deleted subscription is re-created within the event.
//! The association calls (`Update`/`DeleteServiceNetworkVpcAssociation`,
//! `DeleteServiceNetworkServiceAssociation`, `DeleteServiceNetworkResourceAssociation`) are
//! ignored as [`IgnoreReason::OwnerNotNamed`] (no rule could be reverted by them), and the sweep
//! re-evaluates their owner.

mod arn;

use crate::event::fields::{EventError, Fields};
use crate::event::{ignore, is_read_only, lower_camel, request, EventMeta, IgnoreReason, Route};
use crate::resource::partition_of;
use crate::resource::{ChildRef, ResourceKind, ResourceRef};
use arn::{identifier, Identified, Named};
use serde_json::Value;

/// The CloudTrail `eventSource` of VPC Lattice calls.
pub(crate) const EVENT_SOURCE: &str = "vpc-lattice.amazonaws.com";

/// The EventBridge `source` of VPC Lattice's CloudTrail events.
pub(crate) const EVENTBRIDGE_SOURCE: &str = "aws.vpc-lattice";

/// The API calls ("AWS API Call via CloudTrail") the router acts on, sorted: every mutating call
/// that names the service network, service or target group it changes.
/// `crates/rules/handled-events.vpc-lattice.json` holds the same list for the infrastructure.
pub const HANDLED_EVENT_NAMES: [&str; 30] = [
    "BatchUpdateRule",
    "CreateAccessLogSubscription",
    "CreateListener",
    "CreateRule",
    "CreateService",
    "CreateServiceNetwork",
    "CreateServiceNetworkResourceAssociation",
    "CreateServiceNetworkServiceAssociation",
    "CreateServiceNetworkVpcAssociation",
    "CreateTargetGroup",
    "DeleteAccessLogSubscription",
    "DeleteAuthPolicy",
    "DeleteListener",
    "DeleteResourcePolicy",
    "DeleteRule",
    "DeleteService",
    "DeleteServiceNetwork",
    "DeleteTargetGroup",
    "DeregisterTargets",
    "PutAuthPolicy",
    "PutResourcePolicy",
    "RegisterTargets",
    "TagResource",
    "UntagResource",
    "UpdateAccessLogSubscription",
    "UpdateListener",
    "UpdateRule",
    "UpdateService",
    "UpdateServiceNetwork",
    "UpdateTargetGroup",
];

/// The cross-account service events ("AWS Service Event via CloudTrail") the router acts on,
/// sorted: sent to a shared resource's owner when another account associates with it or
/// deletes an association, naming the resource in `resources[]`.
pub const SERVICE_EVENT_NAMES: [&str; 9] = [
    "CreateServiceNetworkResourceAssociationBySharee",
    "CreateServiceNetworkServiceAssociationBySharee",
    "CreateServiceNetworkVpcAssociationBySharee",
    "DeleteServiceNetworkResourceAssociationByOwner",
    "DeleteServiceNetworkResourceAssociationBySharee",
    "DeleteServiceNetworkServiceAssociationByOwner",
    "DeleteServiceNetworkServiceAssociationBySharee",
    "DeleteServiceNetworkVpcAssociationByOwner",
    "DeleteServiceNetworkVpcAssociationBySharee",
];

/// How a handled call names the resource it changed.
#[derive(Debug, Clone, Copy)]
enum Finder {
    /// A new resource of this kind: its id is `responseElements.id`.
    Created(ResourceKind),
    /// `requestParameters.{0}`, an id or ARN of this kind.
    Param(&'static str, ResourceKind),
    /// `requestParameters.{0}`, an id or ARN of a service network or service (or another kind).
    AnyParam(&'static str),
    /// `requestParameters.{0}`, an ARN.
    ArnParam(&'static str),
    /// `responseElements.resourceArn` or `resourceId` (access log subscription updates), else
    /// the subscription as a child.
    ResponseOwner,
    /// `requestParameters.accessLogSubscriptionIdentifier`, a child whose owner is looked up.
    AccessLogSubscription,
    /// `requestParameters.{0}` (`…AssociationIdentifier`), an association naming neither its
    /// service network nor its service: a child whose owner is looked up.
    Association(&'static str),
}

/// How each handled call names its resource (same names as [`HANDLED_EVENT_NAMES`]).
const FINDERS: [(&str, Finder); 30] = {
    use Finder::*;
    use ResourceKind::{Service, ServiceNetwork, TargetGroup};
    const SN: &str = "serviceNetworkIdentifier";
    const SVC: &str = "serviceIdentifier";
    const TG: &str = "targetGroupIdentifier";
    [
        ("BatchUpdateRule", Param(SVC, Service)),
        (
            "CreateAccessLogSubscription",
            AnyParam("resourceIdentifier"),
        ),
        ("CreateListener", Param(SVC, Service)),
        ("CreateRule", Param(SVC, Service)),
        ("CreateService", Created(Service)),
        ("CreateServiceNetwork", Created(ServiceNetwork)),
        (
            "CreateServiceNetworkResourceAssociation",
            Param(SN, ServiceNetwork),
        ),
        (
            "CreateServiceNetworkServiceAssociation",
            Param(SN, ServiceNetwork),
        ),
        (
            "CreateServiceNetworkVpcAssociation",
            Param(SN, ServiceNetwork),
        ),
        ("CreateTargetGroup", Created(TargetGroup)),
        ("DeleteAccessLogSubscription", AccessLogSubscription),
        ("DeleteAuthPolicy", AnyParam("resourceIdentifier")),
        ("DeleteListener", Param(SVC, Service)),
        ("DeleteResourcePolicy", ArnParam("resourceArn")),
        ("DeleteRule", Param(SVC, Service)),
        ("DeleteService", Param(SVC, Service)),
        ("DeleteServiceNetwork", Param(SN, ServiceNetwork)),
        ("DeleteTargetGroup", Param(TG, TargetGroup)),
        ("DeregisterTargets", Param(TG, TargetGroup)),
        ("PutAuthPolicy", AnyParam("resourceIdentifier")),
        ("PutResourcePolicy", ArnParam("resourceArn")),
        ("RegisterTargets", Param(TG, TargetGroup)),
        ("TagResource", ArnParam("resourceArn")),
        ("UntagResource", ArnParam("resourceArn")),
        ("UpdateAccessLogSubscription", ResponseOwner),
        ("UpdateListener", Param(SVC, Service)),
        ("UpdateRule", Param(SVC, Service)),
        ("UpdateService", Param(SVC, Service)),
        ("UpdateServiceNetwork", Param(SN, ServiceNetwork)),
        ("UpdateTargetGroup", Param(TG, TargetGroup)),
    ]
};

/// The calls that delete the evaluated resource itself (others on it change it).
const DELETES: [&str; 3] = ["DeleteService", "DeleteServiceNetwork", "DeleteTargetGroup"];

/// Mutating calls that name only the association they change, with the parameter naming it:
/// routed as a child whose owner (recorded when the owner was described) is looked up.
const OWNER_NOT_NAMED: [(&str, &str); 4] = [
    (
        "DeleteServiceNetworkResourceAssociation",
        "serviceNetworkResourceAssociationIdentifier",
    ),
    (
        "DeleteServiceNetworkServiceAssociation",
        "serviceNetworkServiceAssociationIdentifier",
    ),
    (
        "DeleteServiceNetworkVpcAssociation",
        "serviceNetworkVpcAssociationIdentifier",
    ),
    (
        "UpdateServiceNetworkVpcAssociation",
        "serviceNetworkVpcAssociationIdentifier",
    ),
];

/// VPC Lattice resource kinds no rule reads and that belong to no evaluated resource.
const UNMODELLED_KINDS: [&str; 4] = [
    "ResourceGateway",
    "ResourceConfiguration",
    "ResourceEndpointAssociation",
    "DomainVerification",
];

/// What a handled call names.
enum Target {
    /// A service network, service or target group.
    Resource(ResourceRef),
    /// A kind no rule reads (`listener` tags, resource configurations, ...).
    Unmodelled(String),
    /// A child whose owner the record does not name.
    OwnerNotNamed(String),
    /// A child whose owner is looked up.
    Child(ChildRef),
    /// An ARN of a partition other than its region's: not a resource of ours.
    ForeignPartition {
        /// The ARN's partition.
        partition: String,
        /// The ARN's region.
        region: String,
    },
}

/// The route of a VPC Lattice record (its envelope, if any, is already trusted).
pub(crate) fn decide(meta: &EventMeta, record: Fields<'_>) -> Result<Route, EventError> {
    let name = meta.event_name.as_str();
    if SERVICE_EVENT_NAMES.contains(&name) {
        return Ok(match by_resources(meta, record)? {
            Target::Resource(resource) => evaluate(resource),
            other => ignore_target(other),
        });
    }
    let association = || {
        OWNER_NOT_NAMED
            .iter()
            .find_map(|(call, param)| (*call == name).then_some(Finder::Association(param)))
    };
    let Some(finder) = FINDERS
        .iter()
        .find_map(|(call, finder)| (*call == name).then_some(*finder))
        .or_else(association)
    else {
        return Ok(ignore(unhandled(name, record)?));
    };
    let failed = record.opt_str("errorCode")?.map(str::to_owned);
    let target = target(meta, record, finder);
    if let Some(code) = failed {
        // A failed call may lack the fields a successful one has: the resource is best effort.
        return Ok(Route::Ignore {
            reason: IgnoreReason::FailedCall { code },
            resource: match target {
                Ok(Target::Resource(resource)) => Some(resource),
                _ => None,
            },
        });
    }
    Ok(match target? {
        Target::Resource(resource) if DELETES.contains(&name) => Route::Deleted { resource },
        Target::Resource(resource) => evaluate(resource),
        Target::Child(child) => Route::Child { child },
        other => ignore_target(other),
    })
}

fn evaluate(resource: ResourceRef) -> Route {
    Route::Evaluate {
        resource,
        // VPC Lattice resources have no versions, and the id is the incarnation.
        expected_version: None,
        expected_uid: None,
    }
}

fn ignore_target(target: Target) -> Route {
    ignore(match target {
        Target::Resource(_) => IgnoreReason::UnhandledEvent,
        Target::Child(child) => IgnoreReason::OwnerNotNamed(child.to_string()),
        Target::Unmodelled(kind) => IgnoreReason::UnmodelledKind(kind),
        Target::OwnerNotNamed(child) => IgnoreReason::OwnerNotNamed(child),
        Target::ForeignPartition { partition, region } => {
            IgnoreReason::ForeignPartition { partition, region }
        }
    })
}

/// Why a VPC Lattice call outside [`HANDLED_EVENT_NAMES`] is ignored.
fn unhandled(name: &str, record: Fields<'_>) -> Result<IgnoreReason, EventError> {
    if is_read_only(name, record) {
        return Ok(IgnoreReason::ReadOnly);
    }
    let kind = ["Create", "Update", "Delete", "Start"]
        .iter()
        .find_map(|verb| name.strip_prefix(verb))
        .filter(|kind| UNMODELLED_KINDS.contains(kind));
    Ok(match kind {
        Some(kind) => IgnoreReason::UnmodelledKind(lower_camel(kind)),
        None => IgnoreReason::UnhandledEvent,
    })
}

/// The target an identifier names: the evaluated resource (in the ARN's account and region, or
/// the recipient's), or the other kind it names.
fn named(meta: &EventMeta, identified: Identified<'_>) -> Target {
    if let (Some(partition), Some((region, _))) = (identified.partition, identified.place) {
        if partition != partition_of(region) {
            return Target::ForeignPartition {
                partition: partition.to_owned(),
                region: region.to_owned(),
            };
        }
    }
    match identified.named {
        Named::Evaluated(kind) => {
            let (region, account) = identified
                .place
                .unwrap_or((&meta.region, &meta.recipient_account));
            Target::Resource(ResourceRef::new(kind, account, region, identified.id))
        }
        Named::Other(kind) => Target::Unmodelled(kind.to_owned()),
    }
}

/// The resource a handled call changed.
fn target(meta: &EventMeta, record: Fields<'_>, finder: Finder) -> Result<Target, EventError> {
    let param = |key: &str, expected: Option<ResourceKind>| -> Result<Target, EventError> {
        let request = request(record)?;
        let field = format!("requestParameters.{key}");
        Ok(named(
            meta,
            identifier(&field, request.str(key)?, expected)?,
        ))
    };
    let response = || record.opt_object("responseElements", "responseElements");
    match finder {
        Finder::Param(key, kind) => param(key, Some(kind)),
        Finder::AnyParam(key) => param(key, None),
        Finder::ArnParam(key) => Ok(named(meta, arn::parse(request(record)?.str(key)?)?)),
        Finder::Created(kind) => {
            let response =
                response()?.ok_or_else(|| EventError::MissingField("responseElements".into()))?;
            let mut created = identifier("responseElements.id", response.str("id")?, Some(kind))?;
            // The new resource's ARN, when the response has one, names its account and region.
            if let Some(arn) = response.opt_str("arn")?.and_then(|a| arn::parse(a).ok()) {
                created.place = arn.place;
            }
            Ok(named(meta, created))
        }
        Finder::ResponseOwner => {
            let response = response()?;
            let owner = match response {
                Some(r) => match (r.opt_str("resourceArn")?, r.opt_str("resourceId")?) {
                    (Some(value), _) => Some(("responseElements.resourceArn", value)),
                    (None, Some(value)) => Some(("responseElements.resourceId", value)),
                    (None, None) => None,
                },
                None => None,
            };
            match owner {
                Some((field, value)) => Ok(named(meta, identifier(field, value, None)?)),
                None => access_log_subscription(meta, record),
            }
        }
        Finder::AccessLogSubscription => access_log_subscription(meta, record),
        Finder::Association(param) => child(meta, record, param),
    }
}

/// The access log subscription a call names, as a child whose owner is looked up.
fn access_log_subscription(meta: &EventMeta, record: Fields<'_>) -> Result<Target, EventError> {
    child(meta, record, "accessLogSubscriptionIdentifier")
}

/// The child `requestParameters.{param}` names (its kind is the parameter's name without
/// `Identifier`), as a child whose owner is looked up; anything else it names, as not naming
/// the owner.
fn child(meta: &EventMeta, record: Fields<'_>, param: &str) -> Result<Target, EventError> {
    let field = format!("requestParameters.{param}");
    let identified = identifier(&field, request(record)?.str(param)?, None)?;
    let (region, account) = identified
        .place
        .unwrap_or((&meta.region, &meta.recipient_account));
    let kind = lower_camel(param.trim_end_matches("Identifier"));
    Ok(match identified.named {
        Named::Other(named) if named == kind => Target::Child(ChildRef {
            service: crate::resource::AwsService::VpcLattice,
            kind,
            account: account.to_owned(),
            region: region.to_owned(),
            id: identified.id.to_owned(),
        }),
        Named::Other(kind) => Target::OwnerNotNamed(format!("{kind} {}", identified.id)),
        Named::Evaluated(kind) => Target::OwnerNotNamed(format!("{kind} {}", identified.id)),
    })
}

/// The resource a cross-account service event names in `resources[]`: the first ARN of a
/// service network, service or target group.
fn by_resources(meta: &EventMeta, record: Fields<'_>) -> Result<Target, EventError> {
    let resources = match record.get("resources") {
        None => &[][..],
        Some(Value::Array(items)) => items.as_slice(),
        Some(_) => {
            return Err(EventError::WrongType {
                field: "resources".into(),
                expected: "an array",
            })
        }
    };
    let arns: Vec<&str> = resources
        .iter()
        .filter_map(|r| r.get("ARN").or_else(|| r.get("arn")))
        .filter_map(Value::as_str)
        .collect();
    let mut first_other = None;
    for text in &arns {
        let Ok(arn) = arn::parse(text) else {
            continue;
        };
        match named(meta, arn) {
            Target::Resource(resource) => return Ok(Target::Resource(resource)),
            _ => {
                first_other.get_or_insert_with(|| match arn.named {
                    Named::Other(kind) => format!("{kind} {}", arn.id),
                    Named::Evaluated(kind) => format!("{kind} {}", arn.id),
                });
            }
        }
    }
    Ok(Target::OwnerNotNamed(
        first_other.unwrap_or_else(|| "no VPC Lattice resource".to_owned()),
    ))
}

#[cfg(test)]
mod tests;
