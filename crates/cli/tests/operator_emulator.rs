//! Operator commands against the local emulator: output shapes, exit codes, history pagination,
//! a region list, and the error paths (no credentials, unknown table/resource, malformed RESOURCE).
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use aws_sdk_appmesh::types::EgressFilterType;
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{AutoRevert, EngineConfig};
use meshwarden_testkit::lattice::{lattice_id, update_network_event};
use meshwarden_testkit::proxy::FaultProxy;
use meshwarden_testkit::*;
use serde_json::Value;
use std::process::{Command, Output};
use std::time::Duration;

fn meshwarden(table: &str, args: &[&str]) -> Output {
    meshwarden_with(table, args, &[])
}

/// `meshwarden` with these variables set (every other engine variable unset).
fn meshwarden_with(table: &str, args: &[&str], vars: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_meshwarden"));
    command.args(args).args(["--table", table]);
    for var in [
        "AUTO_REVERT",
        "MESHWARDEN_TLS_CA_ARNS",
        "MESHWARDEN_SECURITY_HUB",
        "MESHWARDEN_MEMBER_ROLE_NAME",
        "MESHWARDEN_MEMBER_EXTERNAL_ID",
        "MESHWARDEN_DISCOVER_ACCOUNTS",
        "MESHWARDEN_SWEEP_ACCOUNTS",
        "MESHWARDEN_SWEEP_QUEUE_URL",
    ] {
        command.env_remove(var);
    }
    command.envs(vars.iter().copied()).output().unwrap()
}

