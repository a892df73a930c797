//! Invariants of the whole catalog, across services.

use super::*;

#[test]
fn ids_are_unique_and_each_rule_reads_kinds_of_one_service() {
    let ids: Vec<&str> = rules().iter().map(|r| r.meta().id).collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "duplicate rule ids");
    for rule in rules() {
        let m = rule.meta();
        let Some(first) = m.kinds.first() else {
            panic!("{} reads no kind", m.id);
        };
        let service = first.service();
        assert!(m.kinds.iter().all(|k| k.service() == service), "{}", m.id);
        if service == AwsService::VpcLattice {
            assert!(m.id.starts_with("lattice-"), "{}", m.id);
        }
        assert!(!m.sources.is_empty() && !m.rationale.is_empty() && !m.pass.is_empty());
        assert_eq!(find(m.id).map(|r| r.meta().id), Some(m.id));
    }
}

#[test]
fn rules_for_a_kind_are_the_catalog_filtered_by_kind() {
    for kind in ResourceKind::ALL {
        let direct: Vec<&str> = rules_for(kind).map(|r| r.meta().id).collect();
        let filtered: Vec<&str> = rules()
            .iter()
            .filter(|r| r.meta().applies_to(kind))
            .map(|r| r.meta().id)
            .collect();
        assert_eq!(direct, filtered, "{kind}");
        assert!(!direct.is_empty(), "{kind} has no rules");
    }
}

/// The VPC Lattice rule ids and severities are a contract (issue 13's table).
#[test]
fn lattice_rule_ids_and_severities_are_the_contract() {
    use Severity::{High, Low, Medium};
    let expected = [
        (
            "lattice-sn-auth-iam",
            High,
            &[ResourceKind::ServiceNetwork][..],
        ),
        ("lattice-service-auth-iam", Medium, &[ResourceKind::Service]),
        (
            "lattice-auth-policy-restricted",
            High,
            &[ResourceKind::ServiceNetwork, ResourceKind::Service],
        ),
        ("lattice-listener-https", High, &[ResourceKind::Service]),
        (
            "lattice-target-group-https",
            High,
            &[ResourceKind::TargetGroup],
        ),
        (
            "lattice-access-logs",
            Medium,
            &[ResourceKind::ServiceNetwork, ResourceKind::Service],
        ),
        (
            "lattice-target-group-health-check",
            Low,
            &[ResourceKind::TargetGroup],
        ),
        (
            "lattice-sn-vpc-security-groups",
            Medium,
            &[ResourceKind::ServiceNetwork],
        ),
        (
            "lattice-service-custom-domain-cert",
            Medium,
            &[ResourceKind::Service],
        ),
        ("lattice-sn-tagged", Low, &[ResourceKind::ServiceNetwork]),
        ("lattice-service-tagged", Low, &[ResourceKind::Service]),
        ("lattice-tg-tagged", Low, &[ResourceKind::TargetGroup]),
    ];
    let lattice: Vec<(&str, Severity, &[ResourceKind])> = rules()
        .iter()
        .map(|r| r.meta())
        .filter(|m| {
            m.kinds
                .iter()
                .any(|k| k.service() == AwsService::VpcLattice)
        })
        .map(|m| (m.id, m.severity, m.kinds))
        .collect();
    assert_eq!(lattice, expected);
}
