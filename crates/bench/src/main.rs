//! `e2e-bench`: end-to-end figures against the local emulator (run it under
//! `scripts/with-emulator.sh`; `scripts/bench.sh` does):
//!
//! * API calls per event, counted by an SDK interceptor, for a compliant event, a non-compliant
//!   one with auto-revert off and on, and a duplicate delivery;
//! * the pipeline's overhead: its latency per event over the latency of the same necessary API
//!   calls made directly with the SDK, measured interleaved in one run;
//! * sweep scaling: time and API calls per resource sweeping 100, 1,000 and 5,000 gateways;
//! * the fanned-out sweep: 10,000 gateways through the shard handler behind the fault proxy's
//!   throttling ([`fanout`]).

mod counter;
mod fanout;
mod lattice;

use anyhow::{anyhow, Context};
use aws_sdk_appmesh::types::EgressFilterType;
use aws_sdk_dynamodb::types::{AttributeValue, Put, Update};
use clap::Parser;
use counter::{total, CallCounter};
use futures::{StreamExt, TryFutureExt};
use meshwarden_engine::adapters::aws::Accounts;
use meshwarden_engine::adapters::dynamo::{size, DynamoStore};
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::services::AwsServices;
use meshwarden_engine::{AutoRevert, Engine, EngineConfig, Handled};
use meshwarden_testkit::{mesh_id, unique, update_mesh_event, Harness, HUMAN_ROLE};
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

/// End-to-end benchmarks against the local emulator.
#[derive(Debug, Parser)]
struct Args {
    /// Small sizes, for CI (keeps the benchmark from rotting, not for figures).
    #[arg(long)]
    quick: bool,
    /// Sweep only the sizes up to this many gateways (100, 1,000, 5,000).
    #[arg(long, default_value_t = 5000)]
    max_sweep_gateways: usize,
    /// Write the results as JSON here too.
    #[arg(long)]
    out: Option<std::path::PathBuf>,
    /// Run only the fanned-out sweep.
    #[arg(long)]
    fanout_only: bool,
    /// Run only the pipeline's overhead against the bare arm (interleaved events).
    #[arg(long)]
    overhead_only: bool,
    /// Events per arm in the overhead benchmark (default 300; quick: 20).
    #[arg(long)]
    overhead_events: Option<usize>,
    /// Gateways the fanned-out sweep covers (quick: 200).
    #[arg(long, default_value_t = 10_000)]
    fanout_resources: usize,
    /// Shards at once (the event source mapping's maximum concurrency), one run each.
    #[arg(long, value_delimiter = ',', default_values_t = [2, 4])]
    fanout_concurrency: Vec<usize>,
    /// Share of the engine's calls the fault proxy throttles during the fanned-out sweep.
    #[arg(long, default_value_t = 0.1)]
    fanout_throttle: f64,
}

pub(crate) struct Rig {
    pub(crate) harness: Harness,
    pub(crate) counter: CallCounter,
}

impl Rig {
    pub(crate) fn engine(&self, config: EngineConfig) -> Engine<AwsServices, DynamoStore> {
        self.engine_on(&self.harness.sdk, config)
    }

    /// An engine whose every client is built from `sdk` (through a proxy, say) and counted.
    pub(crate) fn engine_on(
        &self,
        sdk: &aws_config::SdkConfig,
        config: EngineConfig,
    ) -> Engine<AwsServices, DynamoStore> {
        let dynamodb = aws_sdk_dynamodb::Client::from_conf(
            aws_sdk_dynamodb::config::Builder::from(sdk)
                .interceptor(self.counter.clone())
                .build(),
        );
        let store = DynamoStore::new(dynamodb, config.table.clone(), config.history_ttl);
        let accounts = Accounts::new(sdk, config.own_account().map(str::to_owned))
            .with_interceptor(self.counter.interceptor());
        let mesh = AwsServices::new(&accounts);
        Engine::new(
            mesh,
            store,
            EngineConfig {
                emit_metrics: false,
                ..config
            },
        )
    }

    pub(crate) fn config(&self, auto_revert: AutoRevert) -> EngineConfig {
        self.harness.config(auto_revert)
    }
}

