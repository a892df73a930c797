//! The service adapters behind one [`ResourceReader`]/[`ResourceWriter`]: the one place in the
//! engine that names every service, in [`AwsServices::new`] — one line per service. The
//! pipeline, the sweep and the store see resources and scopes; each adapter (one folder per
//! service) implements the ports with its own snapshot type, and [`Adapter`] erases that type so
//! the services can be held in one table.

pub mod appmesh;
pub mod ecs;
pub mod lattice;

use crate::adapters::aws::Accounts;
use crate::core::error::{ErrorKind, PortError};
use crate::core::ports::{Described, Page, ResourceReader, ResourceWriter, Scope};
use futures::future::BoxFuture;
use futures::FutureExt;
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::{AwsService, ResourceRef};
use std::any::Any;
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// What a service's adapter kept of a describe, its type known only to that adapter.
#[derive(Clone)]
pub struct ServiceSnapshot(Arc<dyn Any + Send + Sync>);

impl fmt::Debug for ServiceSnapshot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServiceSnapshot(..)")
    }
}

/// One service's adapter with its snapshot type erased: what [`AwsServices`] holds per service.
trait Adapter: Send + Sync + fmt::Debug {
    fn describe<'a>(
        &'a self,
        resource: &'a ResourceRef,
    ) -> BoxFuture<'a, Result<Option<Described<ServiceSnapshot>>, PortError>>;
    fn tags<'a>(
        &'a self,
        resource: &'a ResourceRef,
        snapshot: &'a ServiceSnapshot,
    ) -> BoxFuture<'a, Result<Vec<Tag>, PortError>>;
    fn list_page<'a>(
        &'a self,
        scope: &'a Scope,
        cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Page<ResourceRef>, PortError>>;
    fn update<'a>(
        &'a self,
        resource: &'a ResourceRef,
        current: &'a Described<ServiceSnapshot>,
        patched: &'a Resource,
        client_token: &'a str,
    ) -> BoxFuture<'a, Result<Resource, PortError>>;
}

/// The snapshot as an `S` (the adapter's own type), or, for a snapshot another service's adapter
/// made, the `operation`'s error.
fn own<'a, S: 'static>(
    operation: &str,
    resource: &ResourceRef,
    snapshot: &'a ServiceSnapshot,
) -> Result<&'a S, PortError> {
    snapshot.0.downcast_ref::<S>().ok_or_else(|| {
        PortError::new(
            operation,
            ErrorKind::Rejected,
            format!("{resource}: described by another service's adapter"),
        )
    })
}

impl<A> Adapter for A
where
    A: ResourceWriter + fmt::Debug,
    A::Snapshot: Clone + Send + Sync + 'static,
{
    fn describe<'a>(
        &'a self,
        resource: &'a ResourceRef,
    ) -> BoxFuture<'a, Result<Option<Described<ServiceSnapshot>>, PortError>> {
        async move {
            Ok(ResourceReader::describe(self, resource)
                .await?
                .map(|d| Described {
                    resource: d.resource,
                    snapshot: ServiceSnapshot(Arc::new(d.snapshot)),
                }))
        }
        .boxed()
    }

    fn tags<'a>(
        &'a self,
        resource: &'a ResourceRef,
        snapshot: &'a ServiceSnapshot,
    ) -> BoxFuture<'a, Result<Vec<Tag>, PortError>> {
        async move { ResourceReader::tags(self, resource, own("Tags", resource, snapshot)?).await }
            .boxed()
    }

    fn list_page<'a>(
        &'a self,
        scope: &'a Scope,
        cursor: Option<&'a str>,
    ) -> BoxFuture<'a, Result<Page<ResourceRef>, PortError>> {
        ResourceReader::list_page(self, scope, cursor).boxed()
    }

    fn update<'a>(
        &'a self,
        resource: &'a ResourceRef,
        current: &'a Described<ServiceSnapshot>,
        patched: &'a Resource,
        client_token: &'a str,
    ) -> BoxFuture<'a, Result<Resource, PortError>> {
        async move {
            let current = Described {
                resource: current.resource.clone(),
                snapshot: own::<A::Snapshot>("Update", resource, &current.snapshot)?.clone(),
            };
            ResourceWriter::update(self, resource, &current, patched, client_token).await
        }
        .boxed()
    }
}

/// Every service Meshwarden evaluates, through the AWS SDK: one adapter per service (none in
/// [`AwsServices::default`]).
#[derive(Debug, Default)]
pub struct AwsServices {
    adapters: BTreeMap<AwsService, Box<dyn Adapter>>,
}

impl AwsServices {
    /// The adapters, reaching `accounts`. Registering a service is one line here.
    pub fn new(accounts: &Accounts) -> Self {
        AwsServices::default()
            .with(
                AwsService::AppMesh,
                appmesh::AppMeshAdapter::new(accounts.clone()),
            )
            .with(
                AwsService::VpcLattice,
                lattice::LatticeAdapter::new(accounts.clone()),
            )
            .with(AwsService::Ecs, ecs::EcsAdapter::new(accounts.clone()))
    }

