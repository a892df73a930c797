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
         and there is nothing left to secure.\n\n\
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
