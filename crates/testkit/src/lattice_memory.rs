//! [`MemoryLattice`]: VPC Lattice in memory, beside the App Mesh-shaped
//! [`crate::memory::MemoryMesh`], for fast tests of the pipeline's decisions on versionless
//! resources (the emulator tests stay for every SDK path).
//!
//! It holds what the VPC Lattice API holds and describes it into the document the SDK adapter
//! builds (`meshwarden_engine::services::lattice`): a service network with its `authType`, auth policy,
//! access log subscriptions and VPC associations; a service with its listeners, auth policy and
//! subscriptions; a target group with its health check. As in AWS, an auth policy's `state`
//! follows the resource's auth type (`Active` only under `AWS_IAM`), a created subscription gets
//! an id, an ARN and timestamps no plan can know, `clientToken` makes a subscription's creation
//! idempotent, and nothing has a version. Updates are made as the adapter makes them (the
//! writes [`meshwarden_engine::services::lattice::write::writes`] plans, in order, then a describe);
//! faults can be queued for the describe, the listing, the tags and each kind of write, before
//! the write or after it landed (the answer lost).

use crate::memory::{fault, lock, offset_page, Faults, Strike};
use crate::{ACCOUNT, REGION};
use meshwarden_engine::core::error::{ErrorKind, PortError};
use meshwarden_engine::core::ports::{Described, Page, ResourceReader, ResourceWriter, Scope};
use meshwarden_engine::services::lattice::write::{writes, Write};
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::{AwsService, ResourceKind, ResourceRef};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};

/// One resource: its own `Get*` output and the parts described with it.
#[derive(Debug, Clone)]
struct Held {
    resource: ResourceRef,
    /// `GetServiceNetwork`/`GetService`/`GetTargetGroup` output.
    own: Value,
    /// `{policy, createdAt, lastUpdatedAt}` (the state is computed at each read).
    policy: Option<Value>,
    /// A service network's VPC associations (`GetServiceNetworkVpcAssociation` outputs).
    associations: Vec<Value>,
}

/// The resources of a [`MemoryLattice`].
#[derive(Default)]
pub struct LatticeWorld {
    held: BTreeMap<String, Held>,
    /// Access log subscriptions by id (each names its `resourceId`).
    subscriptions: BTreeMap<String, Value>,
    /// clientToken → (destination, subscription id) of `CreateAccessLogSubscription`.
    tokens: HashMap<String, (String, String)>,
    next_id: u64,
    clock: f64,
    faults: Faults,
    /// Every write applied: (resource id, operation, client token when the call takes one).
    pub writes: Vec<(String, &'static str, Option<String>)>,
    /// Describe calls, by resource id (faulted ones included).
    pub describes: BTreeMap<String, u32>,
    /// Resources per listing page (`None`: one page).
    pub page_size: Option<usize>,
    /// Listing pages served (faulted ones included).
    pub pages: u32,
}

fn auth_state(auth: &Value) -> &'static str {
    if auth == "AWS_IAM" {
        "Active"
    } else {
        "Inactive"
    }
}

impl LatticeWorld {
    fn tick(&mut self) -> f64 {
        self.clock += 1.0;
        self.clock
    }

    fn new_id(&mut self, prefix: &str) -> String {
        self.next_id += 1;
        format!("{prefix}-{:017x}", self.next_id)
    }

    fn arn(path: &str) -> String {
        format!("arn:aws:vpc-lattice:{REGION}:{ACCOUNT}:{path}")
    }

    fn hold(&mut self, kind: ResourceKind, id: &str, own: Value) -> ResourceRef {
        let resource = ResourceRef::new(kind, ACCOUNT, REGION, id);
        self.held.insert(
            id.to_owned(),
            Held {
                resource: resource.clone(),
                own,
                policy: None,
                associations: Vec::new(),
            },
        );
        resource
    }

    /// Every resource held in `scope`, by id.
    fn listing(&self, scope: &Scope) -> Vec<ResourceRef> {
        self.held
            .values()
            .map(|h| &h.resource)
            .filter(|r| {
                scope.service == AwsService::VpcLattice
                    && r.region == scope.region
                    && (scope.account.is_empty() || r.account == scope.account)
            })
            .cloned()
            .collect()
    }

