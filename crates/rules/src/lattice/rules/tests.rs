//! Edge cases of every VPC Lattice rule: absent vs null vs empty, each auth policy shape, the
//! TLS passthrough exemptions, and remediation from the last compliant copy.

use crate::catalog::Refusal;
use crate::catalog::*;
use crate::model::{Resource, Tag};
use crate::verdict::{Verdict, VerdictStatus};
use serde_json::{json, Value};

const LOGS: &str = "arn:aws:logs:eu-west-1:111122223333:log-group:/lattice/payments";

fn doc(value: Value) -> Resource {
    Resource::from_describe_value(&value).unwrap()
}

fn network(auth_type: Value, auth_policy: Value) -> Resource {
    doc(
        json!({"serviceNetwork": {"id": "sn-1", "authType": auth_type}, "authPolicy": auth_policy,
               "accessLogSubscriptions": [], "vpcAssociations": []}),
    )
}

fn service(auth_type: &str, listeners: Value) -> Resource {
    doc(
        json!({"service": {"id": "svc-1", "authType": auth_type}, "listeners": listeners,
               "authPolicy": null, "accessLogSubscriptions": []}),
    )
}

fn target_group(group: Value) -> Resource {
    let mut group = group;
    group["id"] = json!("tg-1");
    doc(json!({ "targetGroup": group }))
}

fn policy(statements: Value, state: &str) -> Value {
    json!({"policy": json!({"Version": "2012-10-17", "Statement": statements}).to_string(), "state": state})
}

fn org_only() -> Value {
    json!([{"Effect": "Allow", "Principal": "*", "Action": "vpc-lattice-svcs:Invoke", "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-123"}}}])
}

fn ctx(config: &RulesConfig) -> EvalContext<'_> {
    EvalContext { config, tags: None }
}

fn verdict(rule: &str, resource: &Resource) -> Verdict {
    find(rule)
        .unwrap()
        .evaluate(resource, &ctx(&RulesConfig::default()))
}

fn status(rule: &str, resource: &Resource) -> VerdictStatus {
    verdict(rule, resource).status()
}

fn remediate_with(rule: &str, resource: &Resource, last: Option<&Resource>) -> Remediation {
    let config = RulesConfig::default();
    find(rule).unwrap().remediate(
        resource,
        &ctx(&config),
        &RemediationContext {
            config: &config,
            last_compliant: last,
        },
    )
}

fn reason(verdict: &Verdict) -> &str {
    verdict.reason().unwrap_or_default()
}

#[test]
fn auth_type_must_be_aws_iam_and_absent_is_none() {
    let iam = network(json!("AWS_IAM"), policy(org_only(), "Active"));
    assert_eq!(verdict("lattice-sn-auth-iam", &iam), Verdict::Compliant);
    let none = verdict("lattice-sn-auth-iam", &network(json!("NONE"), json!(null)));
    assert!(
        reason(&none).starts_with("serviceNetwork.authType is NONE"),
        "{none:?}"
    );
    let absent = verdict("lattice-sn-auth-iam", &network(json!(null), json!(null)));
    assert!(reason(&absent).contains("is missing (NONE)"), "{absent:?}");
    assert_eq!(
        status(
            "lattice-service-auth-iam",
            &service("NONE", json!([{"protocol": "HTTPS", "port": 443}]))
        ),
        VerdictStatus::NonCompliant
    );
    // A service without listeners is still checked; one with only TLS passthrough is not.
    assert_eq!(
        status("lattice-service-auth-iam", &service("NONE", json!([]))),
        VerdictStatus::NonCompliant
    );
    let passthrough = service(
        "NONE",
        json!([{"protocol": "TLS_PASSTHROUGH", "port": 443}]),
    );
    assert!(reason(&verdict("lattice-service-auth-iam", &passthrough)).contains("TLS_PASSTHROUGH"));
    assert_eq!(
        status("lattice-service-auth-iam", &passthrough),
        VerdictStatus::NotApplicable
    );
    assert_eq!(
        status("lattice-auth-policy-restricted", &passthrough),
        VerdictStatus::NotApplicable
    );
}

