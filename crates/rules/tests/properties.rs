//! Properties every rule must hold for every spec (docs/architecture.md), for App Mesh and VPC
//! Lattice documents alike: a remediated resource passes the
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! rule, remediating again changes nothing, and no field outside the rule's path changes.

use meshwarden_rules::catalog::{self, EvalContext, Remediation, RemediationContext, RulesConfig};
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::ResourceKind;
use meshwarden_rules::verdict::Verdict;
use proptest::collection::vec;
use proptest::option;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

/// An object from optional members: absent, explicit null, or a value.
fn object(members: Vec<(&'static str, Option<Option<Value>>)>) -> Value {
    let mut map = Map::new();
    for (key, member) in members {
        match member {
            None => {}
            Some(None) => {
                map.insert(key.to_owned(), Value::Null);
            }
            Some(Some(value)) => {
                map.insert(key.to_owned(), value);
            }
        }
    }
    Value::Object(map)
}

/// Absent, null or a value.
fn member<S: Strategy<Value = Value>>(s: S) -> impl Strategy<Value = Option<Option<Value>>> {
    option::of(option::of(s))
}

fn one_of_str(options: &'static [&'static str]) -> impl Strategy<Value = Value> {
    prop::sample::select(options).prop_map(|s| json!(s))
}

const PREFS: &[&str] = &["IPv4_ONLY", "IPv4_PREFERRED", "IPv6_ONLY", "IPv6_PREFERRED"];

fn trust() -> BoxedStrategy<Value> {
    prop_oneof![
        vec(one_of_str(&["arn:ca:1", "arn:ca:2", " "]), 0..3)
            .prop_map(|a| json!({"acm": {"certificateAuthorityArns": a}})),
        one_of_str(&["/ca.pem", ""]).prop_map(|c| json!({"file": {"certificateChain": c}})),
        one_of_str(&["ca", ""]).prop_map(|s| json!({"sds": {"secretName": s}})),
        Just(json!({})),
    ]
    .boxed()
}

fn client_tls() -> BoxedStrategy<Value> {
    (
        member(any::<bool>().prop_map(Value::Bool)),
        member(vec(1u16..1000, 0..3).prop_map(|p| json!(p))),
        member(Just(json!({"sds": {"secretName": "client"}}))),
        member(
            member(trust())
                .prop_map(|t| object(vec![("trust", t), ("subjectAlternativeNames", None)])),
        ),
        member(Just(json!({"x": 1}))),
    )
        .prop_map(|(enforce, ports, cert, validation, extra)| {
            object(vec![
                ("enforce", enforce),
                ("ports", ports),
                ("certificate", cert),
                ("validation", validation),
                ("futureTls", extra),
            ])
        })
        .boxed()
}

fn client_policy() -> BoxedStrategy<Value> {
    member(client_tls())
        .prop_map(|tls| object(vec![("tls", tls)]))
        .boxed()
}

fn backend_defaults() -> BoxedStrategy<Option<Option<Value>>> {
    member(member(client_policy()).prop_map(|p| object(vec![("clientPolicy", p)]))).boxed()
}

fn listener() -> BoxedStrategy<Value> {
    let tls = (
        member(one_of_str(&["STRICT", "PERMISSIVE", "DISABLED"])),
        member(Just(json!({"acm": {"certificateArn": "arn:cert"}}))),
        member(member(trust()).prop_map(|t| object(vec![("trust", t)]))),
    )
        .prop_map(|(mode, cert, validation)| {
            object(vec![
                ("mode", mode),
                ("certificate", cert),
                ("validation", validation),
            ])
        });
    (
        member((1u16..65535).prop_map(|p| json!({"port": p, "protocol": "http"}))),
        member(tls),
        member(Just(json!({"protocol": "http", "path": "/ping"}))),
        member(Just(json!({"maxServerErrors": 5}))),
        member(Just(json!({"http": {"maxConnections": 1}}))),
    )
        .prop_map(|(port, tls, health, outlier, pool)| {
            object(vec![
                ("portMapping", port),
                ("tls", tls),
                ("healthCheck", health),
                ("outlierDetection", outlier),
                ("connectionPool", pool),
            ])
        })
        .boxed()
}

