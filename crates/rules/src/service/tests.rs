//! The registry is consistent: what the shared code assumes of every [`ServiceSpec`].

use super::*;
use crate::event::TRUSTED_SOURCES;
use std::collections::HashSet;

fn specs() -> impl Iterator<Item = &'static ServiceSpec> {
    AwsService::ALL.into_iter().map(AwsService::spec)
}

#[test]
fn every_kind_belongs_to_exactly_one_service() {
    for kind in ResourceKind::ALL {
        let owners: Vec<&str> = specs()
            .filter(|spec| spec.kinds.contains(&kind))
            .map(|spec| spec.name)
            .collect();
        assert_eq!(owners.len(), 1, "{kind} belongs to {owners:?}");
        assert_eq!(kind.service().spec().name, owners[0], "{kind}");
    }
    // And catalog order is service order.
    let registered: Vec<ResourceKind> = specs().flat_map(|spec| spec.kinds).copied().collect();
    assert_eq!(registered, ResourceKind::ALL);
}

#[test]
fn names_prefixes_and_sources_are_unique() {
    type Member = fn(&ServiceSpec) -> &'static str;
    let members: [(&str, Member); 5] = [
        ("name", |s| s.name),
        ("id prefix", |s| s.id_prefix),
        ("display name", |s| s.display_name),
        ("eventSource", |s| s.event_source),
        ("EventBridge source", |s| s.eventbridge_source),
    ];
    for (what, member) in members {
        let values: HashSet<&str> = specs().map(member).collect();
        assert_eq!(values.len(), AwsService::ALL.len(), "{what} repeats");
        assert!(!values.contains(""), "empty {what}");
    }
    for service in AwsService::ALL {
        assert_eq!(service.as_str(), service.spec().name);
        assert_eq!(
            AwsService::from_id_prefix(service.id_prefix()),
            Some(service)
        );
        assert_eq!(
            crate::event::service_of_event_source(service.spec().event_source),
            Some(service)
        );
    }
}

#[test]
fn every_services_rules_only_name_its_kinds_and_ids_are_unique() {
    let mut ids = HashSet::new();
    for spec in specs() {
        assert!(!spec.rules.is_empty(), "{} has no rules", spec.name);
        for rule in spec.rules {
            let meta = rule.meta();
            assert!(ids.insert(meta.id), "rule id {} repeats", meta.id);
            for kind in meta.kinds {
                assert!(
                    spec.kinds.contains(kind),
                    "{} names {kind}, not a kind of {}",
                    meta.id,
                    spec.name
                );
            }
        }
    }
}

#[test]
fn trusted_sources_are_every_services_eventbridge_source() {
    let expected: Vec<&str> = specs().map(|spec| spec.eventbridge_source).collect();
    assert_eq!(*TRUSTED_SOURCES, expected);
}

#[test]
fn handled_names_are_sorted_and_unique() {
    for spec in specs() {
        for names in [spec.handled_event_names, spec.service_event_names] {
            assert!(
                names.windows(2).all(|w| w[0] < w[1]),
                "{}: {names:?}",
                spec.name
            );
        }
    }
}

#[test]
fn every_services_paths_parse_back_and_only_its_own() {
    for spec in specs() {
        for kind in spec.kinds {
            // App Mesh's gateways and nodes, and ECS's services, have two-part ids.
            let id =
                if (spec.name == "appmesh" && *kind != ResourceKind::Mesh) || spec.name == "ecs" {
                    "parent/child"
                } else {
                    "x-1"
                };
            let path = (spec.path)(*kind, id);
            assert_eq!(
                (spec.parse_path)(&path),
                Some((*kind, id.to_owned())),
                "{path}"
            );
            let others: Vec<&str> = specs()
                .filter(|other| other.name != spec.name && (other.parse_path)(&path).is_some())
                .map(|other| other.name)
                .collect();
            assert!(others.is_empty(), "{path} also parses as {others:?}");
        }
    }
}

#[test]
fn exactly_the_tag_rules_read_tags() {
    for rule in crate::catalog::rules() {
        let meta = rule.meta();
        assert_eq!(
            meta.reads_tags(),
            meta.id.ends_with("-tagged"),
            "{}",
            meta.id
        );
    }
}
