//! The rules catalog: every service's rules (one module per rule, e.g. under [`mod@rules`] for App
//! Mesh), each with stable metadata, a pure `evaluate` and a pure `remediate` that changes only
//! the rule's own field.
//!
//! Remediation never guesses: when no safe value is known (TLS without a trust source, a health
//! check endpoint, a client CA) the rule is *skipped with a reason*.

mod docs;
mod tagged;

pub use crate::appmesh::rules;
pub use docs::render_markdown;
pub(crate) use tagged::Tagged;

use crate::model::{Resource, Tag};
use crate::resource::{AwsService, ResourceKind};
use crate::verdict::{Finding, Severity, Verdict};
use serde::Serialize;
use std::sync::LazyLock;

/// A rule's stable description, as listed by `meshwarden rules` and in `docs/rules.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleMeta {
    /// Stable id, e.g. `mesh-egress-drop-all`.
    pub id: &'static str,
    /// One-line title.
    pub title: &'static str,
    /// How much a failure weakens security.
    pub severity: Severity,
    /// The kinds of resource it reads (most rules read one; `lattice-access-logs` reads service
    /// networks and services).
    pub kinds: &'static [ResourceKind],
    /// The field it reads, in API camelCase; `[]` marks "every element".
    pub field: &'static str,
    /// When a resource passes.
    pub pass: &'static str,
    /// Why it matters.
    pub rationale: &'static str,
    /// What `remediate` does (or why it never does).
    pub remediation: &'static str,
    /// Where the check is published (AWS Config, Conformity, CloudSploit, ElectricEye, ours), then
    /// the public API references its reading of the fields rests on.
    pub sources: &'static [&'static str],
}

impl RuleMeta {
    /// Whether the rule reads resources of `kind`.
    pub fn applies_to(&self, kind: ResourceKind) -> bool {
        self.kinds.contains(&kind)
    }

    /// Whether the rule reads the resource's tags (its [`RuleMeta::field`] is [`TAGS_FIELD`]):
    /// the pipeline fetches tags only for such rules.
    pub fn reads_tags(&self) -> bool {
        self.field == TAGS_FIELD
    }

    /// The kinds, for people: `serviceNetwork, service`.
    pub fn kinds_label(&self) -> String {
        let names: Vec<&str> = self.kinds.iter().map(|k| k.as_str()).collect();
        names.join(", ")
    }
}

/// The [`RuleMeta::field`] of the rules that read the resource's tags (every service's
/// `*-tagged` rule).
pub const TAGS_FIELD: &str = "tags";

/// Values the parameterised rules and TLS remediation take from configuration.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RulesConfig {
    /// Required `spec.serviceDiscovery.ipPreference` of meshes; unset = rule not applicable.
    pub mesh_ip_preference: Option<String>,
    /// Required IP preference of virtual nodes' DNS / Cloud Map discovery; unset = not applicable.
    pub node_ip_preference: Option<String>,
    /// Tag keys every resource must carry; `Some([])` = at least one tag; `None` = rule off.
    pub required_tag_keys: Option<Vec<String>>,
    /// ACM Private CA ARNs to restore backend TLS with when no compliant policy is known.
    pub tls_ca_arns: Vec<String>,
    /// The IAM roles an ECS Service Connect revert may pass as `tls.roleArn`; `None` = no list
    /// configured (not checked).
    pub ecs_tls_role_arns: Option<Vec<String>>,
}

/// What evaluation may look at besides the resource.
#[derive(Debug, Clone, Copy)]
pub struct EvalContext<'a> {
    /// The configuration.
    pub config: &'a RulesConfig,
    /// The resource's tags, when they were fetched (`None`: tag rules are not applicable).
    pub tags: Option<&'a [Tag]>,
}

/// What remediation may use to build a safe patch.
#[derive(Debug, Clone, Copy)]
pub struct RemediationContext<'a> {
    /// The configuration (CA ARNs, required IP preferences).
    pub config: &'a RulesConfig,
    /// The last version of this resource that was fully compliant, when known.
    pub last_compliant: Option<&'a Resource>,
}