fn logging() -> BoxedStrategy<Option<Option<Value>>> {
    let file = (
        member(one_of_str(&["/dev/stdout", "", " "])),
        member(Just(json!({"text": "%START_TIME%"}))),
    )
        .prop_map(|(path, format)| object(vec![("path", path), ("format", format)]));
    member(
        member(member(file).prop_map(|f| object(vec![("file", f)])))
            .prop_map(|a| object(vec![("accessLog", a)])),
    )
    .boxed()
}

fn mesh() -> BoxedStrategy<Value> {
    (
        member(member(one_of_str(&["ALLOW_ALL", "DROP_ALL"])).prop_map(|t| object(vec![("type", t)]))),
        member(member(one_of_str(PREFS)).prop_map(|p| object(vec![("ipPreference", p)]))),
        any::<bool>(),
    )
        .prop_map(|(egress, discovery, has_spec)| {
            let spec = object(vec![("egressFilter", egress), ("serviceDiscovery", discovery), ("futureField", Some(Some(json!(1))))]);
            json!({"mesh": {"meshName": "m", "spec": if has_spec { spec } else { Value::Null }, "metadata": {"version": 1}}})
        })
    .boxed()
}

fn gateway() -> BoxedStrategy<Value> {
    (backend_defaults(), member(vec(listener(), 0..3).prop_map(Value::Array)), logging()).prop_map(|(defaults, listeners, logging)| {
        let spec = object(vec![("backendDefaults", defaults), ("listeners", listeners), ("logging", logging), ("futureField", Some(Some(json!({"a": [1]}))))]);
        json!({"virtualGateway": {"meshName": "m", "virtualGatewayName": "g", "spec": spec, "status": {"status": "ACTIVE"}}})
    })
    .boxed()
}

fn node() -> BoxedStrategy<Value> {
    let backend = (member(client_policy()), any::<bool>()).prop_map(|(policy, named)| {
        let service = object(vec![
            (
                "virtualServiceName",
                named.then(|| Some(json!("svc.local"))),
            ),
            ("clientPolicy", policy),
        ]);
        json!({"virtualService": service})
    });
    let discovery = prop_oneof![
        member(one_of_str(PREFS)).prop_map(|p| json!({"dns": object(vec![("hostname", Some(Some(json!("n.local")))), ("ipPreference", p)])})),
        member(one_of_str(PREFS)).prop_map(|p| json!({"awsCloudMap": object(vec![("namespaceName", Some(Some(json!("ns")))), ("serviceName", Some(Some(json!("s")))), ("ipPreference", p)])})),
    ];
    (
        backend_defaults(),
        member(vec(backend, 0..3).prop_map(Value::Array)),
        member(vec(listener(), 0..2).prop_map(Value::Array)),
        logging(),
        member(discovery),
    )
        .prop_map(|(defaults, backends, listeners, logging, discovery)| {
            let spec = object(vec![
                ("backendDefaults", defaults),
                ("backends", backends),
                ("listeners", listeners),
                ("logging", logging),
                ("serviceDiscovery", discovery),
            ]);
            json!({"virtualNode": {"meshName": "m", "virtualNodeName": "n", "spec": spec}})
        })
        .boxed()
}

const AUTH_TYPES: &[&str] = &["NONE", "AWS_IAM"];

/// Like [`member`], but present three times in four, so remediation paths that need several
/// members present are exercised often.
fn likely<S>(s: S) -> impl Strategy<Value = Option<Option<Value>>>
where
    S: Strategy<Value = Value> + 'static,
{
    prop_oneof![1 => Just(None), 1 => Just(Some(None)), 6 => s.prop_map(|v| Some(Some(v)))]
}

/// An auth policy document: restricted, open to everyone, denying, malformed or empty.
fn auth_policy() -> BoxedStrategy<Value> {
    let documents = prop_oneof![
        3 => Just(json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*",
                              "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-1"}}}]}).to_string()),
        1 => Just(json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*"}}).to_string()),
        1 => Just(json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "*"}]}).to_string()),
        1 => Just("{not json".to_owned()),
        1 => Just(String::new()),
    ];
    (
        likely(documents.prop_map(Value::String)),
        likely(one_of_str(&["Active", "Inactive"])),
        member(Just(json!("2026-11-20T10:00:00Z"))),
    )
        .prop_map(|(policy, state, created)| {
            object(vec![
                ("policy", policy),
                ("state", state),
                ("createdAt", created),
            ])
        })
        .boxed()
}

