//! `docs/rules.md`, generated from the catalog so the reference cannot drift from the code.

use super::{rules, DELETED_REASON};

/// The rule reference in Markdown (the content of `docs/rules.md`).
pub fn render_markdown() -> String {
    let mut out = format!(
        "# Rule reference\n\n\
         Generated from the catalog (`meshwarden rules --format markdown > docs/rules.md`); a test fails \
         when this file is stale. Severity follows Trend Micro Conformity's grades where Conformity grades \
         the check, else ours. Verdicts: `COMPLIANT`, `NON_COMPLIANT` (with a reason naming the field), \
         `NOT_APPLICABLE` (with why).\n\n\
         A resource whose `status.status` is `DELETED` is `NOT_APPLICABLE` for every rule (reason \
         `{DELETED_REASON}`) and is never remediated: App Mesh reports a deleted mesh, virtual \
         gateway or virtual node with that status (`ACTIVE | INACTIVE | DELETED` in the API reference's \
         [MeshStatus](https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_MeshStatus.html), \
         [VirtualGatewayStatus](https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_VirtualGatewayStatus.html) \
         and [VirtualNodeStatus](https://docs.aws.amazon.com/app-mesh/latest/APIReference/API_VirtualNodeStatus.html)), \
         and there is nothing left to secure. A VPC Lattice service or target group whose `status` is \
         `DELETE_IN_PROGRESS` is `NOT_APPLICABLE` for every rule in the same way (reason `resource is \
         DELETE_IN_PROGRESS`; the status values are listed in the API reference's \
         [GetService](https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_GetService.html) and \
         [GetTargetGroup](https://docs.aws.amazon.com/vpc-lattice/latest/APIReference/API_GetTargetGroup.html)); \
         a service network has no status. An Amazon ECS service whose `status` is `INACTIVE` (deleted) or \
         `DRAINING` (being deleted) is `NOT_APPLICABLE` for every rule in the same way (the values are \
         listed in the API reference's \
         [Service](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html)).\n\n\
         ECS Service Connect rules read `{{\"ecsService\": <one element of DescribeServices' services[]>}}` \
         and judge the `serviceConnectConfiguration` of the deployment whose `status` is `PRIMARY`; \
         without deployments, without a `PRIMARY` one, without a configuration on it or with \
         `enabled: false`, every ECS rule is `NOT_APPLICABLE`.\n\n\
         VPC Lattice rules read one document per resource, assembled from the API's outputs with \
         their members as the API names them: `{{\"serviceNetwork\": GetServiceNetwork, \"authPolicy\": \
         GetAuthPolicy | null, \"accessLogSubscriptions\": [ListAccessLogSubscriptions items], \
         \"vpcAssociations\": [GetServiceNetworkVpcAssociation]}}`, `{{\"service\": GetService, \
         \"listeners\": [GetListener], \"authPolicy\": GetAuthPolicy | null, \"accessLogSubscriptions\": \
         [...]}}` and `{{\"targetGroup\": GetTargetGroup}}`. A member the document lacks was not \
         described: the rules that read it are `NOT_APPLICABLE`. Their fields are named from the \
         document's root.\n\n\
         | id | resource | severity | field | compliant when |\n|---|---|---|---|---|\n",
    );
    for rule in rules() {
        let m = rule.meta();
        out.push_str(&format!(
            "| [`{id}`](#{id}) | {kind} | {sev} | `{field}` | {pass} |\n",
            id = m.id,
            kind = m.kinds_label(),
            sev = m.severity,
            field = m.field,
            pass = m.pass
        ));
    }
    for rule in rules() {
        let m = rule.meta();
        out.push_str(&format!(
            "\n## {id}\n\n**{title}** — {kind}, severity {sev}.\n\n\
             - Field: `{field}`\n- Compliant when: {pass}\n- Why: {why}\n- Remediation: {fix}\n- Sources: {src}\n",
            id = m.id,
            title = m.title,
            kind = m.kinds_label(),
            sev = m.severity,
            field = m.field,
            pass = m.pass,
            why = m.rationale,
            fix = m.remediation,
            src = m.sources.join("; "),
        ));
    }
    out
}