/// Why a rule makes no patch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
    /// Switching `AWS_IAM` on would enforce an auth policy Meshwarden has never seen in force
    /// (there is no last compliant copy with a restricting, `Active` policy): a policy that was
    /// never enforced may deny every caller (a deny-only policy passes "restricted").
    #[error(
        "no auth policy seen in force is known (no last compliant copy holds one): AWS_IAM is \
         switched on only together with the policy it last enforced, never with one never seen \
         enforced, which may deny every caller"
    )]
    NoPolicySeenInForce,
    /// No compliant ECS Service Connect configuration of this service is known (no last
    /// compliant copy, or its `PRIMARY` deployment has no enabled configuration): one cannot be
    /// guessed without breaking the service's connections.
    #[error(
        "no compliant Service Connect configuration of this service is known (no last compliant \
         copy has one on its PRIMARY deployment): a configuration cannot be guessed"
    )]
    NoCompliantConfiguration,
    /// The Service Connect configuration to restore names a `tls.roleArn` that is not one of the
    /// roles the responder may pass to ECS (`MESHWARDEN_ECS_TLS_ROLE_ARNS`).
    #[error(
        "the Service Connect configuration to restore names tls.roleArn {0}, which is not one of \
         the roles the responder may pass to ECS (MESHWARDEN_ECS_TLS_ROLE_ARNS)"
    )]
    TlsRoleNotAllowed(String),
    /// No safe value exists; the text says why.
    #[error("{0}")]
    Unsafe(String),
}

impl From<String> for Refusal {
    fn from(reason: String) -> Self {
        Refusal::Unsafe(reason)
    }
}

impl From<&str> for Refusal {
    fn from(reason: &str) -> Self {
        Refusal::Unsafe(reason.to_owned())
    }
}

impl Serialize for Refusal {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// One rule's answer to "make this compliant".
// Held one at a time, by value: boxing the larger variant would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Remediation {
    /// The rule is not violated: nothing to do.
    NotNeeded,
    /// The resource with only this rule's field changed.
    Patched(Resource),
    /// No safe patch exists; the reason says why.
    Skipped(Refusal),
}

/// A compliance rule.
pub trait Rule: Send + Sync {
    /// The rule's metadata.
    fn meta(&self) -> &RuleMeta;

    /// The verdict on a resource of the rule's kind.
    fn check(&self, resource: &Resource, ctx: &EvalContext<'_>) -> Verdict;

    /// Change the rule's field so the resource passes; `Err` is the reason no safe value exists.
    fn patch(&self, resource: &mut Resource, fix: &RemediationContext<'_>) -> Result<(), Refusal>;

    /// The verdict on any resource (other kinds and deleted resources are not applicable).
    fn evaluate(&self, resource: &Resource, ctx: &EvalContext<'_>) -> Verdict {
        match never_checked(self.meta(), resource) {
            Some(not_applicable) => not_applicable,
            None => self.check(resource, ctx),
        }
    }

    /// A patched copy when the rule is violated and a safe patch exists.
    fn remediate(
        &self,
        resource: &Resource,
        ctx: &EvalContext<'_>,
        fix: &RemediationContext<'_>,
    ) -> Remediation {
        if !matches!(self.evaluate(resource, ctx), Verdict::NonCompliant { .. }) {
            return Remediation::NotNeeded;
        }
        let mut patched = resource.clone();
        match self.patch(&mut patched, fix) {
            Ok(()) => Remediation::Patched(patched),
            Err(reason) => Remediation::Skipped(reason),
        }
    }
}

/// The reason every rule gives for an App Mesh resource whose `status.status` is `DELETED`.
pub const DELETED_REASON: &str = "resource is DELETED";

/// The not-applicable verdict of a rule on a resource it never checks: one of another kind, or
/// one that is gone ([`Resource::is_deleted`]: App Mesh's `DELETED`, VPC Lattice's
/// `DELETE_IN_PROGRESS`), with nothing left to secure or patch. The reason names the status
/// (for App Mesh, [`DELETED_REASON`]).
fn never_checked(meta: &RuleMeta, resource: &Resource) -> Option<Verdict> {
    if !meta.applies_to(resource.kind()) {
        return Some(Verdict::not_applicable(format!(
            "applies to {} only",
            meta.kinds_label()
        )));
    }
    if !resource.is_deleted() {
        return None;
    }
    Some(match resource.status() {
        Some(status) if status != "DELETED" => {
            Verdict::not_applicable(format!("resource is {status}"))
        }
        _ => Verdict::not_applicable(DELETED_REASON),
    })
}

/// A service's rules ([`crate::service::ServiceSpec::rules`]).
fn service_rules(service: AwsService) -> &'static [&'static dyn Rule] {
    service.spec().rules
}

/// Every rule, in catalog order (by service, then by kind, then as listed in `docs/rules.md`).
pub fn rules() -> &'static [&'static dyn Rule] {
    static ALL: LazyLock<Vec<&'static dyn Rule>> = LazyLock::new(|| {
        AwsService::ALL
            .into_iter()
            .flat_map(|service| service_rules(service).iter().copied())
            .collect()
    });
    &ALL
}

