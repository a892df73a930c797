//! Every ECS Service Connect rule: compliant, each non-compliant shape, the not-applicable
//! cases, the patch from the last compliant copy and its refusals.

use crate::catalog::*;
use crate::ecs::model::tests::service;
use crate::model::Resource;
use crate::verdict::VerdictStatus::{self, *};
use serde_json::{json, Value};

const TLS: &str = "ecs-sc-tls";
const LOGS: &str = "ecs-sc-access-logs";
const QUERY: &str = "ecs-sc-access-log-query-parameters";
const TIMEOUTS: &str = "ecs-sc-timeouts-enabled";
const ALL: [&str; 4] = [TLS, LOGS, QUERY, TIMEOUTS];
const ROLE: &str = "arn:aws:iam::111122223333:role/ecs-sc-tls";

fn doc(value: &Value) -> Resource {
    Resource::from_describe_value(value).unwrap()
}

/// The service with its PRIMARY configuration changed by `change`.
fn with_config(change: impl FnOnce(&mut Value)) -> Resource {
    let mut value = service();
    change(&mut value["ecsService"]["deployments"][0]["serviceConnectConfiguration"]);
    doc(&value)
}

fn status(rule: &str, resource: &Resource) -> VerdictStatus {
    find(rule)
        .unwrap()
        .evaluate(
            resource,
            &EvalContext {
                config: &RulesConfig::default(),
                tags: None,
            },
        )
        .status()
}

fn remediate(
    rule: &str,
    resource: &Resource,
    last: Option<&Resource>,
    config: &RulesConfig,
) -> Remediation {
    find(rule).unwrap().remediate(
        resource,
        &EvalContext { config, tags: None },
        &RemediationContext {
            config,
            last_compliant: last,
        },
    )
}

fn primary_config(resource: &Resource) -> Value {
    resource.data_value()["ecsService"]["deployments"][0]["serviceConnectConfiguration"].clone()
}

#[test]
fn a_complete_configuration_passes_every_rule() {
    let resource = doc(&service());
    for rule in ALL {
        assert_eq!(status(rule, &resource), Compliant, "{rule}");
    }
    assert_eq!(rules_for(resource.kind()).count(), 4);
}

#[test]
fn tls_fails_for_each_endpoint_without_a_private_ca() {
    for change in [
        json!(null),
        json!({}),
        json!({"issuerCertificateAuthority": {}}),
        json!({"issuerCertificateAuthority": {"awsPcaAuthorityArn": " "}}),
    ] {
        let resource = with_config(|c| c["services"][0]["tls"] = change.clone());
        assert_eq!(status(TLS, &resource), NonCompliant, "{change}");
    }
    // One endpoint with TLS does not cover another without.
    let resource = with_config(|c| {
        let mut second = c["services"][0].clone();
        second["portName"] = json!("admin");
        second.as_object_mut().unwrap().remove("tls");
        c["services"].as_array_mut().unwrap().push(second);
    });
    let verdict = find(TLS).unwrap().evaluate(
        &resource,
        &EvalContext {
            config: &RulesConfig::default(),
            tags: None,
        },
    );
    assert_eq!(verdict.status(), NonCompliant);
    assert!(
        format!("{verdict:?}").contains("services[1] (\\\"admin\\\")"),
        "{verdict:?}"
    );
}

#[test]
fn access_logs_need_both_objects() {
    for member in ["accessLogConfiguration", "logConfiguration"] {
        let resource = with_config(|c| {
            c.as_object_mut().unwrap().remove(member);
        });
        assert_eq!(status(LOGS, &resource), NonCompliant, "{member}");
    }
}

#[test]
fn query_parameters_must_not_be_logged_and_absent_is_disabled() {
    let enabled =
        with_config(|c| c["accessLogConfiguration"]["includeQueryParameters"] = json!("ENABLED"));
    assert_eq!(status(QUERY, &enabled), NonCompliant);
    let absent = with_config(|c| {
        c["accessLogConfiguration"]
            .as_object_mut()
            .unwrap()
            .remove("includeQueryParameters");
    });
    assert_eq!(status(QUERY, &absent), Compliant);
    let no_access_logs = with_config(|c| {
        c.as_object_mut().unwrap().remove("accessLogConfiguration");
    });
    assert_eq!(status(QUERY, &no_access_logs), NotApplicable);
}

#[test]
fn a_zero_timeout_fails_and_absent_means_the_defaults() {
    for member in ["idleTimeoutSeconds", "perRequestTimeoutSeconds"] {
        let zero = with_config(|c| c["services"][0]["timeout"][member] = json!(0));
        assert_eq!(status(TIMEOUTS, &zero), NonCompliant, "{member}");
    }
    let absent = with_config(|c| {
        c["services"][0].as_object_mut().unwrap().remove("timeout");
    });
    assert_eq!(status(TIMEOUTS, &absent), Compliant);
}

#[test]
fn client_only_configurations_have_no_tls_or_timeouts_to_check() {
    for services in [json!(null), json!([])] {
        let resource = with_config(|c| c["services"] = services.clone());
        assert_eq!(status(TLS, &resource), NotApplicable, "{services}");
        assert_eq!(status(TIMEOUTS, &resource), NotApplicable, "{services}");
        assert_eq!(status(LOGS, &resource), Compliant, "{services}");
    }
}