/// The stored ids `scan --format json` reported.
fn scanned_ids(report: &Value) -> Vec<&str> {
    report["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["resource"].as_str().unwrap())
        .collect()
}

/// `event` written to a file of its own.
fn event_file(event: &Value) -> std::path::PathBuf {
    let file = std::env::temp_dir().join(format!("{}.json", unique("event")));
    std::fs::write(&file, event.to_string()).unwrap();
    file
}

/// Every key of `value`, nested ones included.
fn keys(value: &Value) -> Vec<String> {
    match value {
        Value::Object(map) => map
            .iter()
            .flat_map(|(k, v)| std::iter::once(k.clone()).chain(keys(v)))
            .collect(),
        Value::Array(items) => items.iter().flat_map(keys).collect(),
        _ => Vec::new(),
    }
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
    let ids = scanned_ids(&report);
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
        engine.run(&event, &Invocation::new()).await.unwrap();
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

/// A dead-letter queue on the emulator, with `bodies` sent as (body, string message attributes).
async fn dead_letters(
    h: &Harness,
    bodies: &[(String, Vec<(&str, &str)>)],
) -> (aws_sdk_sqs::Client, String) {
    let sqs = aws_sdk_sqs::Client::new(&h.sdk);
    let url = sqs
        .create_queue()
        .queue_name(unique("dlq"))
        .send()
        .await
        .unwrap()
        .queue_url
        .unwrap();
    for (body, attributes) in bodies {
        let mut send = sqs.send_message().queue_url(&url).message_body(body);
        for (name, value) in attributes {
            send = send.message_attributes(
                *name,
                aws_sdk_sqs::types::MessageAttributeValue::builder()
                    .data_type("String")
                    .string_value(*value)
                    .build()
                    .unwrap(),
            );
        }
        send.send().await.unwrap();
    }
    (sqs, url)
}

/// Every body in the queue (made visible again after reading), and how many were hidden before.
async fn queue_contents(sqs: &aws_sdk_sqs::Client, url: &str) -> (Vec<String>, u64) {
    use aws_sdk_sqs::types::QueueAttributeName as Name;
    let attributes = sqs
        .get_queue_attributes()
        .queue_url(url)
        .attribute_names(Name::ApproximateNumberOfMessagesNotVisible)
        .send()
        .await
        .unwrap()
        .attributes
        .unwrap_or_default();
    let hidden = attributes[&Name::ApproximateNumberOfMessagesNotVisible]
        .parse()
        .unwrap();
    let mut bodies = Vec::new();
    let mut handles = Vec::new();
    loop {
        let batch = sqs
            .receive_message()
            .queue_url(url)
            .max_number_of_messages(10)
            .visibility_timeout(60)
            .wait_time_seconds(1)
            .send()
            .await
            .unwrap()
            .messages
            .unwrap_or_default();
        if batch.is_empty() {
            break;
        }
        for message in batch {
            bodies.extend(message.body);
            handles.extend(message.receipt_handle);
        }
    }
    for handle in handles {
        sqs.change_message_visibility()
            .queue_url(url)
            .receipt_handle(handle)
            .visibility_timeout(0)
            .send()
            .await
            .unwrap();
    }
    bodies.sort();
    (bodies, hidden)
}

fn json_lines(out: &Output) -> Vec<Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect()
}

#[tokio::test]
async fn dlq_replay_redrives_every_shape_and_leaves_what_it_cannot_read() {
    let h = Harness::new().await;
    let mut meshes = Vec::new();
    let mut events = Vec::new();
    for shape in ["destination", "rule", "function"] {
        let mesh = unique(&format!("dead-{shape}"));
        let version = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
        events.push(update_mesh_event(
            &mesh,
            "ALLOW_ALL",
            version,
            HUMAN_ROLE,
            Duration::ZERO,
        ));
        meshes.push(mesh);
    }
    // Lambda's on-failure destination: an invocation record around the event.
    let record = serde_json::json!({
        "version": "1.0",
        "timestamp": "2026-11-23T10:00:00.000Z",
        "requestContext": {"requestId": unique("request"), "functionArn": "arn:aws:lambda:us-east-1:123456789012:function:meshwarden:$LATEST",
                           "condition": "RetriesExhausted", "approximateInvokeCount": 3},
        "requestPayload": events[0],
        "responseContext": {"statusCode": 200, "executedVersion": "$LATEST", "functionError": "Unhandled"},
        "responsePayload": {"errorType": "Transient", "errorMessage": "throttled"}
    });
    let malformed = "{\"truncated\": ".to_owned();
    let neither = serde_json::json!({"greeting": "neither a record nor an event"}).to_string();
    let bodies = vec![
        (record.to_string(), vec![]),
        // The EventBridge rule's dead-letter queue: the event, with EventBridge's attributes.
        (
            events[1].to_string(),
            vec![
                ("ERROR_CODE", "SDK_CLIENT_ERROR"),
                ("ERROR_MESSAGE", "Rate exceeded"),
            ],
        ),
        // A function's own dead-letter queue (DeadLetterConfig): the event, with Lambda's.
        (
            events[2].to_string(),
            vec![
                ("RequestID", "r-3"),
                ("ErrorCode", "200"),
                ("ErrorMessage", "timed out"),
            ],
        ),
        (malformed.clone(), vec![]),
        (neither.clone(), vec![]),
    ];
    let (sqs, url) = dead_letters(&h, &bodies).await;

    let peek = meshwarden(
        &h.table,
        &["dlq", "replay", "--queue", &url, "--dry-run", "--max", "2"],
    );
    assert_eq!(json_lines(&peek).len(), 2, "--max: {peek:?}");
    let dry = meshwarden(&h.table, &["dlq", "replay", "--queue", &url, "--dry-run"]);
    assert_eq!(dry.status.code(), Some(1), "unreadable messages: {dry:?}");
    let reports = json_lines(&dry);
    assert_eq!(reports.len(), 5, "{reports:?}");
    let would: Vec<&Value> = reports
        .iter()
        .filter(|r| r["outcome"] == "would-replay")
        .collect();
    assert_eq!(would.len(), 3, "{reports:?}");
    assert!(
        would.iter().all(|r| r["decision"]["route"] == "evaluate"),
        "{reports:?}"
    );
    for mesh in &meshes {
        assert_eq!(
            h.history_count(&mesh_id(mesh)).await,
            0,
            "--dry-run handles nothing"
        );
    }
    assert_eq!(
        queue_contents(&sqs, &url).await.0.len(),
        5,
        "--dry-run deletes nothing"
    );

    let out = meshwarden(&h.table, &["dlq", "replay", "--queue", &url]);
    assert_eq!(out.status.code(), Some(1), "two messages stay: {out:?}");
    let reports = json_lines(&out);
    let mut shapes: Vec<&str> = reports
        .iter()
        .filter(|r| r["outcome"] == "deleted")
        .map(|r| {
            assert_eq!(r["handled"]["outcome"], "evaluated", "{r}");
            r["shape"].as_str().unwrap()
        })
        .collect();
    shapes.sort();
    assert_eq!(
        shapes,
        ["eventbridge-dlq", "invocation-record", "lambda-dlq"]
    );
    let left: Vec<&Value> = reports.iter().filter(|r| r["outcome"] == "left").collect();
    assert_eq!(left.len(), 2, "{reports:?}");
    assert!(left
        .iter()
        .any(|r| r["reason"].as_str().unwrap().contains("not JSON")));
    for mesh in &meshes {
        let id = mesh_id(mesh);
        assert_eq!(h.history_count(&id).await, 1, "{mesh} recorded");
        let state = stdout_json(&meshwarden(&h.table, &["status", &id, "--format", "json"]));
        assert_eq!(state[0]["status"], "NON_COMPLIANT");
    }
    let (rest, hidden) = queue_contents(&sqs, &url).await;
    let mut expected = vec![malformed, neither];
    expected.sort();
    assert_eq!(rest, expected, "only what could not be read stays");
    assert_eq!(hidden, 0, "and is visible again at once");
    assert!(String::from_utf8_lossy(&out.stderr).contains("3 handled and deleted, 2 left"));

    let again = meshwarden(&h.table, &["dlq", "replay", "--queue", &url]);
    assert_eq!(again.status.code(), Some(1), "{again:?}");
    let reports = json_lines(&again);
    assert!(
        reports.len() == 2 && reports.iter().all(|r| r["outcome"] == "left"),
        "a second run sees only what stayed: {reports:?}"
    );
    for mesh in &meshes {
        assert_eq!(
            h.history_count(&mesh_id(mesh)).await,
            1,
            "nothing handled twice"
        );
    }
}

#[tokio::test]
async fn dlq_replay_runs_a_dead_lettered_sweep_and_reports_an_unknown_queue() {
    let h = Harness::new().await;
    // The sweep schedule's dead-letter queue: the schedule's input, with the Scheduler's attributes.
    let sweep = serde_json::json!({"version": "0", "id": unique("sweep"), "detail-type": "Scheduled Event",
        "source": "meshwarden.sweep", "time": "2026-11-23T10:00:00Z", "detail": {}});
    let (sqs, url) = dead_letters(
        &h,
        &[(
            sweep.to_string(),
            vec![("ERROR_CODE", "AWS.Scheduler.InternalServerError")],
        )],
    )
    .await;
    let out = meshwarden(&h.table, &["dlq", "replay", "--queue", &url]);
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let reports = json_lines(&out);
    assert_eq!(reports[0]["outcome"], "deleted", "{reports:?}");
    assert_eq!(reports[0]["handled"]["outcome"], "swept", "{reports:?}");
    assert_eq!(queue_contents(&sqs, &url).await, (vec![], 0));

    one_line_error(
        &meshwarden(
            &h.table,
            &["dlq", "replay", "--queue", &format!("{url}-missing")],
        ),
        "cannot receive from",
    );
}

#[tokio::test]
async fn exempt_add_list_remove_refuses_bad_input_and_reflects_at_once() {
    let h = Harness::new().await;
    let mesh = unique("exempt");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::Off);
    engine
        .run(
            &update_mesh_event(
                &mesh,
                "ALLOW_ALL",
                v,
                HUMAN_ROLE,
                Duration::from_secs(3_600),
            ),
            &Invocation::new(),
        )
        .await
        .unwrap();
    let path = format!("mesh/{mesh}");
    let rule = "mesh-egress-drop-all";
    let add = |extra: &[&str]| {
        let mut args = vec!["exempt", "add"];
        args.extend_from_slice(extra);
        meshwarden(&h.table, &args)
    };
    for (args, problem) in [
        (
            vec![path.as_str(), "--rule", rule, "--reason", " "],
            "--reason is empty",
        ),
        (
            vec![path.as_str(), "--rule", "no-such-rule", "--reason", "r"],
            "unknown rule",
        ),
        (
            vec!["mesh/never-recorded", "--rule", rule, "--reason", "r"],
            "unknown resource",
        ),
        (
            vec![
                path.as_str(),
                "--rule",
                rule,
                "--reason",
                "r",
                "--until",
                "400d",
            ],
            "365 days",
        ),
        (
            vec![
                path.as_str(),
                "--rule",
                rule,
                "--reason",
                "r",
                "--until",
                "2020-01-01T00:00:00Z",
            ],
            "not in the future",
        ),
    ] {
        one_line_error(&add(&args), problem);
    }
    let exempt_items =
        |items: &[std::collections::HashMap<String, aws_sdk_dynamodb::types::AttributeValue>]| {
            items
                .iter()
                .filter(|i| i["sk"].as_s().unwrap().starts_with("EXEMPT#"))
                .count()
        };
    assert_eq!(
        exempt_items(&h.items(&mesh_id(&mesh)).await),
        0,
        "nothing written"
    );

    let added = add(&[
        &path,
        "--rule",
        rule,
        "--reason",
        "legacy clients",
        "--until",
        "30d",
    ]);
    assert_eq!(added.status.code(), Some(0), "{added:?}");
    let status = stdout_json(&meshwarden(
        &h.table,
        &["status", &path, "--format", "json"],
    ));
    assert_eq!(status[0]["status"], "COMPLIANT", "re-evaluated at once");
    let finding = status[0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == rule)
        .unwrap()
        .clone();
    assert_eq!(finding["verdict"], "EXEMPTED");
    assert_eq!(finding["reason"], "legacy clients");
    let table =
        String::from_utf8_lossy(&meshwarden(&h.table, &["status", &path]).stdout).into_owned();
    assert!(table.contains(&format!("{rule} (until ")), "{table}");
    let history =
        String::from_utf8_lossy(&meshwarden(&h.table, &["history", &path]).stdout).into_owned();
    assert!(history.contains(&format!("{rule} (until ")), "{history}");
    let index = stdout_json(&meshwarden(&h.table, &["status", "--format", "json"]));
    assert!(
        !index.to_string().contains(&mesh_id(&mesh)),
        "not in the non-compliant index"
    );
    let listed = stdout_json(&meshwarden(
        &h.table,
        &["exempt", "list", &path, "--format", "json"],
    ));
    assert_eq!(listed[0]["rule"], rule);
    assert_eq!(listed[0]["expired"], false);
    assert!(listed[0]["createdBy"].as_str().unwrap().starts_with("arn:"));

    let removed = meshwarden(&h.table, &["exempt", "remove", &path, "--rule", rule]);
    assert_eq!(removed.status.code(), Some(0), "{removed:?}");
    let status = stdout_json(&meshwarden(
        &h.table,
        &["status", &path, "--format", "json"],
    ));
    assert_eq!(status[0]["status"], "NON_COMPLIANT");
    one_line_error(
        &meshwarden(&h.table, &["exempt", "remove", &path, "--rule", rule]),
        "no exemption",
    );
}

