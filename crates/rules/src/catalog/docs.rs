//! `docs/rules.md`, generated from the catalog so the reference cannot drift from the code.

use super::rules;
use crate::resource::AwsService;

/// The rule reference in Markdown (the content of `docs/rules.md`).
pub fn render_markdown() -> String {
    let mut out = String::from(
        "# Rule reference\n\n\
         Generated from the catalog (`meshwarden rules --format markdown > docs/rules.md`); a test fails \
         when this file is stale. Severity follows Trend Micro Conformity's grades where Conformity grades \
         the check, else ours. Verdicts: `COMPLIANT`, `NON_COMPLIANT` (with a reason naming the field), \
         `NOT_APPLICABLE` (with why). A resource that is gone (each service below says how its API \
         tells) is `NOT_APPLICABLE` for every rule and is never remediated: there is nothing left to \
         secure.\n\n",
    );
    for service in AwsService::ALL {
        let spec = service.spec();
        out.push_str(&format!(
            "## {name}\n\n{doc}\n\n",
            name = spec.display_name,
            doc = (spec.rules_doc)()
        ));
    }
    out.push_str("## Rules\n\n| id | resource | severity | field | compliant when |\n|---|---|---|---|---|\n");
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
