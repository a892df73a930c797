//! `vnode-listener-tls-strict`: a virtual node's listeners accept TLS only.

use super::checks::ListenerTlsStrict;
use super::source;
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: ListenerTlsStrict = ListenerTlsStrict(RuleMeta {
    id: "vnode-listener-tls-strict",
    title: "Virtual node listeners accept TLS only",
    severity: Severity::High,
    kinds: &[ResourceKind::VirtualNode],
    field: "spec.listeners[].tls.mode",
    pass: "every listener has tls with mode STRICT (a listener without tls fails, unlike ElectricEye, which skips it); not applicable without listeners",
    rationale: "PERMISSIVE or DISABLED listeners accept plaintext connections, so callers can bypass encryption.",
    remediation: "sets mode STRICT on every listener when each already has a certificate; a listener without one is skipped (a certificate cannot be guessed)",
    sources: &[source::ELECTRICEYE],
});
