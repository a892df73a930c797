//! Pure-code throughput: evaluations per second for each resource kind with every rule, and
//! events routed per second (JSON parse + route) on real-sized CloudTrail records.
//! `cargo bench -p meshwarden-rules --bench rules`; figures in docs/benchmarks.md.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use meshwarden_rules::catalog::{self, EvalContext, RemediationContext, RulesConfig};
use meshwarden_rules::event;
use meshwarden_rules::model::Resource;
use std::hint::black_box;

fn fixture(path: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../../tests/fixtures/{path}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn evaluation(c: &mut Criterion) {
    let config = RulesConfig {
        mesh_ip_preference: Some("IPv4_PREFERRED".into()),
        node_ip_preference: Some("IPv4_PREFERRED".into()),
        required_tag_keys: None,
        tls_ca_arns: vec!["arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/x".into()],
        ecs_tls_role_arns: None,
    };
    let ctx = EvalContext {
        config: &config,
        tags: None,
    };
    let mut group = c.benchmark_group("evaluate");
    group.throughput(Throughput::Elements(1));
    for (kind, file) in [
        ("mesh", "describe/seed-mesh-allow-all.json"),
        (
            "virtualGateway",
            "describe/seed-vgw-client-policy-empty.json",
        ),
        ("virtualGateway-compliant", "describe/vgw-compliant.json"),
        ("virtualNode", "describe/vnode-noncompliant.json"),
        ("serviceNetwork", "describe/lattice-sn-auth-none.json"),
        ("service", "describe/lattice-service-http.json"),
        (
            "service-compliant",
            "describe/lattice-service-compliant.json",
        ),
        ("targetGroup", "describe/lattice-tg-http.json"),
    ] {
        let resource = Resource::parse_describe(&fixture(file)).unwrap();
        group.bench_function(kind, |b| {
            b.iter(|| catalog::evaluate(black_box(&resource), &ctx))
        });
    }
    group.finish();

    let seed =
        Resource::parse_describe(&fixture("describe/seed-vgw-client-policy-empty.json")).unwrap();
    // Where a gateway's evaluation spends its time: each rule alone on the seeds' gateway.
    let mut group = c.benchmark_group("rule");
    for rule in catalog::rules()
        .iter()
        .filter(|r| r.meta().applies_to(seed.kind()))
    {
        group.bench_function(rule.meta().id, |b| {
            b.iter(|| rule.check(black_box(&seed), &ctx))
        });
    }
    group.finish();
    let fix = RemediationContext {
        config: &config,
        last_compliant: None,
    };
    c.bench_function("remediate/virtualGateway", |b| {
        b.iter(|| catalog::remediate(black_box(&seed), &ctx, &fix))
    });
}

fn routing(c: &mut Criterion) {
    let mut group = c.benchmark_group("route");
    group.throughput(Throughput::Elements(1));
    for (name, file) in [
        (
            "UpdateVirtualGateway",
            "events/eb-update-virtual-gateway.json",
        ),
        ("UpdateMesh", "events/eb-update-mesh-allow-all.json"),
        (
            "DescribeMesh-ignored",
            "events/eb-describe-mesh-read-only.json",
        ),
        (
            "UpdateServiceNetwork",
            "events/lattice-update-service-network.json",
        ),
        ("CreateListener", "events/lattice-create-listener.json"),
    ] {
        let text = fixture(file);
        group.bench_function(name, |b| {
            b.iter(|| event::route_json(black_box(&text)).unwrap())
        });
    }
    let text = fixture("describe/vnode-compliant.json");
    group.bench_function("parse-describe/virtualNode", |b| {
        b.iter(|| Resource::parse_describe(black_box(&text)).unwrap())
    });
    let text = fixture("describe/lattice-service-compliant.json");
    group.bench_function("parse-describe/service", |b| {
        b.iter(|| Resource::parse_describe(black_box(&text)).unwrap())
    });
    group.finish();
}

criterion_group!(benches, evaluation, routing);
criterion_main!(benches);
