//! `lattice-target-group-https`: a target group encrypts the traffic to its targets.

use super::{checks, electric_eye, source};
use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::model::Resource;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub struct TargetGroupHttps;

/// Its single instance in the catalog.
pub static RULE: TargetGroupHttps = TargetGroupHttps;

const META: RuleMeta = RuleMeta {
    id: "lattice-target-group-https",
    title: "Target groups reach their targets over HTTPS (or TLS passthrough)",
    severity: Severity::High,
    kinds: &[ResourceKind::TargetGroup],
    field: "targetGroup.config.protocol",
    pass: "HTTPS, or TCP (a TCP target group is what a TLS passthrough listener forwards to: the \
           client's TLS reaches the target); ALB target groups are judged like IP and INSTANCE ones \
           (VPC Lattice connects to the load balancer with the group's protocol and port); not \
           applicable to LAMBDA target groups",
    rationale: "An HTTP target group carries every request from VPC Lattice to the targets in \
                plaintext inside the VPC.",
    remediation: "none (alert only): UpdateTargetGroup cannot change the protocol; create an \
                  HTTPS target group and move the listener rules to it",
    sources: &[
        electric_eye!("9"),
        source::UG_TLS_LISTENERS,
        source::UG_ALB_TARGETS,
        source::API_UPDATE_TARGET_GROUP,
    ],
};

impl Rule for TargetGroupHttps {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        let group =
            match checks::target_group(resource, &["LAMBDA"], "VPC Lattice invokes the function") {
                Ok(group) => group,
                Err(not_applicable) => return not_applicable,
            };
        match group.config.as_ref().and_then(|c| c.protocol.as_deref()) {
            Some("HTTPS" | "TCP") => Verdict::Compliant,
            Some("HTTP") => Verdict::non_compliant(
                "targetGroup.config.protocol is HTTP: traffic to the targets is plaintext",
            ),
            Some(other) => {
                Verdict::non_compliant(format!("targetGroup.config.protocol is {other}"))
            }
            None => Verdict::non_compliant("targetGroup.config.protocol is missing"),
        }
    }

    fn patch(&self, _: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        Err(
            "the API cannot change a target group's protocol in place (UpdateTargetGroup takes \
             only its health check): create an HTTPS target group and move the listener rules \
             to it"
                .to_owned()
                .into(),
        )
    }
}
