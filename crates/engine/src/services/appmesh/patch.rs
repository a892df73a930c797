//! Writing a remediation back: copy the fields a rule may change from the patched API JSON onto
//! the described SDK spec. Everything else in the SDK spec — including members the rules' model
//! does not carry — is sent back exactly as described.

use aws_sdk_appmesh::types as am;
use serde_json::Value;

/// A patched document that cannot be expressed as an SDK update.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("cannot apply the patch at {path}: {problem}")]
pub struct PatchError {
    /// JSON pointer of the offending member.
    pub path: String,
    /// What is wrong with it.
    pub problem: String,
}

fn bad(path: &str, problem: impl Into<String>) -> PatchError {
    PatchError {
        path: path.to_owned(),
        problem: problem.into(),
    }
}

/// The patched value at `pointer` when it differs from the described one.
fn changed<'a>(before: &Value, after: &'a Value, pointer: &str) -> Option<&'a Value> {
    let new = after.pointer(pointer).unwrap_or(&Value::Null);
    (before.pointer(pointer).unwrap_or(&Value::Null) != new).then_some(new)
}

fn port_numbers(value: &Value, path: &str) -> Result<Vec<i32>, PatchError> {
    value
        .as_array()
        .ok_or_else(|| bad(path, "expected an array"))?
        .iter()
        .map(|v| {
            v.as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(|| bad(path, "expected port numbers"))
        })
        .collect()
}

fn string<'a>(value: &'a Value, path: &str) -> Result<&'a str, PatchError> {
    value.as_str().ok_or_else(|| bad(path, "expected a string"))
}

fn strings(value: &Value, path: &str) -> Result<Vec<String>, PatchError> {
    value
        .as_array()
        .ok_or_else(|| bad(path, "expected an array"))?
        .iter()
        .map(|v| string(v, path).map(str::to_owned))
        .collect()
}

/// Apply a patched mesh spec (`after` and `before` are the specs' JSON).
pub fn mesh(spec: &mut am::MeshSpec, before: &Value, after: &Value) -> Result<(), PatchError> {
    if let Some(kind) = changed(before, after, "/egressFilter/type") {
        let kind = am::EgressFilterType::from(string(kind, "/egressFilter/type")?);
        spec.egress_filter = Some(
            am::EgressFilter::builder()
                .r#type(kind)
                .build()
                .map_err(|e| bad("/egressFilter", e.to_string()))?,
        );
    }
    if let Some(pref) = changed(before, after, "/serviceDiscovery/ipPreference") {
        let pref = am::IpPreference::from(string(pref, "/serviceDiscovery/ipPreference")?);
        spec.service_discovery = Some(
            am::MeshServiceDiscovery::builder()
                .ip_preference(pref)
                .build(),
        );
    }
    Ok(())
}

/// Apply a patched virtual gateway spec.
pub fn virtual_gateway(
    spec: &mut am::VirtualGatewaySpec,
    before: &Value,
    after: &Value,
) -> Result<(), PatchError> {
    const TLS: &str = "/backendDefaults/clientPolicy/tls";
    if let Some(tls) = changed(before, after, TLS) {
        let client_policy = am::VirtualGatewayClientPolicy::builder()
            .set_tls(if tls.is_null() {
                None
            } else {
                Some(vgw_client_tls(tls)?)
            })
            .build();
        spec.backend_defaults = Some(
            am::VirtualGatewayBackendDefaults::builder()
                .client_policy(client_policy)
                .build(),
        );
    }
    for (i, listener) in spec.listeners.iter_mut().enumerate() {
        let path = format!("/listeners/{i}/tls/mode");
        if let (Some(mode), Some(tls)) = (changed(before, after, &path), listener.tls.as_mut()) {
            tls.mode = am::VirtualGatewayListenerTlsMode::from(string(mode, &path)?);
        }
    }
    const LOG: &str = "/logging/accessLog/file/path";
    if let Some(path) = changed(before, after, LOG) {
        let path = string(path, LOG)?;
        let format = match spec.logging.as_ref().and_then(|l| l.access_log.as_ref()) {
            Some(am::VirtualGatewayAccessLog::File(file)) => file.format.clone(),
            _ => None,
        };
        let file = am::VirtualGatewayFileAccessLog::builder()
            .path(path)
            .set_format(format)
            .build()
            .map_err(|e| bad(LOG, e.to_string()))?;
        spec.logging = Some(
            am::VirtualGatewayLogging::builder()
                .access_log(am::VirtualGatewayAccessLog::File(file))
                .build(),
        );
    }
    Ok(())
}

