//! AWS Security Hub: the ASFF findings of evaluations ([`crate::core::findings`], pure) and the adapter of
//! [`FindingsSink`] that imports them with `BatchImportFindings`
//! (<https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html>).
//!
//! A finding whose exemption began or ended ([`findings::Triage`]) is then triaged with
//! `BatchUpdateFindings` (`Workflow.Status` and `Note`, which an import cannot change on an
//! existing finding:
//! <https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchUpdateFindings.html>), one
//! call per region and triage, after the import that creates or updates it.
//!
//! Findings are imported in the resource's region (one client per region, built on first use,
//! like the App Mesh adapter), at most [`BATCH_SIZE`] per call. Security Hub answers a partly
//! refused batch with HTTP 200 and `FailedCount` > 0: that is an error here.

use crate::adapters::aws::classify;
use crate::core::error::{ErrorKind, PortError};
use crate::core::findings::{self, AsffFinding, Triage};
use crate::core::ports::FindingsSink;
use aws_config::SdkConfig;
use aws_sdk_securityhub::types as sh;
use aws_sdk_securityhub::Client;
use meshwarden_rules::service::SecurityHubDetails;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// `BatchImportFindings` (and `BatchUpdateFindings`) take at most this many findings per call.
pub const BATCH_SIZE: usize = 100;

/// Security Hub through the AWS SDK, one client per region.
#[derive(Debug)]
pub struct SecurityHubAdapter {
    base: SdkConfig,
    clients: Mutex<HashMap<String, Client>>,
}

impl SecurityHubAdapter {
    /// An adapter on the given SDK configuration.
    pub fn new(base: &SdkConfig) -> Self {
        SecurityHubAdapter {
            base: base.clone(),
            clients: Mutex::new(HashMap::new()),
        }
    }

    fn client(&self, region: &str) -> Client {
        let mut clients = self
            .clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        clients
            .entry(region.to_owned())
            .or_insert_with(|| {
                let config = aws_sdk_securityhub::config::Builder::from(&self.base)
                    .region(aws_config::Region::new(region.to_owned()));
                Client::from_conf(config.build())
            })
            .clone()
    }

    /// One `BatchImportFindings` call; `Err` when it failed or refused any finding.
    async fn import(&self, region: &str, batch: &[AsffFinding]) -> Result<(), PortError> {
        let out = self
            .client(region)
            .batch_import_findings()
            .set_findings(Some(batch.iter().map(to_sdk).collect()))
            .send()
            .await
            .map_err(|e| classify("BatchImportFindings", e))?;
        partial_failure(
            "BatchImportFindings",
            out.failed_count().unwrap_or(0),
            out.failed_findings().iter().map(|f| {
                (
                    f.id().unwrap_or("?"),
                    f.error_code().unwrap_or("?"),
                    f.error_message().unwrap_or(""),
                )
            }),
        )
    }

    /// One `BatchUpdateFindings` call setting `triage` on `batch`; `Err` when it failed or left
    /// any finding unprocessed.
    async fn triage(
        &self,
        region: &str,
        triage: &Triage,
        batch: &[&AsffFinding],
    ) -> Result<(), PortError> {
        let identifiers = batch
            .iter()
            .map(|f| {
                sh::AwsSecurityFindingIdentifier::builder()
                    .id(&f.id)
                    .product_arn(&f.product_arn)
                    .build()
            })
            .collect();
        let out = self
            .client(region)
            .batch_update_findings()
            .set_finding_identifiers(Some(identifiers))
            .workflow(
                sh::WorkflowUpdate::builder()
                    .status(sh::WorkflowStatus::from(triage.workflow))
                    .build(),
            )
            .note(
                sh::NoteUpdate::builder()
                    .text(&triage.note)
                    .updated_by(findings::NOTE_BY)
                    .build(),
            )
            .send()
            .await
            .map_err(|e| classify("BatchUpdateFindings", e))?;
        let unprocessed = out.unprocessed_findings();
        partial_failure(
            "BatchUpdateFindings",
            i32::try_from(unprocessed.len()).unwrap_or(i32::MAX),
            unprocessed.iter().map(|f| {
                (
                    f.finding_identifier().and_then(|i| i.id()).unwrap_or("?"),
                    f.error_code().unwrap_or("?"),
                    f.error_message().unwrap_or(""),
                )
            }),
        )
    }

    /// Import one region's findings, then triage those that ask for it (a finding must exist
    /// before it can be triaged).
    async fn export_region(
        &self,
        region: &str,
        findings: &[AsffFinding],
    ) -> (usize, Option<PortError>) {
        let mut first_error = None;
        let mut failed = 0;
        for batch in findings.chunks(BATCH_SIZE) {
            if let Err(err) = self.import(region, batch).await {
                failed += 1;
                first_error.get_or_insert(err);
            }
        }
        if first_error.is_some() {
            // Not triaged: the mark is not written, so the next evaluation sends both again.
            return (failed, first_error);
        }
        let mut by_triage: BTreeMap<(&str, &str), Vec<&AsffFinding>> = BTreeMap::new();
        for finding in findings {
            if let Some(t) = &finding.triage {
                by_triage
                    .entry((t.workflow, t.note.as_str()))
                    .or_default()
                    .push(finding);
            }
        }
        for (&(workflow, note), triaged) in &by_triage {
            let triage = Triage {
                workflow,
                note: note.to_owned(),
            };
            for batch in triaged.chunks(BATCH_SIZE) {
                if let Err(err) = self.triage(region, &triage, batch).await {
                    failed += 1;
                    first_error.get_or_insert(err);
                }
            }
        }
        (failed, first_error)
    }
}

