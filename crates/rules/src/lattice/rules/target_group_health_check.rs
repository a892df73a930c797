//! `lattice-target-group-health-check`: a target group checks its targets' health.

use super::{checks, electric_eye, source};
use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::lattice::model::{HealthCheck, TargetGroupData};
use crate::model::Resource;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub struct TargetGroupHealthCheck;

/// Its single instance in the catalog.
pub static RULE: TargetGroupHealthCheck = TargetGroupHealthCheck;

const META: RuleMeta = RuleMeta {
    id: "lattice-target-group-health-check",
    title: "Target groups check their targets' health",
    severity: Severity::Low,
    kinds: &[ResourceKind::TargetGroup],
    field: "targetGroup.config.healthCheck.enabled",
    pass: "not false; when absent, AWS's default applies: on, except for TCP target groups and \
           protocol versions HTTP2 and GRPC; not applicable to LAMBDA and ALB target groups, \
           which have no VPC Lattice health checks",
    rationale: "Without health checks VPC Lattice keeps routing requests to failed targets, \
                turning one failure into errors for every caller.",
    remediation:
        "sets targetGroup.config.healthCheck.enabled to true (UpdateTargetGroup), keeping \
                  the other health check settings; skipped for a TCP or GRPC target group whose \
                  health check names no protocol version (and, for TCP, no protocol), which \
                  cannot be guessed",
    sources: &[
        electric_eye!("10"),
        source::UG_HEALTH_CHECKS,
        source::UG_TLS_LISTENERS,
        source::API_UPDATE_TARGET_GROUP,
    ],
};

/// Why enabling the health check needs settings that cannot be guessed, if it does.
fn missing_settings(group: &TargetGroupData) -> Option<&'static str> {
    let config = group.config.as_ref()?;
    let health = config.health_check.as_ref();
    let named = |key: &str| health.is_some_and(|h| h.extra.get(key).is_some_and(|v| !v.is_null()));
    let protocol = config.protocol.as_deref();
    let version = config.extra.get("protocolVersion").and_then(|v| v.as_str());
    if protocol == Some("TCP") && !(named("protocol") && named("protocolVersion")) {
        return Some(
            "a TCP target group's health check needs a protocol and a protocol version, which \
             cannot be guessed",
        );
    }
    if version == Some("GRPC") && !named("protocolVersion") {
        return Some(
            "a GRPC target group's health check needs a protocol version (HTTP1 or HTTP2), \
             which cannot be guessed",
        );
    }
    None
}

/// Why an absent `enabled` means health checks are off, when AWS's default is off.
fn off_by_default(group: &TargetGroupData) -> Option<String> {
    let config = group.config.as_ref()?;
    if config.protocol.as_deref() == Some("TCP") {
        return Some("TCP target groups have health checks off by default".to_owned());
    }
    match config.extra.get("protocolVersion").and_then(|v| v.as_str()) {
        Some(version @ ("HTTP2" | "GRPC")) => Some(format!(
            "protocol version {version} has health checks off by default"
        )),
        _ => None,
    }
}

impl Rule for TargetGroupHealthCheck {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        let group = match checks::target_group(
            resource,
            &["LAMBDA", "ALB"],
            "VPC Lattice does not health-check its targets",
        ) {
            Ok(group) => group,
            Err(not_applicable) => return not_applicable,
        };
        let enabled = group
            .config
            .as_ref()
            .and_then(|c| c.health_check.as_ref())
            .and_then(|h| h.enabled);
        match (enabled, off_by_default(group)) {
            (Some(true), _) | (None, None) => Verdict::Compliant,
            (Some(false), _) => Verdict::non_compliant(
                "targetGroup.config.healthCheck.enabled is false: failed targets keep receiving requests",
            ),
            (None, Some(why)) => Verdict::non_compliant(format!(
                "targetGroup.config.healthCheck.enabled is absent and {why}"
            )),
        }
    }

    fn patch(&self, resource: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        let Resource::TargetGroup(doc) = resource else {
            return Err("not a target group".to_owned().into());
        };
        if let Some(why) = missing_settings(&doc.target_group) {
            return Err(why.to_owned().into());
        }
        doc.target_group
            .config
            .get_or_insert_with(Default::default)
            .health_check
            .get_or_insert_with(HealthCheck::default)
            .enabled = Some(true);
        Ok(())
    }
}