/// Apply a patched virtual node spec.
pub fn virtual_node(
    spec: &mut am::VirtualNodeSpec,
    before: &Value,
    after: &Value,
) -> Result<(), PatchError> {
    const TLS: &str = "/backendDefaults/clientPolicy/tls";
    if let Some(tls) = changed(before, after, TLS) {
        let client_policy = am::ClientPolicy::builder()
            .set_tls(if tls.is_null() {
                None
            } else {
                Some(node_client_tls(tls)?)
            })
            .build();
        spec.backend_defaults = Some(
            am::BackendDefaults::builder()
                .client_policy(client_policy)
                .build(),
        );
    }
    for (i, backend) in spec.backends.iter_mut().flatten().enumerate() {
        let path = format!("/backends/{i}/virtualService/clientPolicy/tls");
        let am::Backend::VirtualService(service) = backend else {
            continue;
        };
        let Some(tls) = service.client_policy.as_mut().and_then(|p| p.tls.as_mut()) else {
            continue;
        };
        if let Some(enforce) = changed(before, after, &format!("{path}/enforce")) {
            tls.enforce = enforce.as_bool();
        }
        // An absent (or empty) ports list means every port.
        if let Some(ports) = changed(before, after, &format!("{path}/ports")) {
            tls.ports = match ports {
                Value::Null => None,
                ports => Some(port_numbers(ports, &format!("{path}/ports"))?),
            };
        }
    }
    for (i, listener) in spec.listeners.iter_mut().flatten().enumerate() {
        let path = format!("/listeners/{i}/tls/mode");
        if let (Some(mode), Some(tls)) = (changed(before, after, &path), listener.tls.as_mut()) {
            tls.mode = am::ListenerTlsMode::from(string(mode, &path)?);
        }
    }
    const LOG: &str = "/logging/accessLog/file/path";
    if let Some(path) = changed(before, after, LOG) {
        let path = string(path, LOG)?;
        let format = match spec.logging.as_ref().and_then(|l| l.access_log.as_ref()) {
            Some(am::AccessLog::File(file)) => file.format.clone(),
            _ => None,
        };
        let file = am::FileAccessLog::builder()
            .path(path)
            .set_format(format)
            .build()
            .map_err(|e| bad(LOG, e.to_string()))?;
        spec.logging = Some(
            am::Logging::builder()
                .access_log(am::AccessLog::File(file))
                .build(),
        );
    }
    match spec.service_discovery.as_mut() {
        Some(am::ServiceDiscovery::AwsCloudMap(map)) => {
            const PATH: &str = "/serviceDiscovery/awsCloudMap/ipPreference";
            if let Some(pref) = changed(before, after, PATH) {
                map.ip_preference = Some(am::IpPreference::from(string(pref, PATH)?));
            }
        }
        Some(am::ServiceDiscovery::Dns(dns)) => {
            const PATH: &str = "/serviceDiscovery/dns/ipPreference";
            if let Some(pref) = changed(before, after, PATH) {
                dns.ip_preference = Some(am::IpPreference::from(string(pref, PATH)?));
            }
        }
        _ => {}
    }
    Ok(())
}

