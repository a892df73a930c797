//! Amazon ECS Service Connect on the emulator (moto plus `tests/harness/ecs_fidelity.py`, which
//! keeps the configuration per deployment as ECS does): clusters, services with a given Service
//! Connect configuration, the updates that change it or leave it alone, and the CloudTrail events
//! of those calls.

use crate::{api_call_event, Harness, ACCOUNT, REGION};
use aws_sdk_ecs::types as ecs;
use serde_json::{json, Value};
use std::time::Duration;

/// The Private CA that issues the Service Connect TLS certificates of compliant configurations.
pub const PCA_ARN: &str =
    "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
/// The role ECS is passed for Service Connect TLS (`tls.roleArn`).
pub const TLS_ROLE_ARN: &str = "arn:aws:iam::123456789012:role/meshwarden-test-sc-tls";
/// The Cloud Map namespace of every configuration (the emulator does not check it).
pub const NAMESPACE: &str = "meshwarden-test";

/// ECS's EventBridge `source` and CloudTrail `eventSource`, for [`crate::api_call_event`].
pub const ECS_SOURCE: (&str, &str) = ("aws.ecs", "ecs.amazonaws.com");

/// The stored id of a service (`ecs:{account}:{region}:service/{cluster}/{service}`).
pub fn ecs_id(cluster: &str, service: &str) -> String {
    format!("ecs:{ACCOUNT}:{REGION}:service/{cluster}/{service}")
}

/// A Service Connect configuration with one client-server entry (`portName` "http"), described by
/// what the ECS rules look at. [`ServiceConnect::compliant`] passes every rule; each `without_*` /
/// `with_*` breaks one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ServiceConnect {
    /// `services[].tls` with a Private CA and [`TLS_ROLE_ARN`] (rule `ecs-sc-tls`).
    pub tls: bool,
    /// `logConfiguration` and `accessLogConfiguration` (rule `ecs-sc-access-logs`).
    pub access_logs: bool,
    /// `includeQueryParameters: ENABLED` (rule `ecs-sc-access-log-query-parameters`).
    pub query_parameters: bool,
    /// `services[].timeout.idleTimeoutSeconds: 0` (rule `ecs-sc-timeouts-enabled`).
    pub zero_timeout: bool,
    /// No `services` at all: a client-only configuration.
    pub client_only: bool,
}

impl ServiceConnect {
    /// TLS, access logs without query strings, timeouts set.
    pub fn compliant() -> Self {
        ServiceConnect {
            tls: true,
            access_logs: true,
            query_parameters: false,
            zero_timeout: false,
            client_only: false,
        }
    }

    /// Without `services[].tls`.
    pub fn without_tls(self) -> Self {
        ServiceConnect { tls: false, ..self }
    }

    /// Without `logConfiguration` and `accessLogConfiguration`.
    pub fn without_access_logs(self) -> Self {
        ServiceConnect {
            access_logs: false,
            ..self
        }
    }

    /// Access logs that include query strings.
    pub fn with_query_parameters(self) -> Self {
        ServiceConnect {
            query_parameters: true,
            ..self
        }
    }

    /// An idle timeout of 0 (disabled).
    pub fn with_zero_timeout(self) -> Self {
        ServiceConnect {
            zero_timeout: true,
            ..self
        }
    }

    /// Only the namespace: the service connects to others and offers nothing.
    pub fn client_only(self) -> Self {
        ServiceConnect {
            client_only: true,
            ..self
        }
    }

    fn idle_timeout(self) -> i32 {
        if self.zero_timeout {
            0
        } else {
            3600
        }
    }

