//! Amazon ECS's router: which ECS service an `ecs.amazonaws.com` call changed.
//!
//! The handled calls are `CreateService`, `UpdateService` and `DeleteService`. The service is
//! named by `responseElements.service.serviceArn` when the response carries it, else by
//! `requestParameters.cluster` (a name or a cluster ARN; absent means the `default` cluster) and
//! `requestParameters.service` (`Update`/`Delete`: a name or a service ARN) or `serviceName`
//! (`Create`). An ARN names the account and region (an ECS service is never shared: an ARN of
//! another account is that account's service, reached through its member role); a name, the
//! recipient's. An old-format service ARN (`…:service/{service}`) names no cluster: the cluster
//! comes from the request, else `default`.
//!
//! Every image deploy is an `UpdateService`: one that does not carry
//! `serviceConnectConfiguration` keeps the configuration in force, so it is
//! [`IgnoreReason::ServiceConnectUnchanged`] (the EventBridge rule already filters it out).

mod arn;

use crate::event::fields::{EventError, Fields};
use crate::event::{ignore, is_read_only, request, EventMeta, IgnoreReason, Route};
use crate::resource::{partition_of, ResourceRef};
use arn::{identifier, Named, Place};

/// The CloudTrail `eventSource` of ECS calls.
pub(crate) const EVENT_SOURCE: &str = "ecs.amazonaws.com";

/// The EventBridge `source` of ECS's CloudTrail events.
pub(crate) const EVENTBRIDGE_SOURCE: &str = "aws.ecs";

/// The API calls ("AWS API Call via CloudTrail") the router acts on, sorted.
/// `crates/rules/handled-events.ecs.json` holds the same list for the infrastructure.
pub const HANDLED_EVENT_NAMES: [&str; 3] = ["CreateService", "DeleteService", "UpdateService"];

/// The cluster a request without `cluster` addresses.
const DEFAULT_CLUSTER: &str = "default";

/// The member of an `UpdateService` request that changes the Service Connect configuration.
const CONFIGURATION: &str = "serviceConnectConfiguration";

/// What a handled call names.
enum Target {
    /// An ECS service.
    Resource(ResourceRef),
    /// An ARN of a partition other than its region's: not a resource of ours.
    ForeignPartition {
        /// The ARN's partition.
        partition: String,
        /// The ARN's region.
        region: String,
    },
}

/// The route of an ECS record (its envelope, if any, is already trusted).
pub(crate) fn decide(meta: &EventMeta, record: Fields<'_>) -> Result<Route, EventError> {
    let name = meta.event_name.as_str();
    if !HANDLED_EVENT_NAMES.contains(&name) {
        return Ok(ignore(if is_read_only(name, record) {
            IgnoreReason::ReadOnly
        } else {
            IgnoreReason::UnhandledEvent
        }));
    }
    let failed = record.opt_str("errorCode")?.map(str::to_owned);
    let target = target(meta, record);
    let unchanged =
        name == "UpdateService" && request(record).is_ok_and(|r| r.get(CONFIGURATION).is_none());
    let reason = match (failed, unchanged) {
        (Some(code), _) => Some(IgnoreReason::FailedCall { code }),
        (None, true) => Some(IgnoreReason::ServiceConnectUnchanged),
        (None, false) => None,
    };
    if let Some(reason) = reason {
        // A failed call may lack the fields a successful one has: the resource is best effort.
        return Ok(Route::Ignore {
            reason,
            resource: match target {
                Ok(Target::Resource(resource)) => Some(resource),
                _ => None,
            },
        });
    }
    Ok(match target? {
        Target::Resource(resource) if name == "DeleteService" => Route::Deleted { resource },
        Target::Resource(resource) => Route::Evaluate {
            resource,
            // ECS services have no version; see `crate::ecs::model` for incarnations.
            expected_version: None,
            expected_uid: None,
        },
        Target::ForeignPartition { partition, region } => {
            ignore(IgnoreReason::ForeignPartition { partition, region })
        }
    })
}

/// The service a handled call changed.
fn target(meta: &EventMeta, record: Fields<'_>) -> Result<Target, EventError> {
    let request = request(record)?;
    let cluster_field = "requestParameters.cluster";
    let cluster = request
        .opt_str("cluster")?
        .map(|value| identifier(cluster_field, value, false))
        .transpose()?;
    let from_response = record
        .opt_object("responseElements", "responseElements")?
        .map(|r| r.opt_object("service", "responseElements.service"))
        .transpose()?
        .flatten()
        .map(|s| s.opt_str("serviceArn"))
        .transpose()?
        .flatten()
        .map(|arn| ("responseElements.service.serviceArn", arn));
    let (service_field, value) = match from_response {
        Some(named) => named,
        None if meta.event_name == "CreateService" => {
            ("requestParameters.serviceName", request.str("serviceName")?)
        }
        None => ("requestParameters.service", request.str("service")?),
    };
    let service = identifier(service_field, value, true)?;
    let (cluster_name, place) = combine(cluster_field, cluster, service_field, service)?;
    let Some(service_name) = service.service else {
        return Err(EventError::MissingField(service_field.to_owned()));
    };
    if let Some(place) = place {
        if place.partition != partition_of(place.region) {
            return Ok(Target::ForeignPartition {
                partition: place.partition.to_owned(),
                region: place.region.to_owned(),
            });
        }
    }
    let (region, account) = place.map_or((&*meta.region, &*meta.recipient_account), |p| {
        (p.region, p.account)
    });
    Ok(Target::Resource(ResourceRef::ecs(
        account,
        region,
        cluster_name,
        service_name,
    )))
}

/// The cluster name and place of a service named by `service` in the cluster `cluster` names:
/// both must agree on the cluster and, when both are ARNs, on partition, account and region
/// (one call changes one service; a record where they differ was not written by ECS, so it is
/// poison: [`EventError::Conflicting`]).
fn combine<'a>(
    cluster_field: &str,
    cluster: Option<Named<'a>>,
    service_field: &str,
    service: Named<'a>,
) -> Result<(&'a str, Option<Place<'a>>), EventError> {
    let conflict = |what: &str| EventError::Conflicting {
        first: cluster_field.to_owned(),
        second: service_field.to_owned(),
        what: what.to_owned(),
    };
    let from_cluster = cluster.and_then(|c| c.cluster);
    let name = match (from_cluster, service.cluster) {
        (Some(a), Some(b)) if a != b => return Err(conflict("cluster")),
        (_, Some(name)) | (Some(name), None) => name,
        (None, None) => DEFAULT_CLUSTER,
    };
    let place = match (cluster.and_then(|c| c.place), service.place) {
        (Some(a), Some(b)) if a != b => return Err(conflict("partition, region or account")),
        (a, b) => b.or(a),
    };
    Ok((name, place))
}

#[cfg(test)]
mod tests;
