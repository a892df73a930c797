//! Operator commands against the local emulator: output shapes, exit codes, history pagination,
//! a region list, and the error paths (no credentials, unknown table/resource, malformed RESOURCE).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use aws_sdk_appmesh::types::EgressFilterType;
use meshwarden_engine::AutoRevert;
use meshwarden_testkit::*;
use serde_json::Value;
use std::process::{Command, Output};
use std::time::Duration;

fn meshwarden(table: &str, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_meshwarden"))
        .args(args)
        .args(["--table", table])
        .env_remove("AUTO_REVERT")
        .env_remove("MESHWARDEN_TLS_CA_ARNS")
        .output()
        .unwrap()
}

fn stdout_json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {} / {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Whether a line of a text table starts with these cells (whatever the padding).
fn has_row(text: &str, cells: &[&str]) -> bool {
    text.lines().any(|line| {
        line.split_whitespace()
            .take(cells.len())
            .eq(cells.iter().copied())
    })
}

fn one_line_error(out: &Output, needle: &str) {
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains(needle), "{err}");
    assert!(!err.contains("panicked"));
}

#[tokio::test]
async fn scan_finds_the_seeds_across_regions_and_records_them() {
    let h = Harness::new().await;
    let mesh = unique("cc-production-app-mesh");
    h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    h.create_gateway_without_tls(&mesh, "cc-prod-mesh-virtual-gateway")
        .await;
    let other_region = "eu-north-1";
    let remote = aws_sdk_appmesh::Client::from_conf(
        aws_sdk_appmesh::config::Builder::from(&h.sdk)
            .region(aws_sdk_appmesh::config::Region::new(other_region))
            .build(),
    );
    let remote_mesh = unique("remote");
    remote
        .create_mesh()
        .mesh_name(&remote_mesh)
        .spec(mesh_spec(EgressFilterType::AllowAll))
        .send()
        .await
        .unwrap();

    let out = meshwarden(
        &h.table,
        &[
            "scan",
            "--region",
            REGION,
            "--region",
            other_region,
            "--format",
            "json",
            "--record",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "non-compliant resources exist");
    let report = stdout_json(&out);
    let ids: Vec<&str> = report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resource"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&mesh_id(&mesh).as_str()), "{ids:?}");
    assert!(
        ids.iter()
            .any(|id| id.ends_with(&format!("{other_region}:mesh/{remote_mesh}"))),
        "{ids:?}"
    );
    assert!(report["summary"]["nonCompliant"].as_u64().unwrap() >= 2);
    assert_eq!(
        report["summary"]["regions"],
        serde_json::json!([REGION, other_region])
    );
    assert_eq!(
        h.history_count(&mesh_id(&mesh)).await,
        1,
        "--record writes like the sweep"
    );

    let table = meshwarden(&h.table, &["scan", "--region", REGION]);
    let text = String::from_utf8_lossy(&table.stdout);
    assert!(
        text.lines().next().unwrap().starts_with("RESOURCE "),
        "one region, one account: the short path only: {text}"
    );
    assert!(has_row(
        &text,
        &[&format!("mesh/{mesh}"), "mesh-egress-drop-all"]
    ));
    assert!(!text.contains("appmesh:"), "{text}");
    let summary = text.lines().last().unwrap();
    assert!(summary.starts_with("NON_COMPLIANT:"), "{text}");
    assert!(
        summary.ends_with(&format!("(account {ACCOUNT}, region {REGION})")),
        "{summary}"
    );
    let both = meshwarden(
        &h.table,
        &["scan", "--region", REGION, "--region", other_region],
    );
    let text = String::from_utf8_lossy(&both.stdout);
    assert!(
        text.lines().next().unwrap().starts_with("REGION "),
        "rows in two regions get a REGION column: {text}"
    );
    let remote_path = format!("mesh/{remote_mesh}");
    assert!(has_row(&text, &[other_region, &remote_path]), "{text}");
    assert!(
        !text.contains("appmesh:") && !text.contains("ACCOUNT"),
        "{text}"
    );

    let status = stdout_json(&meshwarden(
        &h.table,
        &["status", "--non-compliant", "--format", "json"],
    ));
    assert!(status
        .as_array()
        .unwrap()
        .iter()
        .any(|s| s["pk"] == mesh_id(&mesh)));
    let one = stdout_json(&meshwarden(
        &h.table,
        &["status", &format!("mesh/{mesh}"), "--format", "json"],
    ));
    assert_eq!(one[0]["status"], "NON_COMPLIANT");
    assert_eq!(one[0]["pk"], mesh_id(&mesh), "JSON keeps the stored id");

    let listed = meshwarden(&h.table, &["status", "--non-compliant"]);
    let text = String::from_utf8_lossy(&listed.stdout);
    let lines: Vec<&str> = text.lines().collect();
    assert!(has_row(&text, &["REGION", "RESOURCE", "STATUS"]), "{text}");
    assert!(has_row(&text, &[REGION, &format!("mesh/{mesh}")]), "{text}");
    assert!(has_row(&text, &[other_region, &remote_path]), "{text}");
    assert!(!text.contains("appmesh:"), "{text}");
    assert!(
        lines
            .last()
            .unwrap()
            .ends_with(&format!("(account {ACCOUNT})")),
        "what the rows share is said once: {text}"
    );
    let single = meshwarden(&h.table, &["status", &format!("mesh/{mesh}")]);
    let text = String::from_utf8_lossy(&single.stdout);
    assert!(text.starts_with("RESOURCE "), "{text}");
    assert!(
        has_row(&text, &[&format!("mesh/{mesh}"), "NON_COMPLIANT"]),
        "{text}"
    );
}

#[tokio::test]
async fn history_pages_beyond_one_store_page_newest_first() {
    let h = Harness::new().await;
    let mesh = unique("paged");
    let version = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::Off);
    for i in 0..130u64 {
        let event = update_mesh_event(
            &mesh,
            "ALLOW_ALL",
            version,
            HUMAN_ROLE,
            Duration::from_secs(3600 + i),
        );
        engine.handle(&event).await.unwrap();
    }
    let out = meshwarden(
        &h.table,
        &[
            "history",
            &format!("mesh/{mesh}"),
            "--limit",
            "120",
            "--format",
            "json",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    let items = stdout_json(&out);
    let times: Vec<&str> = items
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["eventTime"].as_str().unwrap())
        .collect();
    assert_eq!(times.len(), 120, "more than one 100-item page");
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");
    let by_id = meshwarden(&h.table, &["history", &mesh_id(&mesh), "--limit", "5"]);
    let text = String::from_utf8_lossy(&by_id.stdout);
    assert_eq!(text.lines().count(), 2 + 5, "title, header, 5 rows: {text}");
    assert_eq!(
        text.lines().next().unwrap(),
        format!("mesh/{mesh} (account {ACCOUNT}, region {REGION})"),
        "the title is the short path, then where"
    );
    assert!(
        text.contains("UpdateMesh")
            && text.contains("platform-admin")
            && text.contains("mesh-egress-drop-all")
    );
    let recent = stdout_json(&meshwarden(
        &h.table,
        &[
            "history",
            &format!("mesh/{mesh}"),
            "--since",
            "3605s",
            "--format",
            "json",
        ],
    ));
    assert!(
        recent.as_array().unwrap().len() <= 6,
        "--since filters: {}",
        recent.as_array().unwrap().len()
    );
}

#[tokio::test]
async fn remediate_shows_the_diff_and_applies_only_when_asked() {
    let h = Harness::new().await;
    let mesh = unique("fixme");
    h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let preview = meshwarden(&h.table, &["remediate", &format!("mesh/{mesh}")]);
    let text = String::from_utf8_lossy(&preview.stdout);
    assert!(
        text.contains("-        \"type\": \"ALLOW_ALL\"")
            && text.contains("+        \"type\": \"DROP_ALL\""),
        "{text}"
    );
    assert_eq!(
        h.egress(&mesh).await,
        Some(EgressFilterType::AllowAll),
        "a preview changes nothing"
    );
    assert_eq!(h.history_count(&mesh_id(&mesh)).await, 0);

    let applied = meshwarden(&h.table, &["remediate", &format!("mesh/{mesh}"), "--apply"]);
    assert_eq!(applied.status.code(), Some(0), "{applied:?}");
    assert_eq!(h.egress(&mesh).await, Some(EgressFilterType::DropAll));
    let history = stdout_json(&meshwarden(
        &h.table,
        &["history", &format!("mesh/{mesh}"), "--format", "json"],
    ));
    assert_eq!(history[0]["action"], "REVERTED");
    assert_eq!(history[0]["eventName"], "MeshwardenRemediate");
}

#[tokio::test]
async fn replay_runs_the_responder_pipeline() {
    let h = Harness::new().await;
    let mesh = unique("replayed");
    let version = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let file = std::env::temp_dir().join(format!("{}.json", unique("replay")));
    std::fs::write(
        &file,
        update_mesh_event(&mesh, "ALLOW_ALL", version, HUMAN_ROLE, Duration::ZERO).to_string(),
    )
    .unwrap();
    let out = meshwarden(
        &h.table,
        &["replay", file.to_str().unwrap(), "--auto-revert", "dry-run"],
    );
    let handled = stdout_json(&out);
    assert_eq!(handled["outcome"], "evaluated");
    assert_eq!(handled["action"], "WOULD_REVERT");
    assert_eq!(h.egress(&mesh).await, Some(EgressFilterType::AllowAll));
    let bad_mode = meshwarden(
        &h.table,
        &["replay", file.to_str().unwrap(), "--auto-revert", "yes"],
    );
    assert_eq!(bad_mode.status.code(), Some(2));
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn errors_are_one_clear_line_and_exit_two() {
    let h = Harness::new().await;
    one_line_error(
        &meshwarden(&h.table, &["history", "mesh/never-existed"]),
        "no record of appmesh:",
    );
    one_line_error(
        &meshwarden("no-such-table", &["status"]),
        "table no-such-table does not exist",
    );
    one_line_error(
        &meshwarden(&h.table, &["history", "virtualGateway/x"]),
        "malformed resource",
    );
    one_line_error(
        &meshwarden(&h.table, &["remediate", "mesh/never-existed"]),
        "does not exist",
    );
    let no_credentials = Command::new(env!("CARGO_BIN_EXE_meshwarden"))
        .args(["status", "--table", &h.table])
        .env_remove("AWS_ACCESS_KEY_ID")
        .env_remove("AWS_SECRET_ACCESS_KEY")
        .env("HOME", std::env::temp_dir().join("meshwarden-no-home"))
        .env("AWS_CONFIG_FILE", "/nonexistent")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
        .output()
        .unwrap();
    one_line_error(&no_credentials, "are AWS credentials configured?");
}
