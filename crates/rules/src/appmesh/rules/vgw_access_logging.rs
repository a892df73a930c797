//! `vgw-access-logging`: a virtual gateway writes access logs.

use super::checks::AccessLogging;
use super::source;
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: AccessLogging = AccessLogging(RuleMeta {
    id: "vgw-access-logging",
    title: "Virtual gateway writes access logs",
    severity: Severity::Medium,
    kinds: &[ResourceKind::VirtualGateway],
    field: "spec.logging.accessLog.file.path",
    pass: "present and not blank",
    rationale: "Without access logs there is no record of who reached the mesh through the gateway, for incident response or audit.",
    remediation: "sets the path to /dev/stdout (collected by the container's log driver), keeping any format",
    sources: &["AWS Config appmesh-virtual-gateway-logging-file-path-exists", "Trend Micro Conformity AppMesh/enable-logging", source::CLOUDSPLOIT],
});
