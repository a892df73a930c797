//! Edge cases of every rule: absent vs null vs false, `ports: []`, each trust kind, listeners.

use crate::catalog::*;
use crate::model::{Resource, Tag};
use crate::resource::ResourceKind;
use crate::verdict::{Verdict, VerdictStatus};
use serde_json::{json, Value};

const CA: &str = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/11111111-2222-3333-4444-555555555555";

fn mesh(spec: Value) -> Resource {
    Resource::from_describe_value(&json!({"mesh": {"meshName": "m", "spec": spec}})).unwrap()
}

fn gateway(spec: Value) -> Resource {
    Resource::from_describe_value(
        &json!({"virtualGateway": {"meshName": "m", "virtualGatewayName": "g", "spec": spec}}),
    )
    .unwrap()
}

fn node(spec: Value) -> Resource {
    Resource::from_describe_value(
        &json!({"virtualNode": {"meshName": "m", "virtualNodeName": "n", "spec": spec}}),
    )
    .unwrap()
}

fn verdict_with(
    rule: &str,
    resource: &Resource,
    config: &RulesConfig,
    tags: Option<&[Tag]>,
) -> Verdict {
    find(rule)
        .unwrap()
        .evaluate(resource, &EvalContext { config, tags })
}

fn verdict(rule: &str, resource: &Resource) -> Verdict {
    verdict_with(rule, resource, &RulesConfig::default(), None)
}

fn status(rule: &str, resource: &Resource) -> VerdictStatus {
    verdict(rule, resource).status()
}

fn remediate_with(
    rule: &str,
    resource: &Resource,
    config: &RulesConfig,
    last: Option<&Resource>,
) -> Remediation {
    let ctx = EvalContext { config, tags: None };
    find(rule).unwrap().remediate(
        resource,
        &ctx,
        &RemediationContext {
            config,
            last_compliant: last,
        },
    )
}

fn patched(
    rule: &str,
    resource: &Resource,
    config: &RulesConfig,
    last: Option<&Resource>,
) -> Resource {
    match remediate_with(rule, resource, config, last) {
        Remediation::Patched(r) => r,
        other => panic!("{rule}: expected a patch, got {other:?}"),
    }
}

fn tls(enforce: Value, trust: Value) -> Value {
    json!({"backendDefaults": {"clientPolicy": {"tls": {"enforce": enforce, "validation": {"trust": trust}}}}})
}

#[test]
fn egress_absent_null_and_drop_all_pass_allow_all_fails() {
    use VerdictStatus::*;
    let rule = "mesh-egress-drop-all";
    assert_eq!(
        status(rule, &mesh(json!({}))),
        Compliant,
        "absent spec content = AWS default DROP_ALL"
    );
    assert_eq!(status(rule, &mesh(json!(null))), Compliant, "absent spec");
    assert_eq!(
        status(rule, &mesh(json!({"egressFilter": null}))),
        Compliant
    );
    assert_eq!(
        status(rule, &mesh(json!({"egressFilter": {"type": null}}))),
        Compliant
    );
    assert_eq!(
        status(rule, &mesh(json!({"egressFilter": {"type": "DROP_ALL"}}))),
        Compliant
    );
    let allow = mesh(
        json!({"egressFilter": {"type": "ALLOW_ALL"}, "serviceDiscovery": {"ipPreference": "IPv6_ONLY"}}),
    );
    assert_eq!(
        verdict(rule, &allow),
        Verdict::non_compliant("spec.egressFilter.type is ALLOW_ALL")
    );
    let fixed = patched(rule, &allow, &RulesConfig::default(), None);
    assert_eq!(
        fixed.to_describe_value()["mesh"]["spec"],
        json!({"egressFilter": {"type": "DROP_ALL"}, "serviceDiscovery": {"ipPreference": "IPv6_ONLY"}})
    );
}

