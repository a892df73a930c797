//! `vgw-listener-health-check`: a virtual gateway's listeners have health checks.

use super::checks::ListenerMember;
use super::source;
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: ListenerMember = ListenerMember {
    meta: RuleMeta {
    id: "vgw-listener-health-check",
    title: "Virtual gateway listeners have health checks",
    severity: Severity::Medium,
    kinds: &[ResourceKind::VirtualGateway],
    field: "spec.listeners[].healthCheck",
    pass: "every listener has a healthCheck; not applicable without listeners",
    rationale: "Without health checks the gateway keeps routing to unhealthy proxies, turning failures into outages.",
    remediation: "none: the health endpoint and thresholds are the application's",
    sources: &["AWS Config appmesh-virtual-gateway-listeners-health-check-enabled", "Trend Micro Conformity AppMesh/enable-health-checks", source::CLOUDSPLOIT],
},
    member: |listener| listener.health_check.is_some(),
    missing: "healthCheck is missing",
    no_patch: "a health check endpoint and thresholds cannot be guessed",
};
