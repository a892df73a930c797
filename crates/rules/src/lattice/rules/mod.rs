//! VPC Lattice's rules, one module per rule. Rules that service networks and services share
//! (auth type, auth policy, access logs) reuse one check from `checks`.

use crate::catalog::Rule;

pub(crate) mod checks;

pub mod access_logs;
pub mod auth_policy_restricted;
pub mod listener_https;
pub mod service_auth_iam;
pub mod service_custom_domain_cert;
pub mod service_tagged;
pub mod sn_auth_iam;
pub mod sn_tagged;
pub mod sn_vpc_security_groups;
pub mod target_group_health_check;
pub mod target_group_https;
pub mod tg_tagged;

#[cfg(test)]
mod tests;

/// VPC Lattice's part of the catalog, in order. The `*-auth-iam` rules come before
/// `lattice-auth-policy-restricted`: whole-resource remediation restores the auth type before
/// the policy it enforces (see [`crate::catalog::remediate`]).
pub(crate) static ALL: &[&dyn Rule] = &[
    &sn_auth_iam::RULE,
    &service_auth_iam::RULE,
    &auth_policy_restricted::RULE,
    &listener_https::RULE,
    &target_group_https::RULE,
    &access_logs::RULE,
    &target_group_health_check::RULE,
    &sn_vpc_security_groups::RULE,
    &service_custom_domain_cert::RULE,
    &sn_tagged::RULE,
    &service_tagged::RULE,
    &tg_tagged::RULE,
];

/// The source label of an ElectricEye VPC Lattice check, linked to the auditor at the commit
/// that was read.
macro_rules! electric_eye {
    ($check:literal) => {
        concat!(
            "ElectricEye [VPC-Lattice.",
            $check,
            "](https://github.com/jonrau1/ElectricEye/blob/d4de53e53bda920ff969160679c8bfd7d3436faa/eeauditor/auditors/aws/AWS_VPC_Lattice_Auditor.py)"
        )
    };
}
pub(crate) use electric_eye;

/// Source labels used in rule metadata: what the VPC Lattice documentation says that the rules'
/// reading of the fields rests on.
pub(crate) mod source {
    /// No public check does this (AWS Config, Security Hub, Prowler, CloudSploit, Steampipe and
    /// Checkov have no VPC Lattice checks; ElectricEye has none for this field).
    pub const NONE: &str = "none: no published check";
    /// What `authType` NONE and AWS_IAM mean.
    pub const UG_AUTH_POLICIES: &str = "VPC Lattice User Guide, \
        [auth policies](https://docs.aws.amazon.com/vpc-lattice/latest/ug/auth-policies.html): \
        with auth type NONE no auth policy applies; with AWS_IAM one decides who may call";
    /// That AWS_IAM without a policy denies every request.
    pub const API_DELETE_AUTH_POLICY: &str = "VPC Lattice API reference, \
        [DeleteAuthPolicy](https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_DeleteAuthPolicy.html): \
        if auth is enabled on the resource but no auth policy is set, all requests are denied";
    /// That a policy is Active only with AWS_IAM.
    pub const API_GET_AUTH_POLICY: &str = "VPC Lattice API reference, \
        [GetAuthPolicy](https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_GetAuthPolicy.html): \
        the policy is only active when the auth type is AWS_IAM; with NONE it remains inactive";
    /// How VPC Lattice reaches an Application Load Balancer target, and that it does not
    /// health-check it.
    pub const UG_ALB_TARGETS: &str = "VPC Lattice User Guide, \
        [Target groups](https://docs.aws.amazon.com/vpc-lattice/latest/ug/target-groups.html): \
        Application Load Balancers are a target type, and a target group (ALB ones included) \
        names the protocol and port VPC Lattice uses to reach its targets; \
        [Health checks](https://docs.aws.amazon.com/vpc-lattice/latest/ug/target-group-health-checks.html): \
        health checks do not support Lambda or Application Load Balancer target groups";
    /// What a TLS (passthrough) listener implies.
    pub const UG_TLS_LISTENERS: &str = "VPC Lattice User Guide, \
        [TLS listeners](https://docs.aws.amazon.com/vpc-lattice/latest/ug/tls-listeners.html): \
        traffic stays encrypted to the target; the default action forwards to a TCP target group; \
        auth policies are limited to anonymous principals; a service certificate is not used; \
        health checks of TCP target groups are off by default and need a protocol and protocol \
        version to be enabled";
    /// That a listener's protocol cannot be updated.
    pub const API_UPDATE_LISTENER: &str = "VPC Lattice API reference, \
        [UpdateListener](https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_UpdateListener.html): \
        only the default action can be changed";
    /// That a target group's protocol cannot be updated.
    pub const API_UPDATE_TARGET_GROUP: &str = "VPC Lattice API reference, \
        [UpdateTargetGroup](https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_UpdateTargetGroup.html): \
        only the health check can be changed";
    /// Health check defaults and the target types without health checks.
    pub const UG_HEALTH_CHECKS: &str = "VPC Lattice User Guide, \
        [health checks](https://docs.aws.amazon.com/vpc-lattice/latest/ug/target-group-health-checks.html): \
        on by default for protocol version HTTP1, off for HTTP2; not supported for Lambda and \
        Application Load Balancer target groups; gRPC needs a health check protocol version";
    /// Where access logs go.
    pub const UG_ACCESS_LOGS: &str = "VPC Lattice User Guide, \
        [access logs](https://docs.aws.amazon.com/vpc-lattice/latest/ug/monitoring-access-logs.html): \
        optional and disabled by default; sent to CloudWatch Logs, S3 or Firehose";
    /// What a VPC association's security groups do, and that they cannot all be removed.
    pub const API_UPDATE_SNVA: &str = "VPC Lattice API reference, \
        [UpdateServiceNetworkVpcAssociation](https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_UpdateServiceNetworkVpcAssociation.html): \
        an association that has security groups must keep at least one; removing them all \
        means re-creating the association";
    /// That a custom domain needs the owner's certificate for HTTPS.
    pub const UG_BYOC: &str = "VPC Lattice User Guide, \
        [bring your own certificate](https://docs.aws.amazon.com/vpc-lattice/latest/ug/service-byoc.html): \
        to serve HTTPS for a custom domain name the service needs a matching ACM certificate";
    /// Where a resource's tags come from.
    pub const API_TAGS: &str = "VPC Lattice API reference, \
        [ListTagsForResource](https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_ListTagsForResource.html)";
}