pub(crate) async fn handle(
    engine: &Engine<AwsServices, DynamoStore>,
    event: &Value,
) -> anyhow::Result<Handled> {
    engine
        .run(event, &Invocation::new())
        .await
        .map_err(|e| anyhow!("handler failed: {e}"))
}

/// One scenario's calls, with the floor (the calls no implementation can avoid), and the write
/// units its writes cost, from the items they wrote.
pub(crate) fn row(
    scenario: &str,
    counts: BTreeMap<String, u64>,
    floor: u64,
    why: &str,
    units: Value,
) -> Value {
    json!({"scenario": scenario, "calls": total(&counts), "floor": floor, "byOperation": counts,
           "floorIs": why, "writeUnits": units["total"], "items": units})
}

/// A stored item as DynamoDB sized it (0 when absent).
async fn item_bytes(h: &Harness, pk: &str, sk: &str) -> anyhow::Result<usize> {
    let out = h
        .dynamodb
        .get_item()
        .table_name(&h.table)
        .key("pk", AttributeValue::S(pk.to_owned()))
        .key("sk", AttributeValue::S(sk.to_owned()))
        .send()
        .await?;
    Ok(out.item.as_ref().map_or(0, size::item_size))
}

/// The write units an event's writes cost, computed from the items it wrote (DynamoDB's size
/// rule; an update costs the larger of the item before and after, taken as the item after; a
/// failed conditional write costs what a write would; a transaction twice its items'):
/// `PutItem` → the history item (a second one: the SPEC item), `UpdateItem` → STATE,
/// `TransactWriteItems` → the intent with its cap counter, then the completion with STATE.
pub(crate) async fn write_units(
    h: &Harness,
    pk: &str,
    event: &Value,
    counts: &BTreeMap<String, u64>,
) -> anyhow::Result<Value> {
    let detail = &event["detail"];
    let sk = format!(
        "EVT#{}#{}",
        detail["eventTime"].as_str().unwrap_or_default(),
        detail["eventID"].as_str().unwrap_or_default()
    );
    let history = item_bytes(h, pk, &sk).await?;
    let state = item_bytes(h, pk, "STATE").await?;
    let spec = item_bytes(h, pk, "SPEC").await?;
    let count = |op: &str| counts.get(&format!("DynamoDB.{op}")).copied().unwrap_or(0);
    let (h_u, s_u, spec_u) = (
        size::write_units(history),
        size::write_units(state),
        size::write_units(spec),
    );
    let puts = count("PutItem");
    let transactions = count("TransactWriteItems");
    let total = puts.min(1) * h_u
        + puts.saturating_sub(1) * spec_u
        + count("UpdateItem") * s_u
        + transactions.min(1) * 2 * (h_u + 1)
        + transactions.saturating_sub(1) * 2 * (h_u + s_u);
    Ok(json!({"historyBytes": history, "stateBytes": state, "specBytes": spec, "total": total}))
}

