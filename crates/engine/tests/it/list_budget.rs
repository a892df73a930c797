//! List shards within their time budget: a scope listed in pages stops between two pages once
//! short of time and hands the rest on as a list shard of the same sweep (the next page's
//! cursor and what was listed), and only the shard that lists the last page retires what the
//! whole listing did not find. In memory (pages of the in-memory mesh and VPC Lattice), then on
//! the emulator (App Mesh's `ListMeshes` pages; VPC Lattice's `ListServiceNetworks`,
//! `ListServices` and `ListTargetGroups` pages; SQS).

use crate::decisions::{config, mesh_ref};
use crate::fanout::{emulator_config, plan, seed, shards_of, sweep_items};
use meshwarden_engine::adapters::aws::Accounts;
use meshwarden_engine::core::error::ErrorKind;
use meshwarden_engine::core::ports::ComplianceStore;
use meshwarden_engine::core::record::Status;
use meshwarden_engine::fanout::{ShardOutcome, ShardReport};
use meshwarden_engine::services::lattice::LatticeAdapter;
use meshwarden_engine::{AutoRevert, Engine, EngineConfig};
use meshwarden_rules::resource::{AwsService, ResourceKind, ResourceRef};
use meshwarden_testkit::fanout::{deliver, Drained, MemoryQueue, SweepQueue};
use meshwarden_testkit::lattice_memory::MemoryLattice;
use meshwarden_testkit::memory::{MemoryMesh, MemoryStore};
use meshwarden_testkit::*;
use serde_json::json;
use std::time::Duration;

/// The App Mesh list shards of a drained queue, in delivery order.
fn app_mesh_lists(drained: &Drained) -> Vec<ShardReport> {
    shards_of(drained, "list appmesh:")
}

/// The VPC Lattice list shards of a drained queue, in delivery order.
fn lattice_lists(drained: &Drained) -> Vec<ShardReport> {
    shards_of(drained, "list lattice:")
}

struct Paged {
    mesh: MemoryMesh,
    store: MemoryStore,
    queue: MemoryQueue,
    engine: Engine<MemoryMesh, MemoryStore>,
    meshes: Vec<ResourceRef>,
}

/// 13 meshes in one account and region, listed 3 per page (5 pages).
fn paged() -> Paged {
    let (mesh, store, queue) = (
        MemoryMesh::default(),
        MemoryStore::default(),
        MemoryQueue::default(),
    );
    let meshes: Vec<ResourceRef> = (0..13).map(|i| mesh_ref(&format!("m{i:02}"))).collect();
    {
        let mut world = mesh.world();
        world.page_size = Some(3);
        for r in &meshes {
            world.create(
                r,
                json!({"meshName": r.id, "spec": {"egressFilter": {"type": "ALLOW_ALL"}}}),
                ACCOUNT,
            );
        }
    }
    let config = EngineConfig {
        account: Some(ACCOUNT.to_owned()),
        sweep_shard_size: 4,
        missed_event_grace: Duration::ZERO,
        ..config(AutoRevert::Off)
    };
    let engine = Engine::new(mesh.clone(), store.clone(), config).with_queue(queue.clone());
    Paged {
        mesh,
        store,
        queue,
        engine,
        meshes,
    }
}

