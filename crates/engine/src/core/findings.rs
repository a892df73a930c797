//! Records → AWS Security Finding Format (pure): which findings to import into Security Hub after
//! an evaluation, and what STATE must remember about them.
//!
//! One finding per (resource, rule), `Id` `{stored resource id}/{rule id}`, so every later import
//! updates the same finding. A rule's finding is `FAILED` while the rule fails and `PASSED` (with
//! `Workflow.Status` `RESOLVED`) once it passes; a rule that stops applying, and every rule of a
//! deleted resource, is `ARCHIVED` (its last status kept). Syntax: the ASFF reference,
//! <https://docs.aws.amazon.com/securityhub/latest/userguide/securityhub-findings-format-syntax.html>.
//!
//! Only changes are imported: STATE keeps an [`Exported`] mark ([`crate::core::hub_mark`]) (attribute `securityHub`) of what
//! Security Hub was last sent for the resource, and [`changes`] compares a record with it. A mark
//! is written only after Security Hub accepted the import, so an import that failed (or never
//! happened: Security Hub switched on later) is made by the next evaluation of the resource, the
//! sweep's at the latest.
//!
//! An exempted rule's finding stays `FAILED` and is triaged `SUPPRESSED` with the exemption's
//! reason as its note; when the exemption ends it goes back to `NEW` (or `RESOLVED` if the rule
//! passes by then). `BatchImportFindings` cannot change `Workflow` or `Note` of an existing
//! finding, so these go with `BatchUpdateFindings` ([`Triage`]); the mark keeps the note last
//! sent ([`ExportedFinding::suppressed`]) so each change is sent once, and again if it failed.

use crate::core::hub_mark::{Exported, ExportedFinding, HubStatus};
use crate::core::record::{rfc3339, Record, Status};
use meshwarden_rules::catalog::{self, RuleMeta};
use meshwarden_rules::resource::{partition_of as partition, ResourceRef};
use meshwarden_rules::service::SecurityHubDetails;
use meshwarden_rules::verdict::{Severity, VerdictStatus};
use std::collections::BTreeMap;
use std::time::{Duration, SystemTime};

/// ASFF schema version of every finding.
pub const SCHEMA_VERSION: &str = "2018-10-08";
/// The finding type of every rule (ASFF `namespace/category`).
pub const FINDING_TYPE: &str = "Software and Configuration Checks/AWS Security Best Practices";
/// Prefix of every `GeneratorId` (followed by the rule id).
pub const GENERATOR_PREFIX: &str = "meshwarden/";
/// Security Hub deletes a finding 90 days after its last update: an unchanged finding is imported
/// again once its last import is this old, so it never expires while it is true.
pub const REFRESH_AFTER: Duration = Duration::from_secs(30 * 86_400);

/// ASFF length limits (AwsSecurityFinding in the Security Hub API reference).
const MAX_TITLE: usize = 256;
const MAX_DESCRIPTION: usize = 1_024;
const MAX_RECOMMENDATION: usize = 512;
const MAX_DETAIL: usize = 1_024;
/// `Note.Text` limit of `BatchUpdateFindings`.
const MAX_NOTE: usize = 512;
/// `Note.UpdatedBy` of every triage.
pub const NOTE_BY: &str = "meshwarden";
/// `Note.Text` when a failing rule passes.
pub const PASSED_NOTE: &str = "Meshwarden: the rule passes.";
/// `Note.Text` when an exemption has ended.
pub const ENDED_NOTE: &str = "Meshwarden: the exemption ended; the rule is judged again.";

/// `RecordState` of a finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordState {
    /// The rule applies to a live resource.
    Active,
    /// The resource is deleted, or the rule no longer applies to it.
    Archived,
}

impl RecordState {
    /// `ACTIVE` or `ARCHIVED`.
    pub fn as_str(self) -> &'static str {
        match self {
            RecordState::Active => "ACTIVE",
            RecordState::Archived => "ARCHIVED",
        }
    }
}

/// A `BatchUpdateFindings` of one finding's `Workflow.Status` and `Note`, sent after its import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Triage {
    /// `Workflow.Status`: `SUPPRESSED` while exempted, `NEW` once the exemption ended, `RESOLVED`
    /// once the rule passes.
    pub workflow: &'static str,
    /// `Note.Text` (at most 512 characters).
    pub note: String,
}

