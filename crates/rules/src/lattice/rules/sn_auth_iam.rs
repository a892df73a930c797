//! `lattice-sn-auth-iam`: a service network authenticates its callers with IAM.

use super::checks::AuthIam;
use super::{electric_eye, source};
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: AuthIam = AuthIam(RuleMeta {
    id: "lattice-sn-auth-iam",
    title: "Service network requires IAM authentication",
    severity: Severity::High,
    kinds: &[ResourceKind::ServiceNetwork],
    field: "serviceNetwork.authType",
    pass: "AWS_IAM (absent = NONE fails)",
    rationale: "With auth type NONE any client in an associated VPC reaches every service in the \
                network unauthenticated; the network's auth policy, its coarse-grained access \
                control, is not enforced.",
    remediation:
        "sets authType to AWS_IAM (UpdateServiceNetwork) only together with the auth policy \
                  last seen in force with it (the last compliant copy's): when the current policy \
                  is that document, or does not restrict callers (lattice-auth-policy-restricted \
                  then restores the last compliant one, written with PutAuthPolicy before the \
                  auth type); otherwise skipped (no policy seen in force): a policy never seen \
                  enforced, a deny-only one for instance, may deny every caller",
    sources: &[
        electric_eye!("3"),
        source::UG_AUTH_POLICIES,
        source::API_DELETE_AUTH_POLICY,
    ],
});