#[test]
fn gateway_tls_names_the_missing_or_false_field() {
    let rule = "vgw-backend-tls-enforced";
    let reason = |spec: Value| {
        verdict(rule, &gateway(spec))
            .reason()
            .map(str::to_owned)
            .unwrap_or_default()
    };
    assert!(reason(json!({})).contains("spec.backendDefaults is missing"));
    assert!(reason(json!({"backendDefaults": {}}))
        .contains("spec.backendDefaults.clientPolicy is missing"));
    assert!(reason(json!({"backendDefaults": {"clientPolicy": {}}}))
        .contains("spec.backendDefaults.clientPolicy.tls is missing"));
    assert!(
        reason(json!({"backendDefaults": {"clientPolicy": {"tls": null}}}))
            .contains("tls is missing")
    );
    assert!(reason(tls(
        json!(false),
        json!({"acm": {"certificateAuthorityArns": [CA]}})
    ))
    .contains("tls.enforce is false"));
    assert!(
        reason(tls(json!(true), json!({}))).contains("validation.trust names no acm, file or sds")
    );
}

#[test]
fn gateway_tls_passes_with_each_trust_kind_and_default_enforce() {
    let rule = "vgw-backend-tls-enforced";
    for trust in [
        json!({"acm": {"certificateAuthorityArns": [CA]}}),
        json!({"file": {"certificateChain": "/etc/ca.pem"}}),
        json!({"sds": {"secretName": "ca-bundle"}}),
    ] {
        assert_eq!(
            status(rule, &gateway(tls(json!(true), trust.clone()))),
            VerdictStatus::Compliant,
            "{trust}"
        );
        assert_eq!(
            status(rule, &gateway(tls(json!(null), trust.clone()))),
            VerdictStatus::Compliant,
            "absent enforce = true"
        );
    }
    let all_ports = json!({"backendDefaults": {"clientPolicy": {"tls": {"ports": [],
        "validation": {"trust": {"sds": {"secretName": "ca"}}}}}}});
    assert_eq!(
        status(rule, &gateway(all_ports)),
        VerdictStatus::Compliant,
        "ports [] = every port"
    );
}

#[test]
fn gateway_tls_remediation_never_guesses_a_trust() {
    let rule = "vgw-backend-tls-enforced";
    let seed = gateway(
        json!({"backendDefaults": {"clientPolicy": {}}, "listeners": [{"portMapping": {"port": 8080, "protocol": "http"}}]}),
    );
    match remediate_with(rule, &seed, &RulesConfig::default(), None) {
        Remediation::Skipped(reason) => {
            assert!(reason.to_string().contains("no trust source"), "{reason}")
        }
        other => panic!("expected a skip, got {other:?}"),
    }
    let config = RulesConfig {
        tls_ca_arns: vec![CA.to_owned()],
        ..RulesConfig::default()
    };
    let fixed = patched(rule, &seed, &config, None);
    assert_eq!(
        fixed.to_describe_value()["virtualGateway"]["spec"],
        json!({"backendDefaults": {"clientPolicy": {"tls": {"enforce": true,
            "validation": {"trust": {"acm": {"certificateAuthorityArns": [CA]}}}}}},
            "listeners": [{"portMapping": {"port": 8080, "protocol": "http"}}]})
    );
}

#[test]
fn gateway_tls_prefers_its_own_trust_then_the_last_compliant_policy() {
    let rule = "vgw-backend-tls-enforced";
    let config = RulesConfig {
        tls_ca_arns: vec![CA.to_owned()],
        ..RulesConfig::default()
    };
    let own = gateway(tls(
        json!(false),
        json!({"file": {"certificateChain": "/ca.pem"}}),
    ));
    let fixed = patched(rule, &own, &config, None);
    assert_eq!(
        fixed,
        gateway(tls(
            json!(true),
            json!({"file": {"certificateChain": "/ca.pem"}})
        ))
    );

    let last = gateway(tls(json!(true), json!({"sds": {"secretName": "prod-ca"}})));
    let stripped = gateway(json!({"backendDefaults": {"clientPolicy": {}}}));
    assert_eq!(
        patched(rule, &stripped, &config, Some(&last)),
        last,
        "last compliant wins over CA ARNs"
    );
    let not_compliant_last = gateway(json!({}));
    let from_arns = patched(rule, &stripped, &config, Some(&not_compliant_last));
    assert_eq!(
        from_arns,
        gateway(tls(
            json!(true),
            json!({"acm": {"certificateAuthorityArns": [CA]}})
        ))
    );
}

