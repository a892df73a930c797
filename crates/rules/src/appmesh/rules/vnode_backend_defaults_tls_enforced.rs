//! `vnode-backend-defaults-tls-enforced`: a virtual node enforces TLS to its backends by default.

use super::checks::BackendDefaultsTls;
use super::{aws_config_tls_all_ports, source};
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: BackendDefaultsTls = BackendDefaultsTls(RuleMeta {
    id: "vnode-backend-defaults-tls-enforced",
    title: "Virtual node enforces TLS to its backends by default",
    severity: Severity::High,
    kinds: &[ResourceKind::VirtualNode],
    field: "spec.backendDefaults.clientPolicy.tls",
    pass: "tls present, enforce not false (absent = AWS default true), ports absent or [] (every port; a non-empty list leaves the other ports in plaintext), validation trust names an acm, file or sds source",
    rationale: "Without default client TLS the workload calls its backends in plaintext unless each backend overrides it.",
    remediation: "with a trust configured, sets enforce true and removes a non-empty ports list (TLS on every port); otherwise restores the last compliant TLS policy, else builds one from the configured CA ARNs (enforce true, every port); without either it is skipped (no trust source), never guessed",
    sources: &[aws_config_tls_all_ports!("appmesh-virtual-node-backend-defaults-tls-on"), source::ELECTRICEYE, source::API_CLIENT_POLICY_TLS, source::CDK_TLS_CLIENT_POLICY],
});