    fn query_parameters_value(self) -> &'static str {
        if self.query_parameters {
            "ENABLED"
        } else {
            "DISABLED"
        }
    }

    /// The configuration as the SDK sends it.
    pub fn sdk(self) -> ecs::ServiceConnectConfiguration {
        let mut config = ecs::ServiceConnectConfiguration::builder()
            .enabled(true)
            .namespace(NAMESPACE);
        if !self.client_only {
            let alias = ecs::ServiceConnectClientAlias::builder()
                .port(8080)
                .dns_name("web.internal")
                .build()
                .unwrap();
            let mut service = ecs::ServiceConnectService::builder()
                .port_name("http")
                .discovery_name("web")
                .client_aliases(alias)
                .timeout(
                    ecs::TimeoutConfiguration::builder()
                        .idle_timeout_seconds(self.idle_timeout())
                        .per_request_timeout_seconds(15)
                        .build(),
                );
            if self.tls {
                service = service.tls(
                    ecs::ServiceConnectTlsConfiguration::builder()
                        .issuer_certificate_authority(
                            ecs::ServiceConnectTlsCertificateAuthority::builder()
                                .aws_pca_authority_arn(PCA_ARN)
                                .build(),
                        )
                        .role_arn(TLS_ROLE_ARN)
                        .build(),
                );
            }
            config = config.services(service.build().unwrap());
        }
        if self.access_logs {
            config = config
                .log_configuration(
                    ecs::LogConfiguration::builder()
                        .log_driver(ecs::LogDriver::Awslogs)
                        .options("awslogs-group", "/meshwarden-test/service-connect")
                        .options("awslogs-region", REGION)
                        .options("awslogs-stream-prefix", "sc")
                        .build()
                        .unwrap(),
                )
                .access_log_configuration(
                    ecs::ServiceConnectAccessLogConfiguration::builder()
                        .format(ecs::ServiceConnectAccessLoggingFormat::Json)
                        .include_query_parameters(self.query_parameters_value().into())
                        .build()
                        .unwrap(),
                );
        }
        config.build()
    }

    /// The same configuration as the API's JSON (what CloudTrail records in `requestParameters`
    /// and what `DescribeServices` returns in `deployments[]`).
    pub fn json(self) -> Value {
        let mut config = json!({"enabled": true, "namespace": NAMESPACE});
        if !self.client_only {
            let mut service = json!({
                "portName": "http", "discoveryName": "web",
                "clientAliases": [{"port": 8080, "dnsName": "web.internal"}],
                "timeout": {"idleTimeoutSeconds": self.idle_timeout(), "perRequestTimeoutSeconds": 15},
            });
            if self.tls {
                service["tls"] = json!({"issuerCertificateAuthority": {"awsPcaAuthorityArn": PCA_ARN},
                                        "roleArn": TLS_ROLE_ARN});
            }
            config["services"] = json!([service]);
        }
        if self.access_logs {
            config["logConfiguration"] = json!({"logDriver": "awslogs", "options": {
                "awslogs-group": "/meshwarden-test/service-connect", "awslogs-region": REGION,
                "awslogs-stream-prefix": "sc"}});
            config["accessLogConfiguration"] =
                json!({"format": "JSON", "includeQueryParameters": self.query_parameters_value()});
        }
        config
    }
}

impl Harness {
    /// An ECS client on the emulator.
    pub fn ecs(&self) -> aws_sdk_ecs::Client {
        aws_sdk_ecs::Client::new(&self.sdk)
    }

    /// A cluster `name`; returns its ARN.
    pub async fn create_ecs_cluster(&self, name: &str) -> String {
        let out = self
            .ecs()
            .create_cluster()
            .cluster_name(name)
            .send()
            .await
            .unwrap();
        out.cluster.unwrap().cluster_arn.unwrap()
    }

    /// A new revision of task definition `family` running `image`; returns its ARN.
    pub async fn register_task_definition(&self, family: &str, image: &str) -> String {
        let container = ecs::ContainerDefinition::builder()
            .name("app")
            .image(image)
            .memory(128)
            .port_mappings(
                ecs::PortMapping::builder()
                    .name("http")
                    .container_port(8080)
                    .build(),
            )
            .build();
        let out = self
            .ecs()
            .register_task_definition()
            .family(family)
            .container_definitions(container)
            .send()
            .await
            .unwrap();
        out.task_definition.unwrap().task_definition_arn.unwrap()
    }

