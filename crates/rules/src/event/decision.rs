//! The routing decision as one flat JSON object: what `meshwarden event` prints and what the
//! fixtures' expectations are written in.

use super::{Incoming, Route};
use crate::resource::{ResourceKind, ResourceRef};
use serde::Serialize;

/// A routing decision, flattened for people and scripts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Decision {
    /// `evaluate`, `deleted`, `ignore` or `sweep`.
    pub route: &'static str,
    /// The resource's kind, when one is named.
    pub kind: Option<ResourceKind>,
    /// The resource's account (the mesh owner for shared meshes).
    pub account: Option<String>,
    /// The resource's region.
    pub region: Option<String>,
    /// The mesh.
    pub mesh: Option<String>,
    /// The resource's name (null for a mesh).
    pub name: Option<String>,
    /// CloudTrail's event name.
    pub event_name: Option<String>,
    /// CloudTrail's event id (the scheduler's event id for a sweep).
    pub event_id: String,
    /// The caller's ARN.
    pub actor: Option<String>,
    /// Why the event is ignored (only for `ignore`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The version the call produced, when the response carries it.
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
                    kind: None,
                    account: None,
                    region: None,
                    mesh: None,
                    name: None,
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
        };
        let part = |f: fn(&ResourceRef) -> Option<String>| resource.and_then(f);
        Decision {
            route,
            kind: resource.map(|r| r.kind),
            account: part(|r| Some(r.account.clone())),
            region: part(|r| Some(r.region.clone())),
            mesh: part(|r| Some(r.mesh.clone())),
            name: part(|r| r.name.clone()),
            event_name: Some(routed.meta.event_name.clone()),
            event_id: routed.meta.event_id.clone(),
            actor: routed.meta.actor.clone(),
            reason,
            expected_version,
            expected_uid,
        }
    }
}
