//! `lattice-access-logs`: a service network or service sends its access logs somewhere.

use super::checks::last_compliant;
use super::{electric_eye, source};
use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::lattice::model::AccessLogSubscription;
use crate::model::Resource;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub struct AccessLogs;

/// Its single instance in the catalog.
pub static RULE: AccessLogs = AccessLogs;

const META: RuleMeta = RuleMeta {
    id: "lattice-access-logs",
    title: "Service networks and services have an access log subscription",
    severity: Severity::Medium,
    kinds: &[ResourceKind::ServiceNetwork, ResourceKind::Service],
    field: "accessLogSubscriptions",
    pass: "at least one subscription; not applicable when accessLogSubscriptions was not described",
    rationale: "Without access logs nobody can tell who called which service, so abuse and \
                incidents go unseen and cannot be investigated.",
    remediation: "re-creates the subscriptions of the last compliant copy of the resource, to the \
                  same destinations (entries without an id: CreateAccessLogSubscription); skipped \
                  when no destination is known",
    sources: &[
        electric_eye!("4"),
        electric_eye!("7"),
        source::UG_ACCESS_LOGS,
    ],
};

impl Rule for AccessLogs {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        match resource.access_log_subscriptions() {
            None => Verdict::not_applicable("accessLogSubscriptions was not described"),
            Some([]) => Verdict::non_compliant(format!(
                "accessLogSubscriptions is empty: requests to the {} are not logged",
                resource.kind()
            )),
            Some(_) => Verdict::Compliant,
        }
    }

    fn patch(&self, resource: &mut Resource, fix: &RemediationContext<'_>) -> Result<(), Refusal> {
        let mut recreated: Vec<AccessLogSubscription> = Vec::new();
        let known = last_compliant(resource, fix)
            .and_then(Resource::access_log_subscriptions)
            .unwrap_or_default();
        for old in known {
            let Some(destination) = old.destination_arn.as_deref().filter(|d| !d.is_empty()) else {
                continue;
            };
            let entry = AccessLogSubscription {
                destination_arn: Some(destination.to_owned()),
                service_network_log_type: old.service_network_log_type.clone(),
                ..AccessLogSubscription::default()
            };
            if !recreated.contains(&entry) {
                recreated.push(entry);
            }
        }
        if recreated.is_empty() {
            return Err(
                "no last known access log destination for this resource: a destination \
                        cannot be guessed"
                    .to_owned()
                    .into(),
            );
        }
        let slot = resource
            .access_log_subscriptions_slot()
            .ok_or("the resource has no access log subscriptions")?;
        *slot = Some(recreated);
        Ok(())
    }
}