    fn held(&mut self, id: &str) -> Result<&mut Held, PortError> {
        self.held.get_mut(id).ok_or_else(|| {
            PortError::new("Lattice", ErrorKind::NotFound, format!("{id} not found"))
        })
    }

    /// A service network with this auth type (`NONE`/`AWS_IAM`).
    pub fn create_network(&mut self, auth: &str) -> ResourceRef {
        let (id, now) = (self.new_id("sn"), self.tick());
        let own = json!({"id": id, "name": id, "arn": Self::arn(&format!("servicenetwork/{id}")),
            "authType": auth, "createdAt": now, "lastUpdatedAt": now,
            "numberOfAssociatedVPCs": 0, "numberOfAssociatedServices": 0});
        self.hold(ResourceKind::ServiceNetwork, &id, own)
    }

    /// A service with this auth type and no listeners.
    pub fn create_service(&mut self, auth: &str) -> ResourceRef {
        let (id, now) = (self.new_id("svc"), self.tick());
        let own = json!({"id": id, "name": id, "arn": Self::arn(&format!("service/{id}")),
            "authType": auth, "status": "ACTIVE", "createdAt": now, "lastUpdatedAt": now});
        self.hold(ResourceKind::Service, &id, own)
    }

    /// An IP target group over `protocol`, its health check on or off (`None`: not set).
    pub fn create_target_group(&mut self, protocol: &str, health: Option<bool>) -> ResourceRef {
        let (id, now) = (self.new_id("tg"), self.tick());
        let mut config =
            json!({"port": 443, "protocol": protocol, "vpcIdentifier": "vpc-0example"});
        if let Some(enabled) = health {
            config["healthCheck"] = json!({"enabled": enabled, "path": "/healthz"});
        }
        let own = json!({"id": id, "name": id, "arn": Self::arn(&format!("targetgroup/{id}")),
            "type": "IP", "status": "ACTIVE", "config": config,
            "createdAt": now, "lastUpdatedAt": now});
        self.hold(ResourceKind::TargetGroup, &id, own)
    }

    /// Set a service network's or service's auth type, as someone else would.
    pub fn set_auth_type(&mut self, id: &str, auth: &str) -> Result<(), PortError> {
        let now = self.tick();
        let held = self.held(id)?;
        held.own["authType"] = json!(auth);
        held.own["lastUpdatedAt"] = json!(now);
        Ok(())
    }

    /// Put an auth policy on a service network or service.
    pub fn put_auth_policy(&mut self, id: &str, policy: &str) -> Result<(), PortError> {
        let now = self.tick();
        let held = self.held(id)?;
        let created = held
            .policy
            .as_ref()
            .map_or(json!(now), |p| p["createdAt"].clone());
        held.policy = Some(json!({"policy": policy, "createdAt": created, "lastUpdatedAt": now}));
        Ok(())
    }

    /// Remove a resource's auth policy.
    pub fn delete_auth_policy(&mut self, id: &str) -> Result<(), PortError> {
        self.held(id)?.policy = None;
        Ok(())
    }

    /// Subscribe a resource's access logs to `destination` (a `clientToken` seen with the same
    /// destination returns the subscription it made); the subscription's id.
    pub fn subscribe_access_logs(
        &mut self,
        id: &str,
        destination: &str,
        client_token: Option<&str>,
    ) -> Result<String, PortError> {
        if let Some((seen, made)) = client_token.and_then(|t| self.tokens.get(t)) {
            return if seen == destination {
                Ok(made.clone())
            } else {
                Err(PortError::new(
                    "CreateAccessLogSubscription",
                    ErrorKind::Rejected,
                    "clientToken used with other parameters",
                ))
            };
        }
        let resource_arn = self.held(id)?.own["arn"].clone();
        let (als, now) = (self.new_id("als"), self.tick());
        let subscription = json!({"id": als,
            "arn": Self::arn(&format!("accesslogsubscription/{als}")),
            "resourceId": id, "resourceArn": resource_arn, "destinationArn": destination,
            "createdAt": now, "lastUpdatedAt": now});
        self.subscriptions.insert(als.clone(), subscription);
        if let Some(token) = client_token {
            self.tokens
                .insert(token.to_owned(), (destination.to_owned(), als.clone()));
        }
        Ok(als)
    }

    /// Delete one access log subscription.
    pub fn delete_access_log(&mut self, subscription: &str) -> Option<Value> {
        self.subscriptions.remove(subscription)
    }

