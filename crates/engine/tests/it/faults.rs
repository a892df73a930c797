//! Fault injection: a proxy between the SDK and the emulator throttles, fails and drops a share
//! of requests. Every event must still be recorded exactly once, retrying (as Lambda would) the
//! events the handler returned `Err` for.

use aws_sdk_appmesh::types::EgressFilterType;
use meshwarden_engine::AutoRevert;
use meshwarden_testkit::*;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

/// The fault proxy, stopped when dropped.
struct FaultProxy {
    child: Child,
    url: String,
}

impl FaultProxy {
    fn start(rate: f64, seed: u64) -> Self {
        let python = std::env::var("MESHWARDEN_PYTHON")
            .expect("MESHWARDEN_PYTHON: run under scripts/with-emulator.sh");
        let script = std::env::var("MESHWARDEN_FAULT_PROXY")
            .expect("MESHWARDEN_FAULT_PROXY: run under scripts/with-emulator.sh");
        let mut child = Command::new(python)
            .arg(script)
            .args([
                "--listen-port",
                "0",
                "--target",
                &endpoint(),
                "--fault-rate",
                &rate.to_string(),
            ])
            .args(["--seed", &seed.to_string(), "--kinds", "throttle,500,drop"])
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("fault proxy starts");
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port = line
            .trim()
            .strip_prefix("LISTENING ")
            .expect("proxy announces its port")
            .to_owned();
        FaultProxy {
            child,
            url: format!("http://127.0.0.1:{port}"),
        }
    }

    fn stats(&self) -> Value {
        let out = Command::new("curl")
            .args(["-sf", &format!("{}/__faults/stats", self.url)])
            .output()
            .unwrap();
        serde_json::from_slice(&out.stdout).unwrap()
    }
}

impl Drop for FaultProxy {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_event_is_recorded_exactly_once_through_20_percent_faults() {
    let h = Harness::new().await;
    let proxy = FaultProxy::start(0.2, 20261123);
    let meshes: Vec<String> = (0..20).map(|i| unique(&format!("fault-{i}"))).collect();
    let mut versions = Vec::new();
    for mesh in &meshes {
        versions.push(h.create_mesh(mesh, EgressFilterType::AllowAll).await);
    }
    let faulty_sdk = sdk_with_endpoint(&h.sdk, &proxy.url);
    let faulty = Harness {
        sdk: faulty_sdk.clone(),
        appmesh: aws_sdk_appmesh::Client::new(&faulty_sdk),
        dynamodb: aws_sdk_dynamodb::Client::new(&faulty_sdk),
        table: h.table.clone(),
    };
    let engine = faulty.engine(AutoRevert::Off);
    let mut events = Vec::new();
    for _ in 0..10 {
        for (mesh, version) in meshes.iter().zip(&versions) {
            events.push(update_mesh_event(
                mesh,
                "ALLOW_ALL",
                *version,
                HUMAN_ROLE,
                Duration::ZERO,
            ));
        }
    }
    assert_eq!(events.len(), 200);
    let mut handler_errors = 0;
    for event in &events {
        let mut attempts = 0;
        loop {
            attempts += 1;
            match engine.handle(event).await {
                Ok(_) => break,
                Err(_) if attempts < 30 => handler_errors += 1,
                Err(e) => panic!(
                    "event {} still failing after {attempts} attempts: {e}",
                    event_id(event)
                ),
            }
        }
    }
    let stats = proxy.stats();
    let injected = stats["injected"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum::<u64>();
    assert!(
        injected > 20,
        "the proxy must actually have injected faults: {stats}"
    );
    let mut total = 0;
    for mesh in &meshes {
        let items = h.items(&mesh_id(mesh)).await;
        let history: Vec<_> = items
            .iter()
            .filter(|i| i["sk"].as_s().unwrap().starts_with("EVT#"))
            .collect();
        assert_eq!(
            history.len(),
            10,
            "{mesh}: every event once, none lost, none duplicated"
        );
        total += history.len();
    }
    assert_eq!(total, 200);
    eprintln!("fault injection: {injected} faults injected, {handler_errors} handler errors retried, stats {stats}");
}
