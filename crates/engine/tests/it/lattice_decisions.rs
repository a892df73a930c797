//! VPC Lattice reverts on the in-memory ports (`MemoryLattice`, `MemoryStore`): the four revert
//! kinds, a fault after each step, and a seeded run of faults like the emulator's fault test, in
//! milliseconds. Each test fails if its guarantee regresses.

use crate::decisions::config;
use meshwarden_engine::core::error::ErrorKind;
use meshwarden_engine::core::record::{Action, Status};
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{AutoRevert, Engine, Handled};
use meshwarden_rules::resource::ResourceRef;
use meshwarden_testkit::lattice::*;
use meshwarden_testkit::lattice_memory::MemoryLattice;
use meshwarden_testkit::memory::{MemoryStore, Strike};
use serde_json::Value;

const LOGS: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/lattice/memory";

/// What someone changes on a resource that was compliant (shared with the emulator's
/// `lattice_faults`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Drift {
    /// `authType` set to `NONE`; reverted with `UpdateServiceNetwork`.
    AuthType,
    /// An open auth policy put; reverted with `PutAuthPolicy`.
    AuthPolicy,
    /// The access log subscription deleted; reverted with `CreateAccessLogSubscription`.
    AccessLogs,
    /// The target group's health check switched off; reverted with `UpdateTargetGroup`.
    HealthCheck,
}

impl Drift {
    pub(crate) const ALL: [Drift; 4] = [
        Drift::AuthType,
        Drift::AuthPolicy,
        Drift::AccessLogs,
        Drift::HealthCheck,
    ];

    /// The write that reverts it (the API operation).
    pub(crate) fn revert_operation(self) -> &'static str {
        match self {
            Drift::AuthType => "UpdateServiceNetwork",
            Drift::AuthPolicy => "PutAuthPolicy",
            Drift::AccessLogs => "CreateAccessLogSubscription",
            Drift::HealthCheck => "UpdateTargetGroup",
        }
    }

    /// A compliant resource, recorded as such by `engine`.
    async fn compliant(
        self,
        lattice: &MemoryLattice,
        engine: &Engine<MemoryLattice, MemoryStore>,
    ) -> ResourceRef {
        let (resource, event) = {
            let mut world = lattice.world();
            if self == Drift::HealthCheck {
                let r = world.create_target_group("HTTPS", Some(true));
                let id = r.id.clone();
                (r, update_health_check_event(&id, true))
            } else {
                let r = world.create_network("AWS_IAM");
                let id = r.id.clone();
                world.put_auth_policy(&id, &restrictive_policy()).unwrap();
                world.subscribe_access_logs(&id, LOGS, None).unwrap();
                (r, put_auth_policy_event(&id, &restrictive_policy()))
            }
        };
        let report = handled(engine.run(&event, &Invocation::new()).await.unwrap());
        assert_eq!(report.status, Status::Compliant, "{self:?}: {report:?}");
        resource
    }

    /// Make the change as someone else would; the event it produces.
    fn drift(self, lattice: &MemoryLattice, id: &str) -> Value {
        let mut world = lattice.world();
        match self {
            Drift::AuthType => {
                world.set_auth_type(id, "NONE").unwrap();
                update_network_event(id, "NONE")
            }
            Drift::AuthPolicy => {
                world.put_auth_policy(id, &open_policy()).unwrap();
                put_auth_policy_event(id, &open_policy())
            }
            Drift::AccessLogs => {
                let logs = world.access_logs_of(id);
                assert_eq!(logs.len(), 1, "{id}: one subscription before the drift");
                world.delete_access_log(&logs[0]);
                delete_access_log_event(&logs[0])
            }
            Drift::HealthCheck => {
                world.set_health_check(id, false).unwrap();
                update_health_check_event(id, false)
            }
        }
    }

    /// The resource is as compliant as it was set up: the document the rules read.
    fn assert_restored(self, lattice: &MemoryLattice, id: &str) {
        let world = lattice.world();
        let doc = world.document(id).unwrap();
        match self {
            Drift::HealthCheck => {
                assert_eq!(doc["targetGroup"]["config"]["healthCheck"]["enabled"], true)
            }
            _ => {
                assert_eq!(doc["serviceNetwork"]["authType"], "AWS_IAM", "{self:?}");
                assert_eq!(doc["authPolicy"]["policy"], restrictive_policy().as_str());
                assert_eq!(world.access_logs_of(id).len(), 1, "{self:?}: no duplicate");
            }
        }
    }
}

