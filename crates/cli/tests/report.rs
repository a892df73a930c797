//! `meshwarden report` against a table seeded through the responder's pipeline on the local
//! emulator: the HTML names every non-compliant resource and rule, escapes what the table holds,
//! and renders in a real browser (Debian's headless Chromium) without console messages and not
//! blank.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

use aws_sdk_appmesh::types::EgressFilterType;
use aws_sdk_vpclattice::types::AuthType;
use meshwarden_engine::core::exemptions::ExemptionItem;
use meshwarden_engine::core::ports::ComplianceStore;
use meshwarden_engine::core::record::rfc3339;
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::AutoRevert;
use meshwarden_rules::exemption::Exemption;
use meshwarden_rules::resource::ResourceRef;
use meshwarden_testkit::lattice::update_network_event;
use meshwarden_testkit::*;
use serde_json::Value;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, SystemTime};

/// An actor whose name is markup: the report must show it as text.
const EVIL_ROLE: &str = "arn:aws:iam::123456789012:role/<img src=x onerror=alert(1)>";

fn meshwarden(table: &str, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_meshwarden"))
        .args(args)
        .args(["--table", table])
        .env_remove("AUTO_REVERT")
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    out
}

/// A table with drift of both services, a revert, a compliant mesh and hostile text.
async fn seed(h: &Harness) {
    let off = h.engine(AutoRevert::Off);
    let drifted = unique("payments");
    let version = h.create_mesh(&drifted, EgressFilterType::AllowAll).await;
    for hours in [30, 5, 1] {
        let event = update_mesh_event(
            &drifted,
            "ALLOW_ALL",
            version,
            HUMAN_ROLE,
            Duration::from_secs(hours * 3600),
        );
        off.run(&event, &Invocation::new()).await.unwrap();
    }
    let gateway = "ingress-gw";
    let gateway_version = h.create_gateway_without_tls(&drifted, gateway).await;
    off.run(
        &create_gateway_event(&drifted, gateway, gateway_version, EVIL_ROLE),
        &Invocation::new(),
    )
    .await
    .unwrap();

    let fine = unique("orders");
    let version = h.create_mesh(&fine, EgressFilterType::DropAll).await;
    off.run(
        &update_mesh_event(
            &fine,
            "DROP_ALL",
            version,
            HUMAN_ROLE,
            Duration::from_secs(7200),
        ),
        &Invocation::new(),
    )
    .await
    .unwrap();

    let reverted = unique("checkout");
    let version = h.create_mesh(&reverted, EgressFilterType::AllowAll).await;
    h.engine(AutoRevert::On)
        .run(
            &update_mesh_event(
                &reverted,
                "ALLOW_ALL",
                version,
                HUMAN_ROLE,
                Duration::from_secs(600),
            ),
            &Invocation::new(),
        )
        .await
        .unwrap();

    let network = h.create_network(&unique("shared-sn"), AuthType::None).await;
    off.run(&update_network_event(&network, "NONE"), &Invocation::new())
        .await
        .unwrap();
}

/// An exemption in force, made with `meshwarden exempt add` on a drifted mesh, and one that
/// has ended; returns `(path, until)` of each.
async fn seed_exemptions(h: &Harness) -> ((String, String), (String, String)) {
    let legacy = unique("legacy");
    let version = h.create_mesh(&legacy, EgressFilterType::AllowAll).await;
    h.engine(AutoRevert::Off)
        .run(
            &update_mesh_event(
                &legacy,
                "ALLOW_ALL",
                version,
                HUMAN_ROLE,
                Duration::from_secs(3600),
            ),
            &Invocation::new(),
        )
        .await
        .unwrap();
    let in_force = rfc3339(SystemTime::now() + Duration::from_secs(30 * 86_400));
    let path = format!("mesh/{legacy}");
    meshwarden(
        &h.table,
        &[
            "exempt",
            "add",
            &path,
            "--rule",
            "mesh-egress-drop-all",
            "--reason",
            "legacy clients until the proxy ships",
            "--until",
            &in_force,
        ],
    );
    let old = unique("retired");
    let ended = rfc3339(SystemTime::now() - Duration::from_secs(86_400));
    h.engine(AutoRevert::Off)
        .store()
        .put_exemption(&ExemptionItem::new(
            &mesh_id(&old),
            Exemption {
                rule: "mesh-egress-drop-all".to_owned(),
                reason: "migration window".to_owned(),
                until: ended.clone(),
            },
            HUMAN_ROLE,
            &rfc3339(SystemTime::now() - Duration::from_secs(10 * 86_400)),
        ))
        .await
        .unwrap();
    ((path, in_force), (format!("mesh/{old}"), ended))
}

fn report(h: &Harness, dir: &Path) -> (PathBuf, String) {
    let out = dir.join("report.html");
    meshwarden(
        &h.table,
        &["report", "--out", out.to_str().unwrap(), "--since", "2d"],
    );
    let html = std::fs::read_to_string(&out).unwrap();
    (out, html)
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(unique(name));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The part of the page between two section ids.
fn section<'a>(html: &'a str, id: &str, next: &str) -> &'a str {
    let start = html.find(&format!("id=\"{id}\"")).unwrap();
    let end = html[start..].find(&format!("id=\"{next}\"")).unwrap();
    &html[start..start + end]
}

