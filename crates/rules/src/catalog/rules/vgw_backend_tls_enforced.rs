//! `vgw-backend-tls-enforced`: a virtual gateway enforces TLS to its backends.

use crate::catalog::checks::BackendDefaultsTls;
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: BackendDefaultsTls = BackendDefaultsTls(RuleMeta {
    id: "vgw-backend-tls-enforced",
    title: "Virtual gateway enforces TLS to its backends",
    severity: Severity::High,
    kind: ResourceKind::VirtualGateway,
    field: "spec.backendDefaults.clientPolicy.tls",
    pass: "tls present, enforce not false (absent = AWS default true), validation trust names an acm, file or sds source; ports absent or [] = every port",
    rationale: "Without enforced TLS the gateway forwards ingress traffic to backends in plaintext inside the network, exposing it to interception and spoofed backends.",
    remediation: "sets enforce true when a trust is configured; otherwise restores the last compliant TLS policy, else builds one from the configured CA ARNs; without either it is skipped (no trust source), never guessed",
    sources: &["AWS Config appmesh-virtual-gateway-backend-defaults-tls", "Trend Micro Conformity AppMesh/enforce-tls"],
});
