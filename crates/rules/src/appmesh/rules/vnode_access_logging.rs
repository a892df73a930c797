//! `vnode-access-logging`: a virtual node writes access logs.

use super::checks::AccessLogging;
use super::source;
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: AccessLogging = AccessLogging(RuleMeta {
    id: "vnode-access-logging",
    title: "Virtual node writes access logs",
    severity: Severity::Low,
    kinds: &[ResourceKind::VirtualNode],
    field: "spec.logging.accessLog.file.path",
    pass: "present and not blank",
    rationale: "Without access logs there is no record of the traffic a workload served, for incident response or audit.",
    remediation: "sets the path to /dev/stdout (collected by the container's log driver), keeping any format",
    sources: &["AWS Config appmesh-virtual-node-logging-file-path-exists", source::ELECTRICEYE],
});
