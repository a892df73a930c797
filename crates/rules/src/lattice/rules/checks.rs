//! Checks and helpers more than one VPC Lattice rule uses: the auth type of service networks and
//! services, the reading of an auth policy, and the last compliant copy of the same resource.

use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::lattice::model::{AuthPolicy, TargetGroupData};
use crate::model::Resource;
use crate::verdict::Verdict;
use serde_json::Value;

/// The auth type that makes VPC Lattice authenticate callers and enforce the auth policy.
pub const AWS_IAM: &str = "AWS_IAM";
/// The auth policy state while the auth type is `AWS_IAM`.
pub const ACTIVE: &str = "Active";

/// Why a service's auth settings are not checked: with TLS passthrough only, VPC Lattice never
/// decrypts the traffic and its auth policies can only name anonymous principals.
pub const PASSTHROUGH_ONLY: &str = "every listener is TLS_PASSTHROUGH: VPC Lattice does not \
                                    decrypt the traffic and auth policies can only name anonymous principals";

/// The target group a target-group rule reads, or its not-applicable verdict: another kind, or a
/// group whose type is one of `exempt` (`why` ends the reason for those). A `LAMBDA` group has
/// no protocol and no health check; an `ALB` group is reached with its protocol and port (an
/// `HTTP` one is a plaintext hop) but is not health-checked by VPC Lattice.
pub fn target_group<'a>(
    resource: &'a Resource,
    exempt: &[&str],
    why: &str,
) -> Result<&'a TargetGroupData, Verdict> {
    let Resource::TargetGroup(doc) = resource else {
        return Err(Verdict::not_applicable("not a target group"));
    };
    let group = &doc.target_group;
    match group.target_type.as_deref() {
        Some(kind) if exempt.contains(&kind) => Err(Verdict::not_applicable(format!(
            "targetGroup.type is {kind}: {why}"
        ))),
        _ => Ok(group),
    }
}

/// The last compliant copy of this very resource (same kind and id), when known.
pub fn last_compliant<'a>(
    resource: &Resource,
    fix: &RemediationContext<'a>,
) -> Option<&'a Resource> {
    fix.last_compliant
        .filter(|last| last.kind() == resource.kind() && last.local_id() == resource.local_id())
}

/// Why an auth policy's document does not restrict who may call: it is missing, is not a JSON
/// policy, or has an `Allow` statement for everyone (principal `*`, `{"AWS": "*"}` or a
/// `NotPrincipal`) without a `Condition`. `None` when the document restricts callers.
pub fn policy_document_problem(policy: Option<&AuthPolicy>) -> Option<String> {
    let Some(text) = policy
        .and_then(|p| p.policy.as_deref())
        .filter(|t| !t.trim().is_empty())
    else {
        return Some("there is no auth policy (authPolicy is null or its policy empty)".to_owned());
    };
    let Ok(document) = serde_json::from_str::<Value>(text) else {
        return Some("authPolicy.policy is not a JSON policy document".to_owned());
    };
    let statements: Vec<&Value> = match document.get("Statement") {
        Some(Value::Array(items)) => items.iter().collect(),
        Some(one @ Value::Object(_)) => vec![one],
        _ => return Some("authPolicy.policy has no Statement".to_owned()),
    };
    let open: Vec<String> = statements
        .iter()
        .enumerate()
        .filter(|(_, s)| opens_to_everyone(s))
        .map(|(i, s)| match s.get("Sid").and_then(Value::as_str) {
            Some(sid) => format!("Statement[{i}] ({sid:?})"),
            None => format!("Statement[{i}]"),
        })
        .collect();
    (!open.is_empty()).then(|| {
        format!(
            "authPolicy.policy {} allows every principal without a Condition",
            open.join(", ")
        )
    })
}

/// An `Allow` statement whose principal is everyone and that has no (non-empty) `Condition`.
fn opens_to_everyone(statement: &Value) -> bool {
    let allows = statement.get("Effect").and_then(Value::as_str) == Some("Allow");
    let conditioned = statement
        .get("Condition")
        .and_then(Value::as_object)
        .is_some_and(|c| !c.is_empty());
    let everyone = statement.get("NotPrincipal").is_some()
        || statement.get("Principal").is_some_and(names_everyone);
    allows && everyone && !conditioned
}

