//! `lattice-listener-https`: every listener of a service encrypts its clients' traffic.

use super::{electric_eye, source};
use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::lattice::model::TLS_PASSTHROUGH;
use crate::model::Resource;
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub struct ListenerHttps;

/// Its single instance in the catalog.
pub static RULE: ListenerHttps = ListenerHttps;

const META: RuleMeta = RuleMeta {
    id: "lattice-listener-https",
    title: "Service listeners use HTTPS or TLS passthrough",
    severity: Severity::High,
    kinds: &[ResourceKind::Service],
    field: "listeners[].protocol",
    pass: "every listener's protocol is HTTPS or TLS_PASSTHROUGH; not applicable when listeners \
           were not described or there are none",
    rationale: "An HTTP listener takes requests from clients in plaintext: anyone on the path \
                reads and alters them.",
    remediation: "none (alert only): UpdateListener cannot change a listener's protocol; replace \
                  the listener with an HTTPS or TLS listener",
    sources: &[electric_eye!("12"), source::API_UPDATE_LISTENER],
};

impl Rule for ListenerHttps {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        let listeners = match resource.lattice_listeners() {
            None => return Verdict::not_applicable("listeners were not described"),
            Some([]) => return Verdict::not_applicable("the service has no listeners"),
            Some(listeners) => listeners,
        };
        let failures: Vec<String> = listeners
            .iter()
            .enumerate()
            .filter_map(|(i, l)| match l.protocol.as_deref() {
                Some("HTTPS" | TLS_PASSTHROUGH) => None,
                Some("HTTP") => Some(format!("{}: protocol HTTP (plaintext)", l.label(i))),
                Some(other) => Some(format!("{}: protocol {other}", l.label(i))),
                None => Some(format!("{}: protocol is missing", l.label(i))),
            })
            .collect();
        if failures.is_empty() {
            Verdict::Compliant
        } else {
            Verdict::non_compliant(failures.join("; "))
        }
    }

    fn patch(&self, _: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        Err(
            "the API cannot change a listener's protocol in place (UpdateListener takes only its \
             default action): replace the listener with an HTTPS or TLS listener"
                .to_owned()
                .into(),
        )
    }
}