async fn api_calls(rig: &Rig) -> anyhow::Result<Vec<Value>> {
    let h = &rig.harness;
    let off = rig.engine(rig.config(AutoRevert::Off));
    let on = rig.engine(rig.config(AutoRevert::On));
    let mut rows = Vec::new();

    let good = unique("bench-compliant");
    let v = h.create_mesh(&good, EgressFilterType::DropAll).await;
    rig.counter.take();
    // The first compliant event also writes the SPEC item; the steady state is the second.
    handle(
        &off,
        &update_mesh_event(&good, "DROP_ALL", v, HUMAN_ROLE, Duration::ZERO),
    )
    .await?;
    let counts = rig.counter.take();
    let event = update_mesh_event(&good, "DROP_ALL", v, HUMAN_ROLE, Duration::ZERO);
    let first_units = write_units(h, &mesh_id(&good), &event, &counts).await?;
    rows.push(row(
        "first compliant event of a resource",
        counts,
        4,
        "Describe + exemptions Query + history put + STATE update (+ the SPEC item and its \
         hash, once)",
        first_units,
    ));
    handle(&off, &event).await?;
    let counts = rig.counter.take();
    let units = write_units(h, &mesh_id(&good), &event, &counts).await?;
    rows.push(row(
        "compliant event",
        counts,
        4,
        "Describe + exemptions Query + history put + STATE update",
        units,
    ));

    let bad = unique("bench-off");
    let v = h.create_mesh(&bad, EgressFilterType::AllowAll).await;
    rig.counter.take();
    let event = update_mesh_event(&bad, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO);
    handle(&off, &event).await?;
    let counts = rig.counter.take();
    let units = write_units(h, &mesh_id(&bad), &event, &counts).await?;
    rows.push(row(
        "non-compliant, AUTO_REVERT=off",
        counts,
        4,
        "Describe + exemptions Query + history put + STATE update",
        units,
    ));

    let reverted = unique("bench-on");
    let v = h.create_mesh(&reverted, EgressFilterType::AllowAll).await;
    let event = update_mesh_event(&reverted, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO);
    rig.counter.take();
    handle(&on, &event).await?;
    let counts = rig.counter.take();
    let units = write_units(h, &mesh_id(&reverted), &event, &counts).await?;
    rows.push(row(
        "non-compliant, AUTO_REVERT=on",
        counts,
        10,
        "Describe + exemptions Query + previous STATE read (NewNonCompliance; a transaction \
         returns no old item) + last compliant copy read (TLS trust) + intent and cap slot (one \
         transaction) + re-describe before the update (never undo an unseen change) + Update + \
         completion (one transaction) + the reverted document kept as the last compliant copy \
         (SPEC item and its hash on STATE)",
        units,
    ));

    handle(&on, &event).await?;
    let counts = rig.counter.take();
    let units = write_units(h, &mesh_id(&reverted), &event, &counts).await?;
    rows.push(row(
        "duplicate delivery",
        counts,
        5,
        "Describe + exemptions Query + the history put that finds the event recorded + the \
         STATE update (a retry \
         completes what a failure left) + reading what it was recorded as (a pending revert is \
         resumed)",
        units,
    ));
    rows.extend(lattice::api_calls(rig).await?);
    Ok(rows)
}

/// The calls a minimal hand-written responder makes for a compliant event: describe, then a
/// conditional put of the history item and a conditional update of the state item sent
/// together, as the store does (its own item, so its condition never meets the pipeline's
/// writes).
async fn direct(h: &Harness, mesh: &str, event_id: &str, together: bool) -> anyhow::Result<()> {
    let described = h.appmesh.describe_mesh().mesh_name(mesh).send().await?;
    let version = described
        .mesh
        .as_ref()
        .and_then(|m| m.metadata.as_ref())
        .map_or(0, |m| m.version);
    let pk = format!("direct:123456789012:us-east-1:mesh/{mesh}");
    let findings = json!([{"rule": "mesh-egress-drop-all", "severity": "MEDIUM", "verdict": "COMPLIANT"},
                          {"rule": "mesh-ip-preference", "severity": "LOW", "verdict": "NOT_APPLICABLE", "reason": "no required IP preference configured"},
                          {"rule": "mesh-tagged", "severity": "LOW", "verdict": "NOT_APPLICABLE", "reason": "no required tag keys configured"}]);
    let common = json!({"kind": "mesh", "account": "123456789012", "region": "us-east-1", "mesh": mesh, "status": "COMPLIANT",
        "findings": findings, "resourceVersion": version, "eventName": "UpdateMesh", "eventID": event_id,
        "eventTime": "2026-11-23T00:00:00Z", "actor": HUMAN_ROLE, "action": "NONE", "evaluatedAt": "2026-11-23T00:00:00Z"});
    let mut history: HashMap<String, AttributeValue> = serde_dynamo::to_item(&common)?;
    history.insert("pk".into(), AttributeValue::S(pk.clone()));
    history.insert(
        "sk".into(),
        AttributeValue::S(format!("EVT#2026-11-23T00:00:00Z#{event_id}")),
    );
    history.insert("expiresAt".into(), AttributeValue::N("1826000000".into()));
    let state: HashMap<String, AttributeValue> = serde_dynamo::to_item(&common)?;
    let put = Put::builder()
        .table_name(&h.table)
        .set_item(Some(history))
        .condition_expression("attribute_not_exists(pk)")
        .build()?;
    // STATE as a conditional update, the shape the store's write has (a Put could not keep
    // attributes such as the revert log): the emulator then does the same work for both arms.
    let mut update = Update::builder()
        .table_name(&h.table)
        .key("pk", AttributeValue::S(pk))
        .key("sk", AttributeValue::S("STATE".into()))
        .condition_expression(
            "attribute_not_exists(#ver) OR #ver < :ver OR (#ver = :ver AND #et <= :et)",
        )
        .expression_attribute_names("#ver", "resourceVersion")
        .expression_attribute_names("#et", "eventTime")
        .expression_attribute_values(":ver", AttributeValue::N(version.to_string()))
        .expression_attribute_values(":et", AttributeValue::S("2026-11-23T00:00:00Z".into()));
    let mut sets = Vec::new();
    for (i, (name, value)) in state.into_iter().enumerate() {
        sets.push(format!("#a{i} = :a{i}"));
        update = update
            .expression_attribute_names(format!("#a{i}"), name)
            .expression_attribute_values(format!(":a{i}"), value);
    }
    // The store's shape: the conditional history put and the conditional STATE update, sent
    // together (`together`; else one after the other, as the store did before).
    let update = update
        .update_expression(format!("SET {}", sets.join(", ")))
        .build()?;
    let put = h
        .dynamodb
        .put_item()
        .table_name(put.table_name())
        .set_item(Some(put.item().clone()))
        .condition_expression("attribute_not_exists(pk)")
        .send()
        .map_err(anyhow::Error::from);
    let update = h
        .dynamodb
        .update_item()
        .table_name(update.table_name())
        .set_key(Some(update.key().clone()))
        .update_expression(update.update_expression())
        .set_condition_expression(update.condition_expression().map(str::to_owned))
        .set_expression_attribute_names(update.expression_attribute_names().cloned())
        .set_expression_attribute_values(update.expression_attribute_values().cloned())
        .send()
        .map_err(anyhow::Error::from);
    if together {
        tokio::try_join!(put, update)?;
    } else {
        put.await?;
        update.await?;
    }
    Ok(())
}

