//! The routing decision as one flat JSON object: what `meshwarden event` prints and what the
//! fixtures' expectations are written in.
//!
//! Every service: `{"route", "service", "kind", "account", "region", "id", <the service's id
//! members>, "eventName", "eventId", "actor", "reason"?, <"expectedVersion", "expectedUid" for a
//! versioned service or none>}`, `id` being the resource's id inside its service
//! ([`ResourceRef::id`]). App Mesh's id members are `mesh` and `name`, and it is versioned, so
//! it prints `{…, "id", "mesh", "name", …, "expectedVersion", "expectedUid"}`; VPC Lattice has
//! neither. A sweep, and a call of another service, print the common members with `service`
//! null. `reason` is present only for `ignore`. A call naming only
//! a part whose owner is looked up (`route` `child`) has `kind` null, the part's `id` (`als-…`)
//! and `"child": "accessLogSubscription"`.

use super::{service_of_event_source, Incoming, Route};
use crate::resource::{AwsService, ResourceKind, ResourceRef};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// A routing decision, flattened for people and scripts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// `evaluate`, `deleted`, `child`, `ignore` or `sweep`.
    pub route: &'static str,
    /// The service the record (or its resource) belongs to; `None` for a sweep or another
    /// service's call.
    pub service: Option<AwsService>,
    /// The resource's kind, when one is named.
    pub kind: Option<ResourceKind>,
    /// The resource's account (the mesh owner for shared meshes, the ARN's account for shared
    /// VPC Lattice resources).
    pub account: Option<String>,
    /// The resource's region.
    pub region: Option<String>,
    /// The resource's id inside its service (`{mesh}/{name}`, `sn-…`), or the part's (`als-…`).
    pub id: Option<String>,
    /// The members naming the id's parts ([`ResourceRef::id_members`]: App Mesh's `mesh` and
    /// `name`).
    pub id_members: Vec<(&'static str, Value)>,
    /// The kind of the part whose owner is looked up (`accessLogSubscription`).
    pub child: Option<String>,
    /// CloudTrail's event name.
    pub event_name: Option<String>,
    /// CloudTrail's event id (the scheduler's event id for a sweep).
    pub event_id: String,
    /// The caller's ARN.
    pub actor: Option<String>,
    /// Why the event is ignored (only for `ignore`).
    pub reason: Option<String>,
    /// The version the call produced, when the response carries it (a versioned service only).
    pub expected_version: Option<i64>,
    /// The incarnation (`metadata.uid`) the call touched, when the response carries it.
    pub expected_uid: Option<String>,
}

impl Decision {
    /// Flatten a routed input.
    pub fn of(incoming: &Incoming) -> Self {
        let routed = match incoming {
            Incoming::Sweep(sweep) => {
                return Decision {
                    route: "sweep",
                    service: None,
                    kind: None,
                    account: None,
                    region: None,
                    id: None,
                    id_members: Vec::new(),
                    child: None,
                    event_name: None,
                    event_id: sweep.id.clone(),
                    actor: None,
                    reason: None,
                    expected_version: None,
                    expected_uid: None,
                }
            }
            Incoming::CloudTrail(routed) => routed,
        };
        let (route, resource, reason, expected_version, expected_uid) = match &routed.route {
            Route::Evaluate {
                resource,
                expected_version,
                expected_uid,
            } => (
                "evaluate",
                Some(resource),
                None,
                *expected_version,
                expected_uid.clone(),
            ),
            Route::Deleted { resource } => ("deleted", Some(resource), None, None, None),
            Route::Ignore { reason, resource } => (
                "ignore",
                resource.as_ref(),
                Some(reason.to_string()),
                None,
                None,
            ),
            Route::Child { child } => return Self::of_child(routed, child),
        };
        let service = resource
            .map(ResourceRef::service)
            .or_else(|| service_of_event_source(&routed.meta.event_source));
        Decision {
            route,
            service,
            kind: resource.map(|r| r.kind),
            account: resource.map(|r| r.account.clone()),
            region: resource.map(|r| r.region.clone()),
            id: resource.map(|r| r.id.clone()),
            id_members: resource.map(ResourceRef::id_members).unwrap_or_default(),
            child: None,
            event_name: Some(routed.meta.event_name.clone()),
            event_id: routed.meta.event_id.clone(),
            actor: routed.meta.actor.clone(),
            reason,
            expected_version,
            expected_uid,
        }
    }
}

impl Decision {
    /// A call naming a part whose owner is looked up.
    fn of_child(routed: &super::RoutedEvent, child: &crate::resource::ChildRef) -> Self {
        Decision {
            route: "child",
            service: Some(child.service),
            kind: None,
            account: Some(child.account.clone()),
            region: Some(child.region.clone()),
            id: Some(child.id.clone()),
            id_members: Vec::new(),
            child: Some(child.kind.clone()),
            event_name: Some(routed.meta.event_name.clone()),
            event_id: routed.meta.event_id.clone(),
            actor: routed.meta.actor.clone(),
            reason: None,
            expected_version: None,
            expected_uid: None,
        }
    }
}

impl Serialize for Decision {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let spec = self.service.map(AwsService::spec);
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("route", self.route)?;
        map.serialize_entry("service", &self.service)?;
        map.serialize_entry("kind", &self.kind)?;
        map.serialize_entry("account", &self.account)?;
        map.serialize_entry("region", &self.region)?;
        map.serialize_entry("id", &self.id)?;
        if let Some(child) = &self.child {
            map.serialize_entry("child", child)?;
        }
        for (member, value) in &self.id_members {
            map.serialize_entry(member, value)?;
        }
        map.serialize_entry("eventName", &self.event_name)?;
        map.serialize_entry("eventId", &self.event_id)?;
        map.serialize_entry("actor", &self.actor)?;
        if let Some(reason) = &self.reason {
            map.serialize_entry("reason", reason)?;
        }
        if spec.is_none_or(|spec| spec.versioned) {
            map.serialize_entry("expectedVersion", &self.expected_version)?;
            map.serialize_entry("expectedUid", &self.expected_uid)?;
        }
        map.end()
    }
}