#[tokio::test]
async fn replay_exports_to_security_hub_as_the_lambda_does() {
    let h = Harness::new().await;
    let mesh = unique("hub-replay");
    let version = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    // Two deliveries of the change (two event ids): a duplicate would be recorded only once.
    let replay = |vars: &[(&str, &str)]| {
        let event = update_mesh_event(&mesh, "ALLOW_ALL", version, HUMAN_ROLE, Duration::ZERO);
        let file = event_file(&event);
        let out = meshwarden_with(&h.table, &["replay", file.to_str().unwrap()], vars);
        let _ = std::fs::remove_file(file);
        stdout_json(&out)
    };
    let off = replay(&[]);
    assert_eq!(off["status"], "NON_COMPLIANT", "{off}");
    let id = mesh_id(&mesh);
    assert!(security_hub_findings(&h.sdk, REGION, &id).await.is_empty());

    let on = replay(&[("MESHWARDEN_SECURITY_HUB", "on")]);
    assert_eq!(on["outcome"], "evaluated", "{on}");
    let held = security_hub_findings(&h.sdk, REGION, &id).await;
    assert!(
        held.iter().any(|f| f
            .compliance()
            .and_then(|c| c.status())
            .is_some_and(|s| *s == aws_sdk_securityhub::types::ComplianceStatus::Failed)),
        "the replayed evaluation imported its FAILED finding: {held:?}"
    );
}

