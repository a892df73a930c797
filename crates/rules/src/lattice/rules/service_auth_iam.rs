//! `lattice-service-auth-iam`: a service authenticates its callers with IAM.

use super::checks::AuthIam;
use super::{electric_eye, source};
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: AuthIam = AuthIam(RuleMeta {
    id: "lattice-service-auth-iam",
    title: "Service requires IAM authentication",
    severity: Severity::Medium,
    kinds: &[ResourceKind::Service],
    field: "service.authType",
    pass: "AWS_IAM (absent = NONE fails); not applicable when every listener is TLS_PASSTHROUGH",
    rationale: "With auth type NONE the service accepts any caller its service networks let \
                through; its auth policy, the fine-grained access control, is not enforced. A \
                TLS passthrough service is exempt: VPC Lattice cannot authenticate callers it \
                does not decrypt.",
    remediation: "sets authType to AWS_IAM (UpdateService) only when a compliant auth policy is \
                  known: the current one, or the last compliant copy, which \
                  lattice-auth-policy-restricted restores in the same plan and which must be \
                  written (PutAuthPolicy) before the auth type; otherwise skipped, since AWS_IAM \
                  without an auth policy denies every request",
    sources: &[
        electric_eye!("6"),
        source::UG_AUTH_POLICIES,
        source::API_DELETE_AUTH_POLICY,
        source::UG_TLS_LISTENERS,
    ],
});
