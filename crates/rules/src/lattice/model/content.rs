//! What a VPC Lattice revert writes and compares ([`crate::model::Document::revert_content`]):
//! the members its rules and its remediation read, and nothing that AWS changes on its own or
//! assigns itself — the id, the auth type, the auth policy's document (not its `state`, which
//! follows the auth type and may lag a write by minutes), each access log subscription's
//! destination and log type (not its id, ARN or timestamps), each VPC association's VPC and
//! security groups (not its status), each listener's protocol and port, a service's custom
//! domain and certificate, a target group's type and configuration. Lists are sorted, so their
//! order does not count. Members such as `numberOfAssociatedVPCs`, `serviceArns`, DNS entries,
//! statuses and timestamps are left out.

use super::{
    AccessLogSubscription, AuthPolicy, ServiceDocument, ServiceNetworkDocument, TargetGroupDocument,
};
use serde_json::{json, Value};

/// A service network's content.
pub(super) fn service_network(doc: &ServiceNetworkDocument) -> Value {
    json!({
        "id": doc.service_network.id,
        "authType": doc.service_network.auth_type,
        "authPolicy": policy(doc.auth_policy.as_ref()),
        "accessLogSubscriptions": subscriptions(doc.access_log_subscriptions.as_deref()),
        "vpcAssociations": doc.vpc_associations.as_ref().map(|associations| {
            sorted(associations.iter().map(|a| {
                let mut groups = a.security_group_ids.clone().unwrap_or_default();
                groups.sort();
                json!([a.vpc_id, groups])
            }))
        }),
    })
}

/// A service's content.
pub(super) fn service(doc: &ServiceDocument) -> Value {
    json!({
        "id": doc.service.id,
        "authType": doc.service.auth_type,
        "customDomainName": doc.service.custom_domain_name,
        "certificateArn": doc.service.certificate_arn,
        "authPolicy": policy(doc.auth_policy.as_ref()),
        "accessLogSubscriptions": subscriptions(doc.access_log_subscriptions.as_deref()),
        "listeners": doc.listeners.as_ref().map(|listeners| {
            sorted(listeners.iter().map(|l| json!([l.id, l.protocol, l.port])))
        }),
    })
}

/// A target group's content.
pub(super) fn target_group(doc: &TargetGroupDocument) -> Value {
    json!({
        "id": doc.target_group.id,
        "type": doc.target_group.target_type,
        "config": doc.target_group.config,
    })
}

/// The auth policy's document, parsed so that whitespace and member order do not count (kept as
/// text when it is not JSON); `None` when not described, `Some(None)` when there is none.
fn policy(policy: Option<&Option<AuthPolicy>>) -> Option<Option<Value>> {
    policy.map(|policy| {
        policy
            .as_ref()
            .and_then(|p| p.policy.as_deref())
            .map(|text| serde_json::from_str::<Value>(text).unwrap_or_else(|_| Value::from(text)))
    })
}

/// Each subscription's destination and log type, sorted.
fn subscriptions(logs: Option<&[AccessLogSubscription]>) -> Option<Vec<Value>> {
    logs.map(|logs| {
        sorted(
            logs.iter()
                .map(|l| json!([l.destination_arn, l.service_network_log_type])),
        )
    })
}

fn sorted(items: impl Iterator<Item = Value>) -> Vec<Value> {
    let mut items: Vec<Value> = items.collect();
    items.sort_by_cached_key(Value::to_string);
    items
}
