//! The VPC Lattice adapter of [`ResourceReader`] and [`ResourceWriter`], on the AWS SDK.
//!
//! A resource is described into the one document its rules read (see
//! `meshwarden_rules::lattice::model`): the resource's own `Get*` output and, for a service
//! network or a service, its auth policy, access log subscriptions and VPC associations or
//! listeners, all requested at once. Remediation writes only what VPC Lattice can change in place
//! ([`write`](mod@write)), then describes the resource again.

mod cursor;
pub mod to_json;
pub mod write;

use crate::adapters::aws::{
    classify, found, not_this_service, partition, rejected, tags_arn, Accounts, Clients,
};
use crate::core::error::{ErrorKind, PortError};
use crate::core::ports::{Described, Page, ResourceReader, ResourceWriter, Scope};
use aws_sdk_vpclattice::types as vl;
use aws_sdk_vpclattice::Client;
use cursor::Listing;
use futures::future::try_join_all;
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::{ResourceKind, ResourceRef};
use serde_json::{json, Value};
use to_json::ToJson;
use write::Write;

/// Resources per listing page ([`ResourceReader::list_page`]): `maxResults` of
/// `ListServiceNetworks`, `ListServices` and `ListTargetGroups`, at its documented maximum
/// (<https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_ListServiceNetworks.html>).
pub const PAGE_SIZE: i32 = 100;

/// What was described, kept for writing back.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// The resource's ARN (for tag look-ups).
    pub arn: Option<String>,
    /// A target group's described health check (written back whole with `enabled` changed).
    pub health_check: Option<vl::HealthCheckConfig>,
}

/// VPC Lattice through the AWS SDK, one client per (account, region), built on first use.
///
/// A resource of another account is reached with its member role when [`Accounts`] has one
/// (organisation mode); otherwise it is a resource shared with us, addressed by its ARN.
#[derive(Debug)]
pub struct LatticeAdapter {
    clients: Clients<Client>,
    page_size: i32,
}

impl LatticeAdapter {
    /// An adapter reaching `accounts`.
    pub fn new(accounts: Accounts) -> Self {
        LatticeAdapter {
            clients: Clients::new(accounts),
            page_size: PAGE_SIZE,
        }
    }

    /// The same adapter listing `page_size` resources per page (`maxResults`, 1 to 100), so a
    /// test reaches several pages with a few resources.
    pub fn with_page_size(self, page_size: i32) -> Self {
        LatticeAdapter { page_size, ..self }
    }

    /// How to name the resource in a request: its id in an account we reach as itself, its ARN
    /// (which names the owner) for a resource shared with us.
    fn identifier(&self, resource: &ResourceRef) -> Result<String, PortError> {
        let id = resource.id.as_str();
        if id.is_empty() {
            return Err(rejected(
                "Describe",
                format!("{resource} has no VPC Lattice id"),
            ));
        }
        let accounts = self.clients.accounts();
        let own = accounts
            .own_account()
            .is_none_or(|own| own == resource.account)
            || resource.account.is_empty()
            || accounts.through_member_role(&resource.account);
        Ok(if own {
            id.to_owned()
        } else {
            resource.arn(partition(&resource.region))
        })
    }

    /// The listed resources of `kind` this scope evaluates: in organisation mode another
    /// member's shared resource is listed in its owner's scope.
    fn ours(
        &self,
        scope: &Scope,
        kind: ResourceKind,
        found: Vec<(Option<String>, Option<String>)>,
    ) -> Vec<ResourceRef> {
        let accounts = self.clients.accounts();
        found
            .into_iter()
            .filter_map(|(id, arn)| {
                let account = arn_account(arn.as_deref()).unwrap_or(&scope.account);
                let elsewhere = account != scope.account && accounts.through_member_role(account);
                let id = id.filter(|_| !elsewhere)?;
                Some(ResourceRef::new(kind, account, &scope.region, id))
            })
            .collect()
    }

