//! The service adapters behind one [`MeshReader`]/[`MeshWriter`]: the one place in the engine
//! that names every service. The pipeline, the sweep and the store see resources and scopes; a
//! new service is one adapter module and one arm per method here.

use crate::appmesh::{self, AppMeshAdapter};
use crate::aws::Accounts;
use crate::error::{ErrorKind, PortError};
use crate::lattice::{self, LatticeAdapter};
use crate::ports::{Described, MeshReader, MeshWriter, Page, Scope};
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::{AwsService, ResourceRef};

/// What a service's adapter kept of a describe.
#[derive(Debug, Clone)]
pub enum ServiceSnapshot {
    /// App Mesh's.
    AppMesh(appmesh::Snapshot),
    /// VPC Lattice's.
    Lattice(lattice::Snapshot),
}

/// Every service Meshwarden evaluates, through the AWS SDK.
#[derive(Debug)]
pub struct AwsServices {
    appmesh: AppMeshAdapter,
    lattice: LatticeAdapter,
}

impl AwsServices {
    /// The adapters, reaching `accounts`.
    pub fn new(accounts: &Accounts) -> Self {
        AwsServices {
            appmesh: AppMeshAdapter::new(accounts.clone()),
            lattice: LatticeAdapter::new(accounts.clone()),
        }
    }

    /// The same adapters, VPC Lattice listing `page_size` resources per page
    /// ([`LatticeAdapter::with_page_size`]).
    pub fn with_lattice_page_size(self, page_size: i32) -> Self {
        AwsServices {
            lattice: self.lattice.with_page_size(page_size),
            ..self
        }
    }
}

/// The same describe, its snapshot wrapped as the service's.
fn wrap<S>(
    described: Option<Described<S>>,
    as_service: fn(S) -> ServiceSnapshot,
) -> Option<Described<ServiceSnapshot>> {
    described.map(|d| Described {
        resource: d.resource,
        snapshot: as_service(d.snapshot),
    })
}

/// `current` with its service's own snapshot.
fn unwrap<S: Clone>(current: &Described<ServiceSnapshot>, snapshot: &S) -> Described<S> {
    Described {
        resource: current.resource.clone(),
        snapshot: snapshot.clone(),
    }
}

fn mismatch(resource: &ResourceRef) -> PortError {
    PortError::new(
        "Update",
        ErrorKind::Rejected,
        format!("{resource}: described by another service's adapter"),
    )
}

impl MeshReader for AwsServices {
    type Snapshot = ServiceSnapshot;

    async fn describe(
        &self,
        resource: &ResourceRef,
    ) -> Result<Option<Described<ServiceSnapshot>>, PortError> {
        Ok(match resource.service() {
            AwsService::AppMesh => wrap(
                self.appmesh.describe(resource).await?,
                ServiceSnapshot::AppMesh,
            ),
            AwsService::VpcLattice => wrap(
                self.lattice.describe(resource).await?,
                ServiceSnapshot::Lattice,
            ),
        })
    }

    async fn tags(
        &self,
        resource: &ResourceRef,
        snapshot: &ServiceSnapshot,
    ) -> Result<Vec<Tag>, PortError> {
        match snapshot {
            ServiceSnapshot::AppMesh(s) => self.appmesh.tags(resource, s).await,
            ServiceSnapshot::Lattice(s) => self.lattice.tags(resource, s).await,
        }
    }

    async fn list_page(
        &self,
        scope: &Scope,
        cursor: Option<&str>,
    ) -> Result<Page<ResourceRef>, PortError> {
        match scope.service {
            AwsService::AppMesh => self.appmesh.list_page(scope, cursor).await,
            AwsService::VpcLattice => self.lattice.list_page(scope, cursor).await,
        }
    }
}

impl MeshWriter for AwsServices {
    async fn update(
        &self,
        resource: &ResourceRef,
        current: &Described<ServiceSnapshot>,
        patched: &Resource,
        client_token: &str,
    ) -> Result<Resource, PortError> {
        match (resource.service(), &current.snapshot) {
            (AwsService::AppMesh, ServiceSnapshot::AppMesh(s)) => {
                self.appmesh
                    .update(resource, &unwrap(current, s), patched, client_token)
                    .await
            }
            (AwsService::VpcLattice, ServiceSnapshot::Lattice(s)) => {
                self.lattice
                    .update(resource, &unwrap(current, s), patched, client_token)
                    .await
            }
            _ => Err(mismatch(resource)),
        }
    }
}
