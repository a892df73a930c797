//! App Mesh's router: which mesh, virtual gateway or virtual node an `appmesh.amazonaws.com`
//! call touched, and the version and incarnation it produced.

mod arn;

use crate::appmesh::path::resource_ref;
use crate::event::fields::{EventError, Fields};
use crate::event::{ignore, is_read_only, lower_camel, request, EventMeta, IgnoreReason, Route};
use crate::resource::{ResourceKind, ResourceRef};
use serde_json::Value;

/// The CloudTrail event names the router acts on (sorted). The EventBridge rule subscribes to
/// exactly these; `crates/rules/handled-events.json` holds the same list for the infrastructure.
pub const HANDLED_EVENT_NAMES: [&str; 11] = [
    "CreateMesh",
    "CreateVirtualGateway",
    "CreateVirtualNode",
    "DeleteMesh",
    "DeleteVirtualGateway",
    "DeleteVirtualNode",
    "TagResource",
    "UntagResource",
    "UpdateMesh",
    "UpdateVirtualGateway",
    "UpdateVirtualNode",
];

/// The CloudTrail `eventSource` of App Mesh calls.
pub(crate) const EVENT_SOURCE: &str = "appmesh.amazonaws.com";

/// The EventBridge `source` of App Mesh's CloudTrail events.
pub(crate) const EVENTBRIDGE_SOURCE: &str = "aws.appmesh";

/// App Mesh resource kinds no rule reads.
const UNMODELLED_KINDS: [&str; 4] = ["VirtualRouter", "Route", "VirtualService", "GatewayRoute"];

/// The route of an App Mesh record (its envelope, if any, is already trusted).
pub(crate) fn decide(meta: &EventMeta, record: Fields<'_>) -> Result<Route, EventError> {
    let failed = record.opt_str("errorCode")?.map(str::to_owned);
    let name = meta.event_name.as_str();
    if !HANDLED_EVENT_NAMES.contains(&name) {
        return Ok(ignore(unhandled(name, record)?));
    }
    let target = target(meta, record);
    if let Some(code) = failed {
        // A failed call may lack the fields a successful one has: the resource is best effort.
        return Ok(Route::Ignore {
            reason: IgnoreReason::FailedCall { code },
            resource: target.ok().flatten().map(|t| t.resource),
        });
    }
    let Some(Target {
        resource,
        version,
        uid,
    }) = target?
    else {
        return Ok(ignore(IgnoreReason::UnmodelledKind(tagged_kind(record)?)));
    };
    Ok(if name.starts_with("Delete") {
        Route::Deleted { resource }
    } else {
        Route::Evaluate {
            resource,
            expected_version: version,
            expected_uid: uid,
        }
    })
}

/// Why an App Mesh call outside [`HANDLED_EVENT_NAMES`] is ignored.
fn unhandled(name: &str, record: Fields<'_>) -> Result<IgnoreReason, EventError> {
    if is_read_only(name, record) {
        return Ok(IgnoreReason::ReadOnly);
    }
    let kind = ["Create", "Update", "Delete"]
        .iter()
        .find_map(|verb| name.strip_prefix(verb))
        .filter(|kind| UNMODELLED_KINDS.contains(kind));
    Ok(match kind {
        Some(kind) => IgnoreReason::UnmodelledKind(lower_camel(kind)),
        None => IgnoreReason::UnhandledEvent,
    })
}

/// The kind named by a tag call's ARN (for the ignore reason).
fn tagged_kind(record: Fields<'_>) -> Result<String, EventError> {
    let arn = request(record)?.str("resourceArn")?;
    Ok(arn::parse(arn)?
        .child
        .map_or("mesh", |(kind, _)| kind)
        .to_owned())
}

/// The resource a handled call touched, with what its response says of the result.
struct Target {
    resource: ResourceRef,
    /// `metadata.version`.
    version: Option<i64>,
    /// `metadata.uid`.
    uid: Option<String>,
}

/// The resource a handled call touched and the version and incarnation it produced; `None` for
/// a tag call on a kind we do not model.
fn target(meta: &EventMeta, record: Fields<'_>) -> Result<Option<Target>, EventError> {
    let request = request(record)?;
    let name = meta.event_name.as_str();
    if name == "TagResource" || name == "UntagResource" {
        let arn = arn::parse(request.str("resourceArn")?)?;
        let kind = match arn.child {
            None => Some(ResourceKind::Mesh),
            Some(("virtualGateway", _)) => Some(ResourceKind::VirtualGateway),
            Some(("virtualNode", _)) => Some(ResourceKind::VirtualNode),
            Some(_) => None,
        };
        return Ok(kind.map(|kind| {
            let resource = resource_ref(
                kind,
                arn.account,
                arn.region,
                arn.mesh,
                arn.child.map(|(_, n)| n),
            );
            Target {
                resource,
                version: None,
                uid: None,
            }
        }));
    }
    let (kind, name_key) = if name.ends_with("VirtualGateway") {
        (ResourceKind::VirtualGateway, Some("virtualGatewayName"))
    } else if name.ends_with("VirtualNode") {
        (ResourceKind::VirtualNode, Some("virtualNodeName"))
    } else {
        (ResourceKind::Mesh, None)
    };
    let response = record
        .opt_object("responseElements", "responseElements")?
        .map(|r| r.opt_object(kind.as_str(), "responseElements"))
        .transpose()?
        .flatten();
    // Path parameters are in requestParameters; the response repeats them.
    let field = |key: &str| -> Result<String, EventError> {
        if let Some(value) = request.opt_str(key)? {
            return Ok(value.to_owned());
        }
        match response.map(|r| r.opt_str(key)).transpose()?.flatten() {
            Some(value) => Ok(value.to_owned()),
            None => request.str(key).map(str::to_owned),
        }
    };
    let account = request
        .opt_str("meshOwner")?
        .map_or_else(|| meta.recipient_account.clone(), str::to_owned);
    let name = name_key.map(field).transpose()?;
    let resource = resource_ref(
        kind,
        account,
        meta.region.clone(),
        &field("meshName")?,
        name.as_deref(),
    );
    // Unlike the names, read leniently: a response we cannot use only costs the staleness checks.
    let metadata = response.and_then(|r| r.get("metadata"));
    let version = metadata
        .and_then(|m| m.get("version"))
        .and_then(Value::as_i64);
    let uid = metadata
        .and_then(|m| m.get("uid"))
        .and_then(Value::as_str)
        .filter(|uid| !uid.trim().is_empty())
        .map(str::to_owned);
    Ok(Some(Target {
        resource,
        version,
        uid,
    }))
}
