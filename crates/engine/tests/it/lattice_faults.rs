//! VPC Lattice reverts through injected faults: the fault proxy throttles, fails and drops a
//! fifth of the responder's VPC Lattice and DynamoDB requests, and every revert of the four kinds
//! (auth type, auth policy, access logs, health check) must still be made once and recorded once.
//! VPC Lattice has no versions, so the emulator counts the writes it applied
//! (`GET /__harness/lattice/writes`, tests/harness/README.md).

use crate::faults::until_handled;
use crate::lattice_decisions::{Drift, RECOGNISED};
use crate::pipeline::evaluated;
use aws_sdk_vpclattice::types::AuthType;
use futures::StreamExt;
use meshwarden_engine::core::record::{Action, Status};
use meshwarden_engine::{AutoRevert, Handled};
use meshwarden_testkit::lattice::*;
use meshwarden_testkit::proxy::{injected, through, FaultProxy};
use meshwarden_testkit::*;
use serde_json::Value;
use std::collections::BTreeMap;

const LOGS: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/lattice/faults";
const ROUNDS: usize = 10;
const PER_KIND: usize = 5;
/// Resources drifted and reverted at once.
const SIDE_BY_SIDE: usize = 4;

impl Drift {
    /// A compliant resource, recorded as such (so its last compliant copy and its parts' owner
    /// are known): (its VPC Lattice id, its canonical id).
    async fn compliant_on(self, h: &Harness) -> (String, String) {
        let engine = h.engine(AutoRevert::Off);
        let (id, canonical, event) = if self == Drift::HealthCheck {
            let id = h.create_target_group(&unique("tg"), "HTTPS", true).await;
            let event = update_health_check_event(&id, true);
            (id.clone(), lattice_id("targetGroup", &id), event)
        } else {
            let id = h.create_network(&unique("sn"), AuthType::AwsIam).await;
            h.put_auth_policy(&id, &restrictive_policy()).await;
            h.subscribe_access_logs(&id, LOGS).await;
            let event = put_auth_policy_event(&id, &restrictive_policy());
            (id.clone(), lattice_id("serviceNetwork", &id), event)
        };
        let report = evaluated(&engine, &event).await;
        assert_eq!(report.status, Status::Compliant, "{self:?}: {report:?}");
        (id, canonical)
    }

    /// Make the change as a person would (not through the faults); the event it produces.
    async fn drift_on(self, h: &Harness, id: &str) -> Value {
        match self {
            Drift::AuthType => {
                h.set_network_auth(id, AuthType::None).await;
                update_network_event(id, "NONE")
            }
            Drift::AuthPolicy => {
                h.put_auth_policy(id, &open_policy()).await;
                put_auth_policy_event(id, &open_policy())
            }
            Drift::AccessLogs => {
                let deleted = h.delete_access_logs(id).await;
                assert_eq!(deleted.len(), 1, "{id}: one subscription before the drift");
                delete_access_log_event(&deleted[0])
            }
            Drift::HealthCheck => {
                h.set_health_check(id, false).await;
                update_health_check_event(id, false)
            }
        }
    }

    /// The writes the test itself made to set the resource up and to drift it, per operation.
    fn ours(self) -> BTreeMap<String, u64> {
        let rounds = ROUNDS as u64;
        let made: &[(&str, u64)] = match self {
            Drift::AuthType => &[
                ("UpdateServiceNetwork", rounds),
                ("PutAuthPolicy", 1),
                ("CreateAccessLogSubscription", 1),
            ],
            Drift::AuthPolicy => &[
                ("PutAuthPolicy", 1 + rounds),
                ("CreateAccessLogSubscription", 1),
            ],
            Drift::AccessLogs => &[
                ("PutAuthPolicy", 1),
                ("CreateAccessLogSubscription", 1),
                ("DeleteAccessLogSubscription", rounds),
            ],
            Drift::HealthCheck => &[("UpdateTargetGroup", rounds)],
        };
        made.iter().map(|(op, n)| ((*op).to_owned(), *n)).collect()
    }

    /// The writes the responder made: every write the emulator applied less the test's own.
    fn responders(self, id: &str) -> BTreeMap<String, u64> {
        let ours = self.ours();
        lattice_writes(id)
            .into_iter()
            .map(|(op, n)| {
                let mine = ours.get(&op).copied().unwrap_or_default();
                (
                    op,
                    n.checked_sub(mine)
                        .expect("the set-up's and drifts' writes were counted"),
                )
            })
            .filter(|(_, n)| *n > 0)
            .collect()
    }