    /// The same adapters, `service`'s replaced by `adapter` (a test lists VPC Lattice in small
    /// pages with [`lattice::LatticeAdapter::with_page_size`]).
    pub fn with<A>(mut self, service: AwsService, adapter: A) -> Self
    where
        A: ResourceWriter + fmt::Debug + 'static,
        A::Snapshot: Clone + Send + Sync + 'static,
    {
        self.adapters.insert(service, Box::new(adapter));
        self
    }

    fn adapter(&self, service: AwsService) -> Result<&dyn Adapter, PortError> {
        self.adapters.get(&service).map(Box::as_ref).ok_or_else(|| {
            PortError::new(
                "Describe",
                ErrorKind::Rejected,
                format!("no adapter is registered for {service}"),
            )
        })
    }
}

impl ResourceReader for AwsServices {
    type Snapshot = ServiceSnapshot;

    async fn describe(
        &self,
        resource: &ResourceRef,
    ) -> Result<Option<Described<ServiceSnapshot>>, PortError> {
        self.adapter(resource.service())?.describe(resource).await
    }

    async fn tags(
        &self,
        resource: &ResourceRef,
        snapshot: &ServiceSnapshot,
    ) -> Result<Vec<Tag>, PortError> {
        self.adapter(resource.service())?
            .tags(resource, snapshot)
            .await
    }

    async fn list_page(
        &self,
        scope: &Scope,
        cursor: Option<&str>,
    ) -> Result<Page<ResourceRef>, PortError> {
        self.adapter(scope.service)?.list_page(scope, cursor).await
    }
}

impl ResourceWriter for AwsServices {
    async fn update(
        &self,
        resource: &ResourceRef,
        current: &Described<ServiceSnapshot>,
        patched: &Resource,
        client_token: &str,
    ) -> Result<Resource, PortError> {
        self.adapter(resource.service())?
            .update(resource, current, patched, client_token)
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshwarden_rules::resource::ResourceKind;

    /// An adapter whose snapshot is a `T` and whose resources are all `resource`.
    #[derive(Debug)]
    struct Fixed<T>(T);

    impl<T: Clone + fmt::Debug + Send + Sync + 'static> ResourceReader for Fixed<T> {
        type Snapshot = T;

        async fn describe(
            &self,
            resource: &ResourceRef,
        ) -> Result<Option<Described<T>>, PortError> {
            let document = serde_json::json!({"mesh": {"meshName": resource.id}});
            Ok(Some(Described {
                resource: Resource::from_describe_value(&document).expect("a mesh document"),
                snapshot: self.0.clone(),
            }))
        }

        async fn tags(&self, _: &ResourceRef, _: &T) -> Result<Vec<Tag>, PortError> {
            Ok(Vec::new())
        }

        async fn list_page(
            &self,
            scope: &Scope,
            _: Option<&str>,
        ) -> Result<Page<ResourceRef>, PortError> {
            Ok(Page {
                items: vec![ResourceRef::new(
                    ResourceKind::Mesh,
                    &scope.account,
                    &scope.region,
                    format!("{:?}", self.0),
                )],
                next: None,
            })
        }
    }

    impl<T: Clone + fmt::Debug + Send + Sync + 'static> ResourceWriter for Fixed<T> {
        async fn update(
            &self,
            _: &ResourceRef,
            current: &Described<T>,
            patched: &Resource,
            _: &str,
        ) -> Result<Resource, PortError> {
            assert_eq!(format!("{:?}", current.snapshot), format!("{:?}", self.0));
            Ok(patched.clone())
        }
    }

    fn mesh(id: &str) -> ResourceRef {
        ResourceRef::new(ResourceKind::Mesh, "111122223333", "eu-west-1", id)
    }

    #[tokio::test]
    async fn each_service_reaches_its_own_adapter_and_a_foreign_snapshot_is_refused() {
        let services = AwsServices::default()
            .with(AwsService::AppMesh, Fixed(7_u8))
            .with(AwsService::Ecs, Fixed(String::from("ecs")));
        let scope = |service| Scope {
            service,
            account: "111122223333".into(),
            region: "eu-west-1".into(),
        };
        let listed = ResourceReader::list_page(&services, &scope(AwsService::Ecs), None)
            .await
            .unwrap();
        assert_eq!(listed.items[0].id, "\"ecs\"");
        let unregistered =
            ResourceReader::list_page(&services, &scope(AwsService::VpcLattice), None).await;
        assert_eq!(unregistered.unwrap_err().kind, ErrorKind::Rejected);

        let resource = mesh("m");
        let described = ResourceReader::describe(&services, &resource)
            .await
            .unwrap()
            .unwrap();
        let patched = described.resource.clone();
        // Its own snapshot goes back to the adapter that made it, as that adapter's type.
        assert_eq!(
            ResourceWriter::update(&services, &resource, &described, &patched, "t")
                .await
                .unwrap(),
            patched
        );
        // A snapshot made by another service's adapter is refused, never misread.
        let foreign = Described {
            resource: described.resource.clone(),
            snapshot: ServiceSnapshot(Arc::new(String::from("ecs"))),
        };
        let refused = ResourceWriter::update(&services, &resource, &foreign, &patched, "t").await;
        assert_eq!(refused.unwrap_err().kind, ErrorKind::Rejected);
    }
}