#[test]
fn no_configuration_in_force_is_not_applicable_to_every_rule() {
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut no_deployments = service();
    no_deployments["ecsService"]
        .as_object_mut()
        .unwrap()
        .remove("deployments");
    cases.push(("no deployments", no_deployments));
    let mut empty = service();
    empty["ecsService"]["deployments"] = json!([]);
    cases.push(("empty deployments", empty));
    let mut no_primary = service();
    no_primary["ecsService"]["deployments"][0]["status"] = json!("ACTIVE");
    cases.push(("no PRIMARY", no_primary));
    let mut no_config = service();
    no_config["ecsService"]["deployments"][0]
        .as_object_mut()
        .unwrap()
        .remove("serviceConnectConfiguration");
    cases.push(("no configuration", no_config));
    let mut disabled = service();
    disabled["ecsService"]["deployments"][0]["serviceConnectConfiguration"] =
        json!({"enabled": false, "services": [{"portName": "api"}]});
    cases.push(("enabled false", disabled));
    for status_value in ["INACTIVE", "DRAINING"] {
        let mut gone = service();
        gone["ecsService"]["status"] = json!(status_value);
        // A gone service with a bad configuration is still not judged.
        gone["ecsService"]["deployments"][0]["serviceConnectConfiguration"]["services"][0]
            .as_object_mut()
            .unwrap()
            .remove("tls");
        cases.push((status_value, gone));
    }
    for (case, value) in cases {
        let resource = doc(&value);
        for rule in ALL {
            assert_eq!(status(rule, &resource), NotApplicable, "{case}: {rule}");
        }
        let plan = crate::catalog::remediate(
            &resource,
            &EvalContext {
                config: &RulesConfig::default(),
                tags: None,
            },
            &RemediationContext {
                config: &RulesConfig::default(),
                last_compliant: Some(&doc(&service())),
            },
        );
        assert!(plan.applied.is_empty() && plan.skipped.is_empty(), "{case}");
    }
}

#[test]
fn every_rule_restores_the_last_compliant_primary_configuration() {
    let last = doc(&service());
    let config = RulesConfig::default();
    let broken: [(&str, Resource); 4] = [
        (
            TLS,
            with_config(|c| {
                c["services"][0].as_object_mut().unwrap().remove("tls");
            }),
        ),
        (
            LOGS,
            with_config(|c| {
                c.as_object_mut().unwrap().remove("logConfiguration");
            }),
        ),
        (
            QUERY,
            with_config(|c| {
                c["accessLogConfiguration"]["includeQueryParameters"] = json!("ENABLED")
            }),
        ),
        (
            TIMEOUTS,
            with_config(|c| c["services"][0]["timeout"]["idleTimeoutSeconds"] = json!(0)),
        ),
    ];
    for (rule, resource) in broken {
        let Remediation::Patched(patched) = remediate(rule, &resource, Some(&last), &config) else {
            panic!("{rule}: not patched");
        };
        assert_eq!(primary_config(&patched), primary_config(&last), "{rule}");
        // Only the PRIMARY configuration changes: the ACTIVE deployment and the rest stay.
        let mut expected = resource.data_value();
        expected["ecsService"]["deployments"][0]["serviceConnectConfiguration"] =
            primary_config(&last);
        assert_eq!(patched.data_value(), expected, "{rule}");
        for rule in ALL {
            assert_ne!(status(rule, &patched), NonCompliant, "{rule}");
        }
    }
}

#[test]
fn no_compliant_configuration_is_a_refusal() {
    let resource = with_config(|c| {
        c["services"][0].as_object_mut().unwrap().remove("tls");
    });
    let config = RulesConfig::default();
    let mut other_service = service();
    other_service["ecsService"]["serviceName"] = json!("orders");
    let mut other_cluster = service();
    other_cluster["ecsService"]["clusterArn"] =
        json!("arn:aws:ecs:eu-west-1:111122223333:cluster/dev");
    let mut disabled = service();
    disabled["ecsService"]["deployments"][0]["serviceConnectConfiguration"]["enabled"] =
        json!(false);
    let mut no_primary = service();
    no_primary["ecsService"]["deployments"][0]["status"] = json!("ACTIVE");
    let lasts = [
        None,
        Some(doc(&other_service)),
        Some(doc(&other_cluster)),
        Some(doc(&disabled)),
        Some(doc(&no_primary)),
    ];
    for last in &lasts {
        assert_eq!(
            remediate(TLS, &resource, last.as_ref(), &config),
            Remediation::Skipped(Refusal::NoCompliantConfiguration),
            "{last:?}"
        );
    }
    assert!(Refusal::NoCompliantConfiguration
        .to_string()
        .contains("no compliant Service Connect configuration of this service is known"));
}

#[test]
fn a_tls_role_outside_the_allowed_list_is_refused() {
    let resource = with_config(|c| c["services"][0]["timeout"]["idleTimeoutSeconds"] = json!(0));
    let last = doc(&service());
    let other = RulesConfig {
        ecs_tls_role_arns: Some(vec!["arn:aws:iam::111122223333:role/other".into()]),
        ..RulesConfig::default()
    };
    assert_eq!(
        remediate(TIMEOUTS, &resource, Some(&last), &other),
        Remediation::Skipped(Refusal::TlsRoleNotAllowed(ROLE.to_owned()))
    );
    let none_allowed = RulesConfig {
        ecs_tls_role_arns: Some(vec![]),
        ..RulesConfig::default()
    };
    assert!(matches!(
        remediate(TIMEOUTS, &resource, Some(&last), &none_allowed),
        Remediation::Skipped(Refusal::TlsRoleNotAllowed(_))
    ));
    let allowed = RulesConfig {
        ecs_tls_role_arns: Some(vec![ROLE.to_owned()]),
        ..RulesConfig::default()
    };
    assert!(matches!(
        remediate(TIMEOUTS, &resource, Some(&last), &allowed),
        Remediation::Patched(_)
    ));
}