#[tokio::test]
async fn the_report_names_every_non_compliant_resource_and_rule() {
    let h = Harness::new().await;
    seed(&h).await;
    let ((active, active_until), (old, old_until)) = seed_exemptions(&h).await;
    let (_, html) = report(&h, &temp_dir("report"));

    let status = meshwarden(&h.table, &["status", "--non-compliant", "--format", "json"]);
    let now: Vec<Value> = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(now.len(), 3, "mesh, gateway, service network: {now:?}");
    let listed = section(&html, "non-compliant", "exemptions");
    for item in &now {
        let path = ResourceRef::from_key(item["pk"].as_str().unwrap())
            .unwrap()
            .path();
        assert!(listed.contains(&path), "{path} missing from {listed}");
        let rules: Vec<&str> = item["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["verdict"] == "NON_COMPLIANT")
            .map(|f| f["rule"].as_str().unwrap())
            .collect();
        assert!(!rules.is_empty());
        for rule in rules {
            assert!(listed.contains(rule), "{rule} of {path} missing");
        }
    }
    assert!(listed.contains("mesh-egress-drop-all") && listed.contains("lattice-sn-auth-iam"));
    assert!(
        !listed.contains("mesh/orders-"),
        "a compliant mesh is not listed"
    );
    assert!(!listed.contains("mesh/checkout-"), "nor a reverted one");

    let exempted = section(&html, "exemptions", "timeline");
    let row = |path: &str| {
        let start = exempted
            .find(path)
            .unwrap_or_else(|| panic!("{path} missing"));
        let end = exempted[start..].find("</tr>").unwrap();
        &exempted[start..start + end]
    };
    let in_force = row(&active);
    assert!(
        in_force.contains("mesh-egress-drop-all")
            && in_force.contains("legacy clients until the proxy ships")
            && in_force.contains(&active_until)
            && !in_force.contains("ended"),
        "{in_force}"
    );
    let over = row(&old);
    assert!(
        over.contains(&old_until) && over.contains("ended"),
        "an ended exemption is marked: {over}"
    );

    let totals = section(&html, "totals", "non-compliant");
    assert!(totals.contains("AWS App Mesh") && totals.contains("Amazon VPC Lattice"));

    let history = &html[html.find("id=\"history\"").unwrap()..];
    assert!(history.contains("REVERTED"), "the revert is in the history");
    assert!(
        history.contains("spec.egressFilter.type") && history.contains("DROP_ALL"),
        "with what it put back"
    );
    assert!(
        !html.contains("<img"),
        "table text is escaped, never markup"
    );
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(
        !html.contains("http://") && !html.contains("https://") && !html.contains("<script"),
        "nothing to fetch or run"
    );

    let lattice_only = temp_dir("report-lattice").join("r.html");
    meshwarden(
        &h.table,
        &[
            "report",
            "--out",
            lattice_only.to_str().unwrap(),
            "--service",
            "vpc-lattice",
        ],
    );
    let lattice = std::fs::read_to_string(lattice_only).unwrap();
    assert!(lattice.contains("lattice-sn-auth-iam"));
    assert!(
        !lattice.contains(&active) && lattice.contains("No exemptions recorded."),
        "--service filters the exemptions too"
    );
    assert!(
        !lattice.contains("mesh-egress-drop-all"),
        "--service filters"
    );
}

/// Debian's Chromium, or a loud failure: this test must not be skipped.
fn chromium() -> PathBuf {
    let path = std::env::var_os("CHROMIUM")
        .map_or_else(|| PathBuf::from("/usr/bin/chromium"), PathBuf::from);
    assert!(
        path.is_file(),
        "{} is missing: install Debian's chromium (scripts/lib/chromium.sh, run by scripts/test.sh, does: apt-get install -y chromium)",
        path.display()
    );
    path
}

/// Open `page` in headless Chromium: its console messages and a screenshot.
fn render(page: &Path, dir: &Path) -> (Vec<String>, PathBuf) {
    let shot = dir.join(format!(
        "{}.png",
        page.file_stem().unwrap().to_str().unwrap()
    ));
    let profile = dir.join(unique("profile"));
    let out = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,1600",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(out.status.success(), "chromium: {out:?}");
    let console = String::from_utf8_lossy(&out.stderr)
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    (console, shot)
}

/// The distinct colours of a PNG's pixels.
fn colours(png_path: &Path) -> usize {
    let mut decoder = png::Decoder::new(std::io::BufReader::new(
        std::fs::File::open(png_path).unwrap(),
    ));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let pixel = info.color_type.samples();
    buf[..info.buffer_size()]
        .chunks(pixel)
        .map(<[u8]>::to_vec)
        .collect::<HashSet<_>>()
        .len()
}

#[tokio::test]
async fn the_report_renders_in_headless_chromium_without_console_messages() {
    let dir = temp_dir("report-browser");
    // The check itself: a page that logs, and one that tries to fetch, are caught.
    let noisy = dir.join("noisy.html");
    std::fs::write(
        &noisy,
        "<!doctype html><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'\">\
         <img src=\"https://example.invalid/x.png\"><p>x</p>",
    )
    .unwrap();
    let (console, _) = render(&noisy, &dir);
    assert!(!console.is_empty(), "a blocked fetch is a console message");
    let blank = dir.join("blank.html");
    std::fs::write(&blank, "<!doctype html><title>blank</title>").unwrap();
    assert_eq!(
        colours(&render(&blank, &dir).1),
        1,
        "a blank page is one colour"
    );

    let h = Harness::new().await;
    seed(&h).await;
    let (page, _) = report(&h, &dir);
    let (console, shot) = render(&page, &dir);
    // The report runs no script, so any console message is an error (a blocked fetch, a page
    // that did not load); Chromium's log does not tell the levels apart.
    assert!(console.is_empty(), "console: {console:#?}");
    let colours = colours(&shot);
    assert!(
        colours > 16,
        "the screenshot is not blank: {colours} colour(s)"
    );
    if let Some(keep) = std::env::var_os("MESHWARDEN_REPORT_SCREENSHOT") {
        std::fs::copy(&shot, keep).unwrap();
    }
}