#[tokio::test]
async fn replay_describes_a_member_accounts_resource_through_its_role_and_external_id() {
    const MEMBER: &str = "710987654321";
    const EXTERNAL_ID: &str = "org-hub:meshwarden/7";
    let h = Harness::new().await;
    let mesh = unique("member-replay");
    h.create_mesh_in(Some(MEMBER), REGION, &mesh).await;
    let mut event = update_mesh_event(&mesh, "ALLOW_ALL", 1, HUMAN_ROLE, Duration::ZERO);
    as_member_event(&mut event, MEMBER);
    let file = event_file(&event);
    let proxy = FaultProxy::recording(&["Action=AssumeRole"]);
    let out = meshwarden_with(
        &h.table,
        &[
            "replay",
            file.to_str().unwrap(),
            "--endpoint-url",
            &proxy.url,
        ],
        &[
            ("MESHWARDEN_MEMBER_ROLE_NAME", "meshwarden-member"),
            ("MESHWARDEN_MEMBER_EXTERNAL_ID", EXTERNAL_ID),
        ],
    );
    let handled = stdout_json(&out);
    assert_eq!(handled["outcome"], "evaluated", "{handled}");
    assert_eq!(
        handled["resource"],
        format!("appmesh:{MEMBER}:{REGION}:mesh/{mesh}")
    );
    assert_eq!(
        handled["status"], "NON_COMPLIANT",
        "the mesh exists only in the member account: found with its role's credentials"
    );
    let assumed: Vec<Value> = proxy
        .recorded()
        .into_iter()
        .map(|r| r["params"].clone())
        .collect();
    assert!(!assumed.is_empty(), "no AssumeRole");
    for params in &assumed {
        assert_eq!(
            params["RoleArn"],
            format!("arn:aws:iam::{MEMBER}:role/meshwarden-member")
        );
        assert_eq!(params["ExternalId"], EXTERNAL_ID);
    }
    let printed = [out.stdout, out.stderr].concat();
    assert!(
        !String::from_utf8_lossy(&printed).contains(EXTERNAL_ID),
        "the external id was printed"
    );
    let _ = std::fs::remove_file(file);
}

