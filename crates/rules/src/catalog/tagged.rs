//! `*-tagged`: the resource carries the configured tag keys. Every service's tag rules share this
//! check; the tags come from the [`EvalContext`], not from the document.

use super::{EvalContext, RemediationContext, Rule, RuleMeta, TAGS_FIELD};
use crate::catalog::Refusal;
use crate::model::Resource;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The resource carries the configured tag keys (`aws:` keys do not count); not remediable.
pub struct Tagged(pub RuleMeta);

impl Tagged {
    /// The tag rule of `kind`: every tag rule reads the same setting and says the same, only
    /// its id, title and sources differ.
    pub const fn rule(
        id: &'static str,
        title: &'static str,
        kind: &'static [ResourceKind],
        sources: &'static [&'static str],
    ) -> Tagged {
        Tagged(RuleMeta {
            id,
            title,
            severity: Severity::Low,
            kinds: kind,
            field: TAGS_FIELD,
            pass: "has every configured required tag key (or any tag when the list is empty); \
                   aws: keys do not count; not applicable when unconfigured",
            rationale: "Untagged resources escape ownership, cost and access-control policies \
                        keyed on tags.",
            remediation: "none: tag values belong to the resource's owner",
            sources,
        })
    }
}

impl Rule for Tagged {
    fn meta(&self) -> &RuleMeta {
        &self.0
    }

    fn check(&self, _: &Resource, ctx: &EvalContext<'_>) -> Verdict {
        let Some(required) = ctx.config.required_tag_keys.as_ref() else {
            return Verdict::not_applicable(
                "no required tag keys configured (MESHWARDEN_REQUIRED_TAG_KEYS)",
            );
        };
        let Some(tags) = ctx.tags else {
            return Verdict::not_applicable("tags were not fetched");
        };
        let own: Vec<&str> = tags
            .iter()
            .map(|t| t.key.as_str())
            .filter(|k| !k.starts_with("aws:"))
            .collect();
        if required.is_empty() {
            return if own.is_empty() {
                Verdict::non_compliant("the resource has no tags")
            } else {
                Verdict::Compliant
            };
        }
        let missing: Vec<&str> = required
            .iter()
            .map(String::as_str)
            .filter(|key| !own.contains(key))
            .collect();
        if missing.is_empty() {
            Verdict::Compliant
        } else {
            Verdict::non_compliant(format!("missing required tag keys: {}", missing.join(", ")))
        }
    }

    fn patch(&self, _: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        Err(
            "tag values belong to the resource's owner and cannot be guessed"
                .to_owned()
                .into(),
        )
    }
}