fn access_logs() -> BoxedStrategy<Option<Option<Value>>> {
    let subscription = (
        member(one_of_str(&["als-1", "als-2"])),
        member(one_of_str(&[
            "arn:aws:logs:eu-west-1:1:log-group:a",
            "arn:aws:s3:::b",
            "",
        ])),
        member(one_of_str(&["SERVICE", "RESOURCE"])),
    )
        .prop_map(|(id, destination, log_type)| {
            object(vec![
                ("id", id),
                ("destinationArn", destination),
                ("serviceNetworkLogType", log_type),
                ("resourceId", Some(Some(json!("sn-1")))),
            ])
        });
    likely(vec(subscription, 0..3).prop_map(Value::Array)).boxed()
}

/// The id of the generated resource: mostly the same one, so last compliant copies apply.
fn lattice_id(same: &'static str) -> impl Strategy<Value = Value> {
    prop_oneof![4 => Just(json!(same)), 1 => Just(json!(format!("{same}-other")))]
}

fn service_network() -> BoxedStrategy<Value> {
    let association = (
        member(vec(one_of_str(&["sg-1", "sg-2"]), 0..2).prop_map(Value::Array)),
        member(one_of_str(&["ACTIVE", "CREATE_IN_PROGRESS"])),
    )
        .prop_map(|(groups, status)| {
            object(vec![
                ("id", Some(Some(json!("snva-1")))),
                ("vpcId", Some(Some(json!("vpc-1")))),
                ("securityGroupIds", groups),
                ("status", status),
            ])
        });
    (
        lattice_id("sn-1"),
        likely(one_of_str(AUTH_TYPES)),
        likely(auth_policy()),
        access_logs(),
        member(vec(association, 0..3).prop_map(Value::Array)),
    )
        .prop_map(|(id, auth_type, policy, logs, associations)| {
            let network = object(vec![
                ("id", Some(Some(id))),
                ("authType", auth_type),
                ("sharingConfig", Some(Some(json!({"enabled": false})))),
            ]);
            object(vec![
                ("serviceNetwork", Some(Some(network))),
                ("authPolicy", policy),
                ("accessLogSubscriptions", logs),
                ("vpcAssociations", associations),
                ("futureMember", Some(Some(json!([1])))),
            ])
        })
        .boxed()
}

fn lattice_service() -> BoxedStrategy<Value> {
    let listener = (
        member(one_of_str(&["HTTP", "HTTPS", "TLS_PASSTHROUGH"])),
        member((1u16..65535).prop_map(|p| json!(p))),
    )
        .prop_map(|(protocol, port)| {
            object(vec![
                ("name", Some(Some(json!("l")))),
                ("protocol", protocol),
                ("port", port),
                (
                    "defaultAction",
                    Some(Some(json!({"forward": {"targetGroups": []}}))),
                ),
            ])
        });
    (
        (
            lattice_id("svc-1"),
            likely(one_of_str(AUTH_TYPES)),
            member(one_of_str(&["pay.example.com", " "])),
            member(one_of_str(&["arn:aws:acm:eu-west-1:1:certificate/c", ""])),
            member(one_of_str(&[
                "ACTIVE",
                "DELETE_IN_PROGRESS",
                "CREATE_FAILED",
            ])),
        ),
        member(vec(listener, 0..3).prop_map(Value::Array)),
        likely(auth_policy()),
        access_logs(),
    )
        .prop_map(
            |((id, auth_type, domain, cert, status), listeners, policy, logs)| {
                let service = object(vec![
                    ("id", Some(Some(id))),
                    ("authType", auth_type),
                    ("customDomainName", domain),
                    ("certificateArn", cert),
                    ("status", status),
                    (
                        "dnsEntry",
                        Some(Some(json!({"domainName": "svc-1.on.aws"}))),
                    ),
                ]);
                object(vec![
                    ("service", Some(Some(service))),
                    ("listeners", listeners),
                    ("authPolicy", policy),
                    ("accessLogSubscriptions", logs),
                ])
            },
        )
        .boxed()
}

