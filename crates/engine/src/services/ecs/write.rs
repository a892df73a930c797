//! What an ECS Service Connect revert writes (pure): the `PRIMARY` deployment's
//! `serviceConnectConfiguration` of the remediated document, as the one `UpdateService`
//! parameter that carries it, and nothing else.
//!
//! The configuration is rebuilt from the document's JSON into the SDK's types and converted
//! back: a member the writer cannot carry (a client alias's `testTrafficRules`, a member a newer
//! API adds) makes the two differ, and the revert is refused rather than written without it.

use super::to_json::ToJson;
use aws_sdk_ecs::types as ecs;
use meshwarden_rules::ecs::model::EcsServiceDocument;
use meshwarden_rules::model::Resource;
use serde_json::Value;

/// The configuration `UpdateService` must set to turn `current` into `patched`: `Ok(None)` when
/// the `PRIMARY` deployment already carries it (a retry after the write landed: writing it again
/// would start another deployment), `Err` when the remediation changes anything else or holds
/// members the writer cannot carry.
pub fn plan(
    current: &Resource,
    patched: &Resource,
) -> Result<Option<ecs::ServiceConnectConfiguration>, String> {
    let (Resource::EcsService(now), Resource::EcsService(want)) = (current, patched) else {
        return Err("not an ECS service".to_owned());
    };
    let wanted = want
        .primary()
        .and_then(|d| d.service_connect_configuration.as_ref())
        .ok_or("the remediated document has no PRIMARY serviceConnectConfiguration")?;
    let mut expected: EcsServiceDocument = now.clone();
    let primary = expected
        .primary_mut()
        .ok_or("the described service has no PRIMARY deployment")?;
    if primary.service_connect_configuration.as_ref() == Some(wanted) {
        return Ok(None);
    }
    primary.service_connect_configuration = Some(wanted.clone());
    if &expected != want {
        return Err(
            "the remediation changes members other than the PRIMARY deployment's \
                    serviceConnectConfiguration: only that is written"
                .to_owned(),
        );
    }
    let json = serde_json::to_value(wanted).map_err(|e| e.to_string())?;
    let sdk = configuration(&json)?;
    let written = sdk.to_json();
    if written != json {
        return Err(format!(
            "the serviceConnectConfiguration holds members this responder cannot write ({}): \
             writing it would drop them",
            crate::core::identity::differing_members(&json, &written).join(", ")
        ));
    }
    Ok(Some(sdk))
}

fn str_of<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str)
}

fn int_of(v: &Value, key: &str) -> Result<Option<i32>, String> {
    v.get(key)
        .filter(|x| !x.is_null())
        .map(|x| {
            x.as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(|| format!("{key} is not a 32-bit integer"))
        })
        .transpose()
}

fn items<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// `ServiceConnectConfiguration` from its API JSON.
fn configuration(v: &Value) -> Result<ecs::ServiceConnectConfiguration, String> {
    let enabled = v
        .get("enabled")
        .and_then(Value::as_bool)
        .ok_or("serviceConnectConfiguration.enabled is not a boolean")?;
    let services = v
        .get("services")
        .map(|_| items(v, "services").iter().map(service).collect())
        .transpose()?;
    let logs = v
        .get("logConfiguration")
        .map(log_configuration)
        .transpose()?;
    let access = v
        .get("accessLogConfiguration")
        .map(access_logs)
        .transpose()?;
    let containers = v.get("containerConfigurations").map(|_| {
        items(v, "containerConfigurations")
            .iter()
            .filter_map(|c| str_of(c, "logLevel"))
            .map(|level| ecs::ServiceConnectContainerConfiguration::LogLevel(level.into()))
            .collect()
    });
    Ok(ecs::ServiceConnectConfiguration::builder()
        .enabled(enabled)
        .set_namespace(str_of(v, "namespace").map(str::to_owned))
        .set_services(services)
        .set_log_configuration(logs)
        .set_access_log_configuration(access)
        .set_container_configurations(containers)
        .build())
}

fn service(v: &Value) -> Result<ecs::ServiceConnectService, String> {
    let aliases = v
        .get("clientAliases")
        .map(|_| {
            items(v, "clientAliases")
                .iter()
                .map(|a| {
                    ecs::ServiceConnectClientAlias::builder()
                        .set_port(int_of(a, "port")?)
                        .set_dns_name(str_of(a, "dnsName").map(str::to_owned))
                        .build()
                        .map_err(|e| e.to_string())
                })
                .collect::<Result<Vec<_>, String>>()
        })
        .transpose()?;
    let timeout = v
        .get("timeout")
        .map(|t| -> Result<_, String> {
            Ok(ecs::TimeoutConfiguration::builder()
                .set_idle_timeout_seconds(int_of(t, "idleTimeoutSeconds")?)
                .set_per_request_timeout_seconds(int_of(t, "perRequestTimeoutSeconds")?)
                .build())
        })
        .transpose()?;
    let tls = v.get("tls").map(|t| {
        let ca = t.get("issuerCertificateAuthority").map(|ca| {
            ecs::ServiceConnectTlsCertificateAuthority::builder()
                .set_aws_pca_authority_arn(str_of(ca, "awsPcaAuthorityArn").map(str::to_owned))
                .build()
        });
        ecs::ServiceConnectTlsConfiguration::builder()
            .set_issuer_certificate_authority(ca)
            .set_kms_key(str_of(t, "kmsKey").map(str::to_owned))
            .set_role_arn(str_of(t, "roleArn").map(str::to_owned))
            .build()
    });
    ecs::ServiceConnectService::builder()
        .set_port_name(str_of(v, "portName").map(str::to_owned))
        .set_discovery_name(str_of(v, "discoveryName").map(str::to_owned))
        .set_client_aliases(aliases)
        .set_ingress_port_override(int_of(v, "ingressPortOverride")?)
        .set_timeout(timeout)
        .set_tls(tls)
        .build()
        .map_err(|e| e.to_string())
}

