//! The Amazon ECS Service Connect adapter of [`ResourceReader`] and [`ResourceWriter`], on the AWS SDK.
//!
//! A service is described with one `DescribeServices` call (`include: [TAGS]`, so its tags come
//! with it) into the document its rules read (`{"ecsService": <Service>}`, see
//! `meshwarden_rules::ecs::model`). Listing pages `ListClusters`, then `ListServices` of each
//! cluster ([`cursor`]). A revert is one `UpdateService` that carries the `PRIMARY` deployment's
//! planned `serviceConnectConfiguration` and nothing else ([`write`]); it starts a new
//! deployment, so it is made only when that configuration is not already in force.

mod cursor;
pub mod to_json;
pub mod write;

use crate::adapters::aws::{classify, not_this_service, rejected, Accounts, Clients};
use crate::core::error::{ErrorKind, PortError};
use crate::core::ports::{Described, Page, ResourceReader, ResourceWriter, Scope};
use aws_sdk_ecs::types as ecs;
use aws_sdk_ecs::Client;
use cursor::Cursor;
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::ResourceRef;
use serde_json::json;
use to_json::ToJson;

/// Clusters per `ListClusters` page and services per `ListServices` page, at the documented
/// maximum (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ListServices.html>).
pub const PAGE_SIZE: i32 = 100;

/// The `DescribeServices` failure reason of a service that does not exist.
const MISSING: &str = "MISSING";

/// What was described, kept for the tag rules: the tags `DescribeServices` returned.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    /// The service's tags, sorted by key.
    pub tags: Vec<Tag>,
}

/// Amazon ECS through the AWS SDK, one client per (account, region), built on first use. ECS
/// services are not shared across accounts: a service of another account is reached with that
/// account's member role.
#[derive(Debug)]
pub struct EcsAdapter {
    clients: Clients<Client>,
    page_size: i32,
}

impl EcsAdapter {
    /// An adapter reaching `accounts`.
    pub fn new(accounts: Accounts) -> Self {
        EcsAdapter {
            clients: Clients::new(accounts),
            page_size: PAGE_SIZE,
        }
    }

    /// The same adapter listing `page_size` clusters and services per page (`maxResults`, 1 to
    /// 100), so a test reaches several pages with a few resources.
    pub fn with_page_size(self, page_size: i32) -> Self {
        EcsAdapter { page_size, ..self }
    }

    async fn client(&self, account: &str, region: &str) -> Client {
        self.clients.get(account, region).await
    }
}

/// The cluster and service names of an ECS service reference.
fn names(resource: &ResourceRef) -> Result<(&str, &str), PortError> {
    resource
        .ecs_names()
        .ok_or_else(|| not_this_service(resource.kind, "Amazon ECS"))
}

/// The last `/` segment of an ARN (`…:cluster/{name}`, `…:service/[{cluster}/]{name}`).
fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// The service a listed ARN names, in the scope's account (else the ARN's) and region.
fn listed(scope: &Scope, cluster_arn: &str, service_arn: &str) -> ResourceRef {
    let account = if scope.account.is_empty() {
        service_arn.split(':').nth(4).unwrap_or_default()
    } else {
        &scope.account
    };
    ResourceRef::ecs(
        account,
        &scope.region,
        last_segment(cluster_arn),
        last_segment(service_arn),
    )
}

/// The document of one described service, and its tags.
fn described(service: &ecs::Service) -> Result<Described<Snapshot>, PortError> {
    let document = json!({ "ecsService": service.to_json() });
    let resource = Resource::from_describe_value(&document)
        .map_err(|e| rejected("DescribeServices", e.to_string()))?;
    let mut tags: Vec<Tag> = service
        .tags()
        .iter()
        .filter_map(|t| {
            Some(Tag {
                key: t.key.clone()?,
                value: t.value.clone().unwrap_or_default(),
            })
        })
        .collect();
    tags.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(Described {
        resource,
        snapshot: Snapshot { tags },
    })
}

impl ResourceReader for EcsAdapter {
    type Snapshot = Snapshot;

    async fn describe(
        &self,
        resource: &ResourceRef,
    ) -> Result<Option<Described<Snapshot>>, PortError> {
        let (cluster, service) = names(resource)?;
        let client = self.client(&resource.account, &resource.region).await;
        let answer = client
            .describe_services()
            .cluster(cluster)
            .services(service)
            .include(ecs::ServiceField::Tags)
            .send()
            .await;
        let out = match answer {
            Ok(out) => out,
            // No such cluster: no such service either.
            Err(err)
                if err
                    .as_service_error()
                    .is_some_and(|e| e.is_cluster_not_found_exception()) =>
            {
                return Ok(None)
            }
            Err(err) => return Err(classify("DescribeServices", err)),
        };
        let wanted = |s: &&ecs::Service| s.service_name.as_deref() == Some(service);
        if let Some(service) = out.services().iter().find(wanted) {
            return described(service).map(Some);
        }
        match out.failures().iter().find(|f| f.reason() != Some(MISSING)) {
            None => Ok(None),
            Some(failure) => Err(rejected(
                "DescribeServices",
                format!(
                    "{resource}: {} ({})",
                    failure.reason().unwrap_or("failure"),
                    failure.detail().unwrap_or_default()
                ),
            )),
        }
    }