/// Client TLS policies are the same shape for gateways and nodes, with distinct SDK types:
/// one definition, instantiated for both families.
macro_rules! client_tls_from_json {
    ($name:ident: $tls:ident, $cert:ident { $file_cert:ident, $sds_cert:ident }, $validation:ident,
     $trust:ident { $acm:ident, $file:ident, $sds:ident }) => {
        /// Build the SDK client TLS policy from its API JSON.
        fn $name(json: &Value) -> Result<am::$tls, PatchError> {
            const P: &str = "/backendDefaults/clientPolicy/tls";
            let build = |e: aws_smithy_types::error::operation::BuildError| bad(P, e.to_string());
            let ports = match json.get("ports") {
                None | Some(Value::Null) => None,
                Some(ports) => Some(
                    ports
                        .as_array()
                        .ok_or_else(|| bad(P, "ports must be an array"))?
                        .iter()
                        .map(|p| {
                            p.as_i64()
                                .and_then(|p| i32::try_from(p).ok())
                                .ok_or_else(|| bad(P, "bad port"))
                        })
                        .collect::<Result<Vec<i32>, _>>()?,
                ),
            };
            let certificate = match json.get("certificate") {
                None | Some(Value::Null) => None,
                Some(c) => Some(if let Some(file) = c.get("file") {
                    am::$cert::File(
                        am::$file_cert::builder()
                            .certificate_chain(string(&file["certificateChain"], P)?)
                            .private_key(string(&file["privateKey"], P)?)
                            .build()
                            .map_err(build)?,
                    )
                } else if let Some(sds) = c.get("sds") {
                    am::$cert::Sds(
                        am::$sds_cert::builder()
                            .secret_name(string(&sds["secretName"], P)?)
                            .build()
                            .map_err(build)?,
                    )
                } else {
                    return Err(bad(P, "certificate must be file or sds"));
                }),
            };
            let validation = json
                .get("validation")
                .ok_or_else(|| bad(P, "validation is required"))?;
            let trust = &validation["trust"];
            let trust = if let Some(acm) = trust.get("acm") {
                am::$trust::Acm(
                    am::$acm::builder()
                        .set_certificate_authority_arns(Some(strings(
                            &acm["certificateAuthorityArns"],
                            P,
                        )?))
                        .build()
                        .map_err(build)?,
                )
            } else if let Some(file) = trust.get("file") {
                am::$trust::File(
                    am::$file::builder()
                        .certificate_chain(string(&file["certificateChain"], P)?)
                        .build()
                        .map_err(build)?,
                )
            } else if let Some(sds) = trust.get("sds") {
                am::$trust::Sds(
                    am::$sds::builder()
                        .secret_name(string(&sds["secretName"], P)?)
                        .build()
                        .map_err(build)?,
                )
            } else {
                return Err(bad(P, "validation.trust must be acm, file or sds"));
            };
            let names = match validation.pointer("/subjectAlternativeNames/match/exact") {
                None | Some(Value::Null) => None,
                Some(exact) => Some(
                    am::SubjectAlternativeNames::builder()
                        .r#match(
                            am::SubjectAlternativeNameMatchers::builder()
                                .set_exact(Some(strings(exact, P)?))
                                .build()
                                .map_err(build)?,
                        )
                        .build(),
                ),
            };
            Ok(am::$tls::builder()
                .set_enforce(json.get("enforce").and_then(Value::as_bool))
                .set_ports(ports)
                .set_certificate(certificate)
                .validation(
                    am::$validation::builder()
                        .trust(trust)
                        .set_subject_alternative_names(names)
                        .build(),
                )
                .build())
        }
    };
}

client_tls_from_json!(vgw_client_tls: VirtualGatewayClientPolicyTls,
VirtualGatewayClientTlsCertificate { VirtualGatewayListenerTlsFileCertificate, VirtualGatewayListenerTlsSdsCertificate },
VirtualGatewayTlsValidationContext,
VirtualGatewayTlsValidationContextTrust {
    VirtualGatewayTlsValidationContextAcmTrust, VirtualGatewayTlsValidationContextFileTrust, VirtualGatewayTlsValidationContextSdsTrust
});

client_tls_from_json!(node_client_tls: ClientPolicyTls,
    ClientTlsCertificate { ListenerTlsFileCertificate, ListenerTlsSdsCertificate },
    TlsValidationContext,
    TlsValidationContextTrust { TlsValidationContextAcmTrust, TlsValidationContextFileTrust, TlsValidationContextSdsTrust });

