//! `lattice-service-custom-domain-cert`: a service with a custom domain name has its
//! certificate.

use super::source;
use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::model::Resource;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub struct ServiceCustomDomainCert;

/// Its single instance in the catalog.
pub static RULE: ServiceCustomDomainCert = ServiceCustomDomainCert;

const META: RuleMeta = RuleMeta {
    id: "lattice-service-custom-domain-cert",
    title: "Services with a custom domain name have a certificate",
    severity: Severity::Medium,
    kinds: &[ResourceKind::Service],
    field: "service.certificateArn",
    pass: "certificateArn is set when customDomainName is; not applicable without a custom domain \
           name, or when every listener is TLS_PASSTHROUGH (the certificate is not used)",
    rationale: "Without a certificate for its custom domain the service cannot serve HTTPS under \
                that name: clients either fail or fall back to plaintext.",
    remediation: "none (alert only): the certificate for the domain cannot be guessed",
    sources: &[source::NONE, source::UG_BYOC, source::UG_TLS_LISTENERS],
};

impl Rule for ServiceCustomDomainCert {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        let Resource::Service(doc) = resource else {
            return Verdict::not_applicable("not a service");
        };
        let Some(domain) = doc
            .service
            .custom_domain_name
            .as_deref()
            .filter(|d| !d.trim().is_empty())
        else {
            return Verdict::not_applicable("the service has no customDomainName");
        };
        if resource.passthrough_only() {
            return Verdict::not_applicable(
                "every listener is TLS_PASSTHROUGH: the targets present their own certificates",
            );
        }
        match doc.service.certificate_arn.as_deref() {
            Some(arn) if !arn.trim().is_empty() => Verdict::Compliant,
            _ => Verdict::non_compliant(format!(
                "service.certificateArn is missing for customDomainName {domain}"
            )),
        }
    }

    fn patch(&self, _: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        Err(
            "the certificate for the custom domain name cannot be guessed"
                .to_owned()
                .into(),
        )
    }
}