/// One ASFF finding, with only the attributes Meshwarden sets (no SDK type: the adapter
/// converts it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsffFinding {
    /// `Id`: `{stored resource id}/{rule id}`.
    pub id: String,
    /// `ProductArn`: the account's default product.
    pub product_arn: String,
    /// `GeneratorId`: `meshwarden/{rule id}`.
    pub generator_id: String,
    /// `AwsAccountId`: the account that imports it (Security Hub requires the caller's).
    pub aws_account_id: String,
    /// `Region`: the resource's region, where the finding is imported.
    pub region: String,
    /// `Types`.
    pub types: Vec<String>,
    /// `CreatedAt` (RFC 3339).
    pub created_at: String,
    /// `UpdatedAt` (RFC 3339): the evaluation's time.
    pub updated_at: String,
    /// `Severity.Label` (also `FindingProviderFields.Severity.Label`).
    pub severity: &'static str,
    /// `Title`: the rule's title.
    pub title: String,
    /// `Description`: what passes and why it matters.
    pub description: String,
    /// `Remediation.Recommendation.Text`: the rule's fix.
    pub recommendation: String,
    /// `Resources[0]`.
    pub resource: AsffResource,
    /// `Compliance.Status`.
    pub compliance: HubStatus,
    /// `Workflow.Status` (Security Hub honours it when the finding is created; afterwards it
    /// resets `RESOLVED` to `NEW` itself when the status goes back to `FAILED`).
    pub workflow: &'static str,
    /// `RecordState`.
    pub record_state: RecordState,
    /// The triage to send with `BatchUpdateFindings` once it is imported (its exemption began
    /// or ended).
    pub triage: Option<Triage>,
}

/// `Resources[0]` of a finding: the resource, of its service's Security Hub type
/// ([`meshwarden_rules::service::ServiceSpec::securityhub_type`]: `Other` for App Mesh and VPC
/// Lattice, which Security Hub has no type for; `AwsEcsService` for an ECS service).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AsffResource {
    /// `Type`.
    pub r#type: &'static str,
    /// `Id`: the resource's ARN.
    pub id: String,
    /// `Partition`.
    pub partition: &'static str,
    /// `Region`.
    pub region: String,
    /// `Details.Other`: `mesh`, `name`, `kind`, `field` (the field the rule checks) and, while
    /// failing, `reason`.
    pub details: BTreeMap<String, String>,
    /// The typed details its Security Hub type has (`Details.AwsEcsService` of an ECS service;
    /// [`meshwarden_rules::service::ServiceSpec::securityhub_details`]).
    pub typed_details: Option<SecurityHubDetails>,
}

/// What to import after one evaluation, and the mark to keep once Security Hub took it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The findings whose status changed (or that are due for a refresh).
    pub findings: Vec<AsffFinding>,
    /// The new `securityHub` mark of the resource's STATE.
    pub exported: Exported,
}

/// The findings of `record` that Security Hub does not hold yet, given the resource's mark
/// (`None`: nothing imported so far). `account` imports them. `None` when nothing changed, or
/// when the record says nothing about the resource's state (an error record).
pub fn changes(record: &Record, previous: Option<&Exported>, account: &str) -> Option<Changes> {
    let now = statuses(record)?;
    let empty = Exported::default();
    let previous = previous.unwrap_or(&empty);
    let updated_at = rfc3339(record.evaluated_at);
    let refresh = refresh_due(previous, record.evaluated_at);
    let mut findings = Vec::new();
    let mut exported = Exported {
        at: previous.at,
        findings: BTreeMap::new(),
    };
    for (rule, (status, suppressed)) in &now {
        let before = previous.findings.get(rule);
        let created_at = before.map_or_else(|| updated_at.clone(), |b| b.created_at.clone());
        let triage = triage(*status, before, suppressed.as_ref());
        if refresh || triage.is_some() || before.is_none_or(|b| b.status != *status) {
            findings.push(AsffFinding {
                triage,
                ..finding(
                    record,
                    rule,
                    *status,
                    RecordState::Active,
                    &created_at,
                    account,
                )
            });
        }
        exported.findings.insert(
            rule.clone(),
            ExportedFinding {
                status: *status,
                created_at,
                suppressed: suppressed.clone(),
            },
        );
    }
    for (rule, before) in &previous.findings {
        if !now.contains_key(rule) {
            findings.push(finding(
                record,
                rule,
                before.status,
                RecordState::Archived,
                &before.created_at,
                account,
            ));
        }
    }
    if findings.is_empty() {
        return None;
    }
    exported.at = crate::core::record::epoch_seconds(record.evaluated_at);
    Some(Changes { findings, exported })
}

