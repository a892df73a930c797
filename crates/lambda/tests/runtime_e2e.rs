//! End to end through a real Lambda Runtime API: the built `bootstrap` binary polls cargo-lambda's
//! local runtime (`cargo lambda watch --only-lambda-apis`), `cargo lambda invoke` delivers a
//! CloudTrail event, and the table and the mesh in the emulator show the outcome.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use aws_sdk_appmesh::types::EgressFilterType;
use meshwarden_engine::core::shard::{Shard, ShardMessage, MAX_ATTEMPTS};
use meshwarden_testkit::fanout::{sqs_event, SweepQueue};
use meshwarden_testkit::proxy::FaultProxy;
use meshwarden_testkit::*;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// A child process killed when dropped.
struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `cargo lambda watch --only-lambda-apis`, returned once it says its runtime server started.
fn runtime_api(port: u16) -> Running {
    let mut running = Running(
        Command::new("cargo")
            .args([
                "lambda",
                "watch",
                "--only-lambda-apis",
                "-A",
                "127.0.0.1",
                "-P",
                &port.to_string(),
            ])
            .current_dir(workspace())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("cargo-lambda is installed (scripts/with-emulator.sh puts .venv/bin on PATH)"),
    );
    let output = BufReader::new(running.0.stdout.take().unwrap()).lines();
    let errors = BufReader::new(running.0.stderr.take().unwrap()).lines();
    let mut seen = Vec::new();
    // cargo-lambda logs to stdout or stderr depending on its version: read both until it is up.
    let (tx, rx) = std::sync::mpsc::channel();
    for lines in [
        Box::new(output) as Box<dyn Iterator<Item = std::io::Result<String>> + Send>,
        Box::new(errors),
    ] {
        let tx = tx.clone();
        std::thread::spawn(move || lines.map_while(Result::ok).for_each(|l| drop(tx.send(l))));
    }
    drop(tx);
    for line in rx.iter() {
        let started = line.contains("starting Runtime server");
        seen.push(line);
        if started {
            // The log line precedes the bind by a moment: wait for the socket itself.
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                std::thread::yield_now();
            }
            return running;
        }
    }
    panic!(
        "cargo lambda watch exited without starting its runtime server:\n{}",
        seen.join("\n")
    );
}