#[test]
fn auth_type_is_restored_only_with_a_policy_seen_in_force() {
    use Refusal;
    let skipped = |resource: &Resource, last: Option<&Resource>| match remediate_with(
        "lattice-sn-auth-iam",
        resource,
        last,
    ) {
        Remediation::Skipped(refusal) => Some(refusal),
        _ => None,
    };
    let last = network(json!("AWS_IAM"), policy(org_only(), "Active"));
    // The current policy is the one last seen in force (inactive while NONE): the auth type
    // alone is enough.
    let inactive = network(json!("NONE"), policy(org_only(), "Inactive"));
    let Remediation::Patched(patched) =
        remediate_with("lattice-sn-auth-iam", &inactive, Some(&last))
    else {
        panic!("expected a patch");
    };
    assert_eq!(patched.auth_type(), Some("AWS_IAM"));
    assert_eq!(patched.auth_policy(), inactive.auth_policy());
    // The same restricting policy but never seen in force (no last compliant copy): skipped.
    assert_eq!(skipped(&inactive, None), Some(Refusal::NoPolicySeenInForce));
    // A deny-only policy restricts callers, but was never seen in force: switching AWS_IAM on
    // would deny every caller. Skipped, with or without a last compliant copy.
    let deny_only = network(
        json!("NONE"),
        policy(
            json!([{"Effect": "Deny", "Principal": "*", "Action": "*", "Resource": "*"}]),
            "Inactive",
        ),
    );
    assert_eq!(
        skipped(&deny_only, None),
        Some(Refusal::NoPolicySeenInForce)
    );
    assert_eq!(
        skipped(&deny_only, Some(&last)),
        Some(Refusal::NoPolicySeenInForce)
    );
    // No policy now: only a last compliant copy makes AWS_IAM safe.
    let bare = network(json!("NONE"), json!(null));
    assert_eq!(skipped(&bare, None), Some(Refusal::NoPolicySeenInForce));
    let last = network(json!("AWS_IAM"), policy(org_only(), "Active"));
    assert!(matches!(
        remediate_with("lattice-sn-auth-iam", &bare, Some(&last)),
        Remediation::Patched(_)
    ));
    // A copy of another resource does not count.
    let other = doc(
        json!({"serviceNetwork": {"id": "sn-2", "authType": "AWS_IAM"},
                           "authPolicy": policy(org_only(), "Active")}),
    );
    assert!(matches!(
        remediate_with("lattice-sn-auth-iam", &bare, Some(&other)),
        Remediation::Skipped(_)
    ));
    // An open policy is no better than none.
    let open = network(
        json!("NONE"),
        policy(
            json!([{"Effect": "Allow", "Principal": "*", "Action": "*"}]),
            "Inactive",
        ),
    );
    assert!(matches!(
        remediate_with("lattice-sn-auth-iam", &open, None),
        Remediation::Skipped(_)
    ));
}

#[test]
fn whole_resource_remediation_restores_the_auth_type_then_the_policy() {
    let config = RulesConfig::default();
    let last = network(json!("AWS_IAM"), policy(org_only(), "Active"));
    let drifted = network(json!("NONE"), json!(null));
    let plan = remediate(
        &drifted,
        &ctx(&config),
        &RemediationContext {
            config: &config,
            last_compliant: Some(&last),
        },
    );
    assert_eq!(
        plan.applied,
        ["lattice-sn-auth-iam", "lattice-auth-policy-restricted"]
    );
    assert_eq!(plan.resource.auth_type(), Some("AWS_IAM"));
    assert_eq!(plan.resource.auth_policy(), last.auth_policy());
    // Without a copy both are left alone, each with its reason.
    let alone = remediate(
        &drifted,
        &ctx(&config),
        &RemediationContext {
            config: &config,
            last_compliant: None,
        },
    );
    assert!(alone.applied.is_empty());
    let skipped: Vec<&str> = alone.skipped.iter().map(|s| s.rule).collect();
    assert!(
        skipped.contains(&"lattice-sn-auth-iam")
            && skipped.contains(&"lattice-auth-policy-restricted")
    );
    let order: Vec<&str> = crate::lattice::rules::ALL
        .iter()
        .map(|r| r.meta().id)
        .collect();
    let position = |id| order.iter().position(|r| *r == id).unwrap();
    assert!(position("lattice-sn-auth-iam") < position("lattice-auth-policy-restricted"));
    assert!(position("lattice-service-auth-iam") < position("lattice-auth-policy-restricted"));
}