    /// A service `service` in `cluster` running task definition family `service` (a revision is
    /// registered), with `config` (none: Service Connect off) and no tasks (`desiredCount` 0, so
    /// a `DeleteService` makes it INACTIVE at once). Returns the service as created.
    pub async fn create_ecs_service(
        &self,
        cluster: &str,
        service: &str,
        config: Option<ServiceConnect>,
    ) -> ecs::Service {
        let task_definition = self.register_task_definition(service, "nginx:1").await;
        let out = self
            .ecs()
            .create_service()
            .cluster(cluster)
            .service_name(service)
            .task_definition(task_definition)
            .desired_count(0)
            .set_service_connect_configuration(config.map(ServiceConnect::sdk))
            .tags(ecs::Tag::builder().key("team").value("payments").build())
            .send()
            .await
            .unwrap();
        out.service.unwrap()
    }

    /// `UpdateService` with `config` only (a person changing Service Connect): ECS starts a new
    /// deployment. Returns the new PRIMARY deployment's id.
    pub async fn update_service_connect(
        &self,
        cluster: &str,
        service: &str,
        config: ServiceConnect,
    ) -> String {
        let out = self
            .ecs()
            .update_service()
            .cluster(cluster)
            .service(service)
            .service_connect_configuration(config.sdk())
            .send()
            .await
            .unwrap();
        primary_of(&out.service.unwrap()).unwrap().id.unwrap()
    }

    /// An image-only deploy: a new revision of the service's task definition family running
    /// `image`, and `UpdateService` naming only it (no Service Connect configuration). Returns the
    /// new revision's ARN.
    pub async fn deploy_image(&self, cluster: &str, service: &str, image: &str) -> String {
        let task_definition = self.register_task_definition(service, image).await;
        self.ecs()
            .update_service()
            .cluster(cluster)
            .service(service)
            .task_definition(&task_definition)
            .send()
            .await
            .unwrap();
        task_definition
    }

    /// The service as `DescribeServices` (with tags) answers it now; `None` when ECS does not
    /// know it (a `MISSING` failure).
    pub async fn describe_ecs_service(&self, cluster: &str, service: &str) -> Option<ecs::Service> {
        let out = self
            .ecs()
            .describe_services()
            .cluster(cluster)
            .services(service)
            .include(ecs::ServiceField::Tags)
            .send()
            .await
            .unwrap();
        out.services.unwrap_or_default().into_iter().next()
    }

    /// The PRIMARY deployment's Service Connect configuration, as described now.
    pub async fn primary_service_connect(
        &self,
        cluster: &str,
        service: &str,
    ) -> Option<ecs::ServiceConnectConfiguration> {
        let described = self.describe_ecs_service(cluster, service).await?;
        primary_of(&described)?.service_connect_configuration
    }

    /// `DeleteService` (the service has no tasks: it becomes INACTIVE).
    pub async fn delete_ecs_service(&self, cluster: &str, service: &str) {
        self.ecs()
            .delete_service()
            .cluster(cluster)
            .service(service)
            .send()
            .await
            .unwrap();
    }
}

/// The deployment of `service` whose status is `PRIMARY`.
pub fn primary_of(service: &ecs::Service) -> Option<ecs::Deployment> {
    service
        .deployments()
        .iter()
        .find(|d| d.status() == Some("PRIMARY"))
        .cloned()
}

/// An `UpdateService` event as CloudTrail records it, by `actor_role`: `config` is the Service
/// Connect configuration the call carried (`None`: an image-only deploy naming `taskDefinition`).
pub fn update_service_event(
    cluster: &str,
    service: &str,
    config: Option<ServiceConnect>,
    actor_role: &str,
) -> Value {
    let mut request = json!({"cluster": cluster, "service": service});
    match config {
        Some(config) => request["serviceConnectConfiguration"] = config.json(),
        None => {
            request["taskDefinition"] =
                format!("arn:aws:ecs:{REGION}:{ACCOUNT}:task-definition/{service}:2").into()
        }
    }
    let arn = format!("arn:aws:ecs:{REGION}:{ACCOUNT}:service/{cluster}/{service}");
    let response = json!({"service": {"serviceArn": arn, "serviceName": service,
        "clusterArn": format!("arn:aws:ecs:{REGION}:{ACCOUNT}:cluster/{cluster}"), "status": "ACTIVE"}});
    api_call_event(
        ECS_SOURCE,
        "UpdateService",
        request,
        response,
        actor_role,
        Duration::ZERO,
    )
}
