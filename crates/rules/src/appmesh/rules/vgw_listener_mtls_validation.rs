//! `vgw-listener-mtls-validation`: a virtual gateway's TLS listeners verify client certificates.

use super::checks::ListenerMtls;
use super::source;
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: ListenerMtls = ListenerMtls(RuleMeta {
    id: "vgw-listener-mtls-validation",
    title: "Virtual gateway TLS listeners verify client certificates",
    severity: Severity::Medium,
    kinds: &[ResourceKind::VirtualGateway],
    field: "spec.listeners[].tls.validation.trust",
    pass: "every listener with tls whose mode is not DISABLED (STRICT or PERMISSIVE; an absent or unknown mode is checked, not assumed plaintext) names a validation trust (mutual TLS); a listener without tls or with mode DISABLED terminates no TLS and is not checked; not applicable when no listener terminates TLS",
    rationale: "Without client certificate validation any client that reaches the listener is accepted; mutual TLS authenticates callers.",
    remediation: "none: the client CA cannot be guessed",
    sources: &[source::OURS, source::API_VGW_LISTENER_TLS],
});