#[tokio::test]
async fn a_list_shard_short_of_time_hands_the_rest_on_page_by_page_and_retires_only_at_the_end() {
    let p = paged();
    // A first sweep with time to spare records every mesh; then one mesh goes.
    plan(&p.engine, "sweep-1").await;
    let first = p.queue.drain(&p.engine, 1).await;
    let lists = app_mesh_lists(&first);
    assert_eq!(
        lists.len(),
        1,
        "with time to spare one shard lists every page"
    );
    assert_eq!(lists[0].sweep.listed, 13);
    let gone = p.meshes[0].clone();
    p.mesh.world().delete(&gone);

    // Every delivery of the second sweep is short of time from its start: each list shard
    // lists one page (3 meshes) and hands the rest on.
    let pages_before = p.mesh.world().pages;
    plan(&p.engine, "sweep-2").await;
    let second = p
        .queue
        .drain_within(&p.engine, 1, Some(Duration::ZERO))
        .await;
    let lists = app_mesh_lists(&second);
    assert!(
        lists.iter().all(|r| r.outcome == ShardOutcome::Done),
        "{lists:?}"
    );
    let listed: Vec<usize> = lists.iter().map(|r| r.sweep.listed).collect();
    assert_eq!(listed, vec![3, 3, 3, 3], "12 meshes left, 3 per page");
    let retired: Vec<usize> = lists.iter().map(|r| r.sweep.retired).collect();
    assert_eq!(
        retired,
        vec![0, 0, 0, 1],
        "the gone mesh is retired once, by the shard that listed the last page"
    );
    assert_eq!(
        lists[1].shard.as_deref(),
        Some("list appmesh:123456789012:us-east-1 after 3 resource(s)")
    );
    // App Mesh: 4 pages; VPC Lattice and ECS: 1 each (their scopes are empty).
    assert_eq!(p.mesh.world().pages - pages_before, 4 + 1 + 1);
    for r in &p.meshes[1..] {
        assert_eq!(sweep_items(&p.store, r, "sweep-2"), 1, "{r}: recorded once");
        let state = p.store.state_of(&r.key()).unwrap();
        assert_eq!(
            state.common.status,
            Status::NonCompliant,
            "{r}: not retired"
        );
    }
    assert_eq!(
        p.store.state_of(&gone.key()).unwrap().common.status,
        Status::Deleted
    );
}

#[tokio::test]
async fn a_listing_fault_on_a_later_page_retries_that_shard_alone_and_loses_nothing() {
    let p = paged();
    plan(&p.engine, "sweep-1").await;
    // The third page's listing fails once: its shard is delivered again from its continuation.
    p.mesh.fail_page_at("6", ErrorKind::Transport);
    let drained = p
        .queue
        .drain_within(&p.engine, 1, Some(Duration::ZERO))
        .await;
    let outcomes: Vec<ShardOutcome> = app_mesh_lists(&drained).iter().map(|r| r.outcome).collect();
    assert_eq!(
        outcomes,
        vec![
            ShardOutcome::Done,
            ShardOutcome::Done,
            ShardOutcome::Retry,
            ShardOutcome::Done,
            ShardOutcome::Done,
            ShardOutcome::Done,
        ],
        "pages from 0, 3, 6 (refused once), 6 again, 9, 12"
    );
    for r in &p.meshes {
        assert_eq!(sweep_items(&p.store, r, "sweep-1"), 1, "{r}: recorded once");
    }
}