    async fn tags(&self, _: &ResourceRef, snapshot: &Snapshot) -> Result<Vec<Tag>, PortError> {
        Ok(snapshot.tags.clone())
    }

    /// One `ListServices` page of one cluster, after a `ListClusters` page when the clusters
    /// fetched so far are all listed ([`cursor`]).
    async fn list_page(
        &self,
        scope: &Scope,
        cursor: Option<&str>,
    ) -> Result<Page<ResourceRef>, PortError> {
        let mut at = Cursor::decode(cursor)?;
        let client = self.client(&scope.account, &scope.region).await;
        if at.needs_clusters() {
            let out = client
                .list_clusters()
                .max_results(self.page_size)
                .set_next_token(at.clusters_token.clone())
                .send()
                .await
                .map_err(|e| classify("ListClusters", e))?;
            at.fetched_clusters(out.cluster_arns.unwrap_or_default(), out.next_token);
        }
        let mut items = Vec::new();
        if let Some(cluster) = at.clusters.first().cloned() {
            let out = client
                .list_services()
                .cluster(&cluster)
                .max_results(self.page_size)
                .set_next_token(at.services_token.clone())
                .send()
                .await
                .map_err(|e| classify("ListServices", e))?;
            items = out
                .service_arns()
                .iter()
                .map(|arn| listed(scope, &cluster, arn))
                .collect();
            at.listed_services(out.next_token);
        }
        Ok(Page {
            items,
            next: at.encode(),
        })
    }
}

impl ResourceWriter for EcsAdapter {
    /// `UpdateService` with the planned `serviceConnectConfiguration` only, then describe again.
    /// `UpdateService` takes no client token: a retry stays idempotent because the pipeline
    /// describes again first (a configuration already in force is "already reverted") and
    /// [`write::plan`] makes no write when the `PRIMARY` deployment already carries it.
    async fn update(
        &self,
        resource: &ResourceRef,
        current: &Described<Snapshot>,
        patched: &Resource,
        _client_token: &str,
    ) -> Result<Resource, PortError> {
        let (cluster, service) = names(resource)?;
        let planned = write::plan(&current.resource, patched).map_err(|e| rejected("Patch", e))?;
        if let Some(configuration) = planned {
            self.client(&resource.account, &resource.region)
                .await
                .update_service()
                .cluster(cluster)
                .service(service)
                .service_connect_configuration(configuration)
                .send()
                .await
                .map_err(|e| classify("UpdateService", e))?;
        }
        match self.describe(resource).await? {
            Some(described) => Ok(described.resource),
            None => Err(PortError::new(
                "DescribeServices",
                ErrorKind::NotFound,
                format!("{resource} vanished during its update"),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn service(deployment: &str, idle: i64) -> Resource {
        Resource::from_describe_value(&json!({"ecsService": {
            "serviceName": "payments", "status": "ACTIVE", "createdAt": 1.0,
            "deployments": [
                {"id": deployment, "status": "PRIMARY", "updatedAt": 2.0, "rolloutState": "IN_PROGRESS",
                 "serviceConnectConfiguration": {"enabled": true,
                    "services": [{"portName": "api", "timeout": {"idleTimeoutSeconds": idle}}]}},
                {"id": "ecs-svc/0", "status": "ACTIVE"}]}}))
        .unwrap()
    }

    #[test]
    fn the_revert_compares_only_the_primary_configuration() {
        // A new PRIMARY deployment with the same configuration (our write, an image deploy)
        // holds the same content; another configuration does not.
        assert_eq!(
            crate::core::identity::content_of(&service("ecs-svc/1", 300).to_describe_value()),
            crate::core::identity::content_of(&service("ecs-svc/2", 300).to_describe_value())
        );
        let content =
            |resource: Resource| crate::core::identity::content_of(&resource.to_describe_value());
        assert_ne!(
            content(service("ecs-svc/1", 300)),
            content(service("ecs-svc/1", 0))
        );
        // The deployment is the revision: a redeploy with the same configuration is a change.
        assert_eq!(
            service("ecs-svc/1", 300)
                .as_document()
                .revision()
                .as_deref(),
            Some("PRIMARY deployment ecs-svc/1")
        );
        assert_ne!(
            crate::core::identity::revision_of(&service("ecs-svc/1", 300).to_describe_value()),
            crate::core::identity::revision_of(&service("ecs-svc/2", 300).to_describe_value())
        );
        assert_eq!(
            content(service("ecs-svc/1", 0))["serviceConnectConfiguration"]["services"][0]
                ["timeout"]["idleTimeoutSeconds"],
            0
        );
    }
}
