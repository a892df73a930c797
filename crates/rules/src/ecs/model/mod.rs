//! Serde mirrors of the Amazon ECS API's JSON (camelCase) that the Service Connect rules read:
//! the document `{"ecsService": <one element of DescribeServices' services[]>}`.
//!
//! ECS keeps a `serviceConnectConfiguration` per deployment; the one in force is the one of the
//! deployment whose `status` is `PRIMARY` ([`EcsServiceDocument::primary_configuration`]). A
//! service whose `status` is `INACTIVE` (deleted) or `DRAINING` (being deleted) is gone.
//!
//! Every struct keeps the members it does not name in `extra`, so parse → serialize loses
//! nothing. As for the other services, a member whose value is `null` is read as absent.
//! ECS services have no version: the service ARN (and so the id) of one deleted and re-created
//! under the same name is the same; `createdAt` tells the incarnations apart.

mod document;

use crate::model::Tag;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// The `status` of a deployment whose configuration is in force.
pub const PRIMARY: &str = "PRIMARY";
/// The `status` of a deleted service (`DescribeServices` still returns it for a while).
pub const INACTIVE: &str = "INACTIVE";
/// The `status` of a service being deleted.
pub const DRAINING: &str = "DRAINING";

/// The ECS service document.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EcsServiceDocument {
    /// One element of `DescribeServices`' `services[]`.
    pub ecs_service: EcsServiceData,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One element of `DescribeServices`' `services[]` (the API's `Service`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EcsServiceData {
    /// The service's ARN (new format `…:service/{cluster}/{service}`, old `…:service/{service}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_arn: Option<String>,
    /// The service's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_name: Option<String>,
    /// The cluster's ARN, `…:cluster/{cluster}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cluster_arn: Option<String>,
    /// `ACTIVE`, `DRAINING` or `INACTIVE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The service's tags (`DescribeServices` with `include: [TAGS]`); `None` when not asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tags: Option<Vec<Tag>>,
    /// The deployments, the `PRIMARY` one first as ECS lists them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployments: Option<Vec<Deployment>>,
    /// Members this model does not name (`createdAt`, `createdBy`, `taskDefinition`, ...), kept
    /// verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One of a service's `deployments[]` (the API's `Deployment`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Deployment {
    /// The deployment's id, `ecs-svc/…`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `PRIMARY` (the newest), `ACTIVE` (being replaced) or `INACTIVE`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// The Service Connect configuration of the deployment's tasks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_connect_configuration: Option<ServiceConnectConfiguration>,
    /// Members this model does not name (`taskDefinition`, `createdAt`, `updatedAt`,
    /// `rolloutState`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ServiceConnectConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceConnectConfiguration {
    /// Whether Service Connect is on (required by the API; absent is read as off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enabled: Option<bool>,
    /// The Cloud Map namespace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub namespace: Option<String>,
    /// The endpoints the service publishes; absent or empty for a client-only configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<Vec<ServiceConnectService>>,
    /// Where the Service Connect agent's logs go (`logDriver`, `options`, `secretOptions`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_configuration: Option<Value>,
    /// The access logs of the Service Connect proxy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_log_configuration: Option<AccessLogConfiguration>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ServiceConnectConfiguration {
    /// Whether the configuration is on.
    pub fn is_enabled(&self) -> bool {
        self.enabled == Some(true)
    }

    /// The endpoints the service publishes (empty for a client-only configuration).
    pub fn published(&self) -> &[ServiceConnectService] {
        self.services.as_deref().unwrap_or_default()
    }
}

/// `ServiceConnectService`: one endpoint the service publishes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceConnectService {
    /// The task definition's port mapping name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_name: Option<String>,
    /// The proxy's timeouts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timeout: Option<TimeoutConfiguration>,
    /// TLS between Service Connect proxies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ServiceConnectTls>,
    /// Members this model does not name (`discoveryName`, `clientAliases`,
    /// `ingressPortOverride`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `TimeoutConfiguration`; 0 disables a timeout, absent means ECS's default.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TimeoutConfiguration {
    /// How long a connection may stay idle.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub idle_timeout_seconds: Option<i64>,
    /// How long a request may take.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_request_timeout_seconds: Option<i64>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ServiceConnectTlsConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceConnectTls {
    /// The AWS Private CA that issues the proxies' certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer_certificate_authority: Option<IssuerCertificateAuthority>,
    /// The KMS key that encrypts the private keys.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key: Option<String>,
    /// The IAM role ECS uses to obtain the certificates.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ServiceConnectTlsCertificateAuthority`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct IssuerCertificateAuthority {
    /// The AWS Private CA's ARN.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_pca_authority_arn: Option<String>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `ServiceConnectAccessLogConfiguration`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessLogConfiguration {
    /// `TEXT` or `JSON`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// `ENABLED` or `DISABLED`; absent means ECS's default, `DISABLED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub include_query_parameters: Option<String>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl EcsServiceDocument {
    /// The deployment whose `status` is `PRIMARY`, when there is one.
    pub fn primary(&self) -> Option<&Deployment> {
        self.ecs_service
            .deployments
            .as_deref()?
            .iter()
            .find(|d| d.status.as_deref() == Some(PRIMARY))
    }

    /// The `PRIMARY` deployment, to change.
    pub fn primary_mut(&mut self) -> Option<&mut Deployment> {
        self.ecs_service
            .deployments
            .as_mut()?
            .iter_mut()
            .find(|d| d.status.as_deref() == Some(PRIMARY))
    }

    /// The Service Connect configuration in force: the `PRIMARY` deployment's.
    pub fn primary_configuration(&self) -> Option<&ServiceConnectConfiguration> {
        self.primary()?.service_connect_configuration.as_ref()
    }

    /// The cluster's name: the last segment of `clusterArn` (`…:cluster/{name}`).
    pub fn cluster_name(&self) -> Option<&str> {
        let arn = self.ecs_service.cluster_arn.as_deref()?;
        arn.rsplit_once(":cluster/").map(|(_, name)| name)
    }

    /// Whether the service is gone: `INACTIVE` (deleted) or `DRAINING` (being deleted).
    pub fn is_gone(&self) -> bool {
        matches!(
            self.ecs_service.status.as_deref(),
            Some(INACTIVE) | Some(DRAINING)
        )
    }
}

#[cfg(test)]
pub(crate) mod tests;
