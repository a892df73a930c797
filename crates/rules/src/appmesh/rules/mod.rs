//! App Mesh's rules, one module per rule. Each holds the rule's metadata and, when its logic is
//! its own, the logic; rules that gateways and nodes share reuse one check from `checks`.

use crate::catalog::Rule;

pub(crate) mod checks;
pub mod mesh_egress_drop_all;
pub mod mesh_ip_preference;
pub mod mesh_tagged;
pub mod vgw_access_logging;
pub mod vgw_backend_tls_enforced;
pub mod vgw_listener_health_check;
pub mod vgw_listener_mtls_validation;
pub mod vgw_listener_tls_strict;
pub mod vgw_tagged;
pub mod vnode_access_logging;
pub mod vnode_backend_defaults_tls_enforced;
pub mod vnode_backend_tls_enforced;
pub mod vnode_cloud_map_ip_preference;
pub mod vnode_dns_ip_preference;
pub mod vnode_listener_health_check;
pub mod vnode_listener_mtls_validation;
pub mod vnode_listener_outlier_detection;
pub mod vnode_listener_tls_strict;
pub mod vnode_tagged;

#[cfg(test)]
mod tests;

/// App Mesh's part of the catalog, in order.
pub(crate) static ALL: &[&dyn Rule] = &[
    &mesh_egress_drop_all::RULE,
    &mesh_ip_preference::RULE,
    &mesh_tagged::RULE,
    &vgw_backend_tls_enforced::RULE,
    &vgw_listener_tls_strict::RULE,
    &vgw_listener_mtls_validation::RULE,
    &vgw_access_logging::RULE,
    &vgw_listener_health_check::RULE,
    &vgw_tagged::RULE,
    &vnode_backend_defaults_tls_enforced::RULE,
    &vnode_backend_tls_enforced::RULE,
    &vnode_listener_tls_strict::RULE,
    &vnode_listener_mtls_validation::RULE,
    &vnode_access_logging::RULE,
    &vnode_listener_health_check::RULE,
    &vnode_listener_outlier_detection::RULE,
    &vnode_cloud_map_ip_preference::RULE,
    &vnode_dns_ip_preference::RULE,
    &vnode_tagged::RULE,
];

/// The source label of an AWS Config managed rule that requires TLS to backends on all ports,
/// linked to its documentation.
macro_rules! aws_config_tls_all_ports {
    ($rule:literal) => {
        concat!(
            "AWS Config [",
            $rule,
            "](https://docs.aws.amazon.com/config/latest/developerguide/",
            $rule,
            ".html): backends must use TLS on all ports (its stated NON_COMPLIANT condition is \
             enforce false; the ports check is ours)"
        )
    };
}
pub(crate) use aws_config_tls_all_ports;

/// Source labels used in rule metadata.
pub(crate) mod source {
    /// CloudSploit's App Mesh plugins.
    pub const CLOUDSPLOIT: &str = "CloudSploit";
    /// ElectricEye's App Mesh auditor.
    pub const ELECTRICEYE: &str = "ElectricEye";
    /// Not published elsewhere: Meshwarden's own.
    pub const OURS: &str = "Meshwarden";
    /// What a virtual node listener's TLS modes mean.
    pub const API_LISTENER_TLS: &str = "App Mesh API reference, \
        [ListenerTls](https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_ListenerTls.html): \
        mode DISABLED only accepts connections without TLS";
    /// What a virtual gateway listener's TLS modes mean.
    pub const API_VGW_LISTENER_TLS: &str = "App Mesh API reference, \
        [VirtualGatewayListenerTls](https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_VirtualGatewayListenerTls.html): \
        mode DISABLED only accepts connections without TLS";
    /// What a virtual node client policy's `ports` mean.
    pub const API_CLIENT_POLICY_TLS: &str = "App Mesh API reference, \
        [ClientPolicyTls](https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_ClientPolicyTls.html): \
        ports are the ports the policy is enforced for";
    /// What a virtual gateway client policy's `ports` mean.
    pub const API_VGW_CLIENT_POLICY_TLS: &str = "App Mesh API reference, \
        [VirtualGatewayClientPolicyTls](https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_VirtualGatewayClientPolicyTls.html): \
        ports are the ports the policy is enforced for";
    /// That a client policy without `ports` is enforced on every port.
    pub const CDK_TLS_CLIENT_POLICY: &str = "AWS CDK \
        [TlsClientPolicy](https://docs.aws.amazon.com/cdk/api/v2/python/aws_cdk.aws_appmesh/TlsClientPolicy.html): \
        with no ports specified, TLS is enforced on all ports";
}