#[test]
fn auth_policy_must_be_active_and_restrict_everyone() {
    let check = |statements: Value, state: &str| {
        verdict(
            "lattice-auth-policy-restricted",
            &network(json!("AWS_IAM"), policy(statements, state)),
        )
    };
    assert_eq!(check(org_only(), "Active"), Verdict::Compliant);
    for open in [
        json!({"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}),
        json!([{"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*"}]),
        json!([{"Effect": "Allow", "Principal": {"AWS": ["arn:aws:iam::111122223333:root", "*"]}, "Action": "*"}]),
        json!([{"Effect": "Allow", "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "*"}]),
        json!([{"Effect": "Allow", "Principal": "*", "Action": "*", "Condition": {}}]),
    ] {
        let v = check(open.clone(), "Active");
        assert!(
            reason(&v).contains("allows every principal without a Condition"),
            "{open}: {v:?}"
        );
    }
    let named = check(
        json!([{"Sid": "Open", "Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "*"}]),
        "Active",
    );
    assert!(
        reason(&named).contains("Statement[0] (\"Open\")"),
        "{named:?}"
    );
    // Denying everyone, or allowing named principals, restricts.
    assert_eq!(
        check(
            json!([{"Effect": "Deny", "Principal": "*", "Action": "*"}]),
            "Active"
        ),
        Verdict::Compliant
    );
    assert_eq!(
        check(
            json!([{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/app"}, "Action": "*"}]),
            "Active"
        ),
        Verdict::Compliant
    );
    assert!(reason(&check(org_only(), "Inactive")).contains("authPolicy.state is Inactive"));
    let both = check(json!({"Effect": "Allow", "Principal": "*"}), "Inactive");
    assert!(
        reason(&both).contains("; authPolicy.state is Inactive"),
        "{both:?}"
    );
    let rule = "lattice-auth-policy-restricted";
    let bad_json = network(
        json!("AWS_IAM"),
        json!({"policy": "{not json", "state": "Active"}),
    );
    assert!(reason(&verdict(rule, &bad_json)).contains("not a JSON policy document"));
    let no_statement = network(json!("AWS_IAM"), json!({"policy": "{}", "state": "Active"}));
    assert!(reason(&verdict(rule, &no_statement)).contains("no Statement"));
    assert!(
        reason(&verdict(rule, &network(json!("AWS_IAM"), json!(null)))).contains("no auth policy")
    );
    let undescribed = doc(json!({"serviceNetwork": {"id": "sn-1", "authType": "AWS_IAM"}}));
    assert_eq!(
        verdict(rule, &undescribed),
        Verdict::not_applicable("authPolicy was not described")
    );
}

#[test]
fn auth_policy_is_restored_once_the_auth_type_enforces_it() {
    let rule = "lattice-auth-policy-restricted";
    let last = network(json!("AWS_IAM"), policy(org_only(), "Active"));
    let open = policy(
        json!([{"Effect": "Allow", "Principal": "*", "Action": "*"}]),
        "Active",
    );
    let Remediation::Patched(restored) =
        remediate_with(rule, &network(json!("AWS_IAM"), open.clone()), Some(&last))
    else {
        panic!("expected a patch");
    };
    assert_eq!(restored.auth_policy(), last.auth_policy());
    let Remediation::Skipped(why) = remediate_with(rule, &network(json!("AWS_IAM"), open), None)
    else {
        panic!("expected a skip");
    };
    assert!(why.to_string().contains("cannot be guessed"), "{why}");
    let Remediation::Skipped(why) =
        remediate_with(rule, &network(json!("NONE"), json!(null)), Some(&last))
    else {
        panic!("expected a skip");
    };
    assert!(
        why.to_string()
            .contains("serviceNetwork.authType is not AWS_IAM"),
        "{why}"
    );
    // The auth type was just restored: the restricting policy becomes Active.
    let Remediation::Patched(active) = remediate_with(
        rule,
        &network(json!("AWS_IAM"), policy(org_only(), "Inactive")),
        None,
    ) else {
        panic!("expected a patch");
    };
    assert_eq!(
        active
            .auth_policy()
            .flatten()
            .and_then(|p| p.state.as_deref()),
        Some("Active")
    );
}

#[test]
fn listeners_must_be_https_or_passthrough_and_are_never_patched() {
    let rule = "lattice-listener-https";
    let mixed = service(
        "AWS_IAM",
        json!([
            {"name": "web", "port": 80, "protocol": "HTTP"},
            {"name": "tls", "port": 443, "protocol": "HTTPS"},
            {"id": "listener-3", "port": 8443, "protocol": "TLS_PASSTHROUGH"},
            {"port": 9000}
        ]),
    );
    let v = verdict(rule, &mixed);
    assert_eq!(
        reason(&v),
        "listeners[0] \"web\" (port 80): protocol HTTP (plaintext); listeners[3] (port 9000): protocol is missing"
    );
    let Remediation::Skipped(why) = remediate_with(rule, &mixed, None) else {
        panic!("expected a skip");
    };
    assert!(
        why.to_string()
            .contains("cannot change a listener's protocol in place"),
        "{why}"
    );
    assert_eq!(
        status(rule, &service("NONE", json!([]))),
        VerdictStatus::NotApplicable
    );
    assert_eq!(
        verdict(rule, &doc(json!({"service": {"id": "svc-1"}}))),
        Verdict::not_applicable("listeners were not described")
    );
}

#[test]
fn target_groups_must_use_https_or_tcp_and_are_never_patched() {
    let rule = "lattice-target-group-https";
    let http = target_group(json!({"type": "IP", "config": {"protocol": "HTTP", "port": 80}}));
    assert!(reason(&verdict(rule, &http)).contains("HTTP: traffic to the targets is plaintext"));
    let Remediation::Skipped(why) = remediate_with(rule, &http, None) else {
        panic!("expected a skip");
    };
    assert!(
        why.to_string()
            .contains("cannot change a target group's protocol in place"),
        "{why}"
    );
    for protocol in ["HTTPS", "TCP"] {
        let group = target_group(json!({"type": "INSTANCE", "config": {"protocol": protocol}}));
        assert_eq!(verdict(rule, &group), Verdict::Compliant, "{protocol}");
    }
    let lambda = target_group(json!({"type": "LAMBDA", "config": {"protocol": "HTTP"}}));
    assert_eq!(status(rule, &lambda), VerdictStatus::NotApplicable);
    // VPC Lattice reaches an ALB with the group's protocol: an HTTP ALB group is a plaintext hop.
    let alb = |protocol: &str| {
        target_group(json!({"type": "ALB", "config": {"protocol": protocol, "port": 80}}))
    };
    assert_eq!(status(rule, &alb("HTTP")), VerdictStatus::NonCompliant);
    assert_eq!(verdict(rule, &alb("HTTPS")), Verdict::Compliant);
    assert!(reason(&verdict(rule, &target_group(json!({"type": "IP"})))).contains("missing"));
}

#[test]
fn access_logs_are_recreated_to_the_last_known_destinations() {
    let rule = "lattice-access-logs";
    let empty = network(json!("AWS_IAM"), json!(null));
    assert!(reason(&verdict(rule, &empty)).contains("serviceNetwork are not logged"));
    let svc = service("AWS_IAM", json!([]));
    assert!(reason(&verdict(rule, &svc)).contains("service are not logged"));
    assert_eq!(
        verdict(rule, &doc(json!({"service": {"id": "svc-1"}}))),
        Verdict::not_applicable("accessLogSubscriptions was not described")
    );
    assert_eq!(
        status(rule, &target_group(json!({}))),
        VerdictStatus::NotApplicable
    );
    let last = doc(
        json!({"serviceNetwork": {"id": "sn-1"}, "accessLogSubscriptions": [
            {"id": "als-1", "destinationArn": LOGS, "serviceNetworkLogType": "SERVICE", "arn": "arn:als-1"},
            {"id": "als-2", "destinationArn": LOGS, "serviceNetworkLogType": "SERVICE"},
            {"id": "als-3", "destinationArn": "arn:aws:s3:::audit", "serviceNetworkLogType": "RESOURCE"},
            {"id": "als-4"}
        ]}),
    );
    let Remediation::Patched(patched) = remediate_with(rule, &empty, Some(&last)) else {
        panic!("expected a patch");
    };
    assert_eq!(
        patched.to_describe_value()["accessLogSubscriptions"],
        json!([{"destinationArn": LOGS, "serviceNetworkLogType": "SERVICE"},
               {"destinationArn": "arn:aws:s3:::audit", "serviceNetworkLogType": "RESOURCE"}])
    );
    assert_eq!(verdict(rule, &patched), Verdict::Compliant);
    let Remediation::Skipped(why) = remediate_with(rule, &empty, None) else {
        panic!("expected a skip");
    };
    assert!(
        why.to_string()
            .contains("no last known access log destination"),
        "{why}"
    );
}

#[test]
fn health_checks_follow_aws_defaults_and_need_no_guess_to_enable() {
    let rule = "lattice-target-group-health-check";
    let group = |config: Value| target_group(json!({"type": "IP", "config": config}));
    assert_eq!(
        verdict(rule, &group(json!({"protocol": "HTTPS"}))),
        Verdict::Compliant
    );
    assert_eq!(
        verdict(
            rule,
            &group(json!({"protocol": "HTTPS", "healthCheck": {"enabled": true}}))
        ),
        Verdict::Compliant
    );
    let off =
        group(json!({"protocol": "HTTPS", "healthCheck": {"enabled": false, "path": "/ping"}}));
    assert!(reason(&verdict(rule, &off)).contains("enabled is false"));
    let Remediation::Patched(on) = remediate_with(rule, &off, None) else {
        panic!("expected a patch");
    };
    assert_eq!(
        on.to_describe_value()["targetGroup"]["config"]["healthCheck"],
        json!({"enabled": true, "path": "/ping"})
    );
    let tcp = group(json!({"protocol": "TCP"}));
    assert!(reason(&verdict(rule, &tcp))
        .contains("TCP target groups have health checks off by default"));
    let Remediation::Skipped(why) = remediate_with(rule, &tcp, None) else {
        panic!("expected a skip");
    };
    assert!(
        why.to_string().contains("protocol and a protocol version"),
        "{why}"
    );
    let tcp_named = group(
        json!({"protocol": "TCP", "healthCheck": {"enabled": false, "protocol": "HTTPS", "protocolVersion": "HTTP1"}}),
    );
    assert!(matches!(
        remediate_with(rule, &tcp_named, None),
        Remediation::Patched(_)
    ));
    let http2 = group(json!({"protocol": "HTTPS", "protocolVersion": "HTTP2"}));
    assert!(reason(&verdict(rule, &http2)).contains("HTTP2 has health checks off by default"));
    assert!(matches!(
        remediate_with(rule, &http2, None),
        Remediation::Patched(_)
    ));
    let grpc = group(
        json!({"protocol": "HTTPS", "protocolVersion": "GRPC", "healthCheck": {"enabled": false}}),
    );
    let Remediation::Skipped(why) = remediate_with(rule, &grpc, None) else {
        panic!("expected a skip");
    };
    assert!(why.to_string().contains("GRPC"), "{why}");
    for kind in ["LAMBDA", "ALB"] {
        let group =
            target_group(json!({"type": kind, "config": {"healthCheck": {"enabled": false}}}));
        assert_eq!(status(rule, &group), VerdictStatus::NotApplicable, "{kind}");
    }
}

#[test]
fn every_vpc_association_needs_security_groups() {
    let rule = "lattice-sn-vpc-security-groups";
    let with = |associations: Value| {
        doc(json!({"serviceNetwork": {"id": "sn-1"}, "vpcAssociations": associations}))
    };
    assert_eq!(
        verdict(
            rule,
            &with(json!([{"id": "snva-1", "vpcId": "vpc-1", "securityGroupIds": ["sg-1"]}]))
        ),
        Verdict::Compliant
    );
    let open =
        with(json!([{"id": "snva-1", "vpcId": "vpc-1", "securityGroupIds": []}, {"id": "snva-2"}]));
    assert_eq!(
        reason(&verdict(rule, &open)),
        "vpcAssociations[0] (vpc-1) has no securityGroupIds; vpcAssociations[1] (snva-2) has no \
         securityGroupIds: every resource in the VPC may reach the network"
    );
    assert!(matches!(
        remediate_with(rule, &open, None),
        Remediation::Skipped(_)
    ));
    assert_eq!(status(rule, &with(json!([]))), VerdictStatus::NotApplicable);
    assert_eq!(
        status(rule, &doc(json!({"serviceNetwork": {"id": "sn-1"}}))),
        VerdictStatus::NotApplicable
    );
}

#[test]
fn a_custom_domain_needs_a_certificate_unless_passed_through() {
    let rule = "lattice-service-custom-domain-cert";
    let svc = |service: Value, listeners: Value| {
        let mut service = service;
        service["id"] = json!("svc-1");
        doc(json!({"service": service, "listeners": listeners}))
    };
    let https = json!([{"protocol": "HTTPS", "port": 443}]);
    assert_eq!(
        status(rule, &svc(json!({}), https.clone())),
        VerdictStatus::NotApplicable
    );
    let missing = svc(
        json!({"customDomainName": "pay.example.com"}),
        https.clone(),
    );
    assert_eq!(
        reason(&verdict(rule, &missing)),
        "service.certificateArn is missing for customDomainName pay.example.com"
    );
    assert!(matches!(
        remediate_with(rule, &missing, None),
        Remediation::Skipped(_)
    ));
    let with_cert = svc(
        json!({"customDomainName": "pay.example.com", "certificateArn": "arn:aws:acm:eu-west-1:111122223333:certificate/1"}),
        https,
    );
    assert_eq!(verdict(rule, &with_cert), Verdict::Compliant);
    let passthrough = svc(
        json!({"customDomainName": "pay.example.com"}),
        json!([{"protocol": "TLS_PASSTHROUGH"}]),
    );
    assert_eq!(status(rule, &passthrough), VerdictStatus::NotApplicable);
}

#[test]
fn tag_rules_read_the_shared_setting() {
    let config = RulesConfig {
        required_tag_keys: Some(vec!["team".into()]),
        ..RulesConfig::default()
    };
    let tags = [Tag {
        key: "team".into(),
        value: "payments".into(),
    }];
    for (rule, resource) in [
        ("lattice-sn-tagged", network(json!("AWS_IAM"), json!(null))),
        ("lattice-service-tagged", service("AWS_IAM", json!([]))),
        ("lattice-tg-tagged", target_group(json!({}))),
    ] {
        let rule = find(rule).unwrap();
        let tagged = EvalContext {
            config: &config,
            tags: Some(&tags),
        };
        assert_eq!(rule.evaluate(&resource, &tagged), Verdict::Compliant);
        let untagged = EvalContext {
            config: &config,
            tags: Some(&[]),
        };
        assert_eq!(
            rule.evaluate(&resource, &untagged).status(),
            VerdictStatus::NonCompliant
        );
    }
}

#[test]
fn resources_being_deleted_are_not_applicable_to_every_rule() {
    let config = RulesConfig {
        required_tag_keys: Some(Vec::new()),
        ..RulesConfig::default()
    };
    for deleting in [
        service("NONE", json!([{"protocol": "HTTP", "port": 80}])),
        target_group(json!({"type": "IP", "config": {"protocol": "HTTP"}})),
    ] {
        let mut value = deleting.to_describe_value();
        let member = deleting.lattice_member().unwrap();
        value[member]["status"] = json!("DELETE_IN_PROGRESS");
        let deleting = doc(value);
        let findings = evaluate(
            &deleting,
            &EvalContext {
                config: &config,
                tags: Some(&[]),
            },
        );
        assert!(!findings.is_empty());
        for finding in findings {
            assert_eq!(
                finding.verdict,
                VerdictStatus::NotApplicable,
                "{}",
                finding.rule
            );
            assert_eq!(
                finding.reason.as_deref(),
                Some("resource is DELETE_IN_PROGRESS")
            );
        }
    }
}

#[test]
fn lattice_rules_skip_app_mesh_resources_and_the_reverse() {
    let mesh = doc(json!({"mesh": {"meshName": "m"}}));
    let v = verdict("lattice-access-logs", &mesh);
    assert_eq!(
        v,
        Verdict::not_applicable("applies to serviceNetwork, service only")
    );
    let v = verdict("mesh-egress-drop-all", &network(json!("NONE"), json!(null)));
    assert_eq!(v, Verdict::not_applicable("applies to mesh only"));
    let findings = evaluate(
        &network(json!("NONE"), json!(null)),
        &ctx(&RulesConfig::default()),
    );
    let ids: Vec<&str> = findings.iter().map(|f| f.rule.as_ref()).collect();
    assert_eq!(
        ids,
        [
            "lattice-sn-auth-iam",
            "lattice-auth-policy-restricted",
            "lattice-access-logs",
            "lattice-sn-vpc-security-groups",
            "lattice-sn-tagged"
        ]
    );
}
