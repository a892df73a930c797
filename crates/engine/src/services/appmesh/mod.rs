//! The App Mesh adapter of [`ResourceReader`] and [`ResourceWriter`], on the AWS SDK.
//!
//! Resources are described in their own region (events are forwarded from every region to one
//! responder), converted to the API's JSON ([`to_json`]) and parsed by the rules' model.
//! Updates copy only the patched members onto the described SDK spec (`patch`).

mod patch;
pub mod to_json;

use crate::adapters::aws::{classify, not_this_service, rejected, tags_arn, Accounts, Clients};
use crate::core::error::PortError;
use crate::core::ports::{Described, Page, ResourceReader, ResourceWriter, Scope};
use aws_sdk_appmesh::types as am;
use aws_sdk_appmesh::Client;
use meshwarden_rules::appmesh::path::{mesh_and_name, resource_ref};
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::{ResourceKind, ResourceRef};
use serde_json::{json, Value};
use to_json::ToJson;

/// Meshes per page of a listing ([`ResourceReader::list_page`]): each with all its gateways and
/// nodes, so a list shard checks its time budget at least every this many meshes.
pub const MESHES_PER_PAGE: i32 = 10;

/// What was described, kept for writing a patch back.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The resource's ARN as the service reports it (for tag look-ups).
    pub arn: Option<String>,
    /// The described SDK spec.
    pub spec: Spec,
}

/// The SDK spec of one resource.
#[derive(Debug, Clone)]
pub enum Spec {
    /// A mesh's spec.
    Mesh(am::MeshSpec),
    /// A virtual gateway's spec.
    VirtualGateway(am::VirtualGatewaySpec),
    /// A virtual node's spec.
    VirtualNode(am::VirtualNodeSpec),
}

/// App Mesh through the AWS SDK, one client per (account, region), built on first use.
///
/// A resource of another account is reached as [`Accounts`] says: with that account's member
/// role (organisation mode), or else as a shared-mesh resource, addressed with `meshOwner` using
/// the responder's own credentials.
#[derive(Debug)]
pub struct AppMeshAdapter {
    clients: Clients<Client>,
}

impl AppMeshAdapter {
    /// An adapter reaching `accounts`.
    pub fn new(accounts: Accounts) -> Self {
        AppMeshAdapter {
            clients: Clients::new(accounts),
        }
    }

    /// `meshOwner` for a resource: only when it is neither ours nor reached as its own account.
    fn mesh_owner(&self, account: &str) -> Option<String> {
        let accounts = self.clients.accounts();
        if accounts.through_member_role(account) {
            return None;
        }
        match accounts.own_account() {
            Some(own) if own != account => Some(account.to_owned()),
            _ => None,
        }
    }
}

fn described(
    kind: &str,
    data: Value,
    arn: Option<String>,
    spec: Option<Spec>,
) -> Result<Option<Described<Snapshot>>, PortError> {
    let resource = Resource::from_describe_value(&json!({ kind: data }))
        .map_err(|e| rejected(&format!("Describe {kind}"), e.to_string()))?;
    let spec = spec.ok_or_else(|| rejected(&format!("Describe {kind}"), "no spec".to_owned()))?;
    Ok(Some(Described {
        resource,
        snapshot: Snapshot { arn, spec },
    }))
}

/// The mesh an App Mesh resource is in (a mesh's own name for a mesh).
fn mesh(resource: &ResourceRef) -> &str {
    mesh_and_name(resource).0
}

/// The name of a virtual gateway or node inside its mesh.
fn name(resource: &ResourceRef) -> Result<&str, PortError> {
    mesh_and_name(resource)
        .1
        .ok_or_else(|| rejected("Describe", format!("{resource} has no name")))
}

/// Classify, turning "not found" into `Ok(None)`.
macro_rules! found {
    ($op:literal, $result:expr) => {
        match $result {
            Ok(out) => out,
            Err(e)
                if e.as_service_error()
                    .is_some_and(|s| s.is_not_found_exception()) =>
            {
                return Ok(None)
            }
            Err(e) => return Err(classify($op, e)),
        }
    };
}

