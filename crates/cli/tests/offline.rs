//! The offline CLI contract (README): output shapes and exit codes of rules, check, fix, event.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn fixture(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(path)
}

fn meshwarden(args: &[&str], stdin: Option<&str>) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_meshwarden"));
    command
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for var in [
        "MESHWARDEN_TLS_CA_ARNS",
        "MESHWARDEN_MESH_IP_PREFERENCE",
        "MESHWARDEN_NODE_IP_PREFERENCE",
        "MESHWARDEN_REQUIRED_TAG_KEYS",
    ] {
        command.env_remove(var);
    }
    let mut child = command.spawn().unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&output.stdout)))
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn seed_gateway_is_non_compliant_and_fix_with_a_ca_makes_its_tls_compliant() {
    let seed = fixture("describe/seed-vgw-client-policy-empty.json");
    let out = meshwarden(&["check", path(&seed), "--format", "json"], None);
    assert_eq!(out.status.code(), Some(1));
    let report = json(&out);
    assert_eq!(report["status"], "NON_COMPLIANT");
    assert_eq!(report["resource"]["kind"], "virtualGateway");
    assert_eq!(report["resource"]["name"], "cc-prod-mesh-virtual-gateway");
    let tls = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "vgw-backend-tls-enforced")
        .unwrap();
    assert_eq!(tls["verdict"], "NON_COMPLIANT");
    assert_eq!(tls["severity"], "HIGH");
    assert!(tls["reason"]
        .as_str()
        .unwrap()
        .contains("spec.backendDefaults.clientPolicy.tls is missing"));

    let ca = "arn:aws:acm-pca:us-east-1:111122223333:certificate-authority/abc";
    let fixed = meshwarden(&["fix", path(&seed), "--ca-arn", ca], None);
    let document = json(&fixed);
    assert_eq!(
        document["virtualGateway"]["spec"]["backendDefaults"]["clientPolicy"]["tls"]["validation"]
            ["trust"]["acm"]["certificateAuthorityArns"][0],
        ca
    );
    assert!(stderr(&fixed).contains("fixed: vgw-backend-tls-enforced"));
    let recheck = meshwarden(
        &["check", "-", "--format", "json"],
        Some(&String::from_utf8_lossy(&fixed.stdout)),
    );
    let recheck = json(&recheck);
    let tls = recheck["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "vgw-backend-tls-enforced")
        .unwrap();
    assert_eq!(tls["verdict"], "COMPLIANT");
    assert_eq!(tls["reason"], Value::Null);
}

#[test]
fn fix_without_a_trust_source_says_why_and_does_not_guess() {
    let out = meshwarden(
        &[
            "fix",
            path(&fixture("describe/seed-vgw-client-policy-empty.json")),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(1), "still non-compliant");
    assert!(
        stderr(&out).contains("skipped: vgw-backend-tls-enforced: no trust source"),
        "{}",
        stderr(&out)
    );
    assert!(
        json(&out)["virtualGateway"]["spec"]["backendDefaults"]["clientPolicy"]
            .get("tls")
            .is_none()
    );
}

#[test]
fn seed_mesh_is_non_compliant_and_fix_sets_drop_all() {
    let seed = fixture("describe/seed-mesh-allow-all.json");
    let out = meshwarden(&["check", path(&seed)], None);
    assert_eq!(out.status.code(), Some(1));
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.starts_with("mesh cc-production-app-mesh: NON_COMPLIANT"),
        "{table}"
    );
    assert!(
        table.contains("mesh-egress-drop-all")
            && table.contains("spec.egressFilter.type is ALLOW_ALL")
    );
    let fixed = meshwarden(&["fix", path(&seed)], None);
    assert_eq!(fixed.status.code(), Some(0));
    let document = json(&fixed);
    assert_eq!(document["mesh"]["spec"]["egressFilter"]["type"], "DROP_ALL");
    assert_eq!(
        document["mesh"]["metadata"]["uid"], "a1b2c3d4-5678-90ab-cdef-EXAMPLE11111",
        "other fields kept"
    );
}

#[test]
fn compliant_documents_exit_zero() {
    for file in [
        "describe/mesh-drop-all.json",
        "describe/mesh-no-egress-filter.json",
        "describe/vgw-compliant.json",
        "describe/vnode-compliant.json",
    ] {
        let out = meshwarden(&["check", path(&fixture(file)), "--format", "json"], None);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{file}: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(json(&out)["status"], "COMPLIANT");
    }
}

