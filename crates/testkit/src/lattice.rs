//! VPC Lattice on the emulator: resources in the states the rules care about, and the
//! CloudTrail events of the calls that change them.

use crate::{api_call_event, Harness, ACCOUNT, REGION};
use aws_sdk_vpclattice::types as vl;
use serde_json::{json, Value};
use std::time::Duration;

/// An auth policy that lets only one account's principals in.
pub fn restrictive_policy() -> String {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"AWS": format!("arn:aws:iam::{ACCOUNT}:root")},
        "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]})
    .to_string()
}

/// The canonical id of a service network, a service or a target group.
pub fn lattice_id(kind: &str, id: &str) -> String {
    format!("lattice:{ACCOUNT}:{REGION}:{kind}/{id}")
}

/// An EventBridge "AWS API Call via CloudTrail" event for a VPC Lattice call, timed `age` ago.
pub fn lattice_event(
    event_name: &str,
    request: Value,
    response: Value,
    actor_role: &str,
    age: Duration,
) -> Value {
    api_call_event(
        ("aws.vpc-lattice", "vpc-lattice.amazonaws.com"),
        event_name,
        request,
        response,
        actor_role,
        age,
    )
}

/// An UpdateServiceNetwork event setting `auth`, by a person.
pub fn update_network_event(id: &str, auth: &str) -> Value {
    lattice_event(
        "UpdateServiceNetwork",
        json!({"serviceNetworkIdentifier": id, "authType": auth}),
        json!({"id": id, "authType": auth}),
        crate::HUMAN_ROLE,
        Duration::ZERO,
    )
}

impl Harness {
    /// A service network with this auth type; returns its id.
    pub async fn create_network(&self, name: &str, auth: vl::AuthType) -> String {
        let out = self
            .lattice
            .create_service_network()
            .name(name)
            .auth_type(auth)
            .send()
            .await
            .unwrap();
        out.id.unwrap()
    }

    /// A service with this auth type; returns its id.
    pub async fn create_lattice_service(&self, name: &str, auth: vl::AuthType) -> String {
        let out = self
            .lattice
            .create_service()
            .name(name)
            .auth_type(auth)
            .send()
            .await
            .unwrap();
        out.id.unwrap()
    }

    /// Put `policy` on a service network or service.
    pub async fn put_auth_policy(&self, id: &str, policy: &str) {
        self.lattice
            .put_auth_policy()
            .resource_identifier(id)
            .policy(policy)
            .send()
            .await
            .unwrap();
    }

    /// A service network's or service's auth type and auth policy document, as described now.
    pub async fn auth_of(&self, id: &str) -> (Option<String>, Option<String>) {
        let auth = if id.starts_with("sn-") {
            let out = self
                .lattice
                .get_service_network()
                .service_network_identifier(id);
            out.send().await.unwrap().auth_type
        } else {
            let out = self.lattice.get_service().service_identifier(id);
            out.send().await.unwrap().auth_type
        };
        let policy = match self
            .lattice
            .get_auth_policy()
            .resource_identifier(id)
            .send()
            .await
        {
            Ok(out) => out.policy,
            Err(_) => None,
        };
        (auth.map(|a| a.as_str().to_owned()), policy)
    }

    /// Set a service network's auth type (as a person would).
    pub async fn set_network_auth(&self, id: &str, auth: vl::AuthType) {
        self.lattice
            .update_service_network()
            .service_network_identifier(id)
            .auth_type(auth)
            .send()
            .await
            .unwrap();
    }

    /// A target group of IP targets over `protocol` with its health check on or off.
    pub async fn create_target_group(&self, name: &str, protocol: &str, health: bool) -> String {
        let config = vl::TargetGroupConfig::builder()
            .port(443)
            .protocol(vl::TargetGroupProtocol::from(protocol))
            .vpc_identifier("vpc-0example")
            .health_check(
                vl::HealthCheckConfig::builder()
                    .enabled(health)
                    .path("/healthz")
                    .build(),
            )
            .build();
        let out = self
            .lattice
            .create_target_group()
            .name(name)
            .r#type(vl::TargetGroupType::Ip)
            .config(config)
            .send()
            .await
            .unwrap();
        out.id.unwrap()
    }

    /// A listener on a service, forwarding to `target_group`.
    pub async fn create_listener(
        &self,
        service: &str,
        protocol: &str,
        port: i32,
        target_group: &str,
    ) {
        let forward = vl::ForwardAction::builder()
            .target_groups(
                vl::WeightedTargetGroup::builder()
                    .target_group_identifier(target_group)
                    .weight(100)
                    .build()
                    .unwrap(),
            )
            .build()
            .unwrap();
        self.lattice
            .create_listener()
            .service_identifier(service)
            .name(crate::unique("listener"))
            .protocol(vl::ListenerProtocol::from(protocol))
            .port(port)
            .default_action(vl::RuleAction::Forward(forward))
            .send()
            .await
            .unwrap();
    }

