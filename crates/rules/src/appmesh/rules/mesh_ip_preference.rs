//! `mesh-ip-preference`: a mesh uses the configured IP preference.

use super::checks::ip_preference;
use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::model::{MeshServiceDiscovery, Resource};
use crate::resource::ResourceKind;
use crate::verdict::{Severity, Verdict};

/// The rule.
pub struct MeshIpPreference;

/// Its single instance in the catalog.
pub static RULE: MeshIpPreference = MeshIpPreference;

const META: RuleMeta = RuleMeta {
    id: "mesh-ip-preference",
    title: "Mesh uses the required IP preference",
    severity: Severity::Low,
    kinds: &[ResourceKind::Mesh],
    field: "spec.serviceDiscovery.ipPreference",
    pass: "equals the configured value (not applicable when none is configured)",
    rationale: "A mesh-wide IP preference that differs from the network's design (e.g. IPv6 only) \
                routes traffic around the controls built for the intended address family.",
    remediation: "sets spec.serviceDiscovery.ipPreference to the configured value",
    sources: &["AWS Config appmesh-mesh-ip-pref-check"],
};

impl Rule for MeshIpPreference {
    fn meta(&self) -> &RuleMeta {
        &META
    }

    fn check(&self, resource: &Resource, ctx: &EvalContext<'_>) -> Verdict {
        let Resource::Mesh(mesh) = resource else {
            return Verdict::not_applicable("not a mesh");
        };
        let actual = mesh
            .spec
            .as_ref()
            .and_then(|s| s.service_discovery.as_ref())
            .and_then(|d| d.ip_preference.as_deref());
        ip_preference(
            "spec.serviceDiscovery.ipPreference",
            actual,
            ctx.config.mesh_ip_preference.as_deref(),
        )
    }

    fn patch(&self, resource: &mut Resource, fix: &RemediationContext<'_>) -> Result<(), Refusal> {
        let Resource::Mesh(mesh) = resource else {
            return Err("not a mesh".to_owned().into());
        };
        let required = fix
            .config
            .mesh_ip_preference
            .clone()
            .ok_or("no required IP preference configured")?;
        let spec = mesh.spec.get_or_insert_with(Default::default);
        spec.service_discovery
            .get_or_insert_with(MeshServiceDiscovery::default)
            .ip_preference = Some(required);
        Ok(())
    }
}