    async fn auth_policy(&self, client: &Client, id: &str) -> Result<Value, PortError> {
        let out = found(
            "GetAuthPolicy",
            client
                .get_auth_policy()
                .resource_identifier(id)
                .send()
                .await,
        )?;
        // No policy: 404, or an answer without one.
        Ok(match out {
            Some(policy) if policy.policy.is_some() => policy.to_json(),
            _ => Value::Null,
        })
    }

    async fn access_logs(&self, client: &Client, id: &str) -> Result<Value, PortError> {
        let items: Vec<vl::AccessLogSubscriptionSummary> = client
            .list_access_log_subscriptions()
            .resource_identifier(id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| classify("ListAccessLogSubscriptions", e))?;
        Ok(items.to_json())
    }

    async fn vpc_associations(&self, client: &Client, id: &str) -> Result<Value, PortError> {
        let summaries: Vec<vl::ServiceNetworkVpcAssociationSummary> = client
            .list_service_network_vpc_associations()
            .service_network_identifier(id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| classify("ListServiceNetworkVpcAssociations", e))?;
        // The summaries lack the security groups: each association is read in full, at once.
        let full = try_join_all(
            summaries
                .into_iter()
                .filter_map(|s| s.id)
                .map(|id| async move {
                    found(
                        "GetServiceNetworkVpcAssociation",
                        client
                            .get_service_network_vpc_association()
                            .service_network_vpc_association_identifier(id)
                            .send()
                            .await,
                    )
                }),
        )
        .await?;
        // An association deleted between the list and the get is no longer there.
        Ok(full.into_iter().flatten().collect::<Vec<_>>().to_json())
    }

    async fn listeners(&self, client: &Client, id: &str) -> Result<Value, PortError> {
        let summaries: Vec<vl::ListenerSummary> = client
            .list_listeners()
            .service_identifier(id)
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| classify("ListListeners", e))?;
        let full = try_join_all(
            summaries
                .into_iter()
                .filter_map(|s| s.id)
                .map(|l| async move {
                    found(
                        "GetListener",
                        client
                            .get_listener()
                            .service_identifier(id)
                            .listener_identifier(l)
                            .send()
                            .await,
                    )
                }),
        )
        .await?;
        Ok(full.into_iter().flatten().collect::<Vec<_>>().to_json())
    }

    async fn describe_network(
        &self,
        client: &Client,
        id: &str,
    ) -> Result<Option<Described<Snapshot>>, PortError> {
        let (network, policy, logs, associations) = futures::join!(
            client
                .get_service_network()
                .service_network_identifier(id)
                .send(),
            self.auth_policy(client, id),
            self.access_logs(client, id),
            self.vpc_associations(client, id),
        );
        let Some(network) = found("GetServiceNetwork", network)? else {
            return Ok(None);
        };
        let arn = network.arn.clone();
        document(
            json!({
                "serviceNetwork": network.to_json(),
                "authPolicy": policy?,
                "accessLogSubscriptions": logs?,
                "vpcAssociations": associations?,
            }),
            arn,
            None,
        )
    }

    async fn describe_service(
        &self,
        client: &Client,
        id: &str,
    ) -> Result<Option<Described<Snapshot>>, PortError> {
        let (service, listeners, policy, logs) = futures::join!(
            client.get_service().service_identifier(id).send(),
            self.listeners(client, id),
            self.auth_policy(client, id),
            self.access_logs(client, id),
        );
        let Some(service) = found("GetService", service)? else {
            return Ok(None);
        };
        let arn = service.arn.clone();
        document(
            json!({
                "service": service.to_json(),
                "listeners": listeners?,
                "authPolicy": policy?,
                "accessLogSubscriptions": logs?,
            }),
            arn,
            None,
        )
    }

    async fn describe_target_group(
        &self,
        client: &Client,
        id: &str,
    ) -> Result<Option<Described<Snapshot>>, PortError> {
        let out = found(
            "GetTargetGroup",
            client
                .get_target_group()
                .target_group_identifier(id)
                .send()
                .await,
        )?;
        let Some(group) = out else {
            return Ok(None);
        };
        let health_check = group.config.as_ref().and_then(|c| c.health_check.clone());
        document(
            json!({ "targetGroup": group.to_json() }),
            group.arn.clone(),
            health_check,
        )
    }

    /// Make one write.
    async fn write(
        &self,
        client: &Client,
        resource: &ResourceRef,
        current: &Described<Snapshot>,
        id: &str,
        (index, write): (usize, &Write),
        client_token: &str,
    ) -> Result<(), PortError> {
        match write {
            Write::PutAuthPolicy(policy) => client
                .put_auth_policy()
                .resource_identifier(id)
                .policy(policy)
                .send()
                .await
                .map(drop)
                .map_err(|e| classify("PutAuthPolicy", e)),
            Write::AuthType(auth) => {
                let auth = vl::AuthType::from(auth.as_str());
                match resource.kind {
                    ResourceKind::ServiceNetwork => client
                        .update_service_network()
                        .service_network_identifier(id)
                        .auth_type(auth)
                        .send()
                        .await
                        .map(drop)
                        .map_err(|e| classify("UpdateServiceNetwork", e)),
                    _ => client
                        .update_service()
                        .service_identifier(id)
                        .auth_type(auth)
                        .send()
                        .await
                        .map(drop)
                        .map_err(|e| classify("UpdateService", e)),
                }
            }
            Write::CreateAccessLog {
                destination_arn,
                log_type,
            } => client
                .create_access_log_subscription()
                .resource_identifier(id)
                .destination_arn(destination_arn)
                .set_service_network_log_type(
                    log_type.as_deref().map(vl::ServiceNetworkLogType::from),
                )
                // The same request with the same token is applied once.
                .client_token(format!("{client_token}-log{index}"))
                .send()
                .await
                .map(drop)
                .map_err(|e| classify("CreateAccessLogSubscription", e)),
            Write::HealthCheckEnabled(enabled) => {
                let described = current.snapshot.health_check.clone();
                client
                    .update_target_group()
                    .target_group_identifier(id)
                    .health_check(with_enabled(described, *enabled))
                    .send()
                    .await
                    .map(drop)
                    .map_err(|e| classify("UpdateTargetGroup", e))
            }
        }
    }
}

