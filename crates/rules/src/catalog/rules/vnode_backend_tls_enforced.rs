//! `vnode-backend-tls-enforced`: no virtual service backend of a node switches TLS off.

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
    title: "Virtual node backends do not switch TLS off",
    severity: Severity::High,
    kind: ResourceKind::VirtualNode,
    field: "spec.backends[].virtualService.clientPolicy.tls.enforce",
    pass: "no backend's tls has enforce false (a backend without its own tls inherits backendDefaults); \
           not applicable without backends",
    rationale: "A per-backend policy with enforce false overrides the node's defaults and sends that \
                backend's traffic in plaintext.",
    remediation: "sets enforce true on every backend whose tls has it false (the backend's own trust is kept)",
    sources: &["AWS Config appmesh-virtual-node-service-backends-tls-enforced"],
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
            .filter(|(_, tls)| !tls.enforced())
            .map(|(i, _)| {
                format!("spec.backends[{i}].virtualService.clientPolicy.tls.enforce is false")
            })
            .collect();
        if failures.is_empty() {
            Verdict::Compliant
        } else {
            Verdict::non_compliant(failures.join("; "))
        }
    }

    fn patch(&self, resource: &mut Resource, _: &RemediationContext<'_>) -> Result<(), String> {
        let Resource::VirtualNode(node) = resource else {
            return Err("not a virtual node".to_owned());
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
            if let Some(tls) = tls.filter(|t| !t.enforced()) {
                tls.enforce = Some(true);
            }
        }
        Ok(())
    }
}