fn stats(samples: &mut [Duration]) -> Value {
    samples.sort_unstable();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let mean = samples.iter().map(|d| ms(*d)).sum::<f64>() / samples.len().max(1) as f64;
    let pick = |q: f64| ms(samples[((samples.len() - 1) as f64 * q) as usize]);
    json!({"n": samples.len(), "meanMs": mean, "p50Ms": pick(0.5), "p90Ms": pick(0.9), "p99Ms": pick(0.99)})
}

async fn overhead(rig: &Rig, iterations: usize) -> anyhow::Result<Value> {
    let h = &rig.harness;
    let engine = rig.engine(rig.config(AutoRevert::Off));
    let mesh = unique("bench-overhead");
    let v = h.create_mesh(&mesh, EgressFilterType::DropAll).await;
    let (mut pipeline, mut sdk, mut sequential) = (Vec::new(), Vec::new(), Vec::new());
    let (mut pipeline_cpu, mut sdk_cpu) = (Duration::ZERO, Duration::ZERO);
    for i in 0..iterations + 10 {
        let event = update_mesh_event(&mesh, "DROP_ALL", v, HUMAN_ROLE, Duration::ZERO);
        let (started, cpu) = (Instant::now(), cpu_time());
        handle(&engine, &event).await?;
        let (p, p_cpu) = (started.elapsed(), cpu_time().saturating_sub(cpu));
        let (started, cpu) = (Instant::now(), cpu_time());
        direct(h, &mesh, &unique("direct"), true).await?;
        let (d, d_cpu) = (started.elapsed(), cpu_time().saturating_sub(cpu));
        let started = Instant::now();
        direct(h, &mesh, &unique("direct"), false).await?;
        let s = started.elapsed();
        if i >= 10 {
            // The first rounds warm connections and caches on every side.
            pipeline.push(p);
            sdk.push(d);
            sequential.push(s);
            pipeline_cpu += p_cpu;
            sdk_cpu += d_cpu;
        }
    }
    let (p, d) = (stats(&mut pipeline), stats(&mut sdk));
    let ratio = |key: &str| p[key].as_f64().unwrap_or(0.0) / d[key].as_f64().unwrap_or(1.0);
    let per_event = |cpu: Duration| cpu.as_secs_f64() * 1000.0 / iterations.max(1) as f64;
    Ok(
        json!({"pipeline": p, "directSdk": d, "directSdkWritesInSequence": stats(&mut sequential),
        "ratioP50": ratio("p50Ms"), "ratioMean": ratio("meanMs"),
        "clientCpuMsPerEvent": {"pipeline": per_event(pipeline_cpu), "directSdk": per_event(sdk_cpu)}}),
    )
}