    /// Associate a VPC with a service network through `security_groups`.
    pub async fn associate_vpc(&self, network: &str, vpc: &str, security_groups: &[&str]) {
        self.lattice
            .create_service_network_vpc_association()
            .service_network_identifier(network)
            .vpc_identifier(vpc)
            .set_security_group_ids(Some(
                security_groups.iter().map(|g| (*g).to_owned()).collect(),
            ))
            .send()
            .await
            .unwrap();
    }

    /// Send a resource's access logs to `destination`; returns the subscription's id.
    pub async fn subscribe_access_logs(&self, id: &str, destination: &str) -> String {
        let out = self
            .lattice
            .create_access_log_subscription()
            .resource_identifier(id)
            .destination_arn(destination)
            .send()
            .await
            .unwrap();
        out.id
    }

    /// A resource's access log subscriptions now.
    pub async fn access_logs(&self, id: &str) -> Vec<vl::AccessLogSubscriptionSummary> {
        let out = self
            .lattice
            .list_access_log_subscriptions()
            .resource_identifier(id)
            .send()
            .await
            .unwrap();
        out.items
    }

    /// The destinations a resource's access logs go to now.
    pub async fn access_log_destinations(&self, id: &str) -> Vec<String> {
        let items = self.access_logs(id).await;
        items.into_iter().map(|i| i.destination_arn).collect()
    }
}

/// An auth policy that lets anyone in (an `Allow` for principal `*` without a condition).
pub fn open_policy() -> String {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "vpc-lattice-svcs:Invoke", "Resource": "*"}]})
    .to_string()
}

/// A PutAuthPolicy event putting `policy` on a service network or service, by a person.
pub fn put_auth_policy_event(id: &str, policy: &str) -> Value {
    lattice_event(
        "PutAuthPolicy",
        json!({"resourceIdentifier": id, "policy": policy}),
        json!({"policy": policy}),
        crate::HUMAN_ROLE,
        Duration::ZERO,
    )
}

/// A DeleteAccessLogSubscription event (it names only the subscription), by a person.
pub fn delete_access_log_event(subscription: &str) -> Value {
    lattice_event(
        "DeleteAccessLogSubscription",
        json!({"accessLogSubscriptionIdentifier": subscription}),
        Value::Null,
        crate::HUMAN_ROLE,
        Duration::ZERO,
    )
}

/// An UpdateTargetGroup event switching a target group's health check on or off, by a person.
pub fn update_health_check_event(target_group: &str, enabled: bool) -> Value {
    lattice_event(
        "UpdateTargetGroup",
        json!({"targetGroupIdentifier": target_group, "healthCheck": {"enabled": enabled}}),
        json!({"id": target_group}),
        crate::HUMAN_ROLE,
        Duration::ZERO,
    )
}

/// A harness admin call to the emulator (`{AWS_ENDPOINT_URL}/__harness/lattice/{action}`, see
/// tests/harness/README.md): its JSON answer. Never through the fault proxy.
pub fn emulator_admin(method: &str, action: &str, body: Option<&Value>) -> Value {
    let url = format!("{}/__harness/lattice/{action}", crate::endpoint());
    let mut curl = std::process::Command::new("curl");
    curl.args(["-sf", "-X", method, &url]);
    if let Some(body) = body {
        curl.args([
            "-H",
            "Content-Type: application/json",
            "-d",
            &body.to_string(),
        ]);
    }
    let out = curl.output().expect("curl runs");
    assert!(
        out.status.success(),
        "harness call {method} {action} failed"
    );
    serde_json::from_slice(&out.stdout).expect("the harness answers JSON")
}

/// The writes the emulator applied to one VPC Lattice resource (by id), per operation
/// (`UpdateServiceNetwork`, `PutAuthPolicy`, `CreateAccessLogSubscription`, ...).
pub fn lattice_writes(id: &str) -> std::collections::BTreeMap<String, u64> {
    let all = emulator_admin("GET", "writes", None);
    all[id]
        .as_object()
        .map(|ops| {
            ops.iter()
                .map(|(op, n)| (op.clone(), n.as_u64().unwrap_or_default()))
                .collect()
        })
        .unwrap_or_default()
}

impl Harness {
    /// Delete every access log subscription of a resource (as a person would); their ids.
    pub async fn delete_access_logs(&self, id: &str) -> Vec<String> {
        let mut deleted = Vec::new();
        for item in self.access_logs(id).await {
            self.lattice
                .delete_access_log_subscription()
                .access_log_subscription_identifier(&item.id)
                .send()
                .await
                .unwrap();
            deleted.push(item.id);
        }
        deleted
    }

    /// Switch a target group's health check on or off (as a person would).
    pub async fn set_health_check(&self, target_group: &str, enabled: bool) {
        self.lattice
            .update_target_group()
            .target_group_identifier(target_group)
            .health_check(
                vl::HealthCheckConfig::builder()
                    .enabled(enabled)
                    .path("/healthz")
                    .build(),
            )
            .send()
            .await
            .unwrap();
    }

    /// Whether a target group's health check is on, as described now.
    pub async fn health_check_enabled(&self, target_group: &str) -> Option<bool> {
        let out = self
            .lattice
            .get_target_group()
            .target_group_identifier(target_group)
            .send()
            .await
            .unwrap();
        out.config
            .and_then(|c| c.health_check)
            .and_then(|h| h.enabled)
    }
}
