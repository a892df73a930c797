//! `lattice-auth-policy-restricted`: a service network's or service's auth policy is in force
//! and does not let everyone in.

use super::checks::{
    last_compliant_policy, policy_document_problem, policy_state_problem, ACTIVE, AWS_IAM,
    PASSTHROUGH_ONLY,
};
use super::{electric_eye, source};
use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::model::Resource;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub struct AuthPolicyRestricted;

/// Its single instance in the catalog.
pub static RULE: AuthPolicyRestricted = AuthPolicyRestricted;

const META: RuleMeta = RuleMeta {
    id: "lattice-auth-policy-restricted",
    title: "Auth policy is in force and does not allow everyone unconditionally",
    severity: Severity::High,
    kinds: &[ResourceKind::ServiceNetwork, ResourceKind::Service],
    field: "authPolicy",
    pass: "authPolicy.policy is present, authPolicy.state is Active, and no Allow statement \
           has principal `*` (or `{\"AWS\": \"*\"}`, or a `NotPrincipal`) without a non-empty \
           Condition; not applicable when authPolicy was not described, or for a service whose \
           listeners are all TLS_PASSTHROUGH",
    rationale: "The auth policy is who may call: an unconditional Allow for every principal \
                admits any caller, and an inactive policy (auth type NONE) or none at all \
                restricts nobody.",
    remediation: "once the auth type is AWS_IAM: restores authPolicy from the last compliant copy \
                  of the resource (PutAuthPolicy), or, when the current policy already \
                  restricts callers, marks it Active (the state follows the auth type); skipped \
                  while the auth type is not AWS_IAM (the lattice-*-auth-iam rule restores it \
                  first) and when no compliant policy is known",
    sources: &[
        electric_eye!("5"),
        electric_eye!("8"),
        source::UG_AUTH_POLICIES,
        source::API_GET_AUTH_POLICY,
        source::UG_TLS_LISTENERS,
    ],
};

impl Rule for AuthPolicyRestricted {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        if resource.passthrough_only() {
            return Verdict::not_applicable(PASSTHROUGH_ONLY);
        }
        let Some(policy) = resource.auth_policy() else {
            return Verdict::not_applicable("authPolicy was not described");
        };
        let problems: Vec<String> = [
            policy_document_problem(policy),
            policy.and_then(policy_state_problem),
        ]
        .into_iter()
        .flatten()
        .collect();
        if problems.is_empty() {
            Verdict::Compliant
        } else {
            Verdict::non_compliant(problems.join("; "))
        }
    }

    fn patch(&self, resource: &mut Resource, fix: &RemediationContext<'_>) -> Result<(), Refusal> {
        if resource.auth_type() != Some(AWS_IAM) {
            return Err(format!(
                "{}.authType is not AWS_IAM, so no auth policy is enforced: the auth type is \
                 restored first (when a compliant policy is known), then the policy",
                resource.lattice_member().unwrap_or("resource")
            )
            .into());
        }
        let current = resource.auth_policy().flatten();
        let restored = if policy_document_problem(current).is_none() {
            current.cloned().map(|mut policy| {
                policy.state = Some(ACTIVE.to_owned());
                policy
            })
        } else {
            last_compliant_policy(resource, fix).cloned()
        };
        let restored = restored.ok_or(
            "no last compliant auth policy is known for this resource: a policy cannot be guessed",
        )?;
        let slot = resource
            .auth_policy_slot()
            .ok_or("the resource has no auth policy")?;
        *slot = Some(Some(restored));
        Ok(())
    }
}
