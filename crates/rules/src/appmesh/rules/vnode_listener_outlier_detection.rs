//! `vnode-listener-outlier-detection`: a virtual node's listeners eject failing hosts.

use super::checks::ListenerMember;
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: ListenerMember = ListenerMember {
    meta: RuleMeta {
        id: "vnode-listener-outlier-detection",
        title: "Virtual node listeners eject failing hosts",
        severity: Severity::Low,
        kinds: &[ResourceKind::VirtualNode],
        field: "spec.listeners[].outlierDetection",
        pass: "every listener has outlierDetection; not applicable without listeners",
        rationale:
            "Without outlier detection a failing host keeps receiving its share of requests.",
        remediation: "none: error thresholds and ejection times are the application's",
        sources: &["AWS Config appmesh-virtual-node-listeners-outlier-detect-enabled"],
    },
    member: |listener| listener.outlier_detection.is_some(),
    missing: "outlierDetection is missing",
    no_patch: "outlier thresholds and ejection times cannot be guessed",
};
