//! Checks that more than one rule runs (gateways and nodes share their TLS, listener and logging
//! shapes). Each rule module gives one of these its metadata; the logic lives here once.

use crate::catalog::Refusal;
use crate::catalog::{EvalContext, RemediationContext, Rule, RuleMeta};
use crate::model::{
    AccessLog, BackendDefaults, ClientPolicy, ClientPolicyTls, FileAccessLog, Listener, Logging,
    MeshServiceDiscovery, Resource, ServiceDiscovery, TlsValidation, Trust,
};
use crate::verdict::Verdict;
use std::fmt::{Display, Write};

/// `spec.backendDefaults.clientPolicy.tls` must exist, be enforced and name a trust.
pub struct BackendDefaultsTls(pub RuleMeta);

/// Why a client TLS policy fails, naming the missing or false field under `prefix`.
pub fn client_tls_problem(prefix: &str, tls: Option<&ClientPolicyTls>) -> Option<String> {
    let Some(tls) = tls else {
        return Some(format!(
            "{prefix}.tls is missing: backends are called in plaintext"
        ));
    };
    if let Some(problem) = plaintext_problem(prefix, tls) {
        return Some(problem);
    }
    if tls.trust_kind().is_none() {
        return Some(format!(
            "{prefix}.tls.validation.trust names no acm, file or sds source"
        ));
    }
    None
}

/// Why a client TLS policy still lets traffic through in plaintext: `enforce` is false, or TLS
/// is limited to some ports (the others are plaintext). Fields are named under `prefix`.
pub fn plaintext_problem(prefix: impl Display, tls: &ClientPolicyTls) -> Option<String> {
    if !tls.enforced() {
        return Some(format!("{prefix}.tls.enforce is false"));
    }
    let ports = tls.restricted_ports()?;
    Some(format!(
        "{prefix}.tls.ports: TLS only on ports {ports:?}; every port must use TLS"
    ))
}

/// Extend a client TLS policy limited to some ports to every port, by removing `ports`.
pub fn cover_every_port(tls: &mut ClientPolicyTls) {
    if tls.restricted_ports().is_some() {
        tls.ports = None;
    }
}

/// The backend-defaults TLS policy of a resource, when it passes.
fn compliant_defaults_tls(resource: &Resource) -> Option<&ClientPolicyTls> {
    let tls = resource
        .backend_defaults()?
        .client_policy
        .as_ref()?
        .tls
        .as_ref()?;
    client_tls_problem("", Some(tls)).is_none().then_some(tls)
}

impl Rule for BackendDefaultsTls {
    fn meta(&self) -> &RuleMeta {
        &self.0
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        let Some(defaults) = resource.backend_defaults() else {
            return Verdict::non_compliant(
                "spec.backendDefaults is missing: backends are called in plaintext",
            );
        };
        let Some(policy) = defaults.client_policy.as_ref() else {
            return Verdict::non_compliant(
                "spec.backendDefaults.clientPolicy is missing: backends are called in plaintext",
            );
        };
        match client_tls_problem("spec.backendDefaults.clientPolicy", policy.tls.as_ref()) {
            Some(problem) => Verdict::non_compliant(problem),
            None => Verdict::Compliant,
        }
    }

    fn patch(&self, resource: &mut Resource, fix: &RemediationContext<'_>) -> Result<(), Refusal> {
        let last_compliant = fix
            .last_compliant
            .filter(|last| last.kind() == resource.kind())
            .and_then(compliant_defaults_tls)
            .cloned();
        let slot = resource
            .backend_defaults_slot()
            .ok_or("resource has no backend defaults")?;
        let policy = slot
            .get_or_insert_with(BackendDefaults::default)
            .client_policy
            .get_or_insert_with(ClientPolicy::default);
        let current = policy.tls.take().unwrap_or_default();
        policy.tls = Some(restore_client_tls(
            current,
            last_compliant,
            &fix.config.tls_ca_arns,
        )?);
        Ok(())
    }
}

