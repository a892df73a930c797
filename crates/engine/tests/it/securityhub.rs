//! Findings in AWS Security Hub: the export decisions on the in-memory ports (a drift is one
//! `FAILED` finding that turns `PASSED` on the same `Id`, unchanged evaluations import nothing,
//! a refused import is an error but never a retry and the sweep makes it later, deletions
//! archive, switched off nothing is read), then the SDK adapter against the emulator's
//! `BatchImportFindings`, `BatchUpdateFindings` (exempted failures suppressed) and `GetFindings`.

use crate::decisions::{allow_all_mesh, config, event, handle, id, mesh_ref, report};
use crate::pipeline::evaluated;
use aws_sdk_appmesh::types::EgressFilterType;
use aws_sdk_securityhub::types::{AwsSecurityFinding, ComplianceStatus, RecordState as Sdk};
use meshwarden_engine::adapters::securityhub::SecurityHubAdapter;
use meshwarden_engine::core::error::ErrorKind;
use meshwarden_engine::core::exemptions::ExemptionItem;
use meshwarden_engine::core::findings::RecordState;
use meshwarden_engine::core::hub_mark::HubStatus;
use meshwarden_engine::core::ports::ComplianceStore;
use meshwarden_engine::core::record::{rfc3339, Action, Status};
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{AutoRevert, Engine, EngineConfig, Handled};
use meshwarden_rules::exemption::Exemption;
use meshwarden_testkit::memory::{MemoryFindings, MemoryMesh, MemoryStore, Strike};
use meshwarden_testkit::{
    mesh_id, security_hub_findings, unique, update_mesh_event, Harness, ACCOUNT, HUMAN_ROLE, REGION,
};
use serde_json::{json, Value};
use std::time::{Duration, SystemTime};

/// The one mesh rule that applies without configuration.
const RULE: &str = "mesh-egress-drop-all";

fn hub_config(mode: AutoRevert) -> EngineConfig {
    EngineConfig {
        security_hub: true,
        ..config(mode)
    }
}

/// In-memory ports and Security Hub, shared by the engines of one test.
#[derive(Clone, Default)]
struct World {
    mesh: MemoryMesh,
    store: MemoryStore,
    hub: MemoryFindings,
}

impl World {
    fn engine(&self, config: EngineConfig) -> Engine<MemoryMesh, MemoryStore, MemoryFindings> {
        Engine::new(self.mesh.clone(), self.store.clone(), config).with_findings(self.hub.clone())
    }

    /// The finding of `mesh`'s egress rule, as Security Hub holds it.
    fn finding(&self, mesh: &str) -> meshwarden_engine::core::findings::AsffFinding {
        self.hub.hub()[&format!("{}/{RULE}", id(mesh))].clone()
    }
}

/// A scheduled sweep timed now (so its STATE writes are the newest).
fn sweep() -> Value {
    let time = humantime::format_rfc3339_seconds(SystemTime::now()).to_string();
    json!({"detail-type": "Scheduled Event", "source": "aws.scheduler",
           "id": unique("sweep"), "time": time})
}

async fn swept(engine: &Engine<MemoryMesh, MemoryStore, MemoryFindings>) -> u64 {
    let (handled, counts) = handle(engine, &sweep(), &unique("s")).await;
    assert!(matches!(handled, Ok(Handled::Swept(_))), "{handled:?}");
    counts.errors
}

