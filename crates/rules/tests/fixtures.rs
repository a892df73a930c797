//! Every fixture under `tests/fixtures/` routes (events) or round-trips (describe documents) as
#![allow(clippy::unwrap_used, clippy::expect_used)]
//! `tests/fixtures/events/expected.json` says. Events are routed as of [`NOW`], so a fixture's
//! expectation does not depend on the machine's clock; an `"error"` member in an expectation is a
//! substring the error message must contain.

use meshwarden_rules::catalog::{self, EvalContext, RulesConfig};
use meshwarden_rules::event::{self, Decision};
use meshwarden_rules::model::Resource;
use meshwarden_rules::resource::AwsService;
use meshwarden_rules::verdict::VerdictStatus;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// The clock the event fixtures are routed at (after every fixture's time but the future one's).
const NOW: &str = "2026-11-25T16:00:00Z";

fn fixtures(sub: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(sub)
}

#[test]
fn every_event_fixture_routes_as_expected() {
    let dir = fixtures("events");
    let expected: Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let now: SystemTime = humantime::parse_rfc3339(NOW).unwrap();
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_owned();
        if name == "expected.json" {
            continue;
        }
        let want = expected
            .get(&name)
            .unwrap_or_else(|| panic!("{name} has no expectation"));
        let text = std::fs::read_to_string(&path).unwrap();
        match event::route_json_at(&text, now) {
            Err(err) => {
                assert_eq!(want["route"], "error", "{name}: unexpected error {err}");
                if let Some(message) = want.get("error") {
                    let message = message.as_str().unwrap();
                    assert!(err.to_string().contains(message), "{name}: {err}");
                }
            }
            Ok(incoming) => {
                let got = serde_json::to_value(Decision::of(&incoming)).unwrap();
                for (key, value) in want.as_object().unwrap() {
                    assert_eq!(&got[key.as_str()], value, "{name}: {key} in {got}");
                }
                if got["route"] == "ignore" {
                    assert!(
                        got["reason"].as_str().is_some_and(|r| !r.is_empty()),
                        "{name}: ignore without a reason"
                    );
                }
            }
        }
        seen += 1;
    }
    assert_eq!(seen, expected.len(), "every expectation has a fixture");
}

#[test]
fn every_handled_event_name_has_a_fixture() {
    let expected: Map<String, Value> =
        serde_json::from_str(&std::fs::read_to_string(fixtures("events/expected.json")).unwrap())
            .unwrap();
    for service in AwsService::ALL {
        for name in event::handled_event_names(service) {
            assert!(
                expected
                    .values()
                    .any(|e| e["service"] == service.spec().name
                        && e["eventName"] == *name
                        && e["route"] != "ignore"),
                "no routed fixture for {}'s {name}",
                service.spec().name
            );
        }
        // Service events route only when resources[] names an evaluated resource: each has a
        // fixture, routed or not.
        for name in event::service_event_names(service) {
            assert!(
                expected
                    .values()
                    .any(|e| e["service"] == service.spec().name && e["eventName"] == *name),
                "no fixture for {}'s {name}",
                service.spec().name
            );
        }
    }
}

#[test]
fn describe_fixtures_round_trip() {
    for entry in std::fs::read_dir(fixtures("describe")).unwrap() {
        let path = entry.unwrap().path();
        if path.ends_with("expected.json") {
            continue;
        }
        let document: Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let resource =
            Resource::from_describe_value(&document).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        assert_eq!(
            resource.to_describe_value(),
            document,
            "{path:?} lost something"
        );
    }
}

/// The verdicts `tests/fixtures/describe/expected.json` lists for a document, by rule id.
type Verdicts = BTreeMap<String, VerdictStatus>;

/// Every document with expectations evaluates as `tests/fixtures/describe/expected.json` says
/// (tags not fetched, default configuration), and together they show every VPC Lattice and ECS
/// Service Connect rule (but the tag rules, which read no document) compliant, non-compliant and
/// not applicable — except `lattice-sn-auth-iam`, which applies to every service network (they
/// have no status).
#[test]
fn describe_fixtures_evaluate_as_expected() {
    let dir = fixtures("describe");
    let expected: BTreeMap<String, Verdicts> =
        serde_json::from_str(&std::fs::read_to_string(dir.join("expected.json")).unwrap()).unwrap();
    let config = RulesConfig::default();
    let ctx = EvalContext {
        config: &config,
        tags: None,
    };
    let mut seen: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (name, verdicts) in &expected {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        let resource = Resource::parse_describe(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
        let findings = catalog::evaluate(&resource, &ctx);
        let got: Verdicts = findings
            .iter()
            .map(|f| (f.rule.to_string(), f.verdict))
            .collect();
        assert_eq!(&got, verdicts, "{name}: {findings:?}");
        for (rule, verdict) in got {
            seen.entry(rule).or_default().insert(format!("{verdict:?}"));
        }
    }
    for rule in catalog::rules().iter().map(|r| r.meta()) {
        let covered = ["lattice-", "ecs-"].iter().any(|p| rule.id.starts_with(p));
        if !covered || rule.field == "tags" {
            continue;
        }
        let verdicts = seen.get(rule.id).cloned().unwrap_or_default();
        let wanted = if rule.id == "lattice-sn-auth-iam" {
            2
        } else {
            3
        };
        assert_eq!(
            verdicts.len(),
            wanted,
            "{}: fixtures show only {verdicts:?}",
            rule.id
        );
    }
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.starts_with("lattice-") || name.starts_with("ecs-") {
            assert!(expected.contains_key(&name), "{name} has no expectation");
        }
    }
}