/// `"*"`, or a principal map one of whose members is `"*"` or lists it.
fn names_everyone(principal: &Value) -> bool {
    let star = |v: &Value| v.as_str() == Some("*");
    match principal {
        Value::String(_) => star(principal),
        Value::Object(members) => members.values().any(|v| match v {
            Value::Array(items) => items.iter().any(star),
            other => star(other),
        }),
        _ => false,
    }
}

/// Why an auth policy is not in force: its `state` is not `Active`.
pub fn policy_state_problem(policy: &AuthPolicy) -> Option<String> {
    match policy.state.as_deref() {
        Some(ACTIVE) => None,
        Some(state) => Some(format!(
            "authPolicy.state is {state}: the policy is not enforced"
        )),
        None => Some("authPolicy.state is missing".to_owned()),
    }
}

/// An auth policy that restricts callers and is in force.
pub fn compliant_policy(policy: Option<&AuthPolicy>) -> Option<&AuthPolicy> {
    let policy = policy?;
    (policy_document_problem(Some(policy)).is_none() && policy_state_problem(policy).is_none())
        .then_some(policy)
}

/// The auth policy of the last compliant copy of the resource, when it restricts callers and
/// was in force.
pub fn last_compliant_policy<'a>(
    resource: &Resource,
    fix: &RemediationContext<'a>,
) -> Option<&'a AuthPolicy> {
    compliant_policy(last_compliant(resource, fix)?.auth_policy().flatten())
}

/// Whether switching `AWS_IAM` on would enforce an auth policy seen in force: there is a last
/// compliant copy with a restricting `Active` policy, and the current policy is either that one
/// (the same document) or does not restrict callers (then `lattice-auth-policy-restricted`
/// restores the last compliant one in the same plan). A current restricting policy that differs
/// (a deny-only policy passes "restricted") was never seen enforced: it may deny every caller.
fn enforces_a_policy_seen_in_force(resource: &Resource, fix: &RemediationContext<'_>) -> bool {
    let Some(known) = last_compliant_policy(resource, fix) else {
        return false;
    };
    let current = resource.auth_policy().flatten();
    policy_document_problem(current).is_some()
        || current.is_some_and(|now| same_document(now, known))
}

/// Whether two auth policies hold the same document (as JSON when both parse, else as text).
fn same_document(a: &AuthPolicy, b: &AuthPolicy) -> bool {
    let parsed = |p: &AuthPolicy| {
        p.policy
            .as_deref()
            .and_then(|t| serde_json::from_str::<Value>(t).ok())
    };
    match (parsed(a), parsed(b)) {
        (Some(x), Some(y)) => x == y,
        _ => a.policy == b.policy,
    }
}

/// `authType` is `AWS_IAM` (absent means `NONE`). A service whose listeners are all
/// `TLS_PASSTHROUGH` is not checked.
pub struct AuthIam(pub RuleMeta);

impl Rule for AuthIam {
    fn meta(&self) -> &RuleMeta {
        &self.0
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        if resource.passthrough_only() {
            return Verdict::not_applicable(PASSTHROUGH_ONLY);
        }
        let field = self.0.field;
        match resource.auth_type() {
            Some(AWS_IAM) => Verdict::Compliant,
            Some(other) => Verdict::non_compliant(format!(
                "{field} is {other}: callers are not authenticated and no auth policy is enforced"
            )),
            None => Verdict::non_compliant(format!(
                "{field} is missing (NONE): callers are not authenticated and no auth policy is enforced"
            )),
        }
    }

    fn patch(&self, resource: &mut Resource, fix: &RemediationContext<'_>) -> Result<(), Refusal> {
        if !enforces_a_policy_seen_in_force(resource, fix) {
            return Err(Refusal::NoPolicySeenInForce);
        }
        let slot = resource
            .auth_type_slot()
            .ok_or("the resource has no auth type")?;
        *slot = Some(AWS_IAM.to_owned());
        Ok(())
    }
}