#[tokio::test]
async fn a_drift_is_one_failed_finding_that_passes_on_the_same_id_after_the_revert() {
    let w = World::default();
    let v = allow_all_mesh(&w.mesh, "m", ACCOUNT);
    let off = w.engine(hub_config(AutoRevert::Off));
    let (handled, counts) = handle(&off, &event("m", v), "d1").await;
    assert_eq!(report(handled).status, Status::NonCompliant);
    assert_eq!(counts.errors, 0);
    let held = w.hub.hub();
    assert_eq!(
        held.keys().cloned().collect::<Vec<_>>(),
        vec![format!("{}/{RULE}", id("m"))],
        "one finding per (resource, rule); the unconfigured mesh rules do not apply"
    );
    let failed = w.finding("m");
    assert_eq!(failed.compliance, HubStatus::Failed);
    assert_eq!(
        (failed.workflow, failed.record_state),
        ("NEW", RecordState::Active)
    );
    // Evaluated again, nothing changed: nothing is imported.
    report(handle(&off, &event("m", v), "d2").await.0);
    assert_eq!(w.hub.imports().len(), 1);
    // Reverted: the same finding passes.
    let on = w.engine(hub_config(AutoRevert::On));
    let r = report(handle(&on, &event("m", v), "d3").await.0);
    assert_eq!(r.action, Action::Reverted);
    assert_eq!(w.hub.imports().len(), 2);
    assert_eq!(w.hub.hub().len(), 1, "never a second finding");
    let passed = w.finding("m");
    assert_eq!(passed.compliance, HubStatus::Passed);
    assert_eq!(passed.workflow, "RESOLVED");
    assert_eq!(passed.created_at, failed.created_at);
    let mark = w.store.state_of(&id("m")).unwrap().security_hub.unwrap();
    assert_eq!(mark.findings[RULE].status, HubStatus::Passed);
    // The sweep finds everything as Security Hub holds it.
    assert_eq!(swept(&on).await, 0);
    assert_eq!(w.hub.imports().len(), 2);
}

#[tokio::test]
async fn a_refused_import_is_an_error_never_a_retry_and_the_sweep_makes_it() {
    let w = World::default();
    let v = allow_all_mesh(&w.mesh, "m", ACCOUNT);
    let engine = w.engine(hub_config(AutoRevert::Off));
    w.hub.fail_next(ErrorKind::Rejected);
    let (handled, counts) = handle(&engine, &event("m", v), "d1").await;
    let r = report(handled);
    assert_eq!(
        r.status,
        Status::NonCompliant,
        "the event is handled, not retried"
    );
    assert_eq!(counts.errors, 1, "and counted in Errors");
    assert!(w.hub.hub().is_empty());
    let state = w.store.state_of(&id("m")).unwrap();
    assert_eq!(
        state.common.status,
        Status::NonCompliant,
        "the record is kept"
    );
    assert_eq!(state.security_hub, None, "not imported: not marked");
    assert_eq!(swept(&engine).await, 0);
    assert_eq!(w.finding("m").compliance, HubStatus::Failed);
    assert_eq!(swept(&engine).await, 0);
    assert_eq!(w.hub.imports().len(), 1, "a second sweep has nothing new");
}

#[tokio::test]
async fn a_failed_suppression_is_sent_again_by_the_sweep_and_then_never() {
    let w = World::default();
    let v = allow_all_mesh(&w.mesh, "m", ACCOUNT);
    let off = w.engine(hub_config(AutoRevert::Off));
    report(handle(&off, &event("m", v), "d1").await.0);
    assert_eq!(w.finding("m").triage, None, "a plain failure is left NEW");
    let engine = w.engine(hub_config(AutoRevert::On));
    w.store
        .put_exemption(&ExemptionItem::new(
            &id("m"),
            Exemption {
                rule: RULE.to_owned(),
                reason: "accepted".to_owned(),
                until: rfc3339(SystemTime::now() + Duration::from_secs(86_400)),
            },
            HUMAN_ROLE,
            &rfc3339(SystemTime::now()),
        ))
        .await
        .unwrap();
    w.hub.fail_next(ErrorKind::Rejected);
    let (handled, counts) = handle(&engine, &event("m", v), "d2").await;
    assert_eq!(
        report(handled).action,
        Action::None,
        "exempted: not reverted"
    );
    assert_eq!(counts.errors, 1);
    let mark = w.store.state_of(&id("m")).unwrap().security_hub.unwrap();
    assert_eq!(mark.findings[RULE].suppressed, None, "not sent: not marked");
    assert_eq!(swept(&engine).await, 0);
    let suppressed = w.finding("m");
    assert_eq!(
        suppressed.triage.map(|t| (t.workflow, t.note)),
        Some(("SUPPRESSED", "accepted".to_owned()))
    );
    let imports = w.hub.imports().len();
    assert_eq!(swept(&engine).await, 0);
    assert_eq!(w.hub.imports().len(), imports, "sent once");
}

