//! The fanned-out sweep: the schedule plans list shards, list shards send evaluate shards, every
//! shard is one delivery of an SQS event. Each decision on the in-memory ports (a queue that
//! delivers like the event source mapping), then the whole path against the emulator: SQS, STS
//! (member accounts' roles), App Mesh and DynamoDB through the real SDK clients, with the fault
//! proxy throttling or refusing calls.

use crate::decisions::config;
use aws_sdk_appmesh::types::EgressFilterType;
use meshwarden_engine::core::error::ErrorKind;
use meshwarden_engine::core::ports::{ComplianceStore, FindingsSink, ResourceWriter, Scope};
use meshwarden_engine::core::record::Status;
use meshwarden_engine::core::shard::{self, Shard, ShardMessage, MAX_ATTEMPTS};
use meshwarden_engine::fanout::{ShardOutcome, ShardReport, SHARD_RESERVE};
use meshwarden_engine::{AutoRevert, Engine, EngineConfig, Handled};
use meshwarden_rules::resource::{ResourceKind, ResourceRef};
use meshwarden_testkit::fanout::{deliver, Drained, MemoryQueue, SweepQueue};
use meshwarden_testkit::memory::{MemoryMesh, MemoryStore, Strike};
use meshwarden_testkit::proxy::{injected, through, FaultProxy};
use meshwarden_testkit::*;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// A member account of the in-memory organisation.
const OTHER: &str = "444455556666";
const ELSEWHERE: &str = "eu-west-1";
const TIME: &str = "2026-11-25T06:00:00Z";

pub(crate) fn schedule(id: &str) -> Value {
    json!({"version": "0", "id": id, "detail-type": "Scheduled Event", "source": "meshwarden.sweep",
           "time": TIME, "detail": {}})
}

fn mesh_in(account: &str, region: &str, name: &str) -> ResourceRef {
    ResourceRef::new(ResourceKind::Mesh, account, region, name)
}

/// In-memory ports, a queue, and an engine sweeping two regions of two accounts in shards of 3.
struct Memory {
    mesh: MemoryMesh,
    store: MemoryStore,
    queue: MemoryQueue,
    engine: Engine<MemoryMesh, MemoryStore>,
}

/// `per_scope` meshes (ALLOW_ALL: non-compliant) in each region of each account.
fn memory(per_scope: usize) -> (Memory, Vec<ResourceRef>) {
    let mesh = MemoryMesh::default();
    let store = MemoryStore::default();
    let queue = MemoryQueue::default();
    let mut resources = Vec::new();
    for account in [ACCOUNT, OTHER] {
        for region in [REGION, ELSEWHERE] {
            for i in 0..per_scope {
                let r = mesh_in(account, region, &format!("m{i}"));
                mesh.world().create(
                    &r,
                    json!({"meshName": r.id, "spec": {"egressFilter": {"type": "ALLOW_ALL"}}}),
                    account,
                );
                resources.push(r);
            }
        }
    }
    let config = EngineConfig {
        account: Some(ACCOUNT.to_owned()),
        regions: vec![REGION.to_owned(), ELSEWHERE.to_owned()],
        sweep_accounts: vec![OTHER.to_owned()],
        sweep_shard_size: 3,
        missed_event_grace: Duration::ZERO,
        ..config(AutoRevert::Off)
    };
    let engine = Engine::new(mesh.clone(), store.clone(), config).with_queue(queue.clone());
    let memory = Memory {
        mesh,
        store,
        queue,
        engine,
    };
    (memory, resources)
}

/// Plan sweep `id` and check it sent one list shard per scope.
pub(crate) async fn plan<R: ResourceWriter, S: ComplianceStore, F: FindingsSink>(
    engine: &Engine<R, S, F>,
    id: &str,
) -> usize {
    let (handled, counts) =
        meshwarden_testkit::run_counted(engine, &schedule(id), "schedule").await;
    let Ok(Handled::Planned(plan)) = handled else {
        panic!("the schedule did not plan: {handled:?}")
    };
    assert_eq!(plan.sweep_id, id);
    assert_eq!(plan.time, TIME);
    assert_eq!(counts.evaluations, 0, "planning evaluates nothing");
    plan.scopes.len()
}

/// History items of `id` carrying sweep `sweep`'s event id.
pub(crate) fn sweep_items(store: &MemoryStore, r: &ResourceRef, sweep: &str) -> usize {
    let expected = format!("{sweep}/{}", r.path());
    store
        .history_of(&r.key())
        .iter()
        .filter(|h| h.common.event_id == expected)
        .count()
}