/// The described health check, `enabled` changed and every other setting kept.
fn with_enabled(described: Option<vl::HealthCheckConfig>, enabled: bool) -> vl::HealthCheckConfig {
    let described = described.unwrap_or_else(|| vl::HealthCheckConfig::builder().build());
    vl::HealthCheckConfig::builder()
        .enabled(enabled)
        .set_protocol(described.protocol)
        .set_protocol_version(described.protocol_version)
        .set_port(described.port)
        .set_path(described.path)
        .set_health_check_interval_seconds(described.health_check_interval_seconds)
        .set_health_check_timeout_seconds(described.health_check_timeout_seconds)
        .set_healthy_threshold_count(described.healthy_threshold_count)
        .set_unhealthy_threshold_count(described.unhealthy_threshold_count)
        .set_matcher(described.matcher)
        .build()
}

fn document(
    doc: Value,
    arn: Option<String>,
    health_check: Option<vl::HealthCheckConfig>,
) -> Result<Option<Described<Snapshot>>, PortError> {
    let resource =
        Resource::from_describe_value(&doc).map_err(|e| rejected("Describe", e.to_string()))?;
    Ok(Some(Described {
        resource,
        snapshot: Snapshot { arn, health_check },
    }))
}

/// The account in an ARN (`arn:aws:vpc-lattice:REGION:ACCOUNT:...`).
fn arn_account(arn: Option<&str>) -> Option<&str> {
    arn?.split(':').nth(4).filter(|a| !a.is_empty())
}

impl ResourceReader for LatticeAdapter {
    type Snapshot = Snapshot;

