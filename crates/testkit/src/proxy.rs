//! The fault proxy (`tests/harness/fault_proxy.py`) between the SDK and the emulator: started
//! on a free port, stopped when dropped, and a harness whose every call goes through it.

use crate::{endpoint, sdk_with_endpoint, Harness};
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

/// The fault proxy, stopped when dropped.
pub struct FaultProxy {
    child: Child,
    /// Where it listens (`http://127.0.0.1:PORT`).
    pub url: String,
}

impl FaultProxy {
    /// A proxy injecting throttling, 500s and dropped connections into a `rate` share of the
    /// requests, seeded.
    pub fn start(rate: f64, seed: u64) -> Self {
        Self::start_with(rate, seed, "throttle,500,drop", &[])
    }

    /// A proxy injecting `kinds` into a `rate` share of the requests that name every one of
    /// `only` (all requests when empty).
    pub fn start_with(rate: f64, seed: u64, kinds: &str, only: &[&str]) -> Self {
        Self::spawn(rate, seed, kinds, only, &[])
    }

    /// A proxy that faults nothing and records every request naming one of `needles` (in its
    /// path, `X-Amz-Target` or body): see [`FaultProxy::recorded`].
    pub fn recording(needles: &[&str]) -> Self {
        Self::spawn(0.0, 1, "throttle", &[], needles)
    }

    fn spawn(rate: f64, seed: u64, kinds: &str, only: &[&str], record: &[&str]) -> Self {
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
            .args(["--seed", &seed.to_string(), "--kinds", kinds])
            .args(only.iter().flat_map(|needle| ["--only", *needle]))
            .args(record.iter().flat_map(|needle| ["--record", *needle]))
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

    /// What the proxy did so far (`/__faults/stats`).
    pub fn stats(&self) -> Value {
        self.get("/__faults/stats")
    }

    /// The requests recorded so far, in order (`/__faults/recorded`): each
    /// `{"method", "path", "params"}`, `params` the decoded form of an awsQuery body (STS).
    pub fn recorded(&self) -> Vec<Value> {
        serde_json::from_value(self.get("/__faults/recorded")).unwrap()
    }

    fn get(&self, path: &str) -> Value {
        let out = Command::new("curl")
            .args(["-sf", &format!("{}{path}", self.url)])
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

/// The harness `h` seen through `proxy`: same table, every call through the faults.
pub fn through(h: &Harness, proxy: &FaultProxy) -> Harness {
    let sdk = sdk_with_endpoint(&h.sdk, &proxy.url);
    Harness {
        appmesh: aws_sdk_appmesh::Client::new(&sdk),
        lattice: aws_sdk_vpclattice::Client::new(&sdk),
        dynamodb: aws_sdk_dynamodb::Client::new(&sdk),
        table: h.table.clone(),
        sdk,
    }
}

/// Faults injected, of every kind, in a proxy's stats.
pub fn injected(stats: &Value) -> u64 {
    stats["injected"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_u64().unwrap())
        .sum()
}
