//! AWS Security Hub: the ASFF findings of evaluations ([`asff`], pure) and the adapter of
//! [`FindingsSink`] that imports them with `BatchImportFindings`
//! (<https://docs.aws.amazon.com/securityhub/1.0/APIReference/API_BatchImportFindings.html>).
//!
//! Findings are imported in the resource's region (one client per region, built on first use,
//! like the App Mesh adapter), at most [`BATCH_SIZE`] per call. Security Hub answers a partly
//! refused batch with HTTP 200 and `FailedCount` > 0: that is an error here.

pub mod asff;

use crate::aws::classify;
use crate::error::{ErrorKind, PortError};
use crate::ports::FindingsSink;
use asff::AsffFinding;
use aws_config::SdkConfig;
use aws_sdk_securityhub::types as sh;
use aws_sdk_securityhub::Client;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// `BatchImportFindings` takes at most this many findings per call.
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
            for batch in findings.chunks(BATCH_SIZE) {
                if let Err(err) = self.import(region, batch).await {
                    failed += 1;
                    first_error.get_or_insert(err);
                }
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

/// The error of an answer reporting `failed_count` refused findings (`(id, code, message)`).
pub fn partial_failure<'a>(
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
        "BatchImportFindings",
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
                .build(),
        )
        .build();
    sh::AwsSecurityFinding::builder()
        .schema_version(asff::SCHEMA_VERSION)
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
        assert!(partial_failure(0, std::iter::empty()).is_ok());
        let err = partial_failure(
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