#[test]
fn node_backend_rules() {
    let failing = node(json!({"backends": [
        {"virtualService": {"virtualServiceName": "a", "clientPolicy": {"tls": {"enforce": false, "validation": {"trust": {"sds": {"secretName": "x"}}}}}}},
        {"virtualService": {"virtualServiceName": "b"}}]}));
    let v = verdict("vnode-backend-tls-enforced", &failing);
    assert_eq!(
        v.reason(),
        Some("spec.backends[0].virtualService.clientPolicy.tls.enforce is false")
    );
    let fixed = patched(
        "vnode-backend-tls-enforced",
        &failing,
        &RulesConfig::default(),
        None,
    );
    assert_eq!(
        status("vnode-backend-tls-enforced", &fixed),
        VerdictStatus::Compliant
    );
    assert_eq!(
        status("vnode-backend-tls-enforced", &node(json!({"backends": []}))),
        VerdictStatus::NotApplicable
    );
    assert_eq!(
        status("vnode-backend-defaults-tls-enforced", &failing),
        VerdictStatus::NonCompliant
    );
}

#[test]
fn listener_rules_check_every_listener() {
    let strict = json!({"mode": "STRICT", "certificate": {"acm": {"certificateArn": "arn:cert"}}});
    let permissive =
        json!({"mode": "PERMISSIVE", "certificate": {"acm": {"certificateArn": "arn:cert"}}});
    let two = node(json!({"listeners": [
        {"portMapping": {"port": 80, "protocol": "http"}, "tls": strict, "healthCheck": {"protocol": "http"}},
        {"portMapping": {"port": 81, "protocol": "http"}, "tls": permissive}]}));
    let v = verdict("vnode-listener-tls-strict", &two);
    assert_eq!(
        v.reason(),
        Some("spec.listeners[1] (port 81): tls.mode is PERMISSIVE (plaintext accepted)")
    );
    assert_eq!(
        verdict("vnode-listener-health-check", &two).reason(),
        Some("spec.listeners[1] (port 81): healthCheck is missing")
    );
    let fixed = patched(
        "vnode-listener-tls-strict",
        &two,
        &RulesConfig::default(),
        None,
    );
    assert_eq!(
        status("vnode-listener-tls-strict", &fixed),
        VerdictStatus::Compliant
    );

    let plaintext =
        gateway(json!({"listeners": [{"portMapping": {"port": 8080, "protocol": "http"}}]}));
    assert!(verdict("vgw-listener-tls-strict", &plaintext)
        .reason()
        .unwrap()
        .contains("tls is missing"));
    assert!(matches!(
        remediate_with("vgw-listener-tls-strict", &plaintext, &RulesConfig::default(), None),
        Remediation::Skipped(reason) if reason.to_string().contains("no TLS certificate")
    ));
    assert_eq!(
        status("vgw-listener-mtls-validation", &plaintext),
        VerdictStatus::NotApplicable
    );
    assert_eq!(
        status(
            "vgw-listener-health-check",
            &gateway(json!({"listeners": []}))
        ),
        VerdictStatus::NotApplicable
    );
    assert_eq!(
        status("vnode-listener-outlier-detection", &two),
        VerdictStatus::NonCompliant
    );
}

#[test]
fn access_logging_keeps_the_format() {
    let blank = gateway(
        json!({"logging": {"accessLog": {"file": {"path": " ", "format": {"text": "%START_TIME%"}}}}}),
    );
    assert_eq!(
        status("vgw-access-logging", &blank),
        VerdictStatus::NonCompliant
    );
    let fixed = patched("vgw-access-logging", &blank, &RulesConfig::default(), None);
    assert_eq!(
        fixed.to_describe_value()["virtualGateway"]["spec"]["logging"],
        json!({"accessLog": {"file": {"path": "/dev/stdout", "format": {"text": "%START_TIME%"}}}})
    );
}