/// The `BatchUpdateFindings` a finding needs, given what Security Hub holds (`before`: its last
/// status and suppression note; `None`: the import creates it) and its status and suppression
/// note now; `None` when its workflow is right already. An import sets `Workflow` only on a new
/// finding, and Security Hub itself resets only `RESOLVED` to `NEW` when a finding fails again;
/// suppressing, lifting a suppression and resolving an existing finding are triage.
fn triage(
    status: HubStatus,
    before: Option<&ExportedFinding>,
    suppressed: Option<&String>,
) -> Option<Triage> {
    let was_suppressed = before.and_then(|b| b.suppressed.as_ref());
    match (suppressed, was_suppressed) {
        (Some(note), _) if was_suppressed != Some(note) => Some(Triage {
            workflow: "SUPPRESSED",
            note: note.clone(),
        }),
        (Some(_), _) => None,
        (None, Some(_)) => Some(Triage {
            workflow: status.workflow(),
            note: ENDED_NOTE.to_owned(),
        }),
        (None, None) => before
            .filter(|b| b.status == HubStatus::Failed && status == HubStatus::Passed)
            .map(|_| Triage {
                workflow: status.workflow(),
                note: PASSED_NOTE.to_owned(),
            }),
    }
}

/// Per rule, the status Security Hub should show and, for an exempted rule, the note it is
/// suppressed with; `None` for a record that says nothing about the resource (an error). A
/// deleted resource has no active finding.
fn statuses(record: &Record) -> Option<BTreeMap<String, (HubStatus, Option<String>)>> {
    match record.status {
        Status::Error => None,
        Status::Deleted => Some(BTreeMap::new()),
        Status::Compliant | Status::NonCompliant => Some(
            record
                .findings
                .iter()
                .filter_map(|f| {
                    let status = match f.verdict {
                        // An exempted rule still fails: Security Hub keeps showing it as such,
                        // suppressed with the exemption's reason.
                        VerdictStatus::Exempted => (
                            HubStatus::Failed,
                            Some(bounded(f.reason.as_deref().unwrap_or("exempted"), MAX_NOTE)),
                        ),
                        VerdictStatus::NonCompliant => (HubStatus::Failed, None),
                        VerdictStatus::Compliant => (HubStatus::Passed, None),
                        VerdictStatus::NotApplicable => return None,
                    };
                    Some((f.rule.to_string(), status))
                })
                .collect(),
        ),
    }
}

/// Whether the resource's findings were last imported longer than [`REFRESH_AFTER`] before
/// `now` (never imported: nothing to refresh).
fn refresh_due(previous: &Exported, now: SystemTime) -> bool {
    let age = crate::core::record::epoch_seconds(now).saturating_sub(previous.at);
    !previous.findings.is_empty()
        && u64::try_from(age).is_ok_and(|age| age >= REFRESH_AFTER.as_secs())
}

