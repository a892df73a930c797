//! The service registry: what each service tells the shared code about itself, once.
//!
//! A service is a module of this crate ([`crate::appmesh`], [`crate::lattice`]) that exports one
//! [`ServiceSpec`] (`pub static SERVICE`). [`AwsService::spec`] is the one place that names every
//! service (one arm per service: its registration line); everything shared — ids and paths
//! ([`crate::resource::ResourceRef`]), documents ([`crate::model::Resource`]), the catalog
//! ([`crate::catalog`]), event routing ([`crate::event`]) — reads the spec instead of matching
//! on services.

use crate::catalog::Rule;
use crate::event::fields::{EventError, Fields};
use crate::event::{EventMeta, Route};
use crate::model::{ModelError, Resource};
use crate::resource::{AwsService, ResourceKind, ResourceRef};
use serde_json::Value;

/// How one service describes itself: a struct of data and plain functions (no state).
pub struct ServiceSpec {
    /// The name printed in decisions and used in JSON (`appmesh`, `vpc-lattice`).
    pub name: &'static str,
    /// The first field of its resources' stored ids (`appmesh`, `lattice`).
    pub id_prefix: &'static str,
    /// The name people read in reports ("AWS App Mesh").
    pub display_name: &'static str,
    /// The CloudTrail `eventSource` of its calls (`appmesh.amazonaws.com`).
    pub event_source: &'static str,
    /// The EventBridge `source` its CloudTrail events are delivered under (`aws.appmesh`).
    pub eventbridge_source: &'static str,
    /// The API calls ("AWS API Call via CloudTrail") its router acts on, sorted.
    pub handled_event_names: &'static [&'static str],
    /// The service events ("AWS Service Event via CloudTrail") its router acts on, sorted.
    pub service_event_names: &'static [&'static str],
    /// The kinds of resource Meshwarden evaluates in it, in catalog order.
    pub kinds: &'static [ResourceKind],
    /// Its part of the catalog, in order.
    pub rules: &'static [&'static dyn Rule],
    /// The commercial (`aws`) partition's regions with an endpoint of the service, sorted.
    pub regions: &'static [&'static str],
    /// Whether a document is its kind's data inside a `{"<kind>": …}` wrapper (App Mesh's
    /// describe-* outputs) rather than the whole document (VPC Lattice's).
    pub wrapped: bool,
    /// Whether its calls' responses name the version and incarnation they produced (App Mesh's
    /// `metadata.version`/`uid`): decisions then print `expectedVersion` and `expectedUid`.
    pub versioned: bool,
    /// The Security Hub (ASFF) resource type of its resources' findings: `Other` when Security
    /// Hub has none for them (App Mesh, VPC Lattice), `AwsEcsService` for ECS.
    pub securityhub_type: &'static str,
    /// The typed `Details` of a resource's findings, when its Security Hub type has them
    /// (ECS's `AwsEcsService`), from the resource and its partition; `None` leaves
    /// `Details.Other` alone.
    pub securityhub_details: fn(&ResourceRef, &str) -> Option<SecurityHubDetails>,
    /// The ARN service namespace of its resources (`appmesh`, `vpc-lattice`).
    pub arn_namespace: &'static str,
    /// Read a document's data as `kind` (one of [`ServiceSpec::kinds`]).
    pub read: fn(ResourceKind, &Value) -> Result<Resource, ModelError>,
    /// The path of a resource inside the service from its kind and local id
    /// (`mesh/{mesh}/virtualNode/{name}`, `service/{svc-id}`).
    pub path: fn(ResourceKind, &str) -> String,
    /// The kind and local id a path names, when it is one of this service's paths.
    pub parse_path: fn(&str) -> Option<(ResourceKind, String)>,
    /// The resource part of an ARN (after `{region}:{account}:`) from kind and local id.
    pub arn_resource: fn(ResourceKind, &str) -> String,
    /// Members that name the local id's parts in JSON output, printed beside `id` (App Mesh's
    /// `mesh` and `name`; none for VPC Lattice).
    pub id_members: fn(ResourceKind, &str) -> Vec<(&'static str, Value)>,
    /// Its CloudTrail router: the route of one of its records (whose envelope is trusted).
    pub(crate) decide: fn(&EventMeta, Fields<'_>) -> Result<Route, EventError>,
    /// Its section of `docs/rules.md` (Markdown): what its rules read, and how its API tells a
    /// resource that is gone.
    pub rules_doc: fn() -> String,
}

impl std::fmt::Debug for ServiceSpec {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceSpec")
            .field("name", &self.name)
            .finish_non_exhaustive()
    }
}

impl AwsService {
    /// The service's self-description. The one match on services: adding a service is one arm.
    pub fn spec(self) -> &'static ServiceSpec {
        match self {
            AwsService::AppMesh => &crate::appmesh::SERVICE,
            AwsService::VpcLattice => &crate::lattice::SERVICE,
            AwsService::Ecs => &crate::ecs::SERVICE,
        }
    }
}

/// No members beside `id`: for services whose local id is one opaque id.
pub(crate) fn no_id_members(_: ResourceKind, _: &str) -> Vec<(&'static str, Value)> {
    Vec::new()
}

/// [`ServiceSpec::securityhub_details`] of a service whose Security Hub type has no typed
/// details (`Other`).
pub(crate) fn no_securityhub_details(_: &ResourceRef, _: &str) -> Option<SecurityHubDetails> {
    None
}

/// The typed `Resources[].Details` a finding carries beside `Details.Other`, one variant per
/// ASFF details object a service fills
/// (<https://docs.aws.amazon.com/securityhub/latest/userguide/asff-resourcedetails.html>).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityHubDetails {
    /// `Details.AwsEcsService` (the ASFF's `AwsEcsServiceDetails`,
    /// <https://docs.aws.amazon.com/securityhub/latest/userguide/asff-resourcedetails-awsecsservice.html>):
    /// the members that name the service.
    AwsEcsService {
        /// `Cluster`: the ARN of the cluster that hosts the service.
        cluster_arn: String,
        /// `Name` (and `ServiceName`): the service's name.
        name: String,
        /// `ServiceArn`.
        service_arn: String,
    },
}

#[cfg(test)]
mod tests;