fn outcomes(reports: &[ShardReport]) -> BTreeMap<String, usize> {
    let mut counted = BTreeMap::new();
    for r in reports {
        *counted.entry(format!("{:?}", r.outcome)).or_default() += 1;
    }
    counted
}

#[tokio::test]
async fn a_fanned_out_sweep_records_every_resource_once_and_a_shard_run_again_adds_nothing() {
    let (m, resources) = memory(4);
    // 2 accounts × 2 regions × every service.
    let scopes = plan(&m.engine, "sweep-1").await;
    assert_eq!(
        scopes,
        2 * 2 * meshwarden_rules::resource::AwsService::ALL.len()
    );
    let drained = m.queue.drain(&m.engine, 1).await;
    // Per App Mesh scope: 4 meshes in shards of 3 → 2 evaluate shards.
    let evaluate = drained
        .reports
        .iter()
        .filter(|r| {
            r.shard
                .as_deref()
                .is_some_and(|s| s.starts_with("evaluate"))
        })
        .count();
    assert_eq!(evaluate, 4 * 2);
    assert_eq!(drained.reports.len(), scopes + evaluate);
    assert!(
        drained
            .reports
            .iter()
            .all(|r| r.outcome == ShardOutcome::Done),
        "{:?}",
        outcomes(&drained.reports)
    );
    assert_eq!(drained.retried(), 0);
    let recorded: usize = drained.reports.iter().map(|r| r.sweep.recorded).sum();
    assert_eq!(recorded, resources.len());
    for r in &resources {
        assert_eq!(sweep_items(&m.store, r, "sweep-1"), 1, "{r}");
        assert_eq!(m.mesh.world().describes[&r.key()], 1, "{r} described once");
        let state = m.store.state_of(&r.key()).unwrap();
        assert_eq!(state.common.status, Status::NonCompliant);
    }
    // SQS delivers at least once: the same evaluate shard again writes the same items.
    let again = m
        .queue
        .sent()
        .into_iter()
        .find(|q| q.body.contains("\"evaluate\""))
        .unwrap();
    let batch = deliver(&m.engine, &[("again".into(), again.body, 2)], None).await;
    assert_eq!(batch.shards[0].outcome, ShardOutcome::Done);
    assert_eq!(batch.shards[0].sweep.recorded, 3);
    for r in &resources {
        assert_eq!(m.store.history_of(&r.key()).len(), 1, "{r} recorded twice");
    }
}

#[tokio::test]
async fn a_throttled_describe_sends_back_only_what_was_not_done_later_and_the_sweep_completes() {
    let (m, resources) = memory(3);
    plan(&m.engine, "sweep-t").await;
    // The first describe of the sweep is throttled after the SDK's retries.
    m.mesh
        .fail("describe", ErrorKind::Throttled, Strike::Before);
    let drained = m.queue.drain(&m.engine, 1).await;
    let sent_back: Vec<&ShardReport> = drained.reports.iter().filter(|r| r.sent_back > 0).collect();
    assert_eq!(sent_back.len(), 1, "{:?}", drained.reports);
    let throttled = sent_back[0];
    assert_eq!(throttled.outcome, ShardOutcome::Done, "its message is done");
    assert_eq!(
        throttled.sweep.recorded + throttled.sent_back,
        3,
        "what it finished is recorded, the rest sent back: {throttled:?}"
    );
    assert_eq!(drained.retried(), 0, "no message is delivered twice");
    let remainder = m
        .queue
        .sent()
        .into_iter()
        .find(|q| q.body.contains("\"attempt\":1"))
        .expect("the remainder, one attempt later");
    assert_eq!(
        remainder.delay,
        Duration::from_secs(30),
        "sent back after the configured delay"
    );
    for r in &resources {
        assert_eq!(sweep_items(&m.store, r, "sweep-t"), 1, "{r}");
    }
    // Only the throttled resource was described twice; nothing finished was described again.
    let twice: Vec<_> = m
        .mesh
        .world()
        .describes
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(id, n)| (id.clone(), *n))
        .collect();
    assert_eq!(twice.len(), 1, "{twice:?}");
    assert_eq!(twice[0].1, 2);
}

