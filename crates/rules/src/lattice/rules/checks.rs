//! Checks and helpers more than one VPC Lattice rule uses: the auth type of service networks and
//! services, the reading of an auth policy, and the last compliant copy of the same resource.

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
/// `LAMBDA`/`ALB` group, whose targets VPC Lattice neither health-checks nor speaks a protocol to
/// (`why` ends the reason for those).
pub fn target_group<'a>(resource: &'a Resource, why: &str) -> Result<&'a TargetGroupData, Verdict> {
    let Resource::TargetGroup(doc) = resource else {
        return Err(Verdict::not_applicable("not a target group"));
    };
    let group = &doc.target_group;
    match group.target_type.as_deref() {
        Some(kind @ ("LAMBDA" | "ALB")) => Err(Verdict::not_applicable(format!(
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
        .filter(|last| last.kind() == resource.kind() && last.lattice_id() == resource.lattice_id())
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

    fn patch(&self, resource: &mut Resource, fix: &RemediationContext<'_>) -> Result<(), String> {
        let current = resource.auth_policy().flatten();
        let known = policy_document_problem(current).is_none()
            || last_compliant_policy(resource, fix).is_some();
        if !known {
            return Err(
                "no compliant auth policy is known (the current one does not restrict callers \
                 and there is no last compliant copy): AWS_IAM without an auth policy denies every \
                 request"
                    .to_owned(),
            );
        }
        let slot = resource
            .auth_type_slot()
            .ok_or("the resource has no auth type")?;
        *slot = Some(AWS_IAM.to_owned());
        Ok(())
    }
}
