//! `lattice-sn-vpc-security-groups`: every VPC association of a service network has security
//! groups.

use super::source;
use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::model::Resource;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub struct SnVpcSecurityGroups;

/// Its single instance in the catalog.
pub static RULE: SnVpcSecurityGroups = SnVpcSecurityGroups;

const META: RuleMeta = RuleMeta {
    id: "lattice-sn-vpc-security-groups",
    title: "Service network VPC associations have security groups",
    severity: Severity::Medium,
    kinds: &[ResourceKind::ServiceNetwork],
    field: "vpcAssociations[].securityGroupIds",
    pass: "every association has at least one security group; not applicable when \
           vpcAssociations was not described or is empty",
    rationale: "The association's security groups decide which resources in the VPC may reach \
                the service network; without them every resource in the VPC can.",
    remediation: "none (alert only): an association without security groups was created without \
                  them (an association that has some must keep one), so no earlier value is \
                  known, and which security groups may reach the network is the owner's choice",
    sources: &[source::NONE, source::API_UPDATE_SNVA],
};

impl Rule for SnVpcSecurityGroups {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        let Resource::ServiceNetwork(doc) = resource else {
            return Verdict::not_applicable("not a service network");
        };
        let associations = match doc.vpc_associations.as_deref() {
            None => return Verdict::not_applicable("vpcAssociations was not described"),
            Some([]) => {
                return Verdict::not_applicable("the service network has no VPC associations")
            }
            Some(associations) => associations,
        };
        let failures: Vec<String> = associations
            .iter()
            .enumerate()
            .filter(|(_, a)| a.security_group_ids.as_ref().is_none_or(Vec::is_empty))
            .map(|(i, a)| {
                let vpc = a.vpc_id.as_deref().or(a.id.as_deref()).unwrap_or("?");
                format!("vpcAssociations[{i}] ({vpc}) has no securityGroupIds")
            })
            .collect();
        if failures.is_empty() {
            Verdict::Compliant
        } else {
            Verdict::non_compliant(format!(
                "{}: every resource in the VPC may reach the network",
                failures.join("; ")
            ))
        }
    }

    fn patch(&self, _: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        Err(
            "security groups are not reverted: an association without them was created that \
             way, so no earlier value is known, and which may reach the network is the owner's \
             choice"
                .to_owned()
                .into(),
        )
    }
}