#[tokio::test]
async fn replay_speaks_camel_case_whatever_the_outcome() {
    let h = Harness::new().await;
    let mesh = unique("keys");
    let version = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let evaluated = update_mesh_event(&mesh, "ALLOW_ALL", version, HUMAN_ROLE, Duration::ZERO);
    let ignored = cloudtrail_event(
        "DescribeMesh",
        serde_json::json!({"meshName": mesh}),
        Value::Null,
        HUMAN_ROLE,
        Duration::ZERO,
    );
    let mut outcomes = Vec::new();
    for event in [evaluated, ignored] {
        let file = event_file(&event);
        let handled = stdout_json(&meshwarden(&h.table, &["replay", file.to_str().unwrap()]));
        let _ = std::fs::remove_file(file);
        let snake: Vec<String> = keys(&handled)
            .into_iter()
            .filter(|k| k.contains('_'))
            .collect();
        assert!(snake.is_empty(), "{handled}: {snake:?}");
        assert!(handled["eventId"].is_string(), "{handled}");
        outcomes.push(handled["outcome"].as_str().unwrap().to_owned());
    }
    assert_eq!(outcomes, ["evaluated", "ignored"]);
}

#[tokio::test]
async fn stored_lattice_ids_are_accepted_wherever_a_resource_is_named() {
    let h = Harness::new().await;
    let network = h
        .create_network(&unique("ids"), aws_sdk_vpclattice::types::AuthType::None)
        .await;
    let id = lattice_id("serviceNetwork", &network);
    let quiet = EngineConfig {
        emit_metrics: false,
        ..h.config(AutoRevert::Off)
    };
    h.engine_with(quiet)
        .run(&update_network_event(&network, "NONE"), &Invocation::new())
        .await
        .unwrap();
    let status = stdout_json(&meshwarden(&h.table, &["status", &id, "--format", "json"]));
    let listed = status.as_array().map_or(&status, |items| &items[0]);
    assert_eq!(listed["pk"], id.as_str(), "{status}");
    let history = stdout_json(&meshwarden(&h.table, &["history", &id, "--format", "json"]));
    assert_eq!(history.as_array().unwrap().len(), 1, "{history}");
    let remediate = meshwarden(&h.table, &["remediate", &id]);
    assert_ne!(remediate.status.code(), Some(2), "{remediate:?}");
    let text = String::from_utf8_lossy(&remediate.stdout);
    assert!(text.contains(&network), "{text}");
}

