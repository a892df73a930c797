//! Amazon ECS Service Connect's rules, one module per rule. Every rule reads the configuration
//! in force (the `PRIMARY` deployment's) through [`checks::ServiceConnectRule`], and every patch restores
//! the last compliant copy's whole configuration.

use crate::catalog::Rule;

pub(crate) mod checks;

pub mod access_log_query_parameters;
pub mod access_logs;
pub mod timeouts_enabled;
pub mod tls;

#[cfg(test)]
mod tests;

/// ECS's part of the catalog, in order.
pub(crate) static ALL: &[&dyn Rule] = &[
    &tls::RULE,
    &access_logs::RULE,
    &access_log_query_parameters::RULE,
    &timeouts_enabled::RULE,
];

/// Every ECS rule's remediation: the whole configuration comes back, never a part of it.
pub(crate) const REMEDIATION: &str = "restores the last compliant copy's whole \
    serviceConnectConfiguration on the service (UpdateService with serviceConnectConfiguration \
    only: it starts a new deployment); skipped when no compliant configuration is known or its \
    TLS role is not one the responder may pass";

/// Source labels used in rule metadata: what the Amazon ECS documentation says that the rules'
/// reading of the fields rests on.
pub(crate) mod source {
    /// No public check does this.
    pub const NONE: &str = "none: no published check";
    /// Where the configuration in force lives: one per deployment.
    pub const API_DEPLOYMENT: &str = "Amazon ECS API reference, \
        [Deployment](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html): \
        each deployment carries its serviceConnectConfiguration; the PRIMARY one is the most recent";
    /// The configuration's members, and that `services` is not needed by a client-only service.
    pub const API_CONFIGURATION: &str = "Amazon ECS API reference, \
        [ServiceConnectConfiguration](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectConfiguration.html): \
        services is not required for a client service that only connects to others";
    /// What Service Connect TLS encrypts.
    pub const DG_TLS: &str = "Amazon ECS Developer Guide, \
        [Encrypt Amazon ECS Service Connect traffic](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-tls.html): \
        pointing a service at an AWS Private CA makes ECS provision, rotate and distribute the TLS \
        certificates that encrypt the traffic between Service Connect proxies";
    /// The TLS configuration's members.
    pub const API_TLS: &str = "Amazon ECS API reference, \
        [ServiceConnectTlsConfiguration](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectTlsConfiguration.html): \
        issuerCertificateAuthority (required), kmsKey, roleArn";
    /// That access logs need both objects.
    pub const DG_ACCESS_LOGS: &str = "Amazon ECS Developer Guide, \
        [Amazon ECS Service Connect access logs](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-envoy-access-logs.html): \
        to enable access logs, specify both logConfiguration and accessLogConfiguration";
    /// The access log configuration's members and the query parameters' default.
    pub const API_ACCESS_LOGS: &str = "Amazon ECS API reference, \
        [ServiceConnectAccessLogConfiguration](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ServiceConnectAccessLogConfiguration.html): \
        includeQueryParameters is DISABLED by default; query parameters may contain sensitive \
        information such as request IDs and tokens";
    /// That 0 disables a timeout, and the defaults.
    pub const API_TIMEOUTS: &str = "Amazon ECS API reference, \
        [TimeoutConfiguration](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_TimeoutConfiguration.html): \
        a value of 0 disables idleTimeout or perRequestTimeout; idleTimeout defaults to 5 minutes \
        (HTTP, HTTP2, gRPC) or 1 hour (TCP)";
    /// That a configuration change replaces the service's tasks.
    pub const DG_COMPONENTS: &str = "Amazon ECS Developer Guide, \
        [Amazon ECS Service Connect components](https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service-connect-concepts-deploy.html): \
        adding or changing a service's Service Connect configuration creates a new deployment \
        that replaces the running tasks";
}
