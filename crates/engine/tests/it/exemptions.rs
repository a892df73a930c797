//! Exemptions through the real SDK clients on the emulator: an exempted failure is recorded as
//! EXEMPTED, leaves the resource compliant and unreverted, and fails anew once it ends.

use aws_sdk_appmesh::types::EgressFilterType;
use meshwarden_engine::core::exemptions::ExemptionItem;
use meshwarden_engine::core::ports::{ComplianceStore, Scope};
use meshwarden_engine::core::record::{rfc3339, Action, Status};
use meshwarden_engine::metrics::Counts;
use meshwarden_engine::{AutoRevert, Engine, Handled};
use meshwarden_rules::exemption::Exemption;
use meshwarden_rules::resource::AwsService;
use meshwarden_rules::verdict::VerdictStatus;
use meshwarden_testkit::*;
use serde_json::Value;
use std::time::{Duration, SystemTime};

const RULE: &str = "mesh-egress-drop-all";
const REASON: &str = "legacy clients reach the internet until the proxy ships";

fn exemption(mesh: &str, until: SystemTime) -> ExemptionItem {
    ExemptionItem::new(
        &mesh_id(mesh),
        Exemption {
            rule: RULE.to_owned(),
            reason: REASON.to_owned(),
            until: rfc3339(until),
        },
        HUMAN_ROLE,
        &rfc3339(SystemTime::now()),
    )
}

async fn handled(
    engine: &Engine<
        impl meshwarden_engine::core::ports::ResourceWriter,
        impl ComplianceStore,
        impl meshwarden_engine::core::ports::FindingsSink,
    >,
    event: &Value,
) -> (meshwarden_engine::outcome::EventReport, Counts) {
    match meshwarden_testkit::run_counted(engine, event, &unique("delivery")).await {
        (Ok(Handled::Evaluated(report)), counts) => (report, counts),
        (other, _) => panic!("expected an evaluation, got {other:?}"),
    }
}

#[tokio::test]
async fn an_exempted_failure_is_recorded_exempted_and_never_reverted() {
    let h = Harness::new().await;
    let mesh = unique("exempted");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::On);
    let until = SystemTime::now() + Duration::from_secs(30 * 86_400);
    engine
        .store()
        .put_exemption(&exemption(&mesh, until))
        .await
        .unwrap();
    let event = update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO);
    let (report, counts) = handled(&engine, &event).await;
    assert_eq!(report.status, Status::Compliant);
    assert_eq!(report.action, Action::None);
    assert!(report.non_compliant_rules.is_empty());
    assert_eq!(
        h.egress(&mesh).await,
        Some(EgressFilterType::AllowAll),
        "an exempted rule is never reverted"
    );
    assert_eq!(
        (
            counts.exempted,
            counts.non_compliant,
            counts.new_non_compliance,
            counts.reverted
        ),
        (1, 0, 0, 0)
    );
    let state = engine
        .store()
        .state(&mesh_id(&mesh))
        .await
        .unwrap()
        .unwrap();
    assert_eq!(state.non_compliant, None, "not in the sparse index");
    let finding = state
        .common
        .findings
        .iter()
        .find(|f| f.rule == RULE)
        .unwrap();
    assert_eq!(finding.verdict, VerdictStatus::Exempted);
    assert_eq!(finding.reason.as_deref(), Some(REASON));
    assert_eq!(finding.until.as_deref(), Some(rfc3339(until).as_str()));
    let history = engine
        .store()
        .history(&mesh_id(&mesh), &Default::default())
        .await
        .unwrap();
    assert_eq!(
        history.items[0].common.findings, state.common.findings,
        "the history item shows it too"
    );
}

#[tokio::test]
async fn an_ended_exemption_fails_anew_is_reverted_and_counts_as_new_non_compliance() {
    let h = Harness::new().await;
    let mesh = unique("ended");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::On);
    let store = engine.store();
    let in_force = SystemTime::now() + Duration::from_secs(86_400);
    store
        .put_exemption(&exemption(&mesh, in_force))
        .await
        .unwrap();
    let old = update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::from_secs(60));
    handled(&engine, &old).await;
    // The exemption ends (the store keeps ended ones; `exempt list` marks them).
    let ended = SystemTime::now() - Duration::from_secs(1);
    store.put_exemption(&exemption(&mesh, ended)).await.unwrap();
    let event = update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO);
    let (report, counts) = handled(&engine, &event).await;
    assert_eq!(report.action, Action::Reverted);
    assert_eq!(h.egress(&mesh).await, Some(EgressFilterType::DropAll));
    assert_eq!(
        (
            counts.exempted,
            counts.non_compliant,
            counts.new_non_compliance
        ),
        (0, 1, 1),
        "the rule STATE held exempted fails anew"
    );
}

