//! `ecs-sc-access-logs`: the Service Connect proxy writes access logs.

use super::checks::ServiceConnectRule;
use super::source;
use crate::catalog::RuleMeta;
use crate::ecs::model::ServiceConnectConfiguration;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub static RULE: ServiceConnectRule = ServiceConnectRule {
    meta: RuleMeta {
        id: "ecs-sc-access-logs",
        title: "Service Connect writes access logs",
        severity: Severity::Medium,
        kinds: &[ResourceKind::EcsService],
        field: "ecsService.deployments[PRIMARY].serviceConnectConfiguration.accessLogConfiguration",
        pass: "accessLogConfiguration and logConfiguration are both present (ECS needs the latter \
           to deliver the former); not applicable without an enabled configuration on the \
           PRIMARY deployment",
        rationale:
            "Without access logs nobody can tell who called which service through the proxy, \
                so abuse and incidents go unseen and cannot be investigated. This is the \
                successor of App Mesh's gateway access-log rules.",
        remediation: super::REMEDIATION,
        sources: &[
            source::NONE,
            source::DG_ACCESS_LOGS,
            source::API_ACCESS_LOGS,
            source::API_CONFIGURATION,
        ],
    },
    published_only: false,
    judge,
};

/// The verdict on an enabled configuration.
fn judge(config: &ServiceConnectConfiguration) -> Verdict {
    let missing: Vec<&str> = [
        (
            "accessLogConfiguration",
            config.access_log_configuration.is_some(),
        ),
        ("logConfiguration", config.log_configuration.is_some()),
    ]
    .into_iter()
    .filter(|(_, present)| !present)
    .map(|(name, _)| name)
    .collect();
    if missing.is_empty() {
        Verdict::Compliant
    } else {
        Verdict::non_compliant(format!(
            "the PRIMARY deployment's serviceConnectConfiguration has no {}: the proxy's \
             requests are not logged",
            missing.join(" and no ")
        ))
    }
}