    /// The ids of a resource's access log subscriptions, oldest first.
    pub fn access_logs_of(&self, id: &str) -> Vec<String> {
        self.subscriptions
            .values()
            .filter(|s| s["resourceId"] == id)
            .filter_map(|s| s["id"].as_str().map(str::to_owned))
            .collect()
    }

    /// Switch a target group's health check on or off (every other setting kept).
    pub fn set_health_check(&mut self, id: &str, enabled: bool) -> Result<(), PortError> {
        let now = self.tick();
        let held = self.held(id)?;
        held.own["config"]["healthCheck"]["enabled"] = json!(enabled);
        held.own["lastUpdatedAt"] = json!(now);
        Ok(())
    }

    /// Associate a VPC with a service network, as a network owner would: the network's
    /// `numberOfAssociatedVPCs` changes with no one touching the network itself.
    pub fn associate_vpc(&mut self, id: &str, security_groups: &[&str]) -> Result<(), PortError> {
        let (association, now) = (self.new_id("snva"), self.tick());
        let held = self.held(id)?;
        let vpcs = held.own["numberOfAssociatedVPCs"].as_u64().unwrap_or(0) + 1;
        held.own["numberOfAssociatedVPCs"] = json!(vpcs);
        held.associations
            .push(json!({"id": association, "status": "ACTIVE",
            "serviceNetworkId": id, "vpcId": format!("vpc-{association}"),
            "securityGroupIds": security_groups, "createdAt": now, "lastUpdatedAt": now}));
        Ok(())
    }

    /// Delete a resource (its policy and subscriptions go with it).
    pub fn delete(&mut self, id: &str) {
        self.held.remove(id);
        self.subscriptions.retain(|_, s| s["resourceId"] != id);
    }

    /// The describe document of a resource, as the SDK adapter builds it.
    pub fn document(&self, id: &str) -> Option<Value> {
        let held = self.held.get(id)?;
        let policy = || match &held.policy {
            Some(p) => {
                let mut p = p.clone();
                p["state"] = json!(auth_state(&held.own["authType"]));
                p
            }
            None => Value::Null,
        };
        let logs = || {
            Value::Array(
                self.subscriptions
                    .values()
                    .filter(|s| s["resourceId"] == id)
                    .cloned()
                    .collect(),
            )
        };
        Some(match held.resource.kind {
            ResourceKind::ServiceNetwork => json!({"serviceNetwork": held.own,
                "authPolicy": policy(), "accessLogSubscriptions": logs(),
                "vpcAssociations": held.associations}),
            ResourceKind::Service => json!({"service": held.own, "listeners": [],
                "authPolicy": policy(), "accessLogSubscriptions": logs()}),
            _ => json!({"targetGroup": held.own}),
        })
    }

    /// Make one planned write, as the adapter does (`token`: the update's client token); what
    /// was applied, `None` for a creation the token had already made.
    fn apply(
        &mut self,
        resource: &ResourceRef,
        id: &str,
        (index, write): (usize, &Write),
        token: &str,
    ) -> Result<Option<(&'static str, Option<String>)>, PortError> {
        Ok(Some(match write {
            Write::PutAuthPolicy(policy) => {
                self.put_auth_policy(id, policy)?;
                ("PutAuthPolicy", None)
            }
            Write::AuthType(auth) => {
                self.set_auth_type(id, auth)?;
                match resource.kind {
                    ResourceKind::ServiceNetwork => ("UpdateServiceNetwork", None),
                    _ => ("UpdateService", None),
                }
            }
            Write::CreateAccessLog {
                destination_arn, ..
            } => {
                let token = format!("{token}-log{index}");
                let replay = self.tokens.contains_key(&token);
                self.subscribe_access_logs(id, destination_arn, Some(&token))?;
                if replay {
                    return Ok(None);
                }
                ("CreateAccessLogSubscription", Some(token))
            }
            Write::HealthCheckEnabled(enabled) => {
                self.set_health_check(id, *enabled)?;
                ("UpdateTargetGroup", None)
            }
        }))
    }
}

