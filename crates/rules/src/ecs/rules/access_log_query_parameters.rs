//! `ecs-sc-access-log-query-parameters`: Service Connect access logs leave query strings out.

use super::checks::ServiceConnectRule;
use super::source;
use crate::catalog::RuleMeta;
use crate::ecs::model::ServiceConnectConfiguration;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The value that writes query strings to the access logs.
const ENABLED: &str = "ENABLED";

/// The rule.
pub static RULE: ServiceConnectRule = ServiceConnectRule {
    meta: RuleMeta {
        id: "ecs-sc-access-log-query-parameters",
        title: "Service Connect access logs leave query parameters out",
        severity: Severity::Low,
        kinds: &[ResourceKind::EcsService],
        field: "ecsService.deployments[PRIMARY].serviceConnectConfiguration.accessLogConfiguration.includeQueryParameters",
        pass: "not ENABLED (absent = ECS's default DISABLED); not applicable without \
               accessLogConfiguration or an enabled configuration on the PRIMARY deployment",
        rationale: "Query strings carry tokens, session ids and personal data; written to the logs \
                    they reach everyone who may read the log group.",
        remediation: super::REMEDIATION,
        sources: &[source::NONE, source::API_ACCESS_LOGS, source::DG_ACCESS_LOGS],
    },
    published_only: false,
    judge,
};

/// The verdict on an enabled configuration.
fn judge(config: &ServiceConnectConfiguration) -> Verdict {
    let Some(access_logs) = &config.access_log_configuration else {
        return Verdict::not_applicable(
            "the PRIMARY deployment's serviceConnectConfiguration has no accessLogConfiguration",
        );
    };
    if access_logs.include_query_parameters.as_deref() == Some(ENABLED) {
        Verdict::non_compliant(
            "accessLogConfiguration.includeQueryParameters is ENABLED: query strings \
             (tokens, ids) are written to the access logs",
        )
    } else {
        Verdict::Compliant
    }
}
