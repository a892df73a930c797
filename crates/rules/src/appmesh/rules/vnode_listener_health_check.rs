//! `vnode-listener-health-check`: a virtual node's listeners have health checks.

use super::checks::ListenerMember;
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: ListenerMember = ListenerMember {
    meta: RuleMeta {
        id: "vnode-listener-health-check",
        title: "Virtual node listeners have health checks",
        severity: Severity::Medium,
        kinds: &[ResourceKind::VirtualNode],
        field: "spec.listeners[].healthCheck",
        pass: "every listener has a healthCheck; not applicable without listeners",
        rationale: "Without health checks traffic keeps flowing to failed tasks.",
        remediation: "none: the health endpoint and thresholds are the application's",
        sources: &["AWS Config appmesh-virtual-node-listeners-health-check-enabled"],
    },
    member: |listener| listener.health_check.is_some(),
    missing: "healthCheck is missing",
    no_patch: "a health check endpoint and thresholds cannot be guessed",
};