#[test]
fn parameterised_rules_are_not_applicable_until_configured() {
    let m = mesh(json!({"serviceDiscovery": {"ipPreference": "IPv4_ONLY"}}));
    assert_eq!(
        status("mesh-ip-preference", &m),
        VerdictStatus::NotApplicable
    );
    let config = RulesConfig {
        mesh_ip_preference: Some("IPv6_ONLY".into()),
        ..RulesConfig::default()
    };
    let v = verdict_with("mesh-ip-preference", &m, &config, None);
    assert_eq!(
        v.reason(),
        Some("spec.serviceDiscovery.ipPreference is IPv4_ONLY, required IPv6_ONLY")
    );
    let fixed = patched("mesh-ip-preference", &m, &config, None);
    assert_eq!(
        verdict_with("mesh-ip-preference", &fixed, &config, None),
        Verdict::Compliant
    );

    let dns = node(json!({"serviceDiscovery": {"dns": {"hostname": "n.local"}}}));
    let node_config = RulesConfig {
        node_ip_preference: Some("IPv4_PREFERRED".into()),
        ..RulesConfig::default()
    };
    assert_eq!(
        verdict_with("vnode-dns-ip-preference", &dns, &node_config, None).status(),
        VerdictStatus::NonCompliant
    );
    assert_eq!(
        verdict_with("vnode-cloud-map-ip-preference", &dns, &node_config, None).status(),
        VerdictStatus::NotApplicable
    );

    let tags = [
        Tag {
            key: "aws:cloudformation:stack-name".into(),
            value: "s".into(),
        },
        Tag {
            key: "team".into(),
            value: "".into(),
        },
    ];
    assert_eq!(status("mesh-tagged", &m), VerdictStatus::NotApplicable);
    let required = RulesConfig {
        required_tag_keys: Some(vec!["team".into(), "owner".into()]),
        ..RulesConfig::default()
    };
    assert_eq!(
        verdict_with("mesh-tagged", &m, &required, None).status(),
        VerdictStatus::NotApplicable,
        "tags not fetched"
    );
    assert_eq!(
        verdict_with("mesh-tagged", &m, &required, Some(&tags)).reason(),
        Some("missing required tag keys: owner")
    );
    let any = RulesConfig {
        required_tag_keys: Some(vec![]),
        ..RulesConfig::default()
    };
    assert_eq!(
        verdict_with("mesh-tagged", &m, &any, Some(&tags[..1])).status(),
        VerdictStatus::NonCompliant,
        "aws: keys do not count"
    );
    assert_eq!(
        verdict_with("mesh-tagged", &m, &any, Some(&tags)).status(),
        VerdictStatus::Compliant
    );
}

#[test]
fn catalog_is_consistent() {
    for rule in crate::appmesh::rules::ALL {
        let m = rule.meta();
        let prefix = match m.kinds {
            [ResourceKind::Mesh] => "mesh-",
            [ResourceKind::VirtualGateway] => "vgw-",
            [ResourceKind::VirtualNode] => "vnode-",
            other => panic!(
                "{}: App Mesh rules read one App Mesh kind, not {other:?}",
                m.id
            ),
        };
        assert!(m.id.starts_with(prefix), "{}", m.id);
        assert!(
            !m.sources.is_empty() && !m.rationale.is_empty() && !m.pass.is_empty(),
            "{}",
            m.id
        );
        assert!(
            matches!(
                rule.evaluate(
                    &mesh(json!({})),
                    &EvalContext {
                        config: &RulesConfig::default(),
                        tags: None
                    }
                ),
                Verdict::NotApplicable { .. } | Verdict::Compliant
            ),
            "{} on a bare mesh",
            m.id
        );
    }
    assert_eq!(
        evaluate(
            &gateway(json!({})),
            &EvalContext {
                config: &RulesConfig::default(),
                tags: None
            }
        )
        .len(),
        6
    );
}

#[test]
fn whole_resource_remediation_reports_applied_and_skipped() {
    let seed = gateway(
        json!({"backendDefaults": {"clientPolicy": {}}, "listeners": [{"portMapping": {"port": 8080, "protocol": "http"}}]}),
    );
    let config = RulesConfig::default();
    let plan = remediate(
        &seed,
        &EvalContext {
            config: &config,
            tags: None,
        },
        &RemediationContext {
            config: &config,
            last_compliant: None,
        },
    );
    assert_eq!(plan.applied, vec!["vgw-access-logging"]);
    let skipped: Vec<&str> = plan.skipped.iter().map(|s| s.rule).collect();
    assert_eq!(
        skipped,
        vec![
            "vgw-backend-tls-enforced",
            "vgw-listener-tls-strict",
            "vgw-listener-health-check"
        ]
    );
}

