//! What every ECS Service Connect rule shares: the configuration it judges (the `PRIMARY`
//! deployment's, when enabled) and the patch that restores the last compliant copy's.

use crate::catalog::{EvalContext, Refusal, RemediationContext, Rule, RuleMeta};
use crate::ecs::model::{EcsServiceDocument, ServiceConnectConfiguration};
use crate::model::Resource;
use crate::verdict::Verdict;

/// The configuration a rule judges, or its not-applicable verdict: another kind, no deployments,
/// no `PRIMARY` deployment, no configuration on it, or Service Connect off.
fn configuration(resource: &Resource) -> Result<&ServiceConnectConfiguration, Verdict> {
    let Resource::EcsService(doc) = resource else {
        return Err(Verdict::not_applicable("not an ECS service"));
    };
    let Some(primary) = doc.primary() else {
        let why = match doc.ecs_service.deployments.as_deref() {
            None | Some([]) => "ecsService.deployments is absent or empty",
            Some(_) => "no deployment of ecsService.deployments is PRIMARY",
        };
        return Err(Verdict::not_applicable(why));
    };
    match &primary.service_connect_configuration {
        None => Err(Verdict::not_applicable(
            "the PRIMARY deployment has no serviceConnectConfiguration",
        )),
        Some(config) if !config.is_enabled() => Err(Verdict::not_applicable(
            "the PRIMARY deployment's serviceConnectConfiguration.enabled is false",
        )),
        Some(config) => Ok(config),
    }
}

/// An ECS Service Connect rule: its metadata and its judgement of the configuration in force;
/// the not-applicable cases and the patch are every ECS rule's.
pub struct ServiceConnectRule {
    /// The rule's metadata.
    pub meta: RuleMeta,
    /// Whether a client-only configuration (no `services`) is not applicable: the rule reads
    /// the endpoints the service publishes.
    pub published_only: bool,
    /// The verdict on an enabled configuration.
    pub judge: fn(&ServiceConnectConfiguration) -> Verdict,
}

impl Rule for ServiceConnectRule {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        let config = if self.published_only {
            publishing(resource)
        } else {
            configuration(resource)
        };
        match config {
            Ok(config) => (self.judge)(config),
            Err(not_applicable) => not_applicable,
        }
    }

    fn patch(&self, resource: &mut Resource, fix: &RemediationContext<'_>) -> Result<(), Refusal> {
        restore_last_compliant(resource, fix)
    }
}

/// The configuration, or the not-applicable verdict of a client-only one (no `services`): it
/// publishes no endpoint, so nothing of it is served with TLS or timeouts.
fn publishing(resource: &Resource) -> Result<&ServiceConnectConfiguration, Verdict> {
    let config = configuration(resource)?;
    if config.published().is_empty() {
        return Err(Verdict::not_applicable(
            "client-only configuration: serviceConnectConfiguration.services is absent or empty",
        ));
    }
    Ok(config)
}

/// The last compliant copy of this very service (same cluster and name), when known.
fn last_compliant<'a>(
    doc: &EcsServiceDocument,
    fix: &RemediationContext<'a>,
) -> Option<&'a EcsServiceDocument> {
    let Some(Resource::EcsService(last)) = fix.last_compliant else {
        return None;
    };
    let same = last.cluster_name() == doc.cluster_name()
        && last.ecs_service.service_name == doc.ecs_service.service_name;
    same.then_some(last)
}

/// Every ECS rule's patch: set the `PRIMARY` deployment's configuration to the last compliant
/// copy's whole `PRIMARY` configuration. Refused when no compliant copy with an enabled
/// configuration is known ([`Refusal::NoCompliantConfiguration`]: switching Service Connect off
/// or inventing a configuration would break the service's connections), and when the
/// configuration names a TLS role outside [`crate::catalog::RulesConfig::ecs_tls_role_arns`].
fn restore_last_compliant(
    resource: &mut Resource,
    fix: &RemediationContext<'_>,
) -> Result<(), Refusal> {
    let Resource::EcsService(doc) = resource else {
        return Err(Refusal::NoCompliantConfiguration);
    };
    let restored = last_compliant(doc, fix)
        .and_then(EcsServiceDocument::primary_configuration)
        .filter(|config| config.is_enabled())
        .ok_or(Refusal::NoCompliantConfiguration)?
        .clone();
    if let Some(allowed) = &fix.config.ecs_tls_role_arns {
        let roles = restored
            .published()
            .iter()
            .filter_map(|s| s.tls.as_ref()?.role_arn.as_deref());
        for role in roles {
            if !allowed.iter().any(|a| a == role) {
                return Err(Refusal::TlsRoleNotAllowed(role.to_owned()));
            }
        }
    }
    let primary = doc.primary_mut().ok_or(Refusal::NoCompliantConfiguration)?;
    primary.service_connect_configuration = Some(restored);
    Ok(())
}