#[tokio::test]
async fn a_shard_whose_record_is_throttled_is_retried_alone() {
    let (m, resources) = memory(2);
    plan(&m.engine, "sweep-r").await;
    m.store
        .fail("record_sweep", ErrorKind::Throttled, Strike::Before);
    let drained = m.queue.drain(&m.engine, 2).await;
    assert_eq!(drained.retried(), 1, "one message delivered again");
    let retried: Vec<&ShardReport> = drained
        .reports
        .iter()
        .filter(|r| r.outcome == ShardOutcome::Retry)
        .collect();
    assert_eq!(retried.len(), 1);
    assert!(
        retried[0].reason.as_deref().unwrap().contains("throttled"),
        "{retried:?}"
    );
    assert!(
        drained
            .reports
            .iter()
            .filter(|r| r.message_id != retried[0].message_id)
            .all(|r| r.outcome == ShardOutcome::Done),
        "the other messages of its batches are done"
    );
    for r in &resources {
        assert_eq!(sweep_items(&m.store, r, "sweep-r"), 1, "{r}");
    }
}

#[tokio::test]
async fn a_shard_short_of_time_records_what_it_did_and_sends_the_rest_back_at_once() {
    let (m, resources) = memory(3);
    let ids: Vec<String> = resources[..3].iter().map(ResourceRef::key).collect();
    let body = ShardMessage::new("sweep-d", TIME, Shard::Evaluate { resources: ids }).encode();
    // Less than the reserve left: only the first resource is started.
    let deadline = Instant::now() + SHARD_RESERVE / 2;
    let batch = deliver(&m.engine, &[("m1".into(), body, 1)], Some(deadline)).await;
    let report = &batch.shards[0];
    assert_eq!(report.outcome, ShardOutcome::Done, "{report:?}");
    assert_eq!((report.sweep.recorded, report.sent_back), (1, 2));
    assert!(batch.response.batch_item_failures.is_empty());
    let sent = m.queue.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].delay, Duration::ZERO, "out of time is not a fault");
    let remainder = ShardMessage::decode(&sent[0].body).unwrap();
    assert_eq!(remainder.attempt, 0);
    assert_eq!(remainder.resources().unwrap(), resources[1..3].to_vec());
    m.queue.drain(&m.engine, 1).await;
    for r in &resources[..3] {
        assert_eq!(sweep_items(&m.store, r, "sweep-d"), 1, "{r}");
    }
}

#[tokio::test]
async fn a_shard_throttled_too_often_fails_its_message_for_sqs_to_retry_and_dead_letter() {
    let (m, resources) = memory(2);
    let mut message = shard::split("sweep-x", TIME, &resources[..2], 3).remove(0);
    message.attempt = MAX_ATTEMPTS;
    m.mesh
        .fail("describe", ErrorKind::Throttled, Strike::Before);
    let batch = deliver(&m.engine, &[("m1".into(), message.encode(), 5)], None).await;
    assert_eq!(batch.shards[0].outcome, ShardOutcome::Retry);
    assert_eq!(batch.response.batch_item_failures[0].item_identifier, "m1");
    assert!(m.queue.sent().is_empty(), "nothing sent back");
}

#[tokio::test]
async fn poison_is_dropped_and_counted_never_retried() {
    let (m, _) = memory(1);
    let good = shard::plan(
        "sweep-p",
        TIME,
        &[Scope {
            service: meshwarden_rules::resource::AwsService::AppMesh,
            account: ACCOUNT.to_owned(),
            region: REGION.to_owned(),
        }],
    )
    .remove(0)
    .encode();
    let messages = [
        ("bad-json".to_owned(), "{".to_owned(), 1),
        ("event".to_owned(), schedule("not-a-shard").to_string(), 1),
        (
            "future".to_owned(),
            good.replace("\"version\":1", "\"version\":2"),
            1,
        ),
        ("good".to_owned(), good, 1),
    ];
    let event = meshwarden_testkit::fanout::sqs_event(&messages);
    let (handled, counts) = meshwarden_testkit::run_counted(&m.engine, &event, "d").await;
    let Ok(Handled::Shards(batch)) = handled else {
        panic!("{handled:?}")
    };
    let got: Vec<ShardOutcome> = batch.shards.iter().map(|s| s.outcome).collect();
    use ShardOutcome::*;
    assert_eq!(got, vec![Poison, Poison, Poison, Done]);
    assert!(
        batch.response.batch_item_failures.is_empty(),
        "never retried"
    );
    assert_eq!(counts.errors, 3);
    assert_eq!(
        Handled::Shards(batch).response().unwrap(),
        json!({"batchItemFailures": []}),
        "Lambda gets the partial batch response alone"
    );
}