#[tokio::test]
async fn switched_on_later_the_next_sweep_imports_what_stands() {
    let w = World::default();
    let v = allow_all_mesh(&w.mesh, "m", ACCOUNT);
    report(
        handle(&w.engine(config(AutoRevert::Off)), &event("m", v), "d1")
            .await
            .0,
    );
    assert!(w.hub.imports().is_empty());
    assert_eq!(swept(&w.engine(hub_config(AutoRevert::Off))).await, 0);
    assert_eq!(w.finding("m").compliance, HubStatus::Failed);
}

#[tokio::test]
async fn a_deleted_resource_has_its_findings_archived() {
    let w = World::default();
    let v = allow_all_mesh(&w.mesh, "m", ACCOUNT);
    let engine = w.engine(hub_config(AutoRevert::Off));
    report(handle(&engine, &event("m", v), "d1").await.0);
    w.mesh.world().delete(&mesh_ref("m"));
    assert_eq!(swept(&engine).await, 0);
    let archived = w.finding("m");
    assert_eq!(archived.record_state, RecordState::Archived);
    assert_eq!(
        archived.compliance,
        HubStatus::Failed,
        "its last status is kept"
    );
    assert_eq!(w.hub.hub().len(), 1);
}

#[tokio::test]
async fn switched_off_nothing_is_read_exported_or_marked() {
    let w = World::default();
    let v = allow_all_mesh(&w.mesh, "m", ACCOUNT);
    // A sink is wired but the setting is off.
    let engine = w.engine(config(AutoRevert::Off));
    w.store.fail("state", ErrorKind::Rejected, Strike::Before);
    let (handled, counts) = handle(&engine, &event("m", v), "d1").await;
    assert_eq!(report(handled).status, Status::NonCompliant);
    assert_eq!(counts.errors, 0);
    assert!(w.hub.imports().is_empty());
    assert!(
        w.store.state(&id("m")).await.is_err(),
        "the queued fault is still there: STATE was never read"
    );
    assert_eq!(w.store.state_of(&id("m")).unwrap().security_hub, None);
}

// ---- against the emulator ----

async fn findings(h: &Harness, region: &str, prefix: &str) -> Vec<AwsSecurityFinding> {
    security_hub_findings(&h.sdk, region, prefix).await
}

fn hub_engine(
    h: &Harness,
    mode: AutoRevert,
) -> Engine<
    meshwarden_engine::services::AwsServices,
    meshwarden_engine::adapters::dynamo::DynamoStore,
    SecurityHubAdapter,
> {
    let config = EngineConfig {
        security_hub: true,
        ..h.config(mode)
    };
    h.engine_with(config)
        .with_findings(SecurityHubAdapter::new(&h.sdk))
}

/// The one finding of `mesh` in us-east-1 (there must be exactly one), checked to be about it.
async fn only_finding(h: &Harness, mesh: &str) -> AwsSecurityFinding {
    only_finding_in(h, REGION, mesh).await
}