/// One resource of each kind that violates rules, with `status.status` set to `status`.
fn violating(status: &str) -> Vec<Resource> {
    let status = json!({ "status": status });
    let listener = json!([{"portMapping": {"port": 8080, "protocol": "http"},
        "tls": {"mode": "PERMISSIVE", "certificate": {"acm": {"certificateArn": "arn:cert"}}}}]);
    [
        json!({"mesh": {"meshName": "m", "spec": {"egressFilter": {"type": "ALLOW_ALL"}},
            "status": status}}),
        json!({"virtualGateway": {"meshName": "m", "virtualGatewayName": "g", "status": status,
            "spec": {"listeners": listener, "backendDefaults": {"clientPolicy": {"tls": {"enforce": false,
                "validation": {"trust": {"sds": {"secretName": "ca"}}}}}}}}}),
        json!({"virtualNode": {"meshName": "m", "virtualNodeName": "n", "status": status,
            "spec": {"listeners": listener, "backends": [{"virtualService": {"virtualServiceName": "s",
                "clientPolicy": {"tls": {"enforce": false, "validation": {"trust": {"sds": {"secretName": "ca"}}}}}}}]}}}),
    ]
    .iter()
    .map(|doc| Resource::from_describe_value(doc).unwrap())
    .collect()
}

/// A configuration under which every parameterised rule applies.
fn every_rule_configured() -> RulesConfig {
    RulesConfig {
        mesh_ip_preference: Some("IPv6_ONLY".into()),
        node_ip_preference: Some("IPv6_ONLY".into()),
        required_tag_keys: Some(vec!["team".into()]),
        tls_ca_arns: vec![CA.to_owned()],
        ecs_tls_role_arns: None,
    }
}

#[test]
fn deleted_resources_are_not_applicable_to_every_rule_and_never_remediated() {
    let config = every_rule_configured();
    let ctx = EvalContext {
        config: &config,
        tags: Some(&[]),
    };
    let fix = RemediationContext {
        config: &config,
        last_compliant: None,
    };
    for (active, deleted) in violating("ACTIVE").iter().zip(&violating("DELETED")) {
        assert!(!active.is_deleted() && deleted.is_deleted());
        assert!(
            !remediate(active, &ctx, &fix).applied.is_empty(),
            "the active twin is patched: {active:?}"
        );
        for finding in evaluate(deleted, &ctx) {
            assert_eq!(
                finding.verdict,
                VerdictStatus::NotApplicable,
                "{}",
                finding.rule
            );
            assert_eq!(finding.reason.as_deref(), Some(DELETED_REASON));
        }
        for rule in rules_for(deleted.kind()) {
            assert_eq!(
                rule.evaluate(deleted, &ctx),
                Verdict::not_applicable(DELETED_REASON),
                "{}",
                rule.meta().id
            );
            assert_eq!(
                rule.remediate(deleted, &ctx, &fix),
                Remediation::NotNeeded,
                "{}",
                rule.meta().id
            );
        }
        let plan = remediate(deleted, &ctx, &fix);
        assert!(
            plan.applied.is_empty() && plan.skipped.is_empty(),
            "{plan:?}"
        );
        assert_eq!(&plan.resource, deleted);
    }
}

#[test]
fn only_deleted_status_stops_evaluation() {
    let config = every_rule_configured();
    let ctx = EvalContext {
        config: &config,
        tags: Some(&[]),
    };
    for status in ["ACTIVE", "INACTIVE", "deleted"] {
        let findings = evaluate(&violating(status)[0], &ctx);
        assert!(
            findings
                .iter()
                .any(|f| f.verdict == VerdictStatus::NonCompliant),
            "{status}: {findings:?}"
        );
    }
    let deleted_mesh = &violating("DELETED")[0];
    assert_eq!(
        verdict("vgw-backend-tls-enforced", deleted_mesh).reason(),
        Some("applies to virtualGateway only"),
        "the kind is checked first"
    );
}

/// A listener on `port` whose TLS has `mode` (`None`: member absent) and, when `mutual`, a
/// client validation trust.
fn tls_listener(port: u16, mode: Option<&str>, mutual: bool) -> Value {
    let mut tls = json!({"certificate": {"acm": {"certificateArn": "arn:cert"}}});
    if let Some(mode) = mode {
        tls["mode"] = json!(mode);
    }
    if mutual {
        tls["validation"] = json!({"trust": {"file": {"certificateChain": "/clients.pem"}}});
    }
    json!({"portMapping": {"port": port, "protocol": "http"}, "tls": tls})
}