/// The rule with this id.
pub fn find(id: &str) -> Option<&'static dyn Rule> {
    rules().iter().copied().find(|r| r.meta().id == id)
}

/// The rules that read resources of `kind`, in catalog order.
pub fn rules_for(kind: ResourceKind) -> impl Iterator<Item = &'static dyn Rule> {
    service_rules(kind.service())
        .iter()
        .copied()
        .filter(move |rule| rule.meta().applies_to(kind))
}

/// One finding per rule of the resource's kind (each not applicable when it is deleted).
pub fn evaluate(resource: &Resource, ctx: &EvalContext<'_>) -> Vec<Finding> {
    rules_for(resource.kind())
        .map(|rule| {
            rule.evaluate(resource, ctx)
                .into_finding(rule.meta().id, rule.meta().severity)
        })
        .collect()
}

/// A rule that was violated but not remediated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SkippedRemediation {
    /// The rule's id.
    pub rule: &'static str,
    /// Why no safe patch exists.
    pub reason: Refusal,
}

/// The result of remediating every violated rule of one resource.
#[derive(Debug, Clone, PartialEq)]
pub struct RemediationPlan {
    /// The resource with every applied patch (equal to the input when nothing applied).
    pub resource: Resource,
    /// Rules whose patch was applied, in catalog order.
    pub applied: Vec<&'static str>,
    /// Violated rules left as they are, with the reason.
    pub skipped: Vec<SkippedRemediation>,
}

/// Apply, in catalog order, the patch of every rule the resource violates, each to the result
/// of the previous ones. Each patch changes only its rule's field. The order matters in one
/// place: a VPC Lattice `*-auth-iam` patch (which sets `authType` only when a compliant auth
/// policy is known) comes before `lattice-auth-policy-restricted`'s, which restores the policy
/// only once the auth type enforces it. A deleted resource violates no rule, so its plan is
/// empty.
pub fn remediate(
    resource: &Resource,
    ctx: &EvalContext<'_>,
    fix: &RemediationContext<'_>,
) -> RemediationPlan {
    remediate_except(resource, ctx, fix, &[])
}

/// [`remediate`], leaving the rules named in `exempted` as they are (an exempted failure is
/// accepted: no patch touches its field).
pub fn remediate_except(
    resource: &Resource,
    ctx: &EvalContext<'_>,
    fix: &RemediationContext<'_>,
    exempted: &[&str],
) -> RemediationPlan {
    let mut plan = RemediationPlan {
        resource: resource.clone(),
        applied: Vec::new(),
        skipped: Vec::new(),
    };
    let judged = rules_for(resource.kind()).filter(|rule| !exempted.contains(&rule.meta().id));
    for rule in judged {
        match rule.remediate(&plan.resource, ctx, fix) {
            Remediation::NotNeeded => {}
            Remediation::Patched(patched) => {
                plan.resource = patched;
                plan.applied.push(rule.meta().id);
            }
            Remediation::Skipped(reason) => plan.skipped.push(SkippedRemediation {
                rule: rule.meta().id,
                reason,
            }),
        }
    }
    plan
}

#[cfg(test)]
mod tests;
