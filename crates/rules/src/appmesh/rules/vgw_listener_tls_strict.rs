//! `vgw-listener-tls-strict`: a virtual gateway's listeners accept TLS only.

use super::checks::ListenerTlsStrict;
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: ListenerTlsStrict = ListenerTlsStrict(RuleMeta {
    id: "vgw-listener-tls-strict",
    title: "Virtual gateway listeners accept TLS only",
    severity: Severity::High,
    kinds: &[ResourceKind::VirtualGateway],
    field: "spec.listeners[].tls.mode",
    pass: "every listener has tls with mode STRICT (a listener without tls fails); not applicable without listeners",
    rationale: "PERMISSIVE or DISABLED listeners accept plaintext connections, so clients can bypass encryption.",
    remediation: "sets mode STRICT on every listener when each already has a certificate; a listener without one is skipped (a certificate cannot be guessed)",
    sources: &["CloudSploit appmeshTLSRequired"],
});
