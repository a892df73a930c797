//! The fanned-out sweep at scale: gateways in one region swept as shards through an SQS queue on
//! the emulator, every call of the engine (App Mesh, DynamoDB, SQS) through the fault proxy
//! throttling a share of them, deliveries made as the event source mapping makes them (one
//! message per invocation, `concurrency` at once, each with the function's timeout as its
//! deadline). Reported: API calls per resource (counted per attempt, throttled ones included),
//! the longest shard against its time budget, and the total time against the sum of the shards'
//! times divided by the concurrency (what perfect packing would take).

use crate::counter::total;
use crate::{seed_gateways, Rig};
use anyhow::anyhow;
use meshwarden_engine::fanout::{ShardOutcome, ShardReport};
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{AutoRevert, EngineConfig, Handled};
use meshwarden_testkit::fanout::SweepQueue;
use meshwarden_testkit::proxy::{injected, through, FaultProxy};
use meshwarden_testkit::unique;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// The region the fanned-out sweep's gateways live in (no other benchmark uses it).
const REGION: &str = "ap-northeast-2";
/// The deployed function's timeout (infra/cdk `timeoutSeconds`): each delivery's deadline.
const FUNCTION_TIMEOUT: Duration = Duration::from_secs(120);

/// One run per entry of `concurrency` over the same `resources` gateways.
pub(crate) async fn fanout(
    rig: &Rig,
    resources: usize,
    concurrency: &[usize],
    throttle: f64,
) -> anyhow::Result<Vec<Value>> {
    seed_gateways(&rig.harness, resources, REGION).await?;
    let proxy = FaultProxy::start_with(throttle, 20261125, "throttle", &[]);
    let slow = through(&rig.harness, &proxy);
    let sqs = aws_sdk_sqs::Client::new(&rig.harness.sdk);
    let counted_sqs = aws_sdk_sqs::Client::from_conf(
        aws_sdk_sqs::config::Builder::from(&slow.sdk)
            .interceptor(rig.counter.clone())
            .build(),
    );
    let mut runs = Vec::new();
    for &workers in concurrency {
        let queue = SweepQueue::create(sqs.clone(), &unique("bench-sweep")).await;
        let config = EngineConfig {
            regions: vec![REGION.to_owned()],
            // Sent-back remainders are delivered at once: the figure is the handler's time, not
            // the production back-off (30 s, doubling).
            sweep_retry_delay: Duration::ZERO,
            ..rig.config(AutoRevert::Off)
        };
        let shard_size = config.sweep_shard_size;
        let engine = rig
            .engine_on(&slow.sdk, config)
            .with_queue(queue.adapter(counted_sqs.clone()));
        let injected_before = injected(&proxy.stats());
        rig.counter.take();
        let started = Instant::now();
        let sweep = unique("bench-fanout");
        let schedule = json!({"detail-type": "Scheduled Event", "source": "meshwarden.sweep",
                              "id": sweep, "time": "2026-11-25T06:00:00Z"});
        // The schedule's retries (the plan itself can be throttled).
        let mut planned = false;
        for _ in 0..10 {
            if let Ok(Handled::Planned(_)) = engine.run(&schedule, &Invocation::new()).await {
                planned = true;
                break;
            }
        }
        if !planned {
            return Err(anyhow!("the sweep was never planned"));
        }
        let drained = queue
            .drain(&engine, 1, workers, Some(FUNCTION_TIMEOUT))
            .await;
        let seconds = started.elapsed().as_secs_f64();
        let counts = rig.counter.take();
        let throttled = injected(&proxy.stats()) - injected_before;
        let recorded: usize = drained.reports.iter().map(|r| r.sweep.recorded).sum();
        let shard = |prefix: &str| of_kind(&drained.reports, prefix).count();
        let failed = drained
            .reports
            .iter()
            .filter(|r| matches!(r.outcome, ShardOutcome::Failed | ShardOutcome::Poison))
            .count();
        if failed > 0 || recorded < resources {
            return Err(anyhow!(
                "the fanned-out sweep failed {failed} shard(s) and recorded {recorded} of {resources}+ resources"
            ));
        }
        let seconds_of = |r: &ShardReport| r.sweep.duration_ms as f64 / 1e3;
        let mut times: Vec<f64> = drained.reports.iter().map(seconds_of).collect();
        times.sort_by(f64::total_cmp);
        let longest = |prefix: &str| {
            of_kind(&drained.reports, prefix)
                .map(seconds_of)
                .fold(0.0, f64::max)
        };
        let busy: f64 = times.iter().sum();
        let per = |ops: &[&str]| {
            ops.iter()
                .map(|op| counts.get(*op).copied().unwrap_or(0))
                .sum::<u64>() as f64
                / recorded.max(1) as f64
        };
        let by_service = by_service(&counts);
        runs.push(json!({
            "concurrency": workers, "resources": recorded, "shardSize": shard_size,
            // Deliveries: an evaluate shard delivered again counts again, a remainder sent back too.
            "listShards": shard("list"), "evaluateShards": shard("evaluate"),
            "deliveries": drained.reports.len(), "retriedMessages": drained.retried(),
            "sentBackShards": drained.reports.iter().filter(|r| r.sent_back > 0).count(),
            "sentBackResources": drained.reports.iter().map(|r| r.sent_back).sum::<usize>(),
            "calls": total(&counts), "callsPerResource": total(&counts) as f64 / recorded.max(1) as f64,
            "describesPerResource": per(&["App Mesh.DescribeVirtualGateway", "App Mesh.DescribeMesh"]),
            "writesPerResource": per(&["DynamoDB.UpdateItem", "DynamoDB.BatchWriteItem", "DynamoDB.PutItem"]),
            "callsPerResourceByService": by_service.iter()
                .map(|(k, v)| (k.clone(), json!(*v as f64 / recorded.max(1) as f64)))
                .collect::<serde_json::Map<String, Value>>(),
            "byOperation": counts, "throttledByProxy": throttled,
            "maxShardSeconds": times.last().copied().unwrap_or(0.0),
            "maxListShardSeconds": longest("list"), "maxEvaluateShardSeconds": longest("evaluate"),
            "p50ShardSeconds": times.get(times.len() / 2).copied().unwrap_or(0.0),
            "budgetSeconds": FUNCTION_TIMEOUT.as_secs(),
            "seconds": seconds, "idealSeconds": busy / workers as f64,
        }));
    }
    Ok(runs)
}

/// The reports of the shards of one kind (`list`, `evaluate`).
fn of_kind<'a>(
    reports: &'a [ShardReport],
    prefix: &'a str,
) -> impl Iterator<Item = &'a ShardReport> {
    reports
        .iter()
        .filter(move |r| r.shard.as_deref().is_some_and(|s| s.starts_with(prefix)))
}

/// Calls per service (`App Mesh`, `DynamoDB`, `SQS`, ...).
fn by_service(counts: &BTreeMap<String, u64>) -> BTreeMap<String, u64> {
    let mut services = BTreeMap::new();
    for (operation, n) in counts {
        let service = operation.split('.').next().unwrap_or("unknown").to_owned();
        *services.entry(service).or_default() += n;
    }
    services
}