impl ResourceReader for AppMeshAdapter {
    type Snapshot = Snapshot;

    async fn describe(
        &self,
        resource: &ResourceRef,
    ) -> Result<Option<Described<Snapshot>>, PortError> {
        let client = self.clients.get(&resource.account, &resource.region).await;
        let owner = self.mesh_owner(&resource.account);
        match resource.kind {
            ResourceKind::Mesh => {
                let out = found!(
                    "DescribeMesh",
                    client
                        .describe_mesh()
                        .mesh_name(mesh(resource))
                        .set_mesh_owner(owner)
                        .send()
                        .await
                );
                let Some(data) = out.mesh else {
                    return Ok(None);
                };
                let arn = data.metadata.as_ref().map(|m| m.arn.clone());
                described("mesh", data.to_json(), arn, data.spec.map(Spec::Mesh))
            }
            ResourceKind::VirtualGateway => {
                let out = found!(
                    "DescribeVirtualGateway",
                    client
                        .describe_virtual_gateway()
                        .mesh_name(mesh(resource))
                        .virtual_gateway_name(name(resource)?)
                        .set_mesh_owner(owner)
                        .send()
                        .await
                );
                let Some(data) = out.virtual_gateway else {
                    return Ok(None);
                };
                let arn = data.metadata.as_ref().map(|m| m.arn.clone());
                described(
                    "virtualGateway",
                    data.to_json(),
                    arn,
                    data.spec.map(Spec::VirtualGateway),
                )
            }
            ResourceKind::VirtualNode => {
                let out = found!(
                    "DescribeVirtualNode",
                    client
                        .describe_virtual_node()
                        .mesh_name(mesh(resource))
                        .virtual_node_name(name(resource)?)
                        .set_mesh_owner(owner)
                        .send()
                        .await
                );
                let Some(data) = out.virtual_node else {
                    return Ok(None);
                };
                let arn = data.metadata.as_ref().map(|m| m.arn.clone());
                described(
                    "virtualNode",
                    data.to_json(),
                    arn,
                    data.spec.map(Spec::VirtualNode),
                )
            }
            other => Err(not_this_service(other, "App Mesh")),
        }
    }

    async fn tags(
        &self,
        resource: &ResourceRef,
        snapshot: &Snapshot,
    ) -> Result<Vec<Tag>, PortError> {
        let arn = tags_arn(resource, snapshot.arn.as_ref())?;
        let tags: Vec<am::TagRef> = self
            .clients
            .get(&resource.account, &resource.region)
            .await
            .list_tags_for_resource()
            .resource_arn(arn)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| classify("ListTagsForResource", e))?;
        Ok(tags
            .into_iter()
            .map(|t| Tag {
                key: t.key,
                value: t.value,
            })
            .collect())
    }

    /// One `ListMeshes` page of [`MESHES_PER_PAGE`] meshes, each with its gateways and nodes;
    /// the cursor is `ListMeshes`'s `nextToken`.
    async fn list_page(
        &self,
        scope: &Scope,
        cursor: Option<&str>,
    ) -> Result<Page<ResourceRef>, PortError> {
        let region = scope.region.as_str();
        let client = self.clients.get(&scope.account, region).await;
        let out = client
            .list_meshes()
            .limit(MESHES_PER_PAGE)
            .set_next_token(cursor.map(str::to_owned))
            .send()
            .await
            .map_err(|e| classify("ListMeshes", e))?;
        let mut refs = Vec::new();
        for mesh in out.meshes {
            let account = mesh.mesh_owner.clone();
            // In organisation mode another member's shared mesh is listed in its owner's scope.
            if account != scope.account && self.clients.accounts().through_member_role(&account) {
                continue;
            }
            let owner = self.mesh_owner(&account);
            let at = |kind, name: Option<String>| {
                resource_ref(kind, &account, region, &mesh.mesh_name, name.as_deref())
            };
            refs.push(at(ResourceKind::Mesh, None));
            let gateways: Vec<am::VirtualGatewayRef> = client
                .list_virtual_gateways()
                .mesh_name(&mesh.mesh_name)
                .set_mesh_owner(owner.clone())
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
                .await
                .map_err(|e| classify("ListVirtualGateways", e))?;
            refs.extend(
                gateways
                    .into_iter()
                    .map(|g| at(ResourceKind::VirtualGateway, Some(g.virtual_gateway_name))),
            );
            let nodes: Vec<am::VirtualNodeRef> = client
                .list_virtual_nodes()
                .mesh_name(&mesh.mesh_name)
                .set_mesh_owner(owner)
                .into_paginator()
                .items()
                .send()
                .collect::<Result<Vec<_>, _>>()
                .await
                .map_err(|e| classify("ListVirtualNodes", e))?;
            refs.extend(
                nodes
                    .into_iter()
                    .map(|n| at(ResourceKind::VirtualNode, Some(n.virtual_node_name))),
            );
        }
        Ok(Page {
            items: refs,
            next: out.next_token.filter(|t| !t.is_empty()),
        })
    }
}