/// A compliant TLS policy from, in order: the current one's own trust (only `enforce` or
/// `ports` was wrong), the last compliant policy, the configured CA ARNs. Never invents a trust.
/// Built from the current policy, it is enforced on every port.
fn restore_client_tls(
    mut current: ClientPolicyTls,
    last_compliant: Option<ClientPolicyTls>,
    ca_arns: &[String],
) -> Result<ClientPolicyTls, String> {
    if current.trust_kind().is_none() {
        if let Some(last) = last_compliant {
            return Ok(last);
        }
        if !ca_arns.iter().any(|arn| !arn.trim().is_empty()) {
            return Err("no trust source: no last compliant TLS policy is known for this resource and no CA \
                 ARNs are configured (MESHWARDEN_TLS_CA_ARNS / --ca-arn)"
                .to_owned());
        }
        current
            .validation
            .get_or_insert_with(TlsValidation::default)
            .trust = Some(Trust::acm(ca_arns));
    }
    current.enforce = Some(true);
    cover_every_port(&mut current);
    Ok(current)
}

/// The first listener that fails `problem`, or not applicable when there are no listeners.
fn every_listener(
    resource: &Resource,
    problem: impl Fn(&Listener) -> Option<&'static str>,
) -> Verdict {
    let listeners = resource.listeners();
    if listeners.is_empty() {
        return Verdict::not_applicable("spec.listeners is empty");
    }
    let mut failures = String::new();
    for (i, listener) in listeners.iter().enumerate() {
        if let Some(problem) = problem(listener) {
            if failures.is_empty() {
                // Room for one listener's reason: the usual case allocates once, a pass never.
                failures.reserve(96);
            } else {
                failures.push_str("; ");
            }
            // Writing to a String cannot fail.
            let _ = write!(failures, "spec.{}: {problem}", listener.label(i));
        }
    }
    if failures.is_empty() {
        Verdict::Compliant
    } else {
        Verdict::non_compliant(failures)
    }
}

/// Every listener terminates TLS in `STRICT` mode.
pub struct ListenerTlsStrict(pub RuleMeta);

const STRICT: &str = "STRICT";

impl Rule for ListenerTlsStrict {
    fn meta(&self) -> &RuleMeta {
        &self.0
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        every_listener(resource, |l| {
            match l.tls.as_ref().map(|t| t.mode.as_deref()) {
                None => Some("tls is missing (plaintext listener)"),
                Some(Some(STRICT)) => None,
                Some(Some("PERMISSIVE")) => Some("tls.mode is PERMISSIVE (plaintext accepted)"),
                Some(Some("DISABLED")) => Some("tls.mode is DISABLED"),
                Some(_) => Some("tls.mode is not STRICT"),
            }
        })
    }

    fn patch(&self, resource: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        if let Some((i, _)) = resource.listeners().iter().enumerate().find(|(_, l)| {
            l.tls
                .as_ref()
                .and_then(|t| t.certificate.as_ref())
                .is_none()
        }) {
            return Err(format!(
                "spec.listeners[{i}] has no TLS certificate: a listener certificate cannot be guessed"
            ).into());
        }
        for tls in resource
            .listeners_mut()
            .iter_mut()
            .filter_map(|l| l.tls.as_mut())
        {
            tls.mode = Some(STRICT.to_owned());
        }
        Ok(())
    }
}

/// Every listener that terminates TLS validates client certificates (mutual TLS). A listener
/// without `tls`, or with mode `DISABLED`, terminates none and is not checked.
pub struct ListenerMtls(pub RuleMeta);

impl Rule for ListenerMtls {
    fn meta(&self) -> &RuleMeta {
        &self.0
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        if resource
            .listeners()
            .iter()
            .all(|l| l.terminated_tls().is_none())
        {
            return Verdict::not_applicable(
                "no listener terminates TLS (each has no tls or tls.mode DISABLED)",
            );
        }
        every_listener(resource, |l| match l.terminated_tls() {
            None => None,
            Some(tls)
                if tls
                    .validation
                    .as_ref()
                    .and_then(TlsValidation::trust_kind)
                    .is_some() =>
            {
                None
            }
            Some(_) => {
                Some("tls.validation.trust is missing: client certificates are not verified")
            }
        })
    }

    fn patch(&self, _: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        Err("the client CA for mutual TLS cannot be guessed"
            .to_owned()
            .into())
    }
}