#[tokio::test]
async fn control_characters_in_a_named_resource_are_escaped_in_the_error() {
    let h = Harness::new().await;
    let out = meshwarden(&h.table, &["history", "mesh/evil\u{1b}[2J"]);
    one_line_error(&out, "evil\\u{1b}[2J");
    assert!(!out.stderr.contains(&0x1b), "ESC reached the terminal");
}

#[tokio::test]
async fn scan_all_regions_covers_each_service_in_its_own_regions() {
    // VPC Lattice only: ap-southeast-5; App Mesh only: il-central-1.
    let h = Harness::new().await;
    let lattice = aws_sdk_vpclattice::Client::from_conf(
        aws_sdk_vpclattice::config::Builder::from(&h.sdk)
            .region(aws_sdk_vpclattice::config::Region::new("ap-southeast-5"))
            .build(),
    );
    let network = lattice
        .create_service_network()
        .name(unique("everywhere"))
        .auth_type(aws_sdk_vpclattice::types::AuthType::None)
        .send()
        .await
        .unwrap()
        .id
        .unwrap();
    let mesh = unique("everywhere");
    h.create_mesh_in(None, "il-central-1", &mesh).await;
    let out = meshwarden(&h.table, &["scan", "--all-regions", "--format", "json"]);
    let report = stdout_json(&out);
    let ids = scanned_ids(&report);
    assert!(
        ids.contains(
            &format!("lattice:{ACCOUNT}:ap-southeast-5:serviceNetwork/{network}").as_str()
        ),
        "{ids:?}"
    );
    assert!(
        ids.contains(&format!("appmesh:{ACCOUNT}:il-central-1:mesh/{mesh}").as_str()),
        "{ids:?}"
    );
}