fn handled(handled: Handled) -> meshwarden_engine::outcome::EventReport {
    match handled {
        Handled::Evaluated(report) => report,
        other => panic!("expected an evaluation, got {other:?}"),
    }
}

fn ports() -> (
    MemoryLattice,
    MemoryStore,
    Engine<MemoryLattice, MemoryStore>,
) {
    let (lattice, store) = (MemoryLattice::default(), MemoryStore::default());
    let mut config = config(AutoRevert::On);
    config.max_reverts_per_hour = 1_000;
    let engine = Engine::new(lattice.clone(), store.clone(), config);
    (lattice, store, engine)
}

/// (history items, of them REVERTED, reverts the cap counted) of one resource.
fn recorded(store: &MemoryStore, resource: &ResourceRef) -> (usize, usize, i64) {
    let history = store.history_of(&resource.key());
    let reverted = history
        .iter()
        .filter(|h| h.common.action == Action::Reverted)
        .count();
    (
        history.len(),
        reverted,
        store.reverts_counted(&resource.key()),
    )
}

#[tokio::test]
async fn each_kind_of_lattice_drift_is_reverted_with_one_write_of_its_kind() {
    for drift in Drift::ALL {
        let (lattice, store, engine) = ports();
        let resource = drift.compliant(&lattice, &engine).await;
        let id = resource.id.clone();
        let event = drift.drift(&lattice, &id);
        let report = handled(engine.run(&event, &Invocation::new()).await.unwrap());
        assert_eq!(report.action, Action::Reverted, "{drift:?}: {report:?}");
        let writes: Vec<_> = lattice.writes_to(&id).into_iter().map(|w| w.0).collect();
        assert_eq!(writes, vec![drift.revert_operation()], "{drift:?}");
        assert_eq!(recorded(&store, &resource), (2, 1, 1), "{drift:?}");
        drift.assert_restored(&lattice, &id);
    }
}

/// A fault at one step of a revert, the event retried as Lambda would: the revert is made once
/// and recorded once, whatever step failed.
async fn revert_through_one_fault(drift: Drift, inject: impl Fn(&MemoryLattice, &MemoryStore)) {
    let (lattice, store, engine) = ports();
    let resource = drift.compliant(&lattice, &engine).await;
    let id = resource.id.clone();
    let event = drift.drift(&lattice, &id);
    inject(&lattice, &store);
    let mut failed = 0;
    let report = loop {
        match engine
            .run(&event, &Invocation::new().delivery("delivery-1"))
            .await
        {
            Ok(h) => break handled(h),
            Err(_) if failed < 5 => failed += 1,
            Err(e) => panic!("{drift:?}: still failing: {e}"),
        }
    };
    assert_eq!(failed, 1, "{drift:?}: the fault failed one attempt");
    assert_eq!(report.action, Action::Reverted, "{drift:?}: {report:?}");
    let writes: Vec<_> = lattice.writes_to(&id).into_iter().map(|w| w.0).collect();
    assert_eq!(
        writes,
        vec![drift.revert_operation()],
        "{drift:?}: one write"
    );
    assert_eq!(recorded(&store, &resource), (2, 1, 1), "{drift:?}");
    drift.assert_restored(&lattice, &id);
}