/// CPU time (user + system, every thread) this process has used so far, from `/proc/self/stat`
/// (Linux clock ticks of 10 ms: meaningful summed over many events, not for one).
fn cpu_time() -> Duration {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // After the command name's ")" come the fields from `state` (3rd) on: utime is the 14th, stime the 15th.
    let fields: Vec<&str> = stat
        .rsplit_once(')')
        .map_or("", |(_, rest)| rest)
        .split_whitespace()
        .collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<u64>().ok())
            .unwrap_or(0)
    };
    Duration::from_millis((ticks(11) + ticks(12)) * 10)
}

/// `size` gateways without TLS in meshes of 50 (App Mesh's default quota of gateways per mesh,
/// meshes DROP_ALL) in `region`.
pub(crate) async fn seed_gateways(h: &Harness, size: usize, region: &str) -> anyhow::Result<()> {
    let client = aws_sdk_appmesh::Client::from_conf(
        aws_sdk_appmesh::config::Builder::from(&h.sdk)
            .region(aws_sdk_appmesh::config::Region::new(region.to_owned()))
            .build(),
    );
    const PER_MESH: usize = 50;
    let meshes: Vec<String> = (0..size.div_ceil(PER_MESH))
        .map(|_| unique("sweep"))
        .collect();
    for mesh in &meshes {
        client
            .create_mesh()
            .mesh_name(mesh)
            .spec(meshwarden_testkit::mesh_spec(EgressFilterType::DropAll))
            .send()
            .await?;
    }
    let creates = (0..size).map(|i| {
        let (client, mesh) = (client.clone(), meshes[i / PER_MESH].clone());
        async move {
            meshwarden_testkit::create_gateway_without_tls_with(&client, &mesh, &format!("gw-{i}"))
                .await
        }
    });
    let created: Vec<_> = futures::stream::iter(creates)
        .buffer_unordered(16)
        .collect()
        .await;
    created
        .into_iter()
        .collect::<Result<Vec<_>, _>>()
        .context("creating gateways")?;
    Ok(())
}

