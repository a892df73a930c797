//! `ecs-sc-timeouts-enabled`: no Service Connect endpoint has its timeouts switched off.

use super::checks::ServiceConnectRule;
use super::source;
use crate::catalog::RuleMeta;
use crate::ecs::model::ServiceConnectConfiguration;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub static RULE: ServiceConnectRule = ServiceConnectRule {
    meta: RuleMeta {
        id: "ecs-sc-timeouts-enabled",
        title: "Service Connect endpoints keep their timeouts",
        severity: Severity::Low,
        kinds: &[ResourceKind::EcsService],
        field: "ecsService.deployments[PRIMARY].serviceConnectConfiguration.services[].timeout",
        pass: "no idleTimeoutSeconds or perRequestTimeoutSeconds is 0 (absent = ECS's defaults); \
           not applicable without an enabled configuration on the PRIMARY deployment or for a \
           client-only one (no services)",
        rationale: "A timeout of 0 disables it: idle connections and slow requests are held open \
                for ever, so one slow or malicious peer can exhaust the proxy's connections.",
        remediation: super::REMEDIATION,
        sources: &[source::NONE, source::API_TIMEOUTS, source::DG_COMPONENTS],
    },
    published_only: true,
    judge,
};

/// The verdict on an enabled configuration.
fn judge(config: &ServiceConnectConfiguration) -> Verdict {
    let mut disabled = Vec::new();
    for (i, service) in config.published().iter().enumerate() {
        let Some(timeout) = &service.timeout else {
            continue;
        };
        for (name, value) in [
            ("idleTimeoutSeconds", timeout.idle_timeout_seconds),
            (
                "perRequestTimeoutSeconds",
                timeout.per_request_timeout_seconds,
            ),
        ] {
            if value == Some(0) {
                disabled.push(format!("services[{i}].timeout.{name}"));
            }
        }
    }
    if disabled.is_empty() {
        Verdict::Compliant
    } else {
        Verdict::non_compliant(format!(
            "{} is 0: the timeout is disabled",
            disabled.join(", ")
        ))
    }
}