/// The finding of one (resource, rule).
fn finding(
    record: &Record,
    rule: &str,
    status: HubStatus,
    state: RecordState,
    created_at: &str,
    account: &str,
) -> AsffFinding {
    let resource = &record.resource;
    let meta = catalog::find(rule).map(|r| r.meta());
    let partition = partition(&resource.region);
    let mut details = BTreeMap::new();
    details.insert("id".to_owned(), resource.id.clone());
    // The id's parts as the service names them (App Mesh's mesh and name; none for VPC Lattice).
    for (member, value) in resource.id_members() {
        if let Some(value) = value.as_str() {
            details.insert(member.to_owned(), value.to_owned());
        }
    }
    details.insert("kind".to_owned(), resource.kind.as_str().to_owned());
    if let Some(meta) = meta {
        details.insert("field".to_owned(), meta.field.to_owned());
    }
    let reason = record
        .findings
        .iter()
        .find(|f| f.rule == rule && f.verdict == VerdictStatus::NonCompliant)
        .and_then(|f| f.reason.as_deref());
    if let (HubStatus::Failed, Some(reason)) = (status, reason) {
        details.insert("reason".to_owned(), bounded(reason, MAX_DETAIL));
    }
    AsffFinding {
        id: finding_id(resource, rule),
        product_arn: product_arn(&resource.region, account),
        generator_id: format!("{GENERATOR_PREFIX}{rule}"),
        aws_account_id: account.to_owned(),
        region: resource.region.clone(),
        types: vec![FINDING_TYPE.to_owned()],
        created_at: created_at.to_owned(),
        updated_at: rfc3339(record.evaluated_at),
        severity: meta.map_or("INFORMATIONAL", |m| severity_label(m.severity)),
        title: bounded(meta.map_or(rule, |m| m.title), MAX_TITLE),
        description: bounded(&description(rule, meta), MAX_DESCRIPTION),
        recommendation: bounded(
            meta.map_or("No longer in Meshwarden's catalog.", |m| m.remediation),
            MAX_RECOMMENDATION,
        ),
        resource: AsffResource {
            r#type: resource.service().spec().securityhub_type,
            id: resource_arn(resource),
            partition,
            region: resource.region.clone(),
            details,
            typed_details: (resource.service().spec().securityhub_details)(resource, partition),
        },
        compliance: status,
        workflow: status.workflow(),
        record_state: state,
        triage: None,
    }
}

fn description(rule: &str, meta: Option<&RuleMeta>) -> String {
    match meta {
        Some(meta) => format!(
            "Checks {}: passes when {}. {}",
            meta.field, meta.pass, meta.rationale
        ),
        None => format!("Meshwarden rule {rule}, no longer in its catalog."),
    }
}

/// The finding `Id` of a (resource, rule): `{stored resource id}/{rule id}`.
pub fn finding_id(resource: &ResourceRef, rule: &str) -> String {
    format!("{}/{rule}", resource.key())
}

/// The account's default product: `arn:{partition}:securityhub:{region}:{account}:product/{account}/default`.
pub fn product_arn(region: &str, account: &str) -> String {
    format!(
        "arn:{}:securityhub:{region}:{account}:product/{account}/default",
        partition(region)
    )
}

/// The ARN of a resource, in its region's partition ([`ResourceRef::arn`]).
pub fn resource_arn(resource: &ResourceRef) -> String {
    resource.arn(partition(&resource.region))
}

/// `Severity.Label` of a rule's severity (Security Hub's top label is `CRITICAL`).
pub fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "LOW",
        Severity::Medium => "MEDIUM",
        Severity::High => "HIGH",
        Severity::VeryHigh => "CRITICAL",
    }
}