    /// The resource is as compliant as it was set up.
    async fn assert_restored_on(self, h: &Harness, id: &str) {
        match self {
            Drift::HealthCheck => assert_eq!(h.health_check_enabled(id).await, Some(true)),
            _ => {
                assert_eq!(
                    h.auth_of(id).await,
                    (Some("AWS_IAM".to_owned()), Some(restrictive_policy())),
                    "{self:?} {id}"
                );
                assert_eq!(
                    h.access_log_destinations(id).await,
                    vec![LOGS.to_owned()],
                    "{self:?} {id}: one subscription, none duplicated"
                );
            }
        }
    }
}

/// What one resource's history and cap counters hold: (events recorded, of them `REVERTED`,
/// reverts counted by the cap).
async fn recorded(h: &Harness, canonical: &str) -> (usize, usize, u64) {
    let items = h.items(canonical).await;
    let sk = |i: &std::collections::HashMap<_, aws_sdk_dynamodb::types::AttributeValue>| {
        i["sk"].as_s().unwrap().clone()
    };
    let history: Vec<_> = items.iter().filter(|i| sk(i).starts_with("EVT#")).collect();
    let reverted = history
        .iter()
        .filter(|i| i["action"].as_s().unwrap() == "REVERTED")
        .count();
    assert!(
        history
            .iter()
            .filter(|i| i["action"].as_s().unwrap() == "REVERTED")
            .all(|i| i.contains_key("before") && i.contains_key("after")),
        "{canonical}: every revert with before and after"
    );
    let counted = items
        .iter()
        .filter(|i| sk(i).starts_with("CAP#"))
        .map(|i| i["reverts"].as_n().unwrap().parse::<u64>().unwrap())
        .sum();
    (history.len(), reverted, counted)
}

/// Five resources of each of `kinds`, ten rounds each, through a proxy faulting a fifth of the
/// responder's requests (`seed`): every revert made once and recorded once.
async fn fault_run(kinds: &[Drift], seed: u64) {
    let h = Harness::new().await;
    let mut resources = Vec::new();
    for &drift in kinds {
        for _ in 0..PER_KIND {
            let (id, canonical) = drift.compliant_on(&h).await;
            resources.push((drift, id, canonical));
        }
    }
    let proxy = FaultProxy::start(0.2, seed);
    let mut config = h.config(AutoRevert::On);
    config.max_reverts_per_hour = 1_000;
    let engine = through(&h, &proxy).engine_with(config);
    // Each resource: ten rounds of someone changing it and the responder writing it back; the
    // resources run side by side, each event retried as Lambda would until it is handled.
    let per_resource = resources.iter().map(|(drift, id, _)| {
        let (h, engine) = (&h, &engine);
        async move {
            let mut failed = 0;
            for round in 0..ROUNDS {
                let event = drift.drift_on(h, id).await;
                let (handled, retried) =
                    until_handled(engine, &event, &format!("{id}-{round}")).await;
                failed += retried;
                let Handled::Evaluated(report) = handled else {
                    panic!("{drift:?} {id} round {round}: {handled:?}")
                };
                assert_eq!(
                    report.action,
                    Action::Reverted,
                    "{drift:?} {id} round {round}: {report:?}"
                );
            }
            failed
        }
    });
    // Four resources at a time: the emulator is shared with the rest of the suite, and a deeper
    // queue behind its one DynamoDB lock only turns the suite's own calls into timeouts.
    let handler_errors: u32 = futures::stream::iter(per_resource)
        .buffer_unordered(SIDE_BY_SIDE)
        .collect::<Vec<u32>>()
        .await
        .into_iter()
        .sum();
    let stats = proxy.stats();
    assert!(injected(&stats) > 40, "faults were injected: {stats}");
    let mut reverts = 0;
    for (drift, id, canonical) in &resources {
        let (events, reverted, counted) = recorded(&h, canonical).await;
        assert_eq!(
            (events, reverted),
            (1 + ROUNDS, ROUNDS),
            "{drift:?} {id}: one history item per event (the set-up's and ten drifts'), every revert recorded"
        );
        let written = drift.responders(id);
        assert_eq!(
            written,
            BTreeMap::from([(drift.revert_operation().to_owned(), reverted as u64)]),
            "{drift:?} {id}: one write per recorded revert, of the kind that reverts it"
        );
        assert_eq!(
            counted, reverted as u64,
            "{drift:?} {id}: the cap counted each write once"
        );
        drift.assert_restored_on(&h, id).await;
        reverts += reverted;
    }
    eprintln!(
        "VPC Lattice fault injection, auto-revert on: {} events, {reverts} reverts made and recorded ({} of each kind), {} faults injected, {handler_errors} handler errors retried, stats {stats}",
        resources.len() * ROUNDS,
        PER_KIND * ROUNDS,
        injected(&stats)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn lattice_reverts_of_the_recognised_kinds_are_made_and_recorded_exactly_once_through_20_percent_faults(
) {
    fault_run(&RECOGNISED, 20261207).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_lattice_revert_is_made_and_recorded_exactly_once_through_20_percent_faults() {
    fault_run(&Drift::ALL, 20261206).await;
}