fn log_configuration(v: &Value) -> Result<ecs::LogConfiguration, String> {
    let options = v.get("options").and_then(Value::as_object).map(|o| {
        o.iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect()
    });
    let secrets = v
        .get("secretOptions")
        .map(|_| {
            items(v, "secretOptions")
                .iter()
                .map(|s| {
                    ecs::Secret::builder()
                        .set_name(str_of(s, "name").map(str::to_owned))
                        .set_value_from(str_of(s, "valueFrom").map(str::to_owned))
                        .build()
                        .map_err(|e| e.to_string())
                })
                .collect::<Result<Vec<_>, String>>()
        })
        .transpose()?;
    ecs::LogConfiguration::builder()
        .set_log_driver(str_of(v, "logDriver").map(ecs::LogDriver::from))
        .set_options(options)
        .set_secret_options(secrets)
        .build()
        .map_err(|e| e.to_string())
}

fn access_logs(v: &Value) -> Result<ecs::ServiceConnectAccessLogConfiguration, String> {
    ecs::ServiceConnectAccessLogConfiguration::builder()
        .set_format(str_of(v, "format").map(ecs::ServiceConnectAccessLoggingFormat::from))
        .set_include_query_parameters(
            str_of(v, "includeQueryParameters")
                .map(ecs::ServiceConnectIncludeQueryParameters::from),
        )
        .build()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn config(idle: i64) -> Value {
        json!({"enabled": true, "namespace": "pay.local",
               "services": [{"portName": "api", "discoveryName": "payments",
                             "clientAliases": [{"port": 8080, "dnsName": "payments.pay.local"}],
                             "ingressPortOverride": 9090,
                             "timeout": {"idleTimeoutSeconds": idle, "perRequestTimeoutSeconds": 15},
                             "tls": {"issuerCertificateAuthority": {"awsPcaAuthorityArn": "arn:aws:acm-pca:eu-west-1:1:certificate-authority/ca"},
                                     "kmsKey": "k", "roleArn": "arn:aws:iam::1:role/tls"}}],
               "logConfiguration": {"logDriver": "awslogs", "options": {"awslogs-group": "sc", "awslogs-region": "eu-west-1"},
                                    "secretOptions": [{"name": "x", "valueFrom": "arn:aws:ssm:eu-west-1:1:parameter/x"}]},
               "accessLogConfiguration": {"format": "JSON", "includeQueryParameters": "DISABLED"},
               "containerConfigurations": [{"logLevel": "debug"}]})
    }

    fn service(config: Value) -> Resource {
        Resource::from_describe_value(&json!({"ecsService": {
            "serviceArn": "arn:aws:ecs:eu-west-1:1:service/prod/payments", "serviceName": "payments",
            "clusterArn": "arn:aws:ecs:eu-west-1:1:cluster/prod", "status": "ACTIVE",
            "deployments": [{"id": "ecs-svc/2", "status": "PRIMARY", "serviceConnectConfiguration": config},
                            {"id": "ecs-svc/1", "status": "ACTIVE"}]}}))
        .unwrap()
    }

    #[test]
    fn the_whole_configuration_is_written_and_round_trips() {
        let sdk = plan(&service(config(0)), &service(config(300)))
            .unwrap()
            .expect("a write");
        assert_eq!(sdk.to_json(), config(300));
    }

    #[test]
    fn a_configuration_already_in_force_is_not_written_again() {
        assert!(plan(&service(config(300)), &service(config(300)))
            .unwrap()
            .is_none());
    }

    #[test]
    fn members_it_cannot_write_and_other_changes_are_refused() {
        let mut traffic = config(300);
        traffic["services"][0]["clientAliases"][0]["testTrafficRules"] =
            json!({"header": {"name": "x-canary", "value": {"exact": "1"}}});
        let err = plan(&service(config(0)), &service(traffic)).unwrap_err();
        assert!(err.contains("cannot write (services)"), "{err}");
        let mut other = service(config(300));
        if let Resource::EcsService(doc) = &mut other {
            doc.ecs_service.status = Some("DRAINING".into());
        }
        let err = plan(&service(config(0)), &other).unwrap_err();
        assert!(err.contains("other than"), "{err}");
    }
}