impl ResourceWriter for AppMeshAdapter {
    async fn update(
        &self,
        resource: &ResourceRef,
        current: &Described<Snapshot>,
        patched: &Resource,
        client_token: &str,
    ) -> Result<Resource, PortError> {
        let client = self.clients.get(&resource.account, &resource.region).await;
        let owner = self.mesh_owner(&resource.account);
        let document = patched.to_describe_value();
        let after = document
            .get(resource.kind.as_str())
            .and_then(|d| d.get("spec"))
            .cloned()
            .unwrap_or(Value::Null);
        let unpatchable = |e: patch::PatchError| rejected("Patch", e.to_string());
        let unexpected = |op: &str| rejected(op, "returned no resource".to_owned());
        let (kind, data) = match &current.snapshot.spec {
            Spec::Mesh(spec) => {
                let mut spec = spec.clone();
                let before = spec.to_json();
                patch::mesh(&mut spec, &before, &after).map_err(unpatchable)?;
                let out = client
                    .update_mesh()
                    .mesh_name(mesh(resource))
                    .client_token(client_token)
                    .spec(spec)
                    .send()
                    .await
                    .map_err(|e| classify("UpdateMesh", e))?;
                (
                    "mesh",
                    out.mesh.ok_or_else(|| unexpected("UpdateMesh"))?.to_json(),
                )
            }
            Spec::VirtualGateway(spec) => {
                let mut spec = spec.clone();
                let before = spec.to_json();
                patch::virtual_gateway(&mut spec, &before, &after).map_err(unpatchable)?;
                let out = client
                    .update_virtual_gateway()
                    .mesh_name(mesh(resource))
                    .virtual_gateway_name(name(resource)?)
                    .set_mesh_owner(owner)
                    .client_token(client_token)
                    .spec(spec)
                    .send()
                    .await
                    .map_err(|e| classify("UpdateVirtualGateway", e))?;
                (
                    "virtualGateway",
                    out.virtual_gateway
                        .ok_or_else(|| unexpected("UpdateVirtualGateway"))?
                        .to_json(),
                )
            }
            Spec::VirtualNode(spec) => {
                let mut spec = spec.clone();
                let before = spec.to_json();
                patch::virtual_node(&mut spec, &before, &after).map_err(unpatchable)?;
                let out = client
                    .update_virtual_node()
                    .mesh_name(mesh(resource))
                    .virtual_node_name(name(resource)?)
                    .set_mesh_owner(owner)
                    .client_token(client_token)
                    .spec(spec)
                    .send()
                    .await
                    .map_err(|e| classify("UpdateVirtualNode", e))?;
                (
                    "virtualNode",
                    out.virtual_node
                        .ok_or_else(|| unexpected("UpdateVirtualNode"))?
                        .to_json(),
                )
            }
        };
        Resource::from_describe_value(&json!({ kind: data }))
            .map_err(|e| rejected(&format!("Update {kind}"), e.to_string()))
    }
}
