//! `vgw-backend-tls-enforced`: a virtual gateway enforces TLS to its backends.

use super::checks::BackendDefaultsTls;
use super::{aws_config_tls_all_ports, source};
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: BackendDefaultsTls = BackendDefaultsTls(RuleMeta {
    id: "vgw-backend-tls-enforced",
    title: "Virtual gateway enforces TLS to its backends",
    severity: Severity::High,
    kinds: &[ResourceKind::VirtualGateway],
    field: "spec.backendDefaults.clientPolicy.tls",
    pass: "tls present, enforce not false (absent = AWS default true), ports absent or [] (every port; a non-empty list leaves the other ports in plaintext), validation trust names an acm, file or sds source",
    rationale: "Without enforced TLS the gateway forwards ingress traffic to backends in plaintext inside the network, exposing it to interception and spoofed backends.",
    remediation: "with a trust configured, sets enforce true and removes a non-empty ports list (TLS on every port); otherwise restores the last compliant TLS policy, else builds one from the configured CA ARNs (enforce true, every port); without either it is skipped (no trust source), never guessed",
    sources: &[aws_config_tls_all_ports!("appmesh-virtual-gateway-backend-defaults-tls"), "Trend Micro Conformity AppMesh/enforce-tls", source::API_VGW_CLIENT_POLICY_TLS, source::CDK_TLS_CLIENT_POLICY],
});