#[cfg(test)]
mod tests {
    use super::*;
    use crate::services::appmesh::to_json::ToJson;
    use serde_json::json;

    #[test]
    fn only_changed_members_are_written() {
        let mut spec = am::MeshSpec::builder()
            .egress_filter(
                am::EgressFilter::builder()
                    .r#type(am::EgressFilterType::AllowAll)
                    .build()
                    .unwrap(),
            )
            .service_discovery(
                am::MeshServiceDiscovery::builder()
                    .ip_preference(am::IpPreference::IPv4Only)
                    .build(),
            )
            .build();
        let before = spec.to_json();
        let mut after = before.clone();
        after["egressFilter"]["type"] = json!("DROP_ALL");
        mesh(&mut spec, &before, &after).unwrap();
        assert_eq!(spec.to_json(), after);
        assert_eq!(
            spec.service_discovery.unwrap().ip_preference,
            Some(am::IpPreference::IPv4Only),
            "untouched member kept"
        );
    }

    /// Gateways require exactly one listener.
    fn gateway_listener() -> am::VirtualGatewayListener {
        let port = am::VirtualGatewayPortMapping::builder()
            .port(8080)
            .protocol(am::VirtualGatewayPortProtocol::Http)
            .build()
            .unwrap();
        am::VirtualGatewayListener::builder()
            .port_mapping(port)
            .build()
    }

    #[test]
    fn gateway_tls_round_trips_through_json() {
        let mut spec = am::VirtualGatewaySpec::builder()
            .listeners(gateway_listener())
            .backend_defaults(
                am::VirtualGatewayBackendDefaults::builder()
                    .client_policy(am::VirtualGatewayClientPolicy::builder().build())
                    .build(),
            )
            .build()
            .unwrap();
        let before = spec.to_json();
        let mut after = before.clone();
        after["backendDefaults"]["clientPolicy"]["tls"] = json!({
            "enforce": true, "ports": [443],
            "validation": {"trust": {"acm": {"certificateAuthorityArns": ["arn:ca"]}},
                           "subjectAlternativeNames": {"match": {"exact": ["svc.local"]}}}
        });
        virtual_gateway(&mut spec, &before, &after).unwrap();
        assert_eq!(spec.to_json(), after);
    }

    #[test]
    fn a_backends_tls_ports_are_cleared_to_cover_every_port() {
        let tls = am::ClientPolicyTls::builder()
            .enforce(false)
            .ports(8443)
            .validation(
                am::TlsValidationContext::builder()
                    .trust(am::TlsValidationContextTrust::File(
                        am::TlsValidationContextFileTrust::builder()
                            .certificate_chain("/ca.pem")
                            .build()
                            .unwrap(),
                    ))
                    .build(),
            )
            .build();
        let backend = am::Backend::VirtualService(
            am::VirtualServiceBackend::builder()
                .virtual_service_name("svc.local")
                .client_policy(am::ClientPolicy::builder().tls(tls).build())
                .build()
                .unwrap(),
        );
        let mut spec = am::VirtualNodeSpec::builder().backends(backend).build();
        let before = spec.to_json();
        let mut after = before.clone();
        let tls = &mut after["backends"][0]["virtualService"]["clientPolicy"]["tls"];
        tls["enforce"] = json!(true);
        tls.as_object_mut().unwrap().remove("ports");
        virtual_node(&mut spec, &before, &after).unwrap();
        assert_eq!(spec.to_json(), after);
    }

    #[test]
    fn invalid_patches_are_errors_not_panics() {
        let mut spec = am::VirtualGatewaySpec::builder()
            .listeners(gateway_listener())
            .build()
            .unwrap();
        let before = spec.to_json();
        let after = json!({"backendDefaults": {"clientPolicy": {"tls": {"enforce": true}}}});
        let err = virtual_gateway(&mut spec, &before, &after).unwrap_err();
        assert_eq!(err.problem, "validation is required");
    }
}