/// The built `bootstrap` polling the runtime API on `port`, with `env` over the test's own
/// environment (without `MESHWARDEN_OWN_ROLE_ARN`: the function asks STS who it is).
fn bootstrap(port: u16, env: &[(&str, &str)]) -> Running {
    Running(
        Command::new(env!("CARGO_BIN_EXE_bootstrap"))
            .env(
                "AWS_LAMBDA_RUNTIME_API",
                format!("http://127.0.0.1:{port}/.rt"),
            )
            .env("AWS_LAMBDA_FUNCTION_NAME", "_")
            .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
            .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
            .env_remove("MESHWARDEN_OWN_ROLE_ARN")
            .envs(env.iter().copied())
            .stdout(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

fn invoke(port: u16, payload: &Value) -> Value {
    let file = std::env::temp_dir().join(format!("{}.json", unique("meshwarden-e2e-event")));
    std::fs::write(&file, payload.to_string()).unwrap();
    let out = Command::new("cargo")
        .args([
            "lambda",
            "invoke",
            "-A",
            "127.0.0.1",
            "-P",
            &port.to_string(),
            "--output-format",
            "json",
            "--data-file",
        ])
        .arg(&file)
        .current_dir(workspace())
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&file);
    assert!(
        out.status.success(),
        "invoke failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)))
}

#[tokio::test(flavor = "multi_thread")]
async fn bootstrap_reverts_the_seed_drift_through_the_runtime_api() {
    let h = Harness::new().await;
    let mesh = unique("cc-production-app-mesh");
    let version = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let port = free_port();
    let _runtime = runtime_api(port);
    // No MESHWARDEN_OWN_ROLE_ARN: the function learns its identity from STS at cold start.
    let _bootstrap = bootstrap(
        port,
        &[("MESHWARDEN_TABLE", &h.table), ("AUTO_REVERT", "on")],
    );

    let event = update_mesh_event(&mesh, "ALLOW_ALL", version, HUMAN_ROLE, Duration::ZERO);
    let handled = invoke(port, &event);
    assert_eq!(handled["outcome"], "evaluated", "{handled}");
    assert_eq!(handled["action"], "REVERTED", "{handled}");
    assert_eq!(
        h.egress(&mesh).await,
        Some(EgressFilterType::DropAll),
        "the mesh was reverted"
    );
    let state = h.items(&mesh_id(&mesh)).await;
    let state_item = state
        .iter()
        .find(|i| i["sk"].as_s().unwrap() == "STATE")
        .expect("a STATE item");
    assert_eq!(state_item["status"].as_s().unwrap(), "COMPLIANT");
    assert_eq!(h.history_count(&mesh_id(&mesh)).await, 1);

    // Poison input is answered (not retried) and the function keeps serving.
    let rejected = invoke(
        port,
        &serde_json::json!({"detail-type": "AWS API Call via CloudTrail"}),
    );
    assert_eq!(rejected["outcome"], "rejected", "{rejected}");
    let again = invoke(port, &event);
    assert_eq!(again["recorded"], "duplicate", "{again}");
    assert_eq!(h.history_count(&mesh_id(&mesh)).await, 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn bootstrap_answers_an_sqs_event_of_sweep_shards_with_its_partial_batch_response() {
    let h = Harness::new().await;
    let (fine, throttled) = (unique("shard-fine"), unique("shard-throttled"));
    h.create_mesh(&fine, EgressFilterType::DropAll).await;
    h.create_mesh(&throttled, EgressFilterType::AllowAll).await;
    let queue = SweepQueue::create(aws_sdk_sqs::Client::new(&h.sdk), &unique("sweep")).await;
    // Every call of the function passes, except the describes of the throttled mesh.
    let describe = format!("/v20190125/meshes/{throttled}");
    let proxy = FaultProxy::start_with(1.0, 1, "throttle", &[&describe]);
    let port = free_port();
    let _runtime = runtime_api(port);
    let _bootstrap = bootstrap(
        port,
        &[
            ("AWS_ENDPOINT_URL", &proxy.url),
            ("MESHWARDEN_TABLE", &h.table),
            ("MESHWARDEN_SWEEP_QUEUE_URL", &queue.url),
            ("MESHWARDEN_SWEEP_RETRY_DELAY_SECS", "0"),
        ],
    );
    let shard = |mesh: &str, attempt: u32| {
        let resources = vec![mesh_id(mesh)];
        let mut message = ShardMessage::new(
            "sweep-e2e",
            "2026-11-25T06:00:00Z",
            Shard::Evaluate { resources },
        );
        message.attempt = attempt;
        message.encode()
    };
    let event = sqs_event(&[
        ("m1".into(), shard(&fine, 0), 1),
        ("m2".into(), shard(&throttled, 0), 1),
        ("m3".into(), shard(&throttled, MAX_ATTEMPTS), 7),
        ("m4".into(), "not a shard".into(), 1),
    ]);
    let answer = invoke(port, &event);
    // m1 done; m2 throttled, sent back as a new shard (done); m3 throttled too often: SQS
    // retries it (and dead-letters it in the end); m4 poison, dropped.
    assert_eq!(
        answer,
        json!({"batchItemFailures": [{"itemIdentifier": "m3"}]})
    );
    assert_eq!(h.history_count(&mesh_id(&fine)).await, 1);
    assert_eq!(h.history_count(&mesh_id(&throttled)).await, 0);
    let waiting = queue.bodies().await;
    assert_eq!(waiting.len(), 1, "{waiting:?}");
    let back = ShardMessage::decode(&waiting[0]).unwrap();
    assert_eq!((back.sweep_id.as_str(), back.attempt), ("sweep-e2e", 1));
    assert_eq!(back.resources().unwrap()[0].id, throttled);
}

#[test]
fn bootstrap_refuses_to_revert_without_knowing_its_own_identity() {
    let _ = endpoint();
    let closed = free_port();
    let child = Command::new(env!("CARGO_BIN_EXE_bootstrap"))
        .env(
            "AWS_LAMBDA_RUNTIME_API",
            format!("http://127.0.0.1:{closed}/.rt"),
        )
        .env("AWS_LAMBDA_FUNCTION_NAME", "_")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "1")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AUTO_REVERT", "on")
        .env_remove("MESHWARDEN_OWN_ROLE_ARN")
        // STS cannot be reached: the identity stays unknown.
        .env("AWS_ENDPOINT_URL_STS", format!("http://127.0.0.1:{closed}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || drop(tx.send(child.wait_with_output())));
    let out = rx
        .recv_timeout(Duration::from_secs(60))
        .expect("the function stops at start-up instead of serving")
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!out.status.success(), "{text}");
    assert!(
        text.contains("refusing to start") && text.contains("MESHWARDEN_OWN_ROLE_ARN"),
        "{text}"
    );
}
