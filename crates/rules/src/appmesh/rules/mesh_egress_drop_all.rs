//! `mesh-egress-drop-all`: a mesh must not let workloads reach arbitrary external hosts.

use super::source;
use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::model::{EgressFilter, Resource};
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub struct MeshEgressDropAll;

/// Its single instance in the catalog.
pub static RULE: MeshEgressDropAll = MeshEgressDropAll;

const META: RuleMeta = RuleMeta {
    id: "mesh-egress-drop-all",
    title: "Mesh denies egress to external hosts",
    severity: Severity::Medium,
    kinds: &[ResourceKind::Mesh],
    field: "spec.egressFilter.type",
    pass: "not ALLOW_ALL (absent = AWS default DROP_ALL)",
    rationale:
        "ALLOW_ALL lets every workload in the mesh open connections to any host outside it, \
                bypassing the mesh's service-level controls and easing data exfiltration.",
    remediation: "sets spec.egressFilter.type to DROP_ALL; every other field is kept",
    sources: &[
        "AWS Config appmesh-mesh-deny-tcp-forwarding",
        "Trend Micro Conformity AppMesh/restrict-external-traffic",
        source::CLOUDSPLOIT,
        source::ELECTRICEYE,
    ],
};

const DROP_ALL: &str = "DROP_ALL";

impl Rule for MeshEgressDropAll {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        let Resource::Mesh(mesh) = resource else {
            return Verdict::not_applicable("not a mesh");
        };
        let filter = mesh.spec.as_ref().and_then(|s| s.egress_filter.as_ref());
        match filter.and_then(|f| f.filter_type.as_deref()) {
            None | Some(DROP_ALL) => Verdict::Compliant,
            Some(other) => Verdict::non_compliant(format!("spec.egressFilter.type is {other}")),
        }
    }

    fn patch(&self, resource: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        let Resource::Mesh(mesh) = resource else {
            return Err("not a mesh".to_owned().into());
        };
        let spec = mesh.spec.get_or_insert_with(Default::default);
        spec.egress_filter
            .get_or_insert_with(EgressFilter::default)
            .filter_type = Some(DROP_ALL.to_owned());
        Ok(())
    }
}
