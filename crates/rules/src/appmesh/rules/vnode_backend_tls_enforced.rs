//! `vnode-backend-tls-enforced`: no virtual service backend of a node switches TLS off, on any port.

use super::checks::{cover_every_port, plaintext_problem};
use super::{aws_config_tls_all_ports, source};
use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::model::{ClientPolicyTls, Resource};
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub struct VnodeBackendTlsEnforced;

/// Its single instance in the catalog.
pub static RULE: VnodeBackendTlsEnforced = VnodeBackendTlsEnforced;

const META: RuleMeta = RuleMeta {
    id: "vnode-backend-tls-enforced",
    title: "Virtual node backends do not switch TLS off on any port",
    severity: Severity::High,
    kinds: &[ResourceKind::VirtualNode],
    field: "spec.backends[].virtualService.clientPolicy.tls",
    pass: "no backend's tls has enforce false or a non-empty ports list (absent or [] = every \
           port; a list leaves the other ports in plaintext); a backend without its own tls inherits \
           backendDefaults; not applicable without backends",
    rationale: "A per-backend policy with enforce false, or limited to some ports, overrides the \
                node's defaults and sends that backend's traffic (on the other ports) in plaintext.",
    remediation: "on every failing backend's tls, sets enforce true where it is false and removes a \
                  non-empty ports list (TLS on every port); the backend's own trust and certificate are kept",
    sources: &[
        aws_config_tls_all_ports!("appmesh-virtual-node-service-backends-tls-enforced"),
        source::API_CLIENT_POLICY_TLS,
        source::CDK_TLS_CLIENT_POLICY,
    ],
};

/// The per-backend TLS policies: (index, policy).
fn backend_tls(resource: &Resource) -> Vec<(usize, &ClientPolicyTls)> {
    let Resource::VirtualNode(node) = resource else {
        return Vec::new();
    };
    let backends = node
        .spec
        .as_ref()
        .and_then(|s| s.backends.as_deref())
        .unwrap_or_default();
    backends
        .iter()
        .enumerate()
        .filter_map(|(i, b)| {
            Some((
                i,
                b.virtual_service
                    .as_ref()?
                    .client_policy
                    .as_ref()?
                    .tls
                    .as_ref()?,
            ))
        })
        .collect()
}

impl Rule for VnodeBackendTlsEnforced {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        let Resource::VirtualNode(node) = resource else {
            return Verdict::not_applicable("not a virtual node");
        };
        if node
            .spec
            .as_ref()
            .and_then(|s| s.backends.as_ref())
            .is_none_or(Vec::is_empty)
        {
            return Verdict::not_applicable("spec.backends is empty");
        }
        let failures: Vec<String> = backend_tls(resource)
            .into_iter()
            .filter_map(|(i, tls)| {
                plaintext_problem(
                    format_args!("spec.backends[{i}].virtualService.clientPolicy"),
                    tls,
                )
            })
            .collect();
        if failures.is_empty() {
            Verdict::Compliant
        } else {
            Verdict::non_compliant(failures.join("; "))
        }
    }

    fn patch(&self, resource: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        let Resource::VirtualNode(node) = resource else {
            return Err("not a virtual node".to_owned().into());
        };
        let backends = node
            .spec
            .as_mut()
            .and_then(|s| s.backends.as_mut())
            .ok_or("no backends")?;
        for backend in backends.iter_mut() {
            let tls = backend
                .virtual_service
                .as_mut()
                .and_then(|s| s.client_policy.as_mut())
                .and_then(|p| p.tls.as_mut());
            if let Some(tls) = tls {
                if !tls.enforced() {
                    tls.enforce = Some(true);
                }
                cover_every_port(tls);
            }
        }
        Ok(())
    }
}
