//! Serde mirrors of the VPC Lattice API's JSON (camelCase): the three documents the rules read,
//! each assembled from the outputs of the API's `Get*`/`List*` calls (what `aws vpc-lattice get-*`
//! prints):
//!
//! * `{"serviceNetwork": <GetServiceNetwork>, "authPolicy": <GetAuthPolicy> | null,
//!   "accessLogSubscriptions": [<ListAccessLogSubscriptions items>],
//!   "vpcAssociations": [<GetServiceNetworkVpcAssociation>]}`
//! * `{"service": <GetService>, "listeners": [<GetListener>], "authPolicy": <GetAuthPolicy> | null,
//!   "accessLogSubscriptions": [...]}`
//! * `{"targetGroup": <GetTargetGroup>}`
//!
//! Every struct keeps the members it does not name in `extra`, so parse → serialize loses
//! nothing. As for App Mesh, a member whose value is `null` is read as absent, with one
//! exception: `authPolicy` tells three states apart — absent (not described), `null` (the
//! resource has no auth policy) and an object.
//!
//! Lattice resources have no version: [`crate::model::Resource::version`] is `None` for them.
//! Their id changes when one is deleted and re-created, so the id is the incarnation.

mod access;
mod content;
mod document;

use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

/// The listener protocol that passes TLS through to the targets.
pub const TLS_PASSTHROUGH: &str = "TLS_PASSTHROUGH";

/// Read a member that may be `null` as `Some(None)`, so that only an absent member is `None`.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The service network document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceNetworkDocument {
    /// `GetServiceNetwork`'s output.
    pub service_network: ServiceNetworkData,
    /// `GetAuthPolicy`'s output: `None` when not described, `Some(None)` when there is none.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_policy: Option<Option<AuthPolicy>>,
    /// `ListAccessLogSubscriptions`' items; `None` when not described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_log_subscriptions: Option<Vec<AccessLogSubscription>>,
    /// `GetServiceNetworkVpcAssociation`'s output for each association; `None` when not described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_associations: Option<Vec<VpcAssociation>>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The service document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDocument {
    /// `GetService`'s output.
    pub service: ServiceData,
    /// `GetListener`'s output for each listener; `None` when not described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<ListenerData>>,
    /// `GetAuthPolicy`'s output: `None` when not described, `Some(None)` when there is none.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    pub auth_policy: Option<Option<AuthPolicy>>,
    /// `ListAccessLogSubscriptions`' items; `None` when not described.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_log_subscriptions: Option<Vec<AccessLogSubscription>>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The target group document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetGroupDocument {
    /// `GetTargetGroup`'s output.
    pub target_group: TargetGroupData,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GetServiceNetwork`'s output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceNetworkData {
    /// The id, `sn-…`.
    pub id: String,
    /// The ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `NONE` or `AWS_IAM`; absent means `NONE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<String>,
    /// Members this model does not name (`createdAt`, `lastUpdatedAt`, `sharingConfig`,
    /// `numberOfAssociatedVPCs`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GetService`'s output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceData {
    /// The id, `svc-…`.
    pub id: String,
    /// The ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `NONE` or `AWS_IAM`; absent means `NONE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_type: Option<String>,
    /// The custom domain name, when the service has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_domain_name: Option<String>,
    /// The ACM certificate served for the custom domain name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_arn: Option<String>,
    /// `ACTIVE`, `CREATE_IN_PROGRESS`, `DELETE_IN_PROGRESS`, `CREATE_FAILED` or `DELETE_FAILED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Members this model does not name (`dnsEntry`, `createdAt`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GetListener`'s output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerData {
    /// The id, `listener-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `HTTP`, `HTTPS` or `TLS_PASSTHROUGH`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The listening port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// Members this model does not name (`defaultAction`, `arn`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GetAuthPolicy`'s output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AuthPolicy {
    /// The IAM policy, as a JSON string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<String>,
    /// `Active` (the auth type is `AWS_IAM`) or `Inactive`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// Members this model does not name (`createdAt`, `lastUpdatedAt`), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One of `ListAccessLogSubscriptions`' items.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessLogSubscription {
    /// The id, `als-…`; absent on an entry remediation asks to create.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Where the logs go: a CloudWatch Logs group, a Firehose stream or an S3 bucket.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination_arn: Option<String>,
    /// For a service network: `SERVICE` or `RESOURCE` logs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_network_log_type: Option<String>,
    /// Members this model does not name (`arn`, `resourceArn`, `resourceId`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GetServiceNetworkVpcAssociation`'s output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VpcAssociation {
    /// The id, `snva-…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The associated VPC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vpc_id: Option<String>,
    /// The security groups that control which traffic from the VPC reaches the network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_group_ids: Option<Vec<String>>,
    /// `ACTIVE`, `CREATE_IN_PROGRESS`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `GetTargetGroup`'s output.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetGroupData {
    /// The id, `tg-…`.
    pub id: String,
    /// The ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub arn: Option<String>,
    /// The name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// `IP`, `LAMBDA`, `INSTANCE` or `ALB`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub target_type: Option<String>,
    /// `ACTIVE`, `CREATE_IN_PROGRESS`, `DELETE_IN_PROGRESS`, `CREATE_FAILED` or `DELETE_FAILED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The target group's settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<TargetGroupConfig>,
    /// Members this model does not name (`serviceArns`, `createdAt`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `TargetGroupConfig`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TargetGroupConfig {
    /// `HTTP`, `HTTPS` or `TCP`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The targets' port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<i64>,
    /// `healthCheck`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<HealthCheck>,
    /// Members this model does not name (`protocolVersion`, `vpcIdentifier`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `HealthCheckConfig`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct HealthCheck {
    /// Whether health checking is on; absent means AWS's default, on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// Members this model does not name (`path`, `matcher`, thresholds, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

#[cfg(test)]
mod tests;