fn target_group() -> BoxedStrategy<Value> {
    let health = (
        likely(any::<bool>().prop_map(Value::Bool)),
        member(one_of_str(&["HTTP", "HTTPS"])),
        member(one_of_str(&["HTTP1", "HTTP2"])),
        member(Just(json!("/health"))),
    )
        .prop_map(|(enabled, protocol, version, path)| {
            object(vec![
                ("enabled", enabled),
                ("protocol", protocol),
                ("protocolVersion", version),
                ("path", path),
            ])
        });
    let config = (
        member(one_of_str(&["HTTP", "HTTPS", "TCP"])),
        member(one_of_str(&["HTTP1", "HTTP2", "GRPC"])),
        likely(health),
        member(Just(json!("vpc-1"))),
    )
        .prop_map(|(protocol, version, health, vpc)| {
            object(vec![
                ("protocol", protocol),
                ("protocolVersion", version),
                ("healthCheck", health),
                ("vpcIdentifier", vpc),
            ])
        });
    (
        lattice_id("tg-1"),
        member(one_of_str(&["IP", "INSTANCE", "LAMBDA", "ALB"])),
        member(one_of_str(&["ACTIVE", "DELETE_IN_PROGRESS"])),
        likely(config),
    )
        .prop_map(|(id, kind, status, config)| {
            let group = object(vec![
                ("id", Some(Some(id))),
                ("type", kind),
                ("status", status),
                ("config", config),
                ("serviceArns", Some(Some(json!([])))),
            ]);
            object(vec![("targetGroup", Some(Some(group)))])
        })
        .boxed()
}

fn config() -> impl Strategy<Value = RulesConfig> {
    (
        option::of(prop::sample::select(PREFS)),
        option::of(prop::sample::select(PREFS)),
        option::of(vec(prop::sample::select(&["team", "owner"][..]), 0..2)),
        vec(prop::sample::select(&["arn:ca:configured", ""][..]), 0..2),
    )
        .prop_map(|(mesh, node, tags, arns)| RulesConfig {
            mesh_ip_preference: mesh.map(str::to_owned),
            node_ip_preference: node.map(str::to_owned),
            required_tag_keys: tags.map(|t| t.into_iter().map(str::to_owned).collect()),
            tls_ca_arns: arns.into_iter().map(str::to_owned).collect(),
            ecs_tls_role_arns: None,
        })
}

/// Remove the rule's field (`a.b[].c`) everywhere, then every object left empty, so what remains
/// is what the rule must not touch.
fn strip(value: &mut Value, path: &[&str]) {
    let Some((head, rest)) = path.split_first() else {
        return;
    };
    let (key, each) = match head.strip_suffix("[]") {
        Some(key) => (key, true),
        None => (*head, false),
    };
    let Some(object) = value.as_object_mut() else {
        return;
    };
    if rest.is_empty() && !each {
        object.remove(key);
        return;
    }
    match object.get_mut(key) {
        Some(Value::Array(items)) if each => items.iter_mut().for_each(|item| strip(item, rest)),
        Some(child) if !each => strip(child, rest),
        _ => {}
    }
}

fn prune_empty(value: &mut Value) {
    if let Value::Object(map) = value {
        map.values_mut().for_each(prune_empty);
        map.retain(|_, v| !matches!(v, Value::Object(m) if m.is_empty()) && !v.is_null());
    } else if let Value::Array(items) = value {
        items.iter_mut().for_each(prune_empty);
    }
}

fn outside(resource: &Resource, field: &str) -> Value {
    let mut data = resource.data_value();
    let path: Vec<&str> = field.split('.').collect();
    strip(&mut data, &path);
    prune_empty(&mut data);
    data
}

