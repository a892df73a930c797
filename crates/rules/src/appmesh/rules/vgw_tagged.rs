//! `vgw-tagged`: a virtual gateway carries the required tags.

use crate::catalog::RuleMeta;
use crate::catalog::Tagged;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: Tagged = Tagged(RuleMeta {
    id: "vgw-tagged",
    title: "Virtual gateway carries the required tags",
    severity: Severity::Low,
    kind: ResourceKind::VirtualGateway,
    field: "tags",
    pass: "has every configured required tag key (or any tag when the list is empty); aws: keys do not count; not applicable when unconfigured",
    rationale: "Untagged resources escape ownership, cost and access-control policies keyed on tags.",
    remediation: "none: tag values belong to the resource's owner",
    sources: &["AWS Config appmesh-virtual-gateway-tagged"],
});