/// The one finding of `mesh` in `region`.
async fn only_finding_in(h: &Harness, region: &str, mesh: &str) -> AwsSecurityFinding {
    let id = format!("appmesh:{ACCOUNT}:{region}:mesh/{mesh}");
    let held = findings(h, region, &id).await;
    assert_eq!(held.len(), 1, "one finding per (resource, rule): {held:#?}");
    let f = held.into_iter().next().unwrap();
    assert_eq!(f.id(), Some(format!("{id}/{RULE}").as_str()));
    assert_eq!(
        f.generator_id(),
        Some(format!("meshwarden/{RULE}").as_str())
    );
    let product = format!("arn:aws:securityhub:{region}:{ACCOUNT}:product/{ACCOUNT}/default");
    assert_eq!(f.product_arn(), Some(product.as_str()));
    assert_eq!(f.aws_account_id(), Some(ACCOUNT));
    let resource = &f.resources()[0];
    assert_eq!(resource.r#type(), Some("Other"));
    assert_eq!(
        resource.id(),
        Some(format!("arn:aws:appmesh:{region}:{ACCOUNT}:mesh/{mesh}").as_str())
    );
    let other = resource.details().and_then(|d| d.other()).unwrap();
    assert_eq!(other["mesh"], mesh);
    assert_eq!(other["field"], "spec.egressFilter.type");
    f
}

fn status(f: &AwsSecurityFinding) -> (Option<&ComplianceStatus>, Option<&str>, Option<&Sdk>) {
    (
        f.compliance().and_then(|c| c.status()),
        f.workflow().and_then(|w| w.status()).map(|s| s.as_str()),
        f.record_state(),
    )
}

#[tokio::test]
async fn security_hub_shows_failed_then_passed_on_the_same_id_after_the_revert() {
    let h = Harness::new().await;
    let mesh = unique("hub-revert");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let drift = || update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO);
    let recorded = evaluated(&hub_engine(&h, AutoRevert::Off), &drift()).await;
    assert_eq!(recorded.status, Status::NonCompliant);
    let failed = only_finding(&h, &mesh).await;
    assert_eq!(
        status(&failed),
        (
            Some(&ComplianceStatus::Failed),
            Some("NEW"),
            Some(&Sdk::Active)
        )
    );
    let engine = hub_engine(&h, AutoRevert::Off);
    let state = engine
        .store()
        .state(&mesh_id(&mesh))
        .await
        .unwrap()
        .unwrap();
    let mark = state
        .security_hub
        .expect("STATE marks what Security Hub holds");
    assert_eq!(mark.findings[RULE].status, HubStatus::Failed);
    assert_eq!(
        Some(mark.findings[RULE].created_at.as_str()),
        failed.created_at()
    );
    assert_eq!(
        failed
            .severity()
            .and_then(|s| s.label())
            .map(|l| l.as_str()),
        Some("MEDIUM")
    );
    let reverted = evaluated(&hub_engine(&h, AutoRevert::On), &drift()).await;
    assert_eq!(reverted.action, Action::Reverted);
    let passed = only_finding(&h, &mesh).await;
    assert_eq!(
        status(&passed),
        (
            Some(&ComplianceStatus::Passed),
            Some("RESOLVED"),
            Some(&Sdk::Active)
        )
    );
    assert_eq!(passed.created_at(), failed.created_at());
}

#[tokio::test]
async fn security_hub_shows_passed_once_the_owner_fixes_the_mesh() {
    let h = Harness::new().await;
    let mesh = unique("hub-fixed");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = hub_engine(&h, AutoRevert::Off);
    let event = update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO);
    evaluated(&engine, &event).await;
    assert_eq!(
        status(&only_finding(&h, &mesh).await).0,
        Some(&ComplianceStatus::Failed)
    );
    let fixed = h.update_mesh(&mesh, EgressFilterType::DropAll).await;
    let event = update_mesh_event(&mesh, "DROP_ALL", fixed, HUMAN_ROLE, Duration::ZERO);
    assert_eq!(evaluated(&engine, &event).await.status, Status::Compliant);
    assert_eq!(
        status(&only_finding(&h, &mesh).await),
        (
            Some(&ComplianceStatus::Passed),
            Some("RESOLVED"),
            Some(&Sdk::Active)
        )
    );
}

/// The note STATE's `securityHub` mark keeps for the rule's finding of `mesh`.
async fn suppressed_mark(h: &Harness, mesh: &str) -> Option<String> {
    let state = hub_engine(h, AutoRevert::Off)
        .store()
        .state(&mesh_id(mesh))
        .await
        .unwrap()
        .unwrap();
    state.security_hub.unwrap().findings[RULE]
        .suppressed
        .clone()
}