fn check_every_rule(
    doc: &Value,
    config: &RulesConfig,
    last: Option<&Value>,
    tags: &[Tag],
) -> Result<(), TestCaseError> {
    let resource = Resource::from_describe_value(doc)
        .map_err(|e| TestCaseError::fail(format!("{e}: {doc}")))?;
    let reparsed = Resource::from_describe_value(&resource.to_describe_value());
    prop_assert_eq!(reparsed.as_ref(), Ok(&resource));
    let last = last.map(|l| Resource::from_describe_value(l).expect("generated documents parse"));
    let ctx = EvalContext {
        config,
        tags: Some(tags),
    };
    let fix = RemediationContext {
        config,
        last_compliant: last.as_ref(),
    };
    for rule in catalog::rules()
        .iter()
        .filter(|r| r.meta().applies_to(resource.kind()))
    {
        let id = rule.meta().id;
        let before = rule.evaluate(&resource, &ctx);
        match rule.remediate(&resource, &ctx, &fix) {
            Remediation::Patched(patched) => {
                prop_assert!(
                    matches!(before, Verdict::NonCompliant { .. }),
                    "{} patched a passing resource",
                    id
                );
                prop_assert_eq!(
                    rule.evaluate(&patched, &ctx),
                    Verdict::Compliant,
                    "{} patch does not pass: {}",
                    id,
                    patched.to_describe_value()
                );
                prop_assert_eq!(
                    rule.remediate(&patched, &ctx, &fix),
                    Remediation::NotNeeded,
                    "{} is not idempotent",
                    id
                );
                prop_assert_eq!(
                    outside(&patched, rule.meta().field),
                    outside(&resource, rule.meta().field),
                    "{} touched another field",
                    id
                );
            }
            Remediation::NotNeeded => {
                prop_assert!(!matches!(before, Verdict::NonCompliant { .. }), "{}", id)
            }
            Remediation::Skipped(reason) => {
                prop_assert!(matches!(before, Verdict::NonCompliant { .. }), "{}", id);
                prop_assert!(!reason.to_string().is_empty());
            }
        }
    }
    let plan = catalog::remediate(&resource, &ctx, &fix);
    let again = catalog::remediate(&plan.resource, &ctx, &fix);
    prop_assert!(
        again.applied.is_empty(),
        "whole-resource remediation is not idempotent: {:?}",
        again.applied
    );
    prop_assert_eq!(again.resource, plan.resource);
    Ok(())
}

fn tags() -> impl Strategy<Value = Vec<Tag>> {
    vec(
        prop::sample::select(&["team", "owner", "aws:cloudformation:stack-id"][..]),
        0..3,
    )
    .prop_map(|keys| {
        keys.into_iter()
            .map(|k| Tag {
                key: k.to_owned(),
                value: "v".to_owned(),
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn mesh_rules_hold(doc in mesh(), last in option::of(mesh()), config in config(), tags in tags()) {
        check_every_rule(&doc, &config, last.as_ref(), &tags)?;
    }

    #[test]
    fn gateway_rules_hold(doc in gateway(), last in option::of(gateway()), config in config(), tags in tags()) {
        check_every_rule(&doc, &config, last.as_ref(), &tags)?;
    }

    #[test]
    fn node_rules_hold(doc in node(), last in option::of(node()), config in config(), tags in tags()) {
        check_every_rule(&doc, &config, last.as_ref(), &tags)?;
    }

    #[test]
    fn service_network_rules_hold(doc in service_network(), last in option::of(service_network()), config in config(), tags in tags()) {
        check_every_rule(&doc, &config, last.as_ref(), &tags)?;
    }

    #[test]
    fn lattice_service_rules_hold(doc in lattice_service(), last in option::of(lattice_service()), config in config(), tags in tags()) {
        check_every_rule(&doc, &config, last.as_ref(), &tags)?;
    }

    #[test]
    fn target_group_rules_hold(doc in target_group(), last in option::of(target_group()), config in config(), tags in tags()) {
        check_every_rule(&doc, &config, last.as_ref(), &tags)?;
    }
}

#[test]
fn every_kind_has_rules() {
    for kind in ResourceKind::ALL {
        assert!(
            catalog::rules().iter().any(|r| r.meta().applies_to(kind)),
            "{kind}"
        );
    }
}
