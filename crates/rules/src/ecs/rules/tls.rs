//! `ecs-sc-tls`: every endpoint a service publishes through Service Connect is served with TLS
//! issued by AWS Private CA.

use super::checks::ServiceConnectRule;
use super::source;
use crate::catalog::RuleMeta;
use crate::ecs::model::ServiceConnectConfiguration;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub static RULE: ServiceConnectRule = ServiceConnectRule {
    meta: RuleMeta {
        id: "ecs-sc-tls",
        title: "Service Connect endpoints use TLS from AWS Private CA",
        severity: Severity::High,
        kinds: &[ResourceKind::EcsService],
        field: "ecsService.deployments[PRIMARY].serviceConnectConfiguration.services[].tls.issuerCertificateAuthority.awsPcaAuthorityArn",
        pass: "every services[] entry names a Private CA; not applicable without an enabled \
           configuration on the PRIMARY deployment or for a client-only one (no services)",
        rationale: "Without TLS the traffic between Service Connect proxies is plaintext inside the \
                VPC: anyone who can capture it reads and alters requests. This is App Mesh's \
                \"enforce TLS\" control's successor.",
        remediation: super::REMEDIATION,
        sources: &[source::NONE, source::DG_TLS, source::API_TLS, source::API_DEPLOYMENT, source::DG_COMPONENTS],
    },
    published_only: true,
    judge,
};

/// The verdict on an enabled configuration.
fn judge(config: &ServiceConnectConfiguration) -> Verdict {
    let plaintext: Vec<String> = config
        .published()
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.tls
                .as_ref()
                .and_then(|t| t.issuer_certificate_authority.as_ref())
                .and_then(|ca| ca.aws_pca_authority_arn.as_deref())
                .is_none_or(|arn| arn.trim().is_empty())
        })
        .map(|(i, s)| match s.port_name.as_deref() {
            Some(port) => format!("services[{i}] ({port:?})"),
            None => format!("services[{i}]"),
        })
        .collect();
    if plaintext.is_empty() {
        Verdict::Compliant
    } else {
        Verdict::non_compliant(format!(
            "{} of the PRIMARY deployment's serviceConnectConfiguration has no \
             tls.issuerCertificateAuthority.awsPcaAuthorityArn: served in plaintext",
            plaintext.join(", ")
        ))
    }
}