#[tokio::test]
async fn a_lattice_list_shard_short_of_time_hands_the_rest_on_and_retires_only_at_the_end() {
    let (lattice, store, queue) = (
        MemoryLattice::default(),
        MemoryStore::default(),
        MemoryQueue::default(),
    );
    let mut resources = Vec::new();
    {
        let mut world = lattice.world();
        world.page_size = Some(3);
        resources.extend((0..5).map(|_| world.create_network("NONE")));
        resources.extend((0..3).map(|_| world.create_service("NONE")));
        resources.extend((0..2).map(|_| world.create_target_group("HTTPS", Some(true))));
    }
    let config = EngineConfig {
        account: Some(ACCOUNT.to_owned()),
        sweep_shard_size: 4,
        missed_event_grace: Duration::ZERO,
        ..config(AutoRevert::Off)
    };
    let engine = Engine::new(lattice.clone(), store.clone(), config).with_queue(queue.clone());
    plan(&engine, "sweep-1").await;
    let first = queue.drain(&engine, 1).await;
    let listed: Vec<usize> = lattice_lists(&first)
        .iter()
        .map(|r| r.sweep.listed)
        .collect();
    assert_eq!(
        listed,
        vec![10],
        "with time to spare one shard lists every page"
    );
    let gone = resources.remove(4);
    lattice.world().delete(gone.id.as_str());

    let pages_before = lattice.world().pages;
    plan(&engine, "sweep-2").await;
    let second = queue.drain_within(&engine, 1, Some(Duration::ZERO)).await;
    let lists = lattice_lists(&second);
    assert!(
        lists.iter().all(|r| r.outcome == ShardOutcome::Done),
        "{lists:?}"
    );
    let listed: Vec<usize> = lists.iter().map(|r| r.sweep.listed).collect();
    assert_eq!(listed, vec![3, 3, 3], "9 resources left, 3 per page");
    let retired: Vec<usize> = lists.iter().map(|r| r.sweep.retired).collect();
    assert_eq!(
        retired,
        vec![0, 0, 1],
        "retired once, by the last page's shard"
    );
    // VPC Lattice: 3 pages; App Mesh and ECS: 1 each (their scopes are empty).
    assert_eq!(lattice.world().pages - pages_before, 3 + 1 + 1);
    for r in &resources {
        assert_eq!(sweep_items(&store, r, "sweep-2"), 1, "{r}: recorded once");
        let state = store.state_of(&r.key()).unwrap();
        assert_ne!(state.common.status, Status::Deleted, "{r}: not retired");
    }
    assert_eq!(
        store.state_of(&gone.key()).unwrap().common.status,
        Status::Deleted
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_the_emulator_a_list_shard_short_of_time_hands_list_meshes_pages_on() {
    // A region no other test uses: its listing holds only these meshes.
    const HERE: &str = "eu-west-3";
    let h = Harness::new().await;
    let client = h.app_mesh_as(None, HERE).await;
    let expected = seed(&client, ACCOUNT, HERE, 23, 0).await;
    let sqs = aws_sdk_sqs::Client::new(&h.sdk);
    let queue = SweepQueue::create(sqs.clone(), &unique("list-budget")).await;
    let engine = h
        .engine_with(EngineConfig {
            sweep_shard_size: 10,
            ..emulator_config(&h, &[HERE], &[])
        })
        .with_queue(queue.adapter(sqs.clone()));

    // A first sweep with time to spare; then one mesh goes.
    plan(&engine, &unique("sweep")).await;
    queue.drain(&engine, 1, 1, None).await;
    let gone = &expected[0];
    let gone_name = &gone[gone.find(":mesh/").unwrap() + 6..];
    client
        .delete_mesh()
        .mesh_name(gone_name)
        .send()
        .await
        .unwrap();

    let sweep = unique("sweep");
    plan(&engine, &sweep).await;
    let drained = queue.drain(&engine, 1, 1, Some(Duration::ZERO)).await;
    let lists = app_mesh_lists(&drained);
    let listed: Vec<usize> = lists.iter().map(|r| r.sweep.listed).collect();
    assert_eq!(listed, vec![10, 10, 2], "ListMeshes pages of 10: {lists:?}");
    let retired: Vec<usize> = lists.iter().map(|r| r.sweep.retired).collect();
    assert_eq!(retired, vec![0, 0, 1], "retired once, at the end");
    for id in &expected[1..] {
        let state = engine.store().state(id).await.unwrap().expect("STATE");
        assert_eq!(state.common.status, Status::NonCompliant, "{id}");
        let path = &id[id.find(":mesh/").unwrap() + 1..];
        assert_eq!(state.common.event_id, format!("{sweep}/{path}"), "{id}");
    }
    let state = engine.store().state(gone).await.unwrap().expect("STATE");
    assert_eq!(state.common.status, Status::Deleted);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn on_the_emulator_a_lattice_list_shard_short_of_time_hands_each_listing_page_on() {
    // A region no other test uses: its listings hold only these resources.
    const HERE: &str = "ap-south-1";
    const PAGE: i32 = 3;
    let h = Harness::new().await;
    let client = h.lattice_as(ACCOUNT, HERE).await;
    let mut expected = Vec::new();
    for _ in 0..7 {
        let out = client.create_service_network().name(unique("pg"));
        let id = out.send().await.unwrap().id.unwrap();
        expected.push(ResourceRef::new(
            ResourceKind::ServiceNetwork,
            ACCOUNT,
            HERE,
            id,
        ));
    }
    for _ in 0..4 {
        let out = client.create_service().name(unique("pg"));
        let id = out.send().await.unwrap().id.unwrap();
        expected.push(ResourceRef::new(ResourceKind::Service, ACCOUNT, HERE, id));
    }
    for _ in 0..5 {
        let out = client
            .create_target_group()
            .name(unique("pg"))
            .r#type(aws_sdk_vpclattice::types::TargetGroupType::Lambda);
        let id = out.send().await.unwrap().id.unwrap();
        expected.push(ResourceRef::new(
            ResourceKind::TargetGroup,
            ACCOUNT,
            HERE,
            id,
        ));
    }
    let sqs = aws_sdk_sqs::Client::new(&h.sdk);
    let queue = SweepQueue::create(sqs.clone(), &unique("list-budget")).await;
    let config = EngineConfig {
        sweep_shard_size: 10,
        ..emulator_config(&h, &[HERE], &[])
    };
    let (services, store) = h.ports(&config);
    let accounts =
        Accounts::new(&h.sdk, config.own_account().map(str::to_owned)).with_members(&config);
    let lattice = LatticeAdapter::new(accounts).with_page_size(PAGE);
    let engine = Engine::new(
        services.with(AwsService::VpcLattice, lattice),
        store,
        config,
    )
    .with_queue(queue.adapter(sqs.clone()));

    // A first sweep with time to spare lists every page in one shard; then a target group goes.
    plan(&engine, &unique("sweep")).await;
    let first = queue.drain(&engine, 1, 1, None).await;
    let listed: Vec<usize> = lattice_lists(&first)
        .iter()
        .map(|r| r.sweep.listed)
        .collect();
    assert_eq!(listed, vec![16], "one shard lists the whole scope");
    let gone = expected.pop().unwrap();
    client
        .delete_target_group()
        .target_group_identifier(gone.id.as_str())
        .send()
        .await
        .unwrap();

    let sweep = unique("sweep");
    plan(&engine, &sweep).await;
    let drained = queue.drain(&engine, 1, 1, Some(Duration::ZERO)).await;
    let lists = lattice_lists(&drained);
    assert!(
        lists.iter().all(|r| r.outcome == ShardOutcome::Done),
        "{lists:?}"
    );
    let listed: Vec<usize> = lists.iter().map(|r| r.sweep.listed).collect();
    assert_eq!(
        listed,
        vec![3, 3, 1, 3, 1, 3, 1],
        "networks 3+3+1, services 3+1, target groups 3+1, one page per shard: {lists:?}"
    );
    let retired: Vec<usize> = lists.iter().map(|r| r.sweep.retired).collect();
    assert_eq!(
        retired,
        vec![0, 0, 0, 0, 0, 0, 1],
        "retired once, at the end"
    );
    assert_eq!(
        lists[3].shard.as_deref(),
        Some(format!("list lattice:{ACCOUNT}:{HERE} after 7 resource(s)").as_str())
    );
    for r in &expected {
        let state = engine
            .store()
            .state(&r.key())
            .await
            .unwrap()
            .expect("STATE");
        assert_ne!(state.common.status, Status::Deleted, "{r}");
        assert_eq!(
            state.common.event_id,
            format!("{sweep}/{}", r.path()),
            "{r}"
        );
    }
    let state = engine
        .store()
        .state(&gone.key())
        .await
        .unwrap()
        .expect("STATE");
    assert_eq!(state.common.status, Status::Deleted);

    // A continuation whose cursor names no listing (a body from elsewhere, or a bug) fails its
    // shard, naming the cursor; it is not retried and retires nothing.
    let body = json!({"meshwarden": "sweep-shard", "version": 1, "sweepId": unique("sweep"),
        "time": "2026-11-25T06:00:00Z", "shard": {"kind": "list",
        "scope": {"service": "vpc-lattice", "account": ACCOUNT, "region": HERE},
        "continuation": {"cursor": "meshes:abc", "listed": []}}});
    let batch = deliver(&engine, &[("bad".to_owned(), body.to_string(), 1)], None).await;
    assert_eq!(batch.shards[0].outcome, ShardOutcome::Failed, "{batch:?}");
    let reason = batch.shards[0].reason.as_deref().unwrap_or_default();
    assert!(reason.contains("\"meshes:abc\""), "{reason}");
    for r in &expected {
        let state = engine
            .store()
            .state(&r.key())
            .await
            .unwrap()
            .expect("STATE");
        assert_ne!(state.common.status, Status::Deleted, "{r}");
    }
}