#[test]
fn mtls_is_not_applicable_to_listeners_with_tls_disabled() {
    use VerdictStatus::*;
    let plaintext = json!({"portMapping": {"port": 9090, "protocol": "http"}});
    for (rule, build) in [
        (
            "vgw-listener-mtls-validation",
            gateway as fn(Value) -> Resource,
        ),
        ("vnode-listener-mtls-validation", node),
    ] {
        let with = |listeners: Vec<Value>| build(json!({ "listeners": listeners }));
        for disabled in [
            tls_listener(80, Some("DISABLED"), true),
            tls_listener(80, Some("DISABLED"), false),
        ] {
            let v = verdict(rule, &with(vec![disabled.clone()]));
            assert_eq!(
                v,
                Verdict::not_applicable(
                    "no listener terminates TLS (each has no tls or tls.mode DISABLED)"
                ),
                "{rule}: {disabled}"
            );
            assert_eq!(
                status(rule, &with(vec![disabled, plaintext.clone()])),
                NotApplicable,
                "{rule}: DISABLED and plaintext"
            );
        }
        assert_eq!(
            status(
                rule,
                &with(vec![
                    tls_listener(80, Some("DISABLED"), false),
                    tls_listener(443, Some("STRICT"), true)
                ])
            ),
            Compliant,
            "{rule}: the DISABLED listener is not checked"
        );
        assert_eq!(
            verdict(
                rule,
                &with(vec![
                    tls_listener(80, Some("DISABLED"), false),
                    tls_listener(443, Some("PERMISSIVE"), false)
                ])
            )
            .reason(),
            Some(
                "spec.listeners[1] (port 443): tls.validation.trust is missing: client certificates are not verified"
            ),
            "{rule}: only the PERMISSIVE listener is named"
        );
        assert_eq!(
            status(rule, &with(vec![tls_listener(443, None, false)])),
            NonCompliant,
            "{rule}: a tls block without a mode is checked, not assumed plaintext"
        );
        assert!(matches!(
            remediate_with(
                rule,
                &with(vec![tls_listener(80, Some("DISABLED"), false)]),
                &RulesConfig::default(),
                None
            ),
            Remediation::NotNeeded
        ));
    }
}

/// A client TLS policy with `ports`, a certificate, SANs and an unknown member, all of which
/// remediation must keep but `ports`.
fn tls_on_ports(enforce: Value, ports: Value) -> Value {
    json!({"enforce": enforce, "ports": ports, "certificate": {"sds": {"secretName": "client"}},
        "validation": {"trust": {"sds": {"secretName": "ca"}},
                       "subjectAlternativeNames": {"match": {"exact": ["svc.local"]}}},
        "futureTls": 1})
}

/// The same policy on every port (`ports` removed).
fn on_every_port(mut tls: Value) -> Value {
    tls.as_object_mut().unwrap().remove("ports");
    tls
}

#[test]
fn backend_defaults_tls_on_some_ports_fails_and_is_extended_to_every_port() {
    use VerdictStatus::*;
    for (rule, build) in [
        ("vgw-backend-tls-enforced", gateway as fn(Value) -> Resource),
        ("vnode-backend-defaults-tls-enforced", node),
    ] {
        let with = |tls: Value| build(json!({"backendDefaults": {"clientPolicy": {"tls": tls}}}));
        let tls_of = |r: &Resource| {
            r.to_describe_value()[r.kind().as_str()]["spec"]["backendDefaults"]["clientPolicy"]
                ["tls"]
                .clone()
        };
        let some_ports = tls_on_ports(json!(true), json!([8443]));
        assert_eq!(
            verdict(rule, &with(some_ports.clone())),
            Verdict::non_compliant(
                "spec.backendDefaults.clientPolicy.tls.ports: TLS only on ports [8443]; every port must use TLS"
            ),
            "{rule}"
        );
        assert_eq!(
            status(rule, &with(tls_on_ports(json!(true), json!([])))),
            Compliant
        );
        assert_eq!(
            status(rule, &with(on_every_port(some_ports.clone()))),
            Compliant
        );

        let fixed = patched(
            rule,
            &with(some_ports.clone()),
            &RulesConfig::default(),
            None,
        );
        assert_eq!(
            tls_of(&fixed),
            on_every_port(some_ports),
            "{rule}: only ports is removed"
        );
        assert_eq!(
            Resource::from_describe_value(&fixed.to_describe_value()).as_ref(),
            Ok(&fixed),
            "{rule}: the patch round-trips"
        );

        let unenforced = tls_on_ports(json!(false), json!([80, 443]));
        assert_eq!(
            verdict(rule, &with(unenforced.clone())).reason(),
            Some("spec.backendDefaults.clientPolicy.tls.enforce is false")
        );
        let fixed = patched(
            rule,
            &with(unenforced.clone()),
            &RulesConfig::default(),
            None,
        );
        assert_eq!(
            tls_of(&fixed),
            on_every_port(tls_on_ports(json!(true), json!(null))),
            "{rule}: enforce and every port"
        );
    }
}