impl FindingsSink for SecurityHubAdapter {
    async fn export(&self, findings: &[AsffFinding]) -> Result<(), PortError> {
        let mut by_region: BTreeMap<&str, Vec<AsffFinding>> = BTreeMap::new();
        for finding in findings {
            by_region
                .entry(finding.region.as_str())
                .or_default()
                .push(finding.clone());
        }
        // Every batch is tried: one refused batch does not keep the others from Security Hub.
        let mut first_error = None;
        let mut failed = 0;
        for (region, findings) in &by_region {
            let (region_failed, region_error) = self.export_region(region, findings).await;
            failed += region_failed;
            if let Some(err) = region_error {
                first_error.get_or_insert(err);
            }
        }
        match first_error {
            None => Ok(()),
            Some(err) if failed == 1 => Err(err),
            Some(err) => Err(PortError {
                detail: format!("{failed} batches failed; the first: {}", err.detail),
                ..err
            }),
        }
    }
}

/// The error of an `operation`'s answer reporting `failed_count` refused findings
/// (`(id, code, message)`).
pub fn partial_failure<'a>(
    operation: &'static str,
    failed_count: i32,
    failed: impl Iterator<Item = (&'a str, &'a str, &'a str)>,
) -> Result<(), PortError> {
    if failed_count <= 0 {
        return Ok(());
    }
    let examples: Vec<String> = failed
        .take(3)
        .map(|(id, code, message)| format!("{id}: {code} {message}"))
        .collect();
    Err(PortError::new(
        operation,
        ErrorKind::Rejected,
        format!("{failed_count} findings refused ({})", examples.join("; ")),
    ))
}

/// The SDK's finding.
fn to_sdk(f: &AsffFinding) -> sh::AwsSecurityFinding {
    let severity = sh::SeverityLabel::from(f.severity);
    let resource = sh::Resource::builder()
        .r#type(f.resource.r#type)
        .id(&f.resource.id)
        .partition(sh::Partition::from(f.resource.partition))
        .region(&f.resource.region)
        .details(
            sh::ResourceDetails::builder()
                .set_other(Some(f.resource.details.clone().into_iter().collect()))
                .set_aws_ecs_service(f.resource.typed_details.as_ref().map(|details| {
                    match details {
                        SecurityHubDetails::AwsEcsService {
                            cluster_arn,
                            name,
                            service_arn,
                        } => sh::AwsEcsServiceDetails::builder()
                            .cluster(cluster_arn)
                            .name(name)
                            .service_name(name)
                            .service_arn(service_arn)
                            .build(),
                    }
                }))
                .build(),
        )
        .build();
    sh::AwsSecurityFinding::builder()
        .schema_version(findings::SCHEMA_VERSION)
        .id(&f.id)
        .product_arn(&f.product_arn)
        .generator_id(&f.generator_id)
        .aws_account_id(&f.aws_account_id)
        .region(&f.region)
        .set_types(Some(f.types.clone()))
        .created_at(&f.created_at)
        .updated_at(&f.updated_at)
        .severity(sh::Severity::builder().label(severity.clone()).build())
        // Severity and Types are updated through FindingProviderFields once a finding exists.
        .finding_provider_fields(
            sh::FindingProviderFields::builder()
                .severity(
                    sh::FindingProviderSeverity::builder()
                        .label(severity)
                        .build(),
                )
                .set_types(Some(f.types.clone()))
                .build(),
        )
        .title(&f.title)
        .description(&f.description)
        .remediation(
            sh::Remediation::builder()
                .recommendation(
                    sh::Recommendation::builder()
                        .text(&f.recommendation)
                        .build(),
                )
                .build(),
        )
        .resources(resource)
        .compliance(
            sh::Compliance::builder()
                .status(sh::ComplianceStatus::from(f.compliance.as_str()))
                .build(),
        )
        .workflow(
            sh::Workflow::builder()
                .status(sh::WorkflowStatus::from(f.workflow))
                .build(),
        )
        .record_state(sh::RecordState::from(f.record_state.as_str()))
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_partly_refused_batch_is_an_error_naming_the_refused() {
        assert!(partial_failure("BatchImportFindings", 0, std::iter::empty()).is_ok());
        let err = partial_failure(
            "BatchImportFindings",
            2,
            [
                ("a/rule", "InvalidInput", "bad"),
                ("b/rule", "InvalidAccess", "off"),
            ]
            .into_iter(),
        )
        .unwrap_err();
        assert_eq!(err.kind, ErrorKind::Rejected);
        assert_eq!(err.operation, "BatchImportFindings");
        assert!(err
            .detail
            .starts_with("2 findings refused (a/rule: InvalidInput bad"));
    }
}
