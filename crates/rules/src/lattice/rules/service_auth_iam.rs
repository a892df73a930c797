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
    remediation: "sets authType to AWS_IAM (UpdateService) only together with the auth policy \
                  last seen in force with it (the last compliant copy's): when the current policy \
                  is that document, or does not restrict callers (lattice-auth-policy-restricted \
                  then restores the last compliant one, written with PutAuthPolicy before the \
                  auth type); otherwise skipped (no policy seen in force): a policy never seen \
                  enforced, a deny-only one for instance, may deny every caller",
    sources: &[
        electric_eye!("6"),
        source::UG_AUTH_POLICIES,
        source::API_DELETE_AUTH_POLICY,
        source::UG_TLS_LISTENERS,
    ],
});
