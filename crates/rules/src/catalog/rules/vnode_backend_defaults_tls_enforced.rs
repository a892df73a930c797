//! `vnode-backend-defaults-tls-enforced`: a virtual node enforces TLS to its backends by default.

use super::source;
use crate::catalog::checks::BackendDefaultsTls;
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: BackendDefaultsTls = BackendDefaultsTls(RuleMeta {
    id: "vnode-backend-defaults-tls-enforced",
    title: "Virtual node enforces TLS to its backends by default",
    severity: Severity::High,
    kind: ResourceKind::VirtualNode,
    field: "spec.backendDefaults.clientPolicy.tls",
    pass: "tls present, enforce not false (absent = AWS default true), validation trust names an acm, file or sds source; ports absent or [] = every port",
    rationale: "Without default client TLS the workload calls its backends in plaintext unless each backend overrides it.",
    remediation: "sets enforce true when a trust is configured; otherwise restores the last compliant TLS policy, else builds one from the configured CA ARNs; without either it is skipped (no trust source), never guessed",
    sources: &["AWS Config appmesh-virtual-node-backend-defaults-tls-on", source::ELECTRICEYE],
});