/// The kinds a retry already recognises as its own landed revert; a created access log
/// subscription is not yet (issue 19, point 2: its id, ARN and timestamps are the server's).
pub(crate) const RECOGNISED: [Drift; 3] = [Drift::AuthType, Drift::AuthPolicy, Drift::HealthCheck];

async fn answer_lost(drift: Drift) {
    revert_through_one_fault(drift, |lattice, _| {
        lattice.fail(
            drift.revert_operation(),
            ErrorKind::Transport,
            Strike::After,
        )
    })
    .await;
}

async fn record_failed(drift: Drift) {
    revert_through_one_fault(drift, |_, store| {
        store.fail("complete_revert", ErrorKind::Throttled, Strike::Before)
    })
    .await;
}

#[tokio::test]
async fn a_revert_whose_write_landed_but_whose_answer_was_lost_is_recorded_once() {
    for drift in RECOGNISED {
        answer_lost(drift).await;
    }
}

#[tokio::test]
async fn a_revert_whose_record_failed_is_recognised_by_the_retry() {
    for drift in RECOGNISED {
        record_failed(drift).await;
    }
}

#[tokio::test]
async fn a_re_created_access_log_subscription_whose_answer_or_record_was_lost_is_recorded_once() {
    // Issue 19, point 2: the retry must match what the plan controls (destination, log type),
    // not the id, ARN and timestamps the server assigned.
    answer_lost(Drift::AccessLogs).await;
    record_failed(Drift::AccessLogs).await;
}

#[tokio::test]
async fn a_revert_whose_write_was_refused_is_made_by_the_retry() {
    for drift in Drift::ALL {
        revert_through_one_fault(drift, |lattice, _| {
            lattice.fail(
                drift.revert_operation(),
                ErrorKind::Throttled,
                Strike::Before,
            )
        })
        .await;
    }
}

/// A tiny seeded generator (xorshift64*), so the fault run is the same every time.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<T: Copy>(&mut self, from: &[T]) -> T {
        from[(self.next() % from.len() as u64) as usize]
    }
}

const LATTICE_OPERATIONS: [&str; 5] = [
    "describe",
    "UpdateServiceNetwork",
    "PutAuthPolicy",
    "CreateAccessLogSubscription",
    "UpdateTargetGroup",
];
const STORE_OPERATIONS: [&str; 6] = [
    "state",
    "record",
    "history_item",
    "reserve_revert",
    "complete_revert",
    "owner_of",
];

/// Five resources of each of `kinds`, ten rounds of drift each, a fifth of the attempts meeting
/// a seeded fault: every revert made once and recorded once.
async fn seeded_fault_run(kinds: &[Drift]) {
    const ROUNDS: usize = 10;
    let (lattice, store, engine) = ports();
    let mut resources = Vec::new();
    for &drift in kinds {
        for _ in 0..5 {
            resources.push((drift, drift.compliant(&lattice, &engine).await));
        }
    }
    let mut rng = Seeded(20261206);
    let (mut injected, mut retried) = (0, 0);
    for round in 0..ROUNDS {
        for (drift, resource) in &resources {
            let id = resource.id.as_str();
            let event = drift.drift(&lattice, id);
            let delivery = format!("{id}-{round}");
            let report = loop {
                // A fifth of the attempts meet a fault somewhere: VPC Lattice or the table,
                // before the call or after it took effect.
                if rng.chance(20) {
                    injected += 1;
                    let strike = rng.pick(&[Strike::Before, Strike::After]);
                    if rng.chance(50) {
                        lattice.fail(rng.pick(&LATTICE_OPERATIONS), ErrorKind::Transport, strike);
                    } else {
                        store.fail(rng.pick(&STORE_OPERATIONS), ErrorKind::Transport, strike);
                    }
                }
                match engine
                    .run(&event, &Invocation::new().delivery(&delivery))
                    .await
                {
                    Ok(h) => break handled(h),
                    Err(_) if retried < 1_000 => retried += 1,
                    Err(e) => panic!("{drift:?} {id}: still failing: {e}"),
                }
            };
            assert_eq!(
                report.action,
                Action::Reverted,
                "{drift:?} {id} round {round}: {report:?}"
            );
        }
    }
    for (drift, resource) in &resources {
        let id = resource.id.as_str();
        let (events, reverted, counted) = recorded(&store, resource);
        assert_eq!((events, reverted), (1 + ROUNDS, ROUNDS), "{drift:?} {id}");
        let writes = lattice.writes_to(id);
        assert!(
            writes.iter().all(|w| w.0 == drift.revert_operation()),
            "{drift:?} {id}: {writes:?}"
        );
        assert_eq!(writes.len(), ROUNDS, "{drift:?} {id}: one write per revert");
        assert_eq!(
            counted, ROUNDS as i64,
            "{drift:?} {id}: the cap counted each once"
        );
        drift.assert_restored(&lattice, id);
    }
    eprintln!(
        "in-memory VPC Lattice fault run: {} events, {} reverts, {injected} faults injected, {retried} retries",
        resources.len() * ROUNDS,
        resources.len() * ROUNDS
    );
}