#[test]
fn bad_input_exits_two_with_one_line_naming_the_problem() {
    let cases: [(&[&str], Option<&str>, &str); 4] = [
        (&["check", "-"], Some("{\"mesh\":"), "not valid JSON"),
        (
            &["check", "-"],
            Some("{\"route\": {}}"),
            "expected an object with one of",
        ),
        (
            &["check", "/nonexistent/file.json"],
            None,
            "cannot read /nonexistent/file.json",
        ),
        (&["event", "-"], Some("[]"), "expected a JSON object"),
    ];
    for (args, stdin, message) in cases {
        let out = meshwarden(args, stdin);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(message), "{err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn event_prints_the_routing_decision() {
    let out = meshwarden(
        &[
            "event",
            path(&fixture("events/eb-update-mesh-allow-all.json")),
        ],
        None,
    );
    assert_eq!(out.status.code(), Some(0));
    let decision = json(&out);
    assert_eq!(decision["route"], "evaluate");
    assert_eq!(decision["kind"], "mesh");
    assert_eq!(decision["mesh"], "cc-production-app-mesh");
    assert_eq!(decision["name"], Value::Null);
    assert_eq!(decision["eventName"], "UpdateMesh");
    assert_eq!(decision["expectedVersion"], 2);
    assert!(decision.get("reason").is_none());

    let ignored = json(&meshwarden(
        &["event", path(&fixture("events/eb-update-mesh-failed.json"))],
        None,
    ));
    assert_eq!(ignored["route"], "ignore");
    assert!(ignored["reason"].as_str().unwrap().contains("AccessDenied"));
    let malformed = meshwarden(
        &["event", path(&fixture("events/malformed-not-json.txt"))],
        None,
    );
    assert_eq!(malformed.status.code(), Some(2));
}

#[test]
fn rules_lists_the_catalog_and_the_handled_events() {
    let rules = json(&meshwarden(&["rules", "--format", "json"], None));
    let ids: Vec<&str> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"mesh-egress-drop-all") && ids.contains(&"vgw-backend-tls-enforced"));
    assert!(rules
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["sources"].as_array().is_some_and(|s| !s.is_empty())));
    let events = json(&meshwarden(
        &["rules", "--events", "--format", "json"],
        None,
    ));
    let file: Value = serde_json::from_str(
        &std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/handled-events.json"),
        )
        .unwrap(),
    )
    .unwrap();
    assert_eq!(events, file);
}

#[test]
fn a_reader_that_goes_away_stops_the_output_quietly() {
    // `meshwarden rules | head -0`: the pipe's reader is gone before the first line is written.
    let (reader, writer) = std::io::pipe().unwrap();
    drop(reader);
    let out = Command::new(env!("CARGO_BIN_EXE_meshwarden"))
        .args(["rules", "--format", "markdown"])
        .stdout(writer)
        .stderr(Stdio::piped())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_ne!(out.status.code(), Some(101), "a panic's exit status");
}

#[test]
fn control_characters_in_names_are_escaped_in_human_output() {
    let seed = std::fs::read_to_string(fixture("describe/seed-mesh-allow-all.json")).unwrap();
    let mut document: Value = serde_json::from_str(&seed).unwrap();
    // ESC (a terminal title sequence ended by BEL), NUL, DEL, a C1 CSI and a right-to-left override.
    let evil = "evil\u{1b}]0;pwned\u{7}\u{0}\u{7f}\u{9b}\u{202e}";
    document["mesh"]["meshName"] = evil.into();
    let input = document.to_string();

    let table = meshwarden(&["check", "-"], Some(&input));
    assert_eq!(table.status.code(), Some(1));
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.starts_with(
            "mesh evil\\u{1b}]0;pwned\\u{7}\\u{0}\\u{7f}\\u{9b}\\u{202e}: NON_COMPLIANT"
        ),
        "{text}"
    );
    let raw = |b: &[u8]| b.iter().any(|c| *c < 0x20 && *c != b'\n' || *c == 0x7f);
    assert!(
        !raw(&table.stdout),
        "a control character reached the terminal: {text:?}"
    );
    assert!(
        !text.contains('\u{9b}') && !text.contains('\u{202e}'),
        "{text:?}"
    );

    // JSON output keeps the name exact (serde_json escapes C0 controls, ESC and NUL included).
    let json_out = meshwarden(&["check", "-", "--format", "json"], Some(&input));
    assert!(!json_out.stdout.iter().any(|c| *c < 0x20 && *c != b'\n'));
    assert_eq!(json(&json_out)["resource"]["mesh"], evil);
}