#[test]
fn backend_defaults_tls_rebuilt_from_ca_arns_covers_every_port() {
    let rule = "vgw-backend-tls-enforced";
    let config = RulesConfig {
        tls_ca_arns: vec![CA.to_owned()],
        ..RulesConfig::default()
    };
    let no_trust = gateway(
        json!({"backendDefaults": {"clientPolicy": {"tls": {"enforce": false, "ports": [8443]}}}}),
    );
    let last_on_some_ports = gateway(json!({"backendDefaults": {"clientPolicy": {
        "tls": tls_on_ports(json!(true), json!([443]))}}}));
    assert_eq!(
        patched(rule, &no_trust, &config, Some(&last_on_some_ports)),
        gateway(tls(
            json!(true),
            json!({"acm": {"certificateAuthorityArns": [CA]}})
        )),
        "a last policy on some ports is not compliant, so the CA ARNs are used, on every port"
    );
}

#[test]
fn node_backend_tls_on_some_ports_fails_and_is_extended_to_every_port() {
    let rule = "vnode-backend-tls-enforced";
    let service = |name: &str, policy: Value| json!({"virtualService": {"virtualServiceName": name, "clientPolicy": policy}});
    let default_enforce = on_every_port(tls_on_ports(json!(null), json!(null)));
    let mut some_ports = default_enforce.clone();
    some_ports["ports"] = json!([8443]);
    let seed = node(json!({"backends": [
        service("a", json!({"tls": some_ports})),
        service("b", json!({"tls": tls_on_ports(json!(false), json!([80]))})),
        service("c", json!({})),
        service("d", json!({"tls": tls_on_ports(json!(true), json!([]))})),
    ]}));
    assert_eq!(
        verdict(rule, &seed).reason(),
        Some(
            "spec.backends[0].virtualService.clientPolicy.tls.ports: TLS only on ports [8443]; every port must use TLS; \
             spec.backends[1].virtualService.clientPolicy.tls.enforce is false"
        )
    );
    let fixed = patched(rule, &seed, &RulesConfig::default(), None);
    assert_eq!(
        fixed,
        node(json!({"backends": [
            service("a", json!({"tls": default_enforce})),
            service("b", json!({"tls": on_every_port(tls_on_ports(json!(true), json!(null)))})),
            service("c", json!({})),
            service("d", json!({"tls": tls_on_ports(json!(true), json!([]))})),
        ]})),
        "ports removed, enforce set only where false, ports [] and the rest kept"
    );
    assert_eq!(status(rule, &fixed), VerdictStatus::Compliant);
}

#[test]
fn remediation_leaves_exempted_rules_alone() {
    let open_mesh = mesh(json!({"egressFilter": {"type": "ALLOW_ALL"}}));
    let config = RulesConfig::default();
    let ctx = EvalContext {
        config: &config,
        tags: None,
    };
    let fix = RemediationContext {
        config: &config,
        last_compliant: None,
    };
    let all = remediate(&open_mesh, &ctx, &fix);
    assert!(all.applied.contains(&"mesh-egress-drop-all"));
    let except = remediate_except(&open_mesh, &ctx, &fix, &["mesh-egress-drop-all"]);
    assert!(!except.applied.contains(&"mesh-egress-drop-all"));
    assert!(except
        .skipped
        .iter()
        .all(|s| s.rule != "mesh-egress-drop-all"));
    assert_eq!(
        status("mesh-egress-drop-all", &except.resource),
        VerdictStatus::NonCompliant,
        "the exempted field is not patched"
    );
}