    async fn describe(
        &self,
        resource: &ResourceRef,
    ) -> Result<Option<Described<Snapshot>>, PortError> {
        let id = self.identifier(resource)?;
        let client = self.clients.get(&resource.account, &resource.region).await;
        match resource.kind {
            ResourceKind::ServiceNetwork => self.describe_network(&client, &id).await,
            ResourceKind::Service => self.describe_service(&client, &id).await,
            ResourceKind::TargetGroup => self.describe_target_group(&client, &id).await,
            other => Err(not_this_service(other, "VPC Lattice")),
        }
    }

    async fn tags(
        &self,
        resource: &ResourceRef,
        snapshot: &Snapshot,
    ) -> Result<Vec<Tag>, PortError> {
        let arn = tags_arn(resource, snapshot.arn.as_ref())?;
        let out = self
            .clients
            .get(&resource.account, &resource.region)
            .await
            .list_tags_for_resource()
            .resource_arn(arn)
            .send()
            .await
            .map_err(|e| classify("ListTagsForResource", e))?;
        let mut tags: Vec<Tag> = out
            .tags
            .unwrap_or_default()
            .into_iter()
            .map(|(key, value)| Tag { key, value })
            .collect();
        tags.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(tags)
    }

    /// One page of `ListServiceNetworks`, then of `ListServices`, then of `ListTargetGroups`
    /// ([`LatticeAdapter::with_page_size`] resources at most); the cursor names the listing and
    /// its `nextToken` (`cursor`).
    async fn list_page(
        &self,
        scope: &Scope,
        cursor: Option<&str>,
    ) -> Result<Page<ResourceRef>, PortError> {
        let at = cursor::Cursor::decode(cursor)?;
        let client = self.clients.get(&scope.account, &scope.region).await;
        let (kind, found, token) = match at.listing {
            Listing::ServiceNetworks => {
                let out = client
                    .list_service_networks()
                    .max_results(self.page_size)
                    .set_next_token(at.token)
                    .send()
                    .await
                    .map_err(|e| classify("ListServiceNetworks", e))?;
                let found = out.items.into_iter().map(|n| (n.id, n.arn)).collect();
                (ResourceKind::ServiceNetwork, found, out.next_token)
            }
            Listing::Services => {
                let out = client
                    .list_services()
                    .max_results(self.page_size)
                    .set_next_token(at.token)
                    .send()
                    .await
                    .map_err(|e| classify("ListServices", e))?;
                let found = out.items.unwrap_or_default().into_iter();
                let found = found.map(|s| (s.id, s.arn)).collect();
                (ResourceKind::Service, found, out.next_token)
            }
            Listing::TargetGroups => {
                let out = client
                    .list_target_groups()
                    .max_results(self.page_size)
                    .set_next_token(at.token)
                    .send()
                    .await
                    .map_err(|e| classify("ListTargetGroups", e))?;
                let found = out.items.unwrap_or_default().into_iter();
                let found = found.map(|g| (g.id, g.arn)).collect();
                (ResourceKind::TargetGroup, found, out.next_token)
            }
        };
        Ok(Page {
            items: self.ours(scope, kind, found),
            next: at.listing.after(token).map(|c| c.encode()),
        })
    }
}

impl ResourceWriter for LatticeAdapter {
    async fn update(
        &self,
        resource: &ResourceRef,
        current: &Described<Snapshot>,
        patched: &Resource,
        client_token: &str,
    ) -> Result<Resource, PortError> {
        let writes = write::writes(&current.resource, patched).map_err(|e| rejected("Patch", e))?;
        let id = self.identifier(resource)?;
        let client = self.clients.get(&resource.account, &resource.region).await;
        // In order: a failure stops the rest (the retry describes again and plans what is left).
        for step in writes.iter().enumerate() {
            self.write(&client, resource, current, &id, step, client_token)
                .await?;
        }
        match self.describe(resource).await? {
            Some(described) => Ok(described.resource),
            None => Err(PortError::new(
                "Describe",
                ErrorKind::NotFound,
                format!("{resource} vanished during its update"),
            )),
        }
    }
}