#[tokio::test]
async fn a_refused_listing_fails_its_own_shard_only_and_retires_nothing() {
    let (m, resources) = memory(2);
    // A recorded resource of the refused scope: a failed listing must not retire it.
    let first = &resources[0];
    plan(&m.engine, "sweep-0").await;
    m.queue.drain(&m.engine, 1).await;
    plan(&m.engine, "sweep-l").await;
    m.mesh.fail("list", ErrorKind::Rejected, Strike::Before);
    let drained = m.queue.drain(&m.engine, 1).await;
    let failed: Vec<&ShardReport> = drained
        .reports
        .iter()
        .filter(|r| r.outcome == ShardOutcome::Failed)
        .collect();
    assert_eq!(failed.len(), 1, "{:?}", outcomes(&drained.reports));
    assert_eq!(
        failed[0].shard.as_deref(),
        Some(format!("list appmesh:{ACCOUNT}:{REGION}").as_str())
    );
    assert_eq!(drained.retried(), 0, "a refusal is not retried");
    assert_eq!(
        m.store.state_of(&first.key()).unwrap().common.status,
        Status::NonCompliant
    );
    for r in &resources {
        let in_refused_scope = r.account == ACCOUNT && r.region == REGION;
        let expected = usize::from(!in_refused_scope);
        assert_eq!(sweep_items(&m.store, r, "sweep-l"), expected, "{r}");
    }
}

#[tokio::test]
async fn a_queue_that_does_not_take_the_shards_fails_the_plan_for_the_schedule_to_retry() {
    let (m, _) = memory(1);
    m.queue.fail_next(ErrorKind::Throttled);
    let (handled, _) = meshwarden_testkit::run_counted(&m.engine, &schedule("sweep-q"), "s").await;
    assert!(
        matches!(handled, Err(meshwarden_engine::EngineError::Transient(_))),
        "{handled:?}"
    );
    // A list shard whose evaluate shards are not taken is delivered again.
    plan(&m.engine, "sweep-q").await;
    m.queue.fail_next(ErrorKind::Throttled);
    let drained = m.queue.drain(&m.engine, 1).await;
    assert_eq!(drained.retried(), 1);
    assert!(drained
        .reports
        .iter()
        .any(|r| r.outcome == ShardOutcome::Retry));
}

#[tokio::test]
async fn the_sweep_retires_in_the_list_shard_what_is_gone() {
    let (m, resources) = memory(2);
    plan(&m.engine, "sweep-a").await;
    m.queue.drain(&m.engine, 1).await;
    let gone = &resources[3];
    m.mesh.world().delete(gone);
    plan(&m.engine, "sweep-b").await;
    let drained = m.queue.drain(&m.engine, 1).await;
    let retired: usize = drained.reports.iter().map(|r| r.sweep.retired).sum();
    assert_eq!(retired, 1);
    let state = m.store.state_of(&gone.key()).unwrap();
    assert_eq!(state.common.status, Status::Deleted);
    assert_eq!(state.common.event_id, format!("sweep-b/{}", gone.path()));
}

// ---- against the emulator ----

pub(crate) async fn seed(
    client: &aws_sdk_appmesh::Client,
    account: &str,
    region: &str,
    meshes: usize,
    gateways: usize,
) -> Vec<String> {
    let mut ids = Vec::new();
    for _ in 0..meshes {
        let mesh = unique("fan");
        client
            .create_mesh()
            .mesh_name(&mesh)
            .spec(mesh_spec(EgressFilterType::AllowAll))
            .send()
            .await
            .unwrap();
        ids.push(format!("appmesh:{account}:{region}:mesh/{mesh}"));
        for g in 0..gateways {
            let name = format!("gw-{g}");
            create_gateway_without_tls_with(client, &mesh, &name)
                .await
                .unwrap();
            ids.push(format!(
                "appmesh:{account}:{region}:mesh/{mesh}/virtualGateway/{name}"
            ));
        }
    }
    ids
}