#[tokio::test]
async fn known_drift_is_not_new_non_compliance() {
    let h = Harness::new().await;
    let mesh = unique("known");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::Off);
    let first = update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::from_secs(60));
    let (_, counts) = handled(&engine, &first).await;
    assert_eq!(counts.new_non_compliance, 1, "it became non-compliant");
    let again = update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO);
    let (report, counts) = handled(&engine, &again).await;
    assert_eq!(report.status, Status::NonCompliant);
    assert_eq!(
        (counts.non_compliant, counts.new_non_compliance),
        (1, 0),
        "the same failure again pages no one"
    );
}

#[tokio::test]
async fn a_scan_applies_the_exemptions_of_the_index() {
    let h = Harness::new().await;
    let mesh = unique("scanned");
    h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = h.engine(AutoRevert::Off);
    let until = SystemTime::now() + Duration::from_secs(86_400);
    engine
        .store()
        .put_exemption(&exemption(&mesh, until))
        .await
        .unwrap();
    let scope = Scope {
        service: AwsService::AppMesh,
        account: ACCOUNT.to_owned(),
        region: REGION.to_owned(),
    };
    let scan = engine
        .scan(
            &[scope],
            &engine.exemptions_by_resource().await.unwrap(),
            &unique("scan"),
            &rfc3339(SystemTime::now()),
            &|_, _| {},
        )
        .await
        .unwrap();
    let record = scan
        .records
        .iter()
        .find(|r| r.resource.key() == mesh_id(&mesh))
        .expect("the mesh is scanned");
    assert_eq!(record.status, Status::Compliant);
    let finding = record.findings.iter().find(|f| f.rule == RULE).unwrap();
    assert_eq!(finding.verdict, VerdictStatus::Exempted);
}

#[tokio::test]
async fn with_the_setting_a_tag_exempts_the_rules_it_names_and_without_it_nothing() {
    let h = Harness::new().await;
    let mesh = unique("tagged");
    let key = "meshwarden:exempt";
    let created = h
        .appmesh
        .create_mesh()
        .mesh_name(&mesh)
        .spec(mesh_spec(EgressFilterType::AllowAll))
        .tags(
            aws_sdk_appmesh::types::TagRef::builder()
                .key(key)
                .value("mesh-ip-preference, mesh-egress-drop-all")
                .build()
                .unwrap(),
        )
        .send()
        .await
        .unwrap();
    let v = created
        .mesh
        .and_then(|m| m.metadata)
        .map_or(1, |m| m.version);
    let off = h.engine(AutoRevert::Off);
    let first = update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::from_secs(60));
    let (report, _) = handled(&off, &first).await;
    assert_eq!(report.status, Status::NonCompliant, "off by default");

    let mut config = h.config(AutoRevert::On);
    config.exemption_tag_key = Some(key.to_owned());
    let on = h.engine_with(config);
    let event = update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO);
    let (report, counts) = handled(&on, &event).await;
    assert_eq!(
        (report.status, report.action),
        (Status::Compliant, Action::None)
    );
    assert_eq!(counts.exempted, 1);
    assert_eq!(h.egress(&mesh).await, Some(EgressFilterType::AllowAll));
    let state = on.store().state(&mesh_id(&mesh)).await.unwrap().unwrap();
    let finding = state
        .common
        .findings
        .iter()
        .find(|f| f.rule == RULE)
        .unwrap();
    assert_eq!(finding.verdict, VerdictStatus::Exempted);
    assert_eq!(finding.reason.as_deref(), Some("tag meshwarden:exempt"));
    let until = humantime::parse_rfc3339(finding.until.as_deref().unwrap()).unwrap();
    assert!(
        until <= SystemTime::now() + meshwarden_engine::engine::TAG_EXEMPTION_LENGTH,
        "a tag exempts until the next sweep reads it again"
    );
}