async fn sweep(rig: &Rig, size: usize, region: &str) -> anyhow::Result<Value> {
    seed_gateways(&rig.harness, size, region).await?;
    let config = EngineConfig {
        regions: vec![region.to_owned()],
        ..rig.config(AutoRevert::Off)
    };
    let concurrency = config.sweep_concurrency;
    let engine = rig.engine(config);
    rig.counter.take();
    let started = Instant::now();
    let schedule = json!({"detail-type": "Scheduled Event", "source": "meshwarden.sweep",
        "id": unique("bench-sweep"), "time": "2026-11-23T00:00:00Z"});
    let report = match engine.run(&schedule, &Invocation::new()).await {
        Ok(Handled::Swept(report)) => report,
        other => return Err(anyhow!("sweep failed: {other:?}")),
    };
    let elapsed = started.elapsed();
    let counts = rig.counter.take();
    let calls = total(&counts);
    Ok(
        json!({"gateways": size, "resources": report.recorded, "seconds": elapsed.as_secs_f64(),
        "resourcesPerSecond": report.recorded as f64 / elapsed.as_secs_f64(), "calls": calls,
        "callsPerResource": calls as f64 / report.recorded.max(1) as f64, "byOperation": counts,
        "describeConcurrency": concurrency}),
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = Args::parse();
    let rig = Rig {
        harness: Harness::new().await,
        counter: CallCounter::default(),
    };
    if args.fanout_only {
        let fanout = fanout_section(&rig, &args).await?;
        return write_out(args.out.as_deref(), &json!({ "fanout": fanout }));
    }
    let events = args
        .overhead_events
        .unwrap_or(if args.quick { 20 } else { 300 });
    if args.overhead_only {
        let overhead = overhead(&rig, events).await?;
        println!("{}", serde_json::to_string_pretty(&overhead)?);
        return write_out(args.out.as_deref(), &json!({ "overhead": overhead }));
    }
    let calls = api_calls(&rig).await?;
    println!("## API calls per event");
    println!("| scenario | calls | floor | write units | by operation |\n|---|---|---|---|---|");
    for r in &calls {
        println!(
            "| {} | {} | {} | {} | {} |",
            r["scenario"].as_str().unwrap_or(""),
            r["calls"],
            r["floor"],
            r["writeUnits"],
            r["byOperation"]
        );
    }
    let overhead = overhead(&rig, events).await?;
    println!(
        "\n## Pipeline overhead (interleaved, same run)\n{}",
        serde_json::to_string_pretty(&overhead)?
    );
    let sizes: &[(usize, &str)] = if args.quick {
        &[(100, "eu-west-2")]
    } else {
        &[
            (100, "eu-west-2"),
            (1000, "eu-west-3"),
            (5000, "ap-south-1"),
        ]
    };
    let mut sweeps = Vec::new();
    println!("\n## Sweep scaling\n| gateways | resources | seconds | resources/s | calls/resource | describe concurrency |\n|---|---|---|---|---|---|");
    for (size, region) in sizes
        .iter()
        .filter(|(size, _)| *size <= args.max_sweep_gateways)
    {
        let s = sweep(&rig, *size, region).await?;
        println!(
            "| {} | {} | {:.2} | {:.0} | {:.2} | {} |",
            s["gateways"],
            s["resources"],
            s["seconds"].as_f64().unwrap_or(0.0),
            s["resourcesPerSecond"].as_f64().unwrap_or(0.0),
            s["callsPerResource"].as_f64().unwrap_or(0.0),
            s["describeConcurrency"]
        );
        sweeps.push(s);
    }
    let fanout = fanout_section(&rig, &args).await?;
    let all = json!({"apiCalls": calls, "overhead": overhead, "sweep": sweeps, "fanout": fanout});
    write_out(args.out.as_deref(), &all)
}

/// The fanned-out sweep's runs, printed as a table.
async fn fanout_section(rig: &Rig, args: &Args) -> anyhow::Result<Vec<Value>> {
    let (resources, concurrency) = if args.quick {
        (200, vec![2])
    } else {
        (args.fanout_resources, args.fanout_concurrency.clone())
    };
    let runs = fanout::fanout(rig, resources, &concurrency, args.fanout_throttle).await?;
    println!(
        "\n## Fanned-out sweep ({resources} gateways, {:.0} % of the engine's calls throttled)",
        args.fanout_throttle * 100.0
    );
    println!("| concurrency | deliveries (list + evaluate) | sent back / retried | calls/resource | describes/resource | writes/resource | longest list / evaluate shard s (budget) | total s | Σ shard time ÷ concurrency s |\n|---|---|---|---|---|---|---|---|---|");
    for r in &runs {
        println!(
            "| {} | {} + {} | {} / {} | {:.2} | {:.2} | {:.2} | {:.1} / {:.1} ({}) | {:.1} | {:.1} |",
            r["concurrency"],
            r["listShards"],
            r["evaluateShards"],
            r["sentBackShards"],
            r["retriedMessages"],
            r["callsPerResource"].as_f64().unwrap_or(0.0),
            r["describesPerResource"].as_f64().unwrap_or(0.0),
            r["writesPerResource"].as_f64().unwrap_or(0.0),
            r["maxListShardSeconds"].as_f64().unwrap_or(0.0),
            r["maxEvaluateShardSeconds"].as_f64().unwrap_or(0.0),
            r["budgetSeconds"],
            r["seconds"].as_f64().unwrap_or(0.0),
            r["idealSeconds"].as_f64().unwrap_or(0.0),
        );
    }
    Ok(runs)
}

fn write_out(path: Option<&std::path::Path>, all: &Value) -> anyhow::Result<()> {
    if let Some(path) = path {
        std::fs::write(path, serde_json::to_string_pretty(all)?)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}