#[tokio::test]
async fn lattice_reverts_of_the_recognised_kinds_through_seeded_faults_are_each_made_and_recorded_once(
) {
    seeded_fault_run(&RECOGNISED).await;
}

#[tokio::test]
async fn two_hundred_lattice_reverts_of_every_kind_through_seeded_faults_are_each_made_and_recorded_once(
) {
    seeded_fault_run(&Drift::ALL).await;
}

#[tokio::test]
async fn an_event_evaluated_after_the_sweep_started_but_before_its_describe_yields_to_the_sweep() {
    // VPC Lattice has no versions: the later describe wins. An event described after the sweep
    // started but before the sweep's describe of the same resource saw an older state: the
    // sweep's evaluation must replace it, whatever time the sweep started at.
    let (lattice, store, engine) = ports();
    let resource = Drift::AuthType.compliant(&lattice, &engine).await;
    let id = resource.id.clone();
    let event_engine = Engine::new(lattice.clone(), store.clone(), config(AutoRevert::Off));
    let (world, network) = (lattice.clone(), id.clone());
    let staged = meshwarden_testkit::staged::Staged::new(lattice.clone()).before_describe(
        1,
        Box::new(move || {
            // The event runs to its end, on its own thread and runtime, before the sweep's
            // describe is made.
            std::thread::spawn(move || {
                let event = Drift::AuthType.drift(&world, &network);
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .build()
                    .unwrap();
                let report = handled(
                    runtime
                        .block_on(event_engine.run(&event, &Invocation::new()))
                        .unwrap(),
                );
                assert_eq!(report.status, Status::NonCompliant, "{report:?}");
                // Put right again before the sweep's describe; its event is still on the way.
                world.world().set_auth_type(&network, "AWS_IAM").unwrap();
            })
            .join()
            .unwrap();
            Box::pin(async {})
        }),
    );
    let sweeper = Engine::new(staged, store.clone(), config(AutoRevert::Off));
    let schedule = serde_json::json!({"detail-type": "Scheduled Event",
        "source": "meshwarden.sweep", "id": "sweep-1", "time": "2026-11-25T06:00:00Z"});
    sweeper.run(&schedule, &Invocation::new()).await.unwrap();
    let state = store.state_of(&resource.key()).unwrap();
    assert_eq!(state.common.status, Status::Compliant, "{state:?}");
    assert!(
        state.common.event_id.starts_with("sweep-1/"),
        "the sweep's newer describe holds STATE: {state:?}"
    );
    let swept = store
        .history_of(&resource.key())
        .into_iter()
        .find(|h| h.common.event_id.starts_with("sweep-1/"))
        .expect("the sweep's history item");
    assert!(
        swept.common.sk.starts_with("EVT#2026-11-25T06:00:00Z#"),
        "history keyed by the schedule's time: {}",
        swept.common.sk
    );
}
