//! SDK types → the Amazon ECS API's JSON (camelCase), as `aws ecs describe-services` prints it:
//! the members the contract's `ecsService` document names and everything the Service Connect
//! rules and the writer read (timestamps as epoch seconds, which the model treats as opaque).

pub use crate::adapters::aws::to_json::ToJson;
use crate::adapters::aws::to_json::{json_enum, json_struct, json_union};
use aws_sdk_ecs::types as ecs;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

json_enum!(
    ecs::DeploymentRolloutState,
    ecs::LogDriver,
    ecs::ServiceConnectAccessLoggingFormat,
    ecs::ServiceConnectIncludeQueryParameters,
    ecs::ServiceConnectContainerLogLevel
);

json_struct! {
    ecs::Service { "serviceArn" => service_arn, "serviceName" => service_name,
        "clusterArn" => cluster_arn, "status" => status, "taskDefinition" => task_definition,
        "createdAt" => created_at, "createdBy" => created_by, "tags" => tags,
        "deployments" => deployments }
    ecs::Tag { "key" => key, "value" => value }
    ecs::Deployment { "id" => id, "status" => status, "taskDefinition" => task_definition,
        "createdAt" => created_at, "updatedAt" => updated_at, "rolloutState" => rollout_state,
        "serviceConnectConfiguration" => service_connect_configuration }
    ecs::ServiceConnectConfiguration { "enabled" => enabled, "namespace" => namespace,
        "services" => services, "logConfiguration" => log_configuration,
        "accessLogConfiguration" => access_log_configuration,
        "containerConfigurations" => container_configurations }
    ecs::ServiceConnectService { "portName" => port_name, "discoveryName" => discovery_name,
        "clientAliases" => client_aliases, "ingressPortOverride" => ingress_port_override,
        "timeout" => timeout, "tls" => tls }
    ecs::ServiceConnectClientAlias { "port" => port, "dnsName" => dns_name,
        "testTrafficRules" => test_traffic_rules }
    ecs::ServiceConnectTestTrafficRules { "header" => header }
    ecs::ServiceConnectTestTrafficHeaderRules { "name" => name, "value" => value }
    ecs::ServiceConnectTestTrafficHeaderMatchRules { "exact" => exact }
    ecs::TimeoutConfiguration { "idleTimeoutSeconds" => idle_timeout_seconds,
        "perRequestTimeoutSeconds" => per_request_timeout_seconds }
    ecs::ServiceConnectTlsConfiguration {
        "issuerCertificateAuthority" => issuer_certificate_authority, "kmsKey" => kms_key,
        "roleArn" => role_arn }
    ecs::ServiceConnectTlsCertificateAuthority { "awsPcaAuthorityArn" => aws_pca_authority_arn }
    ecs::LogConfiguration { "logDriver" => log_driver, "options" => options,
        "secretOptions" => secret_options }
    ecs::Secret { "name" => name, "valueFrom" => value_from }
    ecs::ServiceConnectAccessLogConfiguration { "format" => format,
        "includeQueryParameters" => include_query_parameters }
}

json_union! {
    ecs::ServiceConnectContainerConfiguration { LogLevel => "logLevel" }
}

impl ToJson for HashMap<String, String> {
    /// A string map (`logConfiguration.options`), its keys sorted so equal maps print equally.
    fn to_json(&self) -> Value {
        let sorted: BTreeMap<&String, &String> = self.iter().collect();
        Value::Object(
            sorted
                .into_iter()
                .map(|(k, v)| (k.clone(), Value::from(v.as_str())))
                .collect::<Map<String, Value>>(),
        )
    }
}