/// The emulator's configuration for a fanned-out sweep of `regions` and `members`.
pub(crate) fn emulator_config(h: &Harness, regions: &[&str], members: &[&str]) -> EngineConfig {
    EngineConfig {
        account: Some(ACCOUNT.to_owned()),
        regions: regions.iter().map(|r| (*r).to_owned()).collect(),
        sweep_accounts: members.iter().map(|a| (*a).to_owned()).collect(),
        member_role_name: Some("meshwarden-member".to_owned()),
        sweep_shard_size: 2,
        sweep_retry_delay: Duration::ZERO,
        missed_event_grace: Duration::ZERO,
        emit_metrics: false,
        ..h.config(AutoRevert::Off)
    }
}

pub(crate) fn shards_of(drained: &Drained, prefix: &str) -> Vec<ShardReport> {
    drained
        .reports
        .iter()
        .filter(|r| r.shard.as_deref().is_some_and(|s| s.starts_with(prefix)))
        .cloned()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_fanned_out_sweep_of_two_regions_and_two_accounts_records_each_resource_once() {
    const R1: &str = "sa-east-1";
    const R2: &str = "ap-northeast-1";
    const MEMBER: &str = "210987654321";
    let h = Harness::new().await;
    let mut expected = seed(&h.app_mesh_as(None, R1).await, ACCOUNT, R1, 2, 2).await;
    expected.extend(seed(&h.app_mesh_as(None, R2).await, ACCOUNT, R2, 1, 1).await);
    let member = h.app_mesh_as(Some(MEMBER), R1).await;
    expected.extend(seed(&member, MEMBER, R1, 1, 2).await);
    let sqs = aws_sdk_sqs::Client::new(&h.sdk);
    let queue = SweepQueue::create(sqs.clone(), &unique("sweep")).await;
    let engine = h
        .engine_with(emulator_config(&h, &[R1, R2], &[MEMBER]))
        .with_queue(queue.adapter(sqs.clone()));

    let sweep = unique("sweep");
    let services = meshwarden_rules::resource::AwsService::ALL.len();
    assert_eq!(plan(&engine, &sweep).await, 2 * 2 * services);
    let drained = queue.drain(&engine, 2, 2, None).await;
    assert!(
        drained
            .reports
            .iter()
            .all(|r| r.outcome == ShardOutcome::Done),
        "{:?}",
        drained.reports
    );
    let recorded: usize = drained.reports.iter().map(|r| r.sweep.recorded).sum();
    assert_eq!(recorded, expected.len());
    for id in &expected {
        assert_eq!(h.history_count(id).await, 1, "{id}");
        let state = engine.store().state(id).await.unwrap().expect("STATE");
        assert_eq!(state.common.status, Status::NonCompliant, "{id}");
        let path = &id[id.find(":mesh/").unwrap() + 1..];
        assert_eq!(state.common.event_id, format!("{sweep}/{path}"));
    }
    assert_eq!(
        shards_of(&drained, "evaluate").len(),
        // Shards of 2: 6 in R1 (3), 2 in R2 (1), 3 of the member (2).
        3 + 1 + 2
    );

    // The same evaluate shard delivered again (SQS is at-least-once) adds no item.
    let again = ShardMessage::new(
        &sweep,
        TIME,
        Shard::Evaluate {
            resources: expected[..2].to_vec(),
        },
    );
    queue
        .client
        .send_message()
        .queue_url(&queue.url)
        .message_body(again.encode())
        .send()
        .await
        .unwrap();
    let rerun = queue.drain(&engine, 1, 1, None).await;
    assert_eq!(rerun.reports.len(), 1);
    assert_eq!(rerun.reports[0].outcome, ShardOutcome::Done);
    for id in &expected {
        assert_eq!(h.history_count(id).await, 1, "{id} written twice");
    }

    // Gone between two sweeps: the next sweep's list shard retires it.
    let gone = &expected[expected.len() - 1];
    let (mesh, gateway) = gone
        .split_once(":mesh/")
        .and_then(|(_, p)| p.split_once("/virtualGateway/"))
        .unwrap();
    member
        .delete_virtual_gateway()
        .mesh_name(mesh)
        .virtual_gateway_name(gateway)
        .send()
        .await
        .unwrap();
    plan(&engine, &unique("sweep")).await;
    let second = queue.drain(&engine, 2, 2, None).await;
    let retired: usize = second.reports.iter().map(|r| r.sweep.retired).sum();
    assert_eq!(retired, 1, "{:?}", second.reports);
    let state = engine.store().state(gone).await.unwrap().unwrap();
    assert_eq!(state.common.status, Status::Deleted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_throttled_fanned_out_sweep_completes_recording_each_resource_once() {
    const R: &str = "ap-northeast-3";
    let h = Harness::new().await;
    let expected = seed(&h.app_mesh_as(None, R).await, ACCOUNT, R, 3, 4).await;
    // 40 % of every call of the engine (App Mesh, DynamoDB, SQS) throttled.
    let proxy = FaultProxy::start_with(0.4, 20261125, "throttle", &[]);
    let slow = through(&h, &proxy);
    let queue = SweepQueue::create(aws_sdk_sqs::Client::new(&h.sdk), &unique("sweep")).await;
    let mut config = emulator_config(&h, &[R], &[]);
    config.sweep_shard_size = 4;
    let engine = slow
        .engine_with(config)
        .with_queue(queue.adapter(aws_sdk_sqs::Client::new(&slow.sdk)));
    let sweep = unique("sweep");
    // The plan is retried as the schedule would retry it.
    let mut planned = false;
    for _ in 0..20 {
        let (handled, _) = meshwarden_testkit::run_counted(&engine, &schedule(&sweep), "s").await;
        if matches!(handled, Ok(Handled::Planned(_))) {
            planned = true;
            break;
        }
    }
    assert!(planned, "the plan never got through");
    let drained = queue.drain(&engine, 1, 2, None).await;
    assert!(injected(&proxy.stats()) > 0, "nothing was throttled");
    let sent_back: usize = drained.reports.iter().map(|r| r.sent_back).sum();
    eprintln!(
        "throttled sweep: {} deliveries, {} retried, {} resources sent back, {:?}",
        drained.reports.len(),
        drained.retried(),
        sent_back,
        outcomes(&drained.reports)
    );
    assert!(
        drained
            .reports
            .iter()
            .all(|r| matches!(r.outcome, ShardOutcome::Done | ShardOutcome::Retry)),
        "throttling slows the sweep, never fails it: {:?}",
        outcomes(&drained.reports)
    );
    for id in &expected {
        assert_eq!(h.history_count(id).await, 1, "{id}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_member_role_that_cannot_be_assumed_fails_that_accounts_list_shards_only() {
    const R: &str = "eu-south-1";
    const MEMBER: &str = "210987654321";
    const DENIED: &str = "333333333333";
    let h = Harness::new().await;
    let mut expected = seed(&h.app_mesh_as(None, R).await, ACCOUNT, R, 1, 1).await;
    expected.extend(seed(&h.app_mesh_as(Some(MEMBER), R).await, MEMBER, R, 1, 1).await);
    // STS refuses the denied account's member role; every other call passes.
    let proxy = FaultProxy::start_with(1.0, 1, "deny", &["Action=AssumeRole", DENIED]);
    let refusing = through(&h, &proxy);
    let queue = SweepQueue::create(aws_sdk_sqs::Client::new(&h.sdk), &unique("sweep")).await;
    let engine = refusing
        .engine_with(emulator_config(&h, &[R], &[MEMBER, DENIED]))
        .with_queue(queue.adapter(aws_sdk_sqs::Client::new(&h.sdk)));
    let services = meshwarden_rules::resource::AwsService::ALL.len();
    assert_eq!(plan(&engine, &unique("sweep")).await, 3 * services);
    let drained = queue.drain(&engine, 1, 2, None).await;
    let failed: Vec<&ShardReport> = drained
        .reports
        .iter()
        .filter(|r| r.outcome != ShardOutcome::Done)
        .collect();
    let mut scopes: Vec<&str> = failed.iter().filter_map(|r| r.shard.as_deref()).collect();
    scopes.sort_unstable();
    assert_eq!(
        scopes,
        vec![
            format!("list appmesh:{DENIED}:{R}").as_str(),
            format!("list ecs:{DENIED}:{R}").as_str(),
            format!("list lattice:{DENIED}:{R}").as_str()
        ],
        "{failed:?}"
    );
    for report in &failed {
        assert_eq!(report.outcome, ShardOutcome::Failed, "{report:?}");
        let reason = report.reason.as_deref().unwrap();
        assert!(
            reason.contains("rejected") && reason.contains("AccessDenied"),
            "{reason}"
        );
    }
    assert_eq!(drained.retried(), 0, "a refusal is not retried");
    assert!(proxy.stats()["injected"]["deny"].as_u64().unwrap() >= 2);
    for id in &expected {
        assert_eq!(h.history_count(id).await, 1, "{id}");
    }
}