#[tokio::test]
async fn an_exempted_failure_is_suppressed_with_its_reason_and_new_once_the_exemption_is_removed() {
    let h = Harness::new().await;
    let mesh = unique("hub-exempt");
    let v = h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let engine = hub_engine(&h, AutoRevert::On);
    let drift = || update_mesh_event(&mesh, "ALLOW_ALL", v, HUMAN_ROLE, Duration::ZERO);
    let reason = "legacy clients reach the internet until the proxy ships";
    engine
        .store()
        .put_exemption(&ExemptionItem::new(
            &mesh_id(&mesh),
            Exemption {
                rule: RULE.to_owned(),
                reason: reason.to_owned(),
                until: rfc3339(SystemTime::now() + Duration::from_secs(30 * 86_400)),
            },
            HUMAN_ROLE,
            &rfc3339(SystemTime::now()),
        ))
        .await
        .unwrap();
    assert_eq!(evaluated(&engine, &drift()).await.action, Action::None);
    let suppressed = only_finding(&h, &mesh).await;
    assert_eq!(
        status(&suppressed),
        (
            Some(&ComplianceStatus::Failed),
            Some("SUPPRESSED"),
            Some(&Sdk::Active)
        ),
        "an exempted rule still fails, suppressed"
    );
    let note = suppressed.note().unwrap();
    assert_eq!(
        (note.text(), note.updated_by()),
        (Some(reason), Some("meshwarden"))
    );
    assert_eq!(suppressed_mark(&h, &mesh).await.as_deref(), Some(reason));

    assert!(engine
        .store()
        .remove_exemption(&mesh_id(&mesh), RULE)
        .await
        .unwrap());
    let off = hub_engine(&h, AutoRevert::Off);
    assert_eq!(evaluated(&off, &drift()).await.status, Status::NonCompliant);
    let renewed = only_finding(&h, &mesh).await;
    assert_eq!(
        status(&renewed),
        (
            Some(&ComplianceStatus::Failed),
            Some("NEW"),
            Some(&Sdk::Active)
        ),
        "the rule is judged again once the exemption is gone"
    );
    assert_eq!(
        renewed.note().and_then(|n| n.text()),
        Some(meshwarden_engine::core::findings::ENDED_NOTE)
    );
    assert_eq!(suppressed_mark(&h, &mesh).await, None);
}

/// A region no other test sweeps (the sweep records every resource of its regions).
const HUB_SWEEP_REGION: &str = "ca-central-1";

#[tokio::test]
async fn switched_on_later_the_sweep_imports_what_stands_and_keeps_its_mark() {
    let h = Harness::new().await;
    let in_region = Harness {
        appmesh: aws_sdk_appmesh::Client::from_conf(
            aws_sdk_appmesh::config::Builder::from(&h.sdk)
                .region(aws_config::Region::new(HUB_SWEEP_REGION))
                .build(),
        ),
        ..h
    };
    let h = in_region;
    let mesh = unique("hub-sweep");
    h.create_mesh(&mesh, EgressFilterType::AllowAll).await;
    let off = EngineConfig {
        regions: vec![HUB_SWEEP_REGION.to_owned()],
        ..h.config(AutoRevert::Off)
    };
    let on = EngineConfig {
        security_hub: true,
        ..off.clone()
    };
    let sweep_with = |config: EngineConfig| {
        let engine = h
            .engine_with(config)
            .with_findings(SecurityHubAdapter::new(&h.sdk));
        async move {
            let handled = engine.run(&sweep(), &Invocation::new()).await.unwrap();
            assert!(matches!(handled, Handled::Swept(_)), "{handled:?}");
        }
    };
    // Recorded while Security Hub was off: nothing imported.
    sweep_with(off).await;
    assert!(findings(
        &h,
        HUB_SWEEP_REGION,
        &format!("appmesh:{ACCOUNT}:{HUB_SWEEP_REGION}:mesh/{mesh}")
    )
    .await
    .is_empty());
    // Switched on: the next sweep imports what stands (its write's ALL_OLD had no mark).
    sweep_with(on.clone()).await;
    let failed = only_finding_in(&h, HUB_SWEEP_REGION, &mesh).await;
    assert_eq!(status(&failed).0, Some(&ComplianceStatus::Failed));
    // Fixed a second later: the sweep reads the mark back from ALL_OLD and updates the same
    // finding, keeping its CreatedAt.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    h.update_mesh(&mesh, EgressFilterType::DropAll).await;
    sweep_with(on).await;
    let passed = only_finding_in(&h, HUB_SWEEP_REGION, &mesh).await;
    assert_eq!(status(&passed).0, Some(&ComplianceStatus::Passed));
    assert_eq!(passed.created_at(), failed.created_at());
    assert_ne!(passed.updated_at(), passed.created_at());
}