/// `text` cut to at most `max` characters (ASFF limits count characters).
fn bounded(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((end, _)) => text[..end].to_owned(),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Cause;
    use meshwarden_rules::resource::ResourceKind;
    use meshwarden_rules::verdict::Finding;
    use std::time::UNIX_EPOCH;

    const ACCOUNT: &str = "111122223333";

    fn gateway() -> ResourceRef {
        ResourceRef::new(
            ResourceKind::VirtualGateway,
            "444455556666",
            "eu-west-1",
            "m/g",
        )
    }

    fn finding_of(rule: &'static str, verdict: VerdictStatus) -> Finding {
        Finding {
            rule: rule.into(),
            severity: catalog::find(rule).unwrap().meta().severity,
            verdict,
            reason: (verdict == VerdictStatus::NonCompliant)
                .then(|| "backendDefaults.clientPolicy.tls is missing".into()),
            until: None,
        }
    }

    /// A record of the gateway at `secs`, with the backend TLS rule's verdict.
    fn record(status: Status, tls: Option<VerdictStatus>, secs: u64) -> Record {
        let cause = Cause {
            event_name: "UpdateVirtualGateway".into(),
            event_id: format!("e-{secs}"),
            event_time: "2026-11-23T03:00:00Z".into(),
            actor: None,
        };
        let mut r = Record::new(
            gateway(),
            cause,
            status,
            UNIX_EPOCH + Duration::from_secs(secs),
        );
        r.findings = tls
            .map(|v| vec![finding_of("vgw-backend-tls-enforced", v)])
            .unwrap_or_default();
        r
    }

    fn tls(changes: &Changes) -> &AsffFinding {
        changes
            .findings
            .iter()
            .find(|f| f.generator_id.ends_with("vgw-backend-tls-enforced"))
            .unwrap()
    }

    fn exempted(secs: u64) -> Record {
        let mut r = record(Status::Compliant, Some(VerdictStatus::Exempted), secs);
        r.findings[0].reason = Some("legacy clients until the proxy ships".into());
        r.findings[0].until = Some("2027-01-01T00:00:00Z".into());
        r
    }

    #[test]
    fn an_exempted_failure_is_suppressed_once_and_new_again_when_the_exemption_ends() {
        let failing = record(
            Status::NonCompliant,
            Some(VerdictStatus::NonCompliant),
            1_000,
        );
        let first = changes(&failing, None, ACCOUNT).unwrap();
        assert_eq!(tls(&first).triage, None, "a plain failure is left NEW");

        let suppressed = changes(&exempted(2_000), Some(&first.exported), ACCOUNT).unwrap();
        let f = tls(&suppressed);
        assert_eq!(
            f.compliance,
            HubStatus::Failed,
            "an exempted rule still fails"
        );
        let triage = Triage {
            workflow: "SUPPRESSED",
            note: "legacy clients until the proxy ships".into(),
        };
        assert_eq!(f.triage, Some(triage.clone()));
        // Not marked (the export failed): the next evaluation sends the triage again.
        let again = changes(&exempted(2_500), Some(&first.exported), ACCOUNT).unwrap();
        assert_eq!(tls(&again).triage, Some(triage));
        // Marked: sent once.
        assert_eq!(
            changes(&exempted(3_000), Some(&suppressed.exported), ACCOUNT),
            None
        );

        let ended = record(
            Status::NonCompliant,
            Some(VerdictStatus::NonCompliant),
            4_000,
        );
        let renewed = changes(&ended, Some(&suppressed.exported), ACCOUNT).unwrap();
        assert_eq!(
            tls(&renewed).triage,
            Some(Triage {
                workflow: "NEW",
                note: ENDED_NOTE.into(),
            })
        );
        assert_eq!(
            renewed.exported.findings["vgw-backend-tls-enforced"].suppressed,
            None
        );
        assert_eq!(changes(&ended, Some(&renewed.exported), ACCOUNT), None);

        let fixed = record(Status::Compliant, Some(VerdictStatus::Compliant), 5_000);
        let resolved = changes(&fixed, Some(&suppressed.exported), ACCOUNT).unwrap();
        assert_eq!(
            tls(&resolved).triage.as_ref().map(|t| t.workflow),
            Some("RESOLVED"),
            "an exempted rule that passes is resolved, not left suppressed"
        );
    }

    #[test]
    fn an_ecs_service_is_an_aws_ecs_service_resource() {
        let mut failing = record(Status::NonCompliant, None, 1_000);
        failing.resource = ResourceRef::ecs(ACCOUNT, "eu-west-1", "prod", "payments");
        failing.findings = vec![finding_of("ecs-sc-tls", VerdictStatus::NonCompliant)];
        let changes = changes(&failing, None, ACCOUNT).unwrap();
        let f = &changes.findings[0];
        assert_eq!(
            f.id,
            "ecs:111122223333:eu-west-1:service/prod/payments/ecs-sc-tls"
        );
        assert_eq!(f.resource.r#type, "AwsEcsService");
        assert_eq!(
            f.resource.id,
            "arn:aws:ecs:eu-west-1:111122223333:service/prod/payments"
        );
        assert_eq!(f.resource.details["id"], "prod/payments");
        assert_eq!(
            f.resource.typed_details,
            Some(SecurityHubDetails::AwsEcsService {
                cluster_arn: "arn:aws:ecs:eu-west-1:111122223333:cluster/prod".into(),
                name: "payments".into(),
                service_arn: "arn:aws:ecs:eu-west-1:111122223333:service/prod/payments".into(),
            })
        );
    }

    #[test]
    fn a_failing_rule_is_one_failed_finding_with_a_stable_id() {
        let failing = record(
            Status::NonCompliant,
            Some(VerdictStatus::NonCompliant),
            1_000,
        );
        let first = changes(&failing, None, ACCOUNT).unwrap();
        let f = tls(&first);
        assert_eq!(
            f.id,
            "appmesh:444455556666:eu-west-1:mesh/m/virtualGateway/g/vgw-backend-tls-enforced"
        );
        assert_eq!(f.generator_id, "meshwarden/vgw-backend-tls-enforced");
        assert_eq!(
            f.product_arn,
            "arn:aws:securityhub:eu-west-1:111122223333:product/111122223333/default"
        );
        assert_eq!(f.aws_account_id, ACCOUNT, "the importing account");
        assert_eq!(
            f.types,
            vec!["Software and Configuration Checks/AWS Security Best Practices"]
        );
        assert_eq!(f.compliance, HubStatus::Failed);
        assert_eq!(f.workflow, "NEW");
        assert_eq!(f.record_state, RecordState::Active);
        assert_eq!(f.severity, "HIGH");
        assert_eq!(f.created_at, "1970-01-01T00:16:40Z");
        assert_eq!(f.updated_at, f.created_at);
        let meta = catalog::find("vgw-backend-tls-enforced").unwrap().meta();
        assert_eq!(f.title, meta.title);
        assert!(f.description.contains(meta.rationale));
        assert_eq!(f.recommendation, meta.remediation);
        assert_eq!(
            f.resource.id,
            "arn:aws:appmesh:eu-west-1:444455556666:mesh/m/virtualGateway/g"
        );
        assert_eq!(f.resource.r#type, "Other");
        assert_eq!(f.resource.details["mesh"], "m");
        assert_eq!(f.resource.details["name"], "g");
        assert_eq!(f.resource.details["field"], meta.field);
        assert!(f.resource.details["reason"].contains("tls"));
        // The same evaluation again: nothing changed, nothing to import.
        let later = record(
            Status::NonCompliant,
            Some(VerdictStatus::NonCompliant),
            2_000,
        );
        assert_eq!(changes(&later, Some(&first.exported), ACCOUNT), None);
    }

    #[test]
    fn a_fixed_rule_updates_the_same_finding_to_passed_and_resolved() {
        let failing = record(
            Status::NonCompliant,
            Some(VerdictStatus::NonCompliant),
            1_000,
        );
        let first = changes(&failing, None, ACCOUNT).unwrap();
        let fixed = record(Status::Compliant, Some(VerdictStatus::Compliant), 2_000);
        let second = changes(&fixed, Some(&first.exported), ACCOUNT).unwrap();
        assert_eq!(second.findings.len(), 1);
        let (before, after) = (tls(&first), tls(&second));
        assert_eq!(after.id, before.id, "the same finding, never a second one");
        assert_eq!(after.compliance, HubStatus::Passed);
        assert_eq!(after.workflow, "RESOLVED");
        assert_eq!(
            after.triage.as_ref().map(|t| t.workflow),
            Some("RESOLVED"),
            "an import cannot resolve an existing finding: triage does"
        );
        assert_eq!(after.record_state, RecordState::Active);
        assert_eq!(after.created_at, before.created_at, "CreatedAt is kept");
        assert_eq!(after.updated_at, "1970-01-01T00:33:20Z");
        assert!(!after.resource.details.contains_key("reason"));
        assert_eq!(second.exported.at, 2_000);
        // Failing again: FAILED on the same Id.
        let again = record(
            Status::NonCompliant,
            Some(VerdictStatus::NonCompliant),
            3_000,
        );
        let third = changes(&again, Some(&second.exported), ACCOUNT).unwrap();
        assert_eq!(tls(&third).id, before.id);
        assert_eq!(tls(&third).compliance, HubStatus::Failed);
    }

    #[test]
    fn a_deleted_resource_archives_its_findings() {
        let failing = record(
            Status::NonCompliant,
            Some(VerdictStatus::NonCompliant),
            1_000,
        );
        let first = changes(&failing, None, ACCOUNT).unwrap();
        let deleted = record(Status::Deleted, None, 2_000);
        let gone = changes(&deleted, Some(&first.exported), ACCOUNT).unwrap();
        let f = tls(&gone);
        assert_eq!(f.id, tls(&first).id);
        assert_eq!(f.record_state, RecordState::Archived);
        assert_eq!(f.compliance, HubStatus::Failed, "its last status is kept");
        assert!(gone.exported.findings.is_empty());
        // Archived once: a second deletion record has nothing to say.
        assert_eq!(changes(&deleted, Some(&gone.exported), ACCOUNT), None);
    }

    #[test]
    fn a_rule_that_stops_applying_is_archived_and_errors_say_nothing() {
        let failing = record(
            Status::NonCompliant,
            Some(VerdictStatus::NonCompliant),
            1_000,
        );
        let first = changes(&failing, None, ACCOUNT).unwrap();
        let moot = record(Status::Compliant, Some(VerdictStatus::NotApplicable), 2_000);
        let archived = changes(&moot, Some(&first.exported), ACCOUNT).unwrap();
        assert_eq!(tls(&archived).record_state, RecordState::Archived);
        let error = record(Status::Error, None, 3_000);
        assert_eq!(changes(&error, Some(&first.exported), ACCOUNT), None);
        assert_eq!(changes(&error, None, ACCOUNT), None);
    }

    #[test]
    fn unchanged_findings_are_imported_again_before_security_hub_expires_them() {
        let passing = record(Status::Compliant, Some(VerdictStatus::Compliant), 1_000);
        let first = changes(&passing, None, ACCOUNT).unwrap();
        assert_eq!(tls(&first).compliance, HubStatus::Passed, "new: imported");
        let soon = record(
            Status::Compliant,
            Some(VerdictStatus::Compliant),
            1_000 + 86_400,
        );
        assert_eq!(changes(&soon, Some(&first.exported), ACCOUNT), None);
        let month = 1_000 + REFRESH_AFTER.as_secs();
        let late = record(Status::Compliant, Some(VerdictStatus::Compliant), month);
        let refreshed = changes(&late, Some(&first.exported), ACCOUNT).unwrap();
        assert_eq!(tls(&refreshed).created_at, tls(&first).created_at);
        assert_eq!(refreshed.exported.at, i64::try_from(month).unwrap());
    }

    #[test]
    fn severities_map_onto_security_hub_labels() {
        assert_eq!(severity_label(Severity::Low), "LOW");
        assert_eq!(severity_label(Severity::Medium), "MEDIUM");
        assert_eq!(severity_label(Severity::High), "HIGH");
        assert_eq!(severity_label(Severity::VeryHigh), "CRITICAL");
    }

    #[test]
    fn arns_follow_the_partition_and_the_resource_path() {
        let mut mesh = gateway();
        mesh.kind = ResourceKind::Mesh;
        mesh.id = "m".into();
        assert_eq!(
            resource_arn(&mesh),
            "arn:aws:appmesh:eu-west-1:444455556666:mesh/m"
        );
        mesh.region = "cn-north-1".into();
        assert!(resource_arn(&mesh).starts_with("arn:aws-cn:appmesh:cn-north-1:"));
        let network = ResourceRef::new(
            ResourceKind::ServiceNetwork,
            ACCOUNT,
            "eu-west-1",
            "sn-0123456789abcdef0",
        );
        assert_eq!(
            resource_arn(&network),
            "arn:aws:vpc-lattice:eu-west-1:111122223333:servicenetwork/sn-0123456789abcdef0"
        );
        assert_eq!(
            product_arn("us-gov-west-1", ACCOUNT),
            "arn:aws-us-gov:securityhub:us-gov-west-1:111122223333:product/111122223333/default"
        );
    }

    #[test]
    fn texts_are_cut_to_the_asff_limits_on_character_boundaries() {
        assert_eq!(bounded("ééé", 2), "éé");
        assert_eq!(bounded("abc", 5), "abc");
        for rule in catalog::rules() {
            let meta = rule.meta();
            let mut r = record(Status::Compliant, None, 1_000);
            r.findings = vec![Finding {
                rule: meta.id.into(),
                severity: meta.severity,
                verdict: VerdictStatus::NonCompliant,
                reason: Some("x".repeat(5_000).into()),
                until: None,
            }];
            let f = &changes(&r, None, ACCOUNT).unwrap().findings[0];
            assert!(f.title.chars().count() <= MAX_TITLE);
            assert!(f.description.chars().count() <= MAX_DESCRIPTION);
            assert!(f.recommendation.chars().count() <= MAX_RECOMMENDATION);
            assert!(f.resource.details["reason"].chars().count() <= MAX_DETAIL);
            assert!(f.id.len() <= 512);
        }
    }
}