/// The operation name faults are queued under for a planned write.
fn operation(resource: &ResourceRef, write: &Write) -> &'static str {
    match write {
        Write::PutAuthPolicy(_) => "PutAuthPolicy",
        Write::AuthType(_) if resource.kind == ResourceKind::ServiceNetwork => {
            "UpdateServiceNetwork"
        }
        Write::AuthType(_) => "UpdateService",
        Write::CreateAccessLog { .. } => "CreateAccessLogSubscription",
        Write::HealthCheckEnabled(_) => "UpdateTargetGroup",
    }
}

/// VPC Lattice in memory.
#[derive(Clone, Default)]
pub struct MemoryLattice(Arc<Mutex<LatticeWorld>>);

impl MemoryLattice {
    /// Work on the resources directly.
    pub fn world(&self) -> MutexGuard<'_, LatticeWorld> {
        lock(&self.0)
    }

    /// Queue a fault for the next call of `operation`: `describe`, `list`, `tags`, or a write
    /// (`PutAuthPolicy`, `UpdateServiceNetwork`, `UpdateService`, `CreateAccessLogSubscription`,
    /// `UpdateTargetGroup`). A write's [`Strike::After`] lands it and loses the answer.
    pub fn fail(&self, operation: &'static str, kind: ErrorKind, strike: Strike) {
        self.world().faults.push(operation, kind, strike);
    }

    /// The writes applied to one resource: (operation, client token).
    pub fn writes_to(&self, id: &str) -> Vec<(&'static str, Option<String>)> {
        self.world()
            .writes
            .iter()
            .filter(|(r, _, _)| r == id)
            .map(|(_, op, token)| (*op, token.clone()))
            .collect()
    }

    fn describe_now(&self, resource: &ResourceRef) -> Result<Option<Resource>, PortError> {
        let mut world = self.world();
        let id = resource.id.clone();
        *world.describes.entry(id.clone()).or_default() += 1;
        if let Some((kind, _)) = world.faults.take("describe") {
            return Err(fault("Describe", kind));
        }
        world
            .document(&id)
            .map(|doc| {
                Resource::from_describe_value(&doc)
                    .map_err(|e| PortError::new("Describe", ErrorKind::Rejected, e.to_string()))
            })
            .transpose()
    }
}

impl ResourceReader for MemoryLattice {
    type Snapshot = ();

    async fn describe(&self, resource: &ResourceRef) -> Result<Option<Described<()>>, PortError> {
        Ok(self.describe_now(resource)?.map(|resource| Described {
            resource,
            snapshot: (),
        }))
    }

    async fn tags(&self, _resource: &ResourceRef, _snapshot: &()) -> Result<Vec<Tag>, PortError> {
        self.world().faults.no_tags()
    }

    async fn list(&self, scope: &Scope) -> Result<Vec<ResourceRef>, PortError> {
        let mut world = self.world();
        if let Some((kind, _)) = world.faults.take("list") {
            return Err(fault("List", kind));
        }
        Ok(world.listing(scope))
    }

    /// Pages of [`LatticeWorld::page_size`] resources; the cursor is the next one's offset.
    async fn list_page(
        &self,
        scope: &Scope,
        cursor: Option<&str>,
    ) -> Result<Page<ResourceRef>, PortError> {
        let mut world = self.world();
        world.pages += 1;
        if let Some((kind, _)) = world.faults.take("list") {
            return Err(fault("List", kind));
        }
        offset_page(world.listing(scope), world.page_size, cursor)
    }
}

impl ResourceWriter for MemoryLattice {
    async fn update(
        &self,
        resource: &ResourceRef,
        current: &Described<()>,
        patched: &Resource,
        client_token: &str,
    ) -> Result<Resource, PortError> {
        let plan = writes(&current.resource, patched)
            .map_err(|e| PortError::new("Patch", ErrorKind::Rejected, e))?;
        let id = resource.id.clone();
        for step in plan.iter().enumerate() {
            let mut world = self.world();
            let op = operation(resource, step.1);
            let injected = world.faults.take(op);
            if let Some((kind, Strike::Before)) = injected {
                return Err(fault(op, kind));
            }
            if let Some((op, token)) = world.apply(resource, &id, step, client_token)? {
                world.writes.push((id.clone(), op, token));
            }
            if let Some((kind, Strike::After)) = injected {
                return Err(fault(op, kind));
            }
        }
        self.describe_now(resource)?.ok_or_else(|| {
            PortError::new(
                "Describe",
                ErrorKind::NotFound,
                format!("{resource} vanished during its update"),
            )
        })
    }
}