/// Every listener has a member (`healthCheck`, `outlierDetection`); not remediable.
pub struct ListenerMember {
    /// The rule's metadata.
    pub meta: RuleMeta,
    /// Reads the member.
    pub member: fn(&Listener) -> bool,
    /// The reason when it is missing, e.g. `healthCheck is missing`.
    pub missing: &'static str,
    /// Why no patch is offered.
    pub no_patch: &'static str,
}

impl Rule for ListenerMember {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        every_listener(resource, |l| (!(self.member)(l)).then_some(self.missing))
    }

    fn patch(&self, _: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        Err(self.no_patch.to_owned().into())
    }
}

/// `spec.logging.accessLog.file.path` is set.
pub struct AccessLogging(pub RuleMeta);

/// Where remediation sends access logs: the proxy's standard output, collected by the
/// container's log driver. Any format already configured is kept.
pub const DEFAULT_ACCESS_LOG_PATH: &str = "/dev/stdout";

impl Rule for AccessLogging {
    fn meta(&self) -> &RuleMeta {
        &self.0
    }

    fn check(&self, resource: &Resource, _: &EvalContext<'_>) -> Verdict {
        match Logging::access_log_path(resource.logging()) {
            Some(_) => Verdict::Compliant,
            None => {
                Verdict::non_compliant("spec.logging.accessLog.file.path is missing: no access log")
            }
        }
    }

    fn patch(&self, resource: &mut Resource, _: &RemediationContext<'_>) -> Result<(), Refusal> {
        let slot = resource.logging_slot().ok_or("resource has no logging")?;
        let file = slot
            .get_or_insert_with(Logging::default)
            .access_log
            .get_or_insert_with(AccessLog::default)
            .file
            .get_or_insert_with(FileAccessLog::default);
        file.path = Some(DEFAULT_ACCESS_LOG_PATH.to_owned());
        Ok(())
    }
}

/// The verdict of an IP-preference rule: not applicable when unconfigured.
pub fn ip_preference(field: &str, actual: Option<&str>, required: Option<&str>) -> Verdict {
    let Some(required) = required else {
        return Verdict::not_applicable("no required IP preference configured");
    };
    match actual {
        Some(actual) if actual == required => Verdict::Compliant,
        Some(actual) => Verdict::non_compliant(format!("{field} is {actual}, required {required}")),
        None => Verdict::non_compliant(format!("{field} is missing, required {required}")),
    }
}

/// A virtual node's service discovery (`dns` or `awsCloudMap`) uses the configured IP preference.
pub struct NodeDiscoveryIpPreference {
    /// The rule's metadata (`field` names the member).
    pub meta: RuleMeta,
    /// The discovery member this rule reads.
    pub member: fn(&mut ServiceDiscovery) -> Option<&mut MeshServiceDiscovery>,
}

impl NodeDiscoveryIpPreference {
    fn discovery(&self, resource: &Resource) -> Option<MeshServiceDiscovery> {
        let Resource::VirtualNode(node) = resource else {
            return None;
        };
        let mut discovery = node.spec.as_ref()?.service_discovery.clone()?;
        (self.member)(&mut discovery).cloned()
    }
}

impl Rule for NodeDiscoveryIpPreference {
    fn meta(&self) -> &RuleMeta {
        &self.meta
    }

    fn check(&self, resource: &Resource, ctx: &EvalContext<'_>) -> Verdict {
        match self.discovery(resource) {
            None => Verdict::not_applicable(format!(
                "{} is not used",
                self.meta.field.trim_end_matches(".ipPreference")
            )),
            Some(d) => ip_preference(
                self.meta.field,
                d.ip_preference.as_deref(),
                ctx.config.node_ip_preference.as_deref(),
            ),
        }
    }

    fn patch(&self, resource: &mut Resource, fix: &RemediationContext<'_>) -> Result<(), Refusal> {
        let required = fix
            .config
            .node_ip_preference
            .clone()
            .ok_or("no required IP preference configured")?;
        let Resource::VirtualNode(node) = resource else {
            return Err("not a virtual node".to_owned().into());
        };
        let discovery = node
            .spec
            .as_mut()
            .and_then(|s| s.service_discovery.as_mut())
            .and_then(self.member)
            .ok_or("the node does not use this service discovery")?;
        discovery.ip_preference = Some(required);
        Ok(())
    }
}
