//! The DynamoDB store's guarantees, directly: exactly-once history, no state regression,
//! newest-first paginated history, the sparse non-compliant index.

use aws_sdk_dynamodb::types::AttributeValue;
use meshwarden_engine::adapters::dynamo::DynamoStore;
use meshwarden_engine::core::ports::{ComplianceStore, HistoryQuery, RecordOutcome};
use meshwarden_engine::core::record::{Cause, Record, Status};
use meshwarden_rules::resource::{ResourceKind, ResourceRef};
use meshwarden_testkit::*;
use std::time::{Duration, SystemTime};

fn record(mesh: &str, version: i64, minute: u32, status: Status) -> Record {
    let resource = ResourceRef::new(ResourceKind::Mesh, ACCOUNT, REGION, mesh);
    let cause = Cause {
        event_name: "UpdateMesh".into(),
        event_id: format!("evt-{version}-{minute}"),
        event_time: format!("2026-11-23T05:{minute:02}:00Z"),
        actor: Some(HUMAN_ROLE.into()),
    };
    let mut record = Record::new(resource, cause, status, SystemTime::now());
    record.identity.version = Some(version);
    record
}

async fn store() -> (Harness, DynamoStore) {
    let h = Harness::new().await;
    let store = DynamoStore::new(
        h.dynamodb.clone(),
        h.table.clone(),
        Duration::from_secs(86_400),
    );
    (h, store)
}

#[tokio::test]
async fn history_is_written_once_per_event() {
    let (h, store) = store().await;
    let mesh = unique("once");
    let r = record(&mesh, 1, 0, Status::NonCompliant);
    assert_eq!(store.record(&r).await.unwrap(), RecordOutcome::Written);
    assert_eq!(store.record(&r).await.unwrap(), RecordOutcome::Duplicate);
    assert_eq!(h.history_count(&mesh_id(&mesh)).await, 1);
    let item = &h.items(&mesh_id(&mesh)).await[0];
    assert!(item.contains_key("expiresAt"), "history items carry a TTL");
}

/// The two writes go together, so either may land alone. STATE landed and the history put
/// failed: the retry (the same evaluation, as Lambda redelivers it) writes the history and
/// re-applies STATE, which the state order admits for the same evaluation: recorded as written,
/// not as stale. (History landed and STATE failed is `history_is_written_once_per_event`'s
/// duplicate, which still applies STATE.)
#[tokio::test]
async fn a_retry_completes_a_state_written_without_its_history() {
    let (h, store) = store().await;
    let mesh = unique("halfway");
    let r = record(&mesh, 4, 7, Status::NonCompliant);
    assert_eq!(store.record(&r).await.unwrap(), RecordOutcome::Written);
    h.dynamodb
        .delete_item()
        .table_name(&h.table)
        .key("pk", AttributeValue::S(mesh_id(&mesh)))
        .key("sk", AttributeValue::S(r.history_sk()))
        .send()
        .await
        .unwrap();
    assert_eq!(h.history_count(&mesh_id(&mesh)).await, 0, "history failed");
    assert_eq!(store.record(&r).await.unwrap(), RecordOutcome::Written);
    assert_eq!(h.history_count(&mesh_id(&mesh)).await, 1);
    let state = store.state(&mesh_id(&mesh)).await.unwrap().unwrap();
    assert_eq!(state.common.event_id, r.cause.event_id);
    assert_eq!(state.common.status, Status::NonCompliant);
}

#[tokio::test]
async fn older_versions_never_overwrite_state() {
    let (h, store) = store().await;
    let mesh = unique("order");
    store
        .record(&record(&mesh, 3, 5, Status::Compliant))
        .await
        .unwrap();
    let late = record(&mesh, 2, 1, Status::NonCompliant);
    assert_eq!(
        store.record(&late).await.unwrap(),
        RecordOutcome::StaleState
    );
    let state = store.state(&mesh_id(&mesh)).await.unwrap().unwrap();
    assert_eq!(state.common.resource_version, Some(3));
    assert_eq!(state.common.status, Status::Compliant);
    assert_eq!(
        h.history_count(&mesh_id(&mesh)).await,
        2,
        "the late event is still history"
    );
}

#[tokio::test]
async fn history_pages_newest_first_and_since_filters() {
    let (_h, store) = store().await;
    let mesh = unique("pages");
    for minute in 0..7 {
        store
            .record(&record(
                &mesh,
                i64::from(minute) + 1,
                minute,
                Status::Compliant,
            ))
            .await
            .unwrap();
    }
    let mut seen = Vec::new();
    let mut query = HistoryQuery {
        limit: 3,
        ..HistoryQuery::default()
    };
    loop {
        let page = store.history(&mesh_id(&mesh), &query).await.unwrap();
        seen.extend(page.items.iter().map(|i| i.common.event_time.clone()));
        match page.next {
            Some(next) => query.cursor = Some(next),
            None => break,
        }
    }
    let mut expected: Vec<String> = (0..7)
        .rev()
        .map(|m| format!("2026-11-23T05:{m:02}:00Z"))
        .collect();
    assert_eq!(seen, expected);
    let since = store
        .history(
            &mesh_id(&mesh),
            &HistoryQuery {
                limit: 100,
                since: Some("2026-11-23T05:04:00Z".into()),
                cursor: None,
            },
        )
        .await
        .unwrap();
    expected.truncate(3);
    assert_eq!(
        since
            .items
            .iter()
            .map(|i| i.common.event_time.clone())
            .collect::<Vec<_>>(),
        expected
    );
}

#[tokio::test]
async fn the_sparse_index_lists_only_non_compliant_resources() {
    let (_h, store) = store().await;
    let bad = unique("bad");
    let good = unique("good");
    store
        .record(&record(&bad, 1, 0, Status::NonCompliant))
        .await
        .unwrap();
    store
        .record(&record(&good, 1, 0, Status::Compliant))
        .await
        .unwrap();
    let ids = non_compliant_ids(&store).await;
    assert!(ids.contains(&mesh_id(&bad)));
    assert!(!ids.contains(&mesh_id(&good)));
    // Fixed later: it leaves the index.
    store
        .record(&record(&bad, 2, 1, Status::Compliant))
        .await
        .unwrap();
    let ids = non_compliant_ids(&store).await;
    assert!(!ids.contains(&mesh_id(&bad)));
}

/// The ids the sparse index lists as non-compliant now.
async fn non_compliant_ids(store: &DynamoStore) -> Vec<String> {
    store
        .non_compliant(None, 1000)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|s| s.common.pk)
        .collect()
}

#[tokio::test]
async fn state_order_is_the_same_rule_in_dynamodb_and_in_memory() {
    use meshwarden_engine::core::state_order::admits;
    use meshwarden_testkit::memory::{state_order_cases, MemoryStore};
    let (_h, dynamo) = store().await;
    let memory = MemoryStore::default();
    for case in state_order_cases(&unique("order")) {
        for r in &case.setup {
            dynamo.record(r).await.unwrap();
            memory.record(r).await.unwrap();
        }
        let id = case.candidate.resource.key();
        let stored = dynamo.state(&id).await.unwrap();
        assert_eq!(
            admits(stored.as_ref(), &case.candidate),
            case.admitted,
            "{}: the pure rule",
            case.name
        );
        let expected = if case.admitted {
            RecordOutcome::Written
        } else {
            RecordOutcome::StaleState
        };
        assert_eq!(
            dynamo.record(&case.candidate).await.unwrap(),
            expected,
            "{}: DynamoDB's condition",
            case.name
        );
        assert_eq!(
            memory.record(&case.candidate).await.unwrap(),
            expected,
            "{}: the in-memory store",
            case.name
        );
    }
}

#[tokio::test]
async fn exemptions_are_put_listed_by_resource_and_index_and_removed() {
    use meshwarden_engine::core::exemptions::ExemptionItem;
    use meshwarden_rules::exemption::Exemption;
    let (h, store) = store().await;
    let mesh = unique("exempt");
    let id = mesh_id(&mesh);
    let item = |rule: &str| {
        ExemptionItem::new(
            &id,
            Exemption {
                rule: rule.to_owned(),
                reason: "legacy clients".to_owned(),
                until: "2027-03-01T00:00:00Z".to_owned(),
            },
            HUMAN_ROLE,
            "2026-12-01T00:00:00Z",
        )
    };
    store
        .put_exemption(&item("mesh-egress-drop-all"))
        .await
        .unwrap();
    store
        .put_exemption(&item("mesh-ip-preference"))
        .await
        .unwrap();
    // A history and a STATE item in the same partition are not exemptions.
    store
        .record(&record(&mesh, 1, 0, Status::NonCompliant))
        .await
        .unwrap();
    let mut rules: Vec<_> = store
        .exemptions(&id)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.rule)
        .collect();
    rules.sort();
    assert_eq!(rules, ["mesh-egress-drop-all", "mesh-ip-preference"]);
    let stored = &h.items(&id).await;
    let raw = stored
        .iter()
        .find(|i| i["sk"].as_s().unwrap() == "EXEMPT#mesh-egress-drop-all")
        .expect("the contract's sort key");
    for attribute in ["rule", "reason", "until", "createdBy", "createdAt"] {
        assert!(raw.contains_key(attribute), "{attribute}");
    }
    let indexed: Vec<_> = store
        .all_exemptions()
        .await
        .unwrap()
        .into_iter()
        .filter(|e| e.pk == id)
        .collect();
    assert_eq!(
        indexed.len(),
        2,
        "the sparse index holds exemption items only"
    );
    assert!(store
        .remove_exemption(&id, "mesh-ip-preference")
        .await
        .unwrap());
    assert!(!store
        .remove_exemption(&id, "mesh-ip-preference")
        .await
        .unwrap());
    assert_eq!(
        store.exemptions(&id).await.unwrap(),
        vec![item("mesh-egress-drop-all")]
    );
}

#[tokio::test]
async fn recording_returns_the_rules_state_failed_before() {
    use meshwarden_rules::verdict::{Finding, Severity, VerdictStatus};
    let (_h, store) = store().await;
    let mesh = unique("prev");
    let failing = |rule: &'static str| Finding {
        rule: rule.into(),
        severity: Severity::High,
        verdict: VerdictStatus::NonCompliant,
        reason: None,
        until: None,
    };
    let (outcome, first) = store
        .record_seen(&record(&mesh, 1, 0, Status::Compliant))
        .await
        .unwrap();
    assert_eq!(outcome, RecordOutcome::Written);
    assert_eq!(first.unwrap().previous_failed, Vec::<String>::new());
    let mut bad = record(&mesh, 2, 1, Status::NonCompliant);
    bad.findings = vec![failing("mesh-egress-drop-all")];
    store.record_seen(&bad).await.unwrap();
    let (_, next) = store
        .record_seen(&record(&mesh, 3, 2, Status::Compliant))
        .await
        .unwrap();
    assert_eq!(next.unwrap().previous_failed, ["mesh-egress-drop-all"]);
    let (stale, none) = store
        .record_seen(&record(&mesh, 1, 3, Status::Compliant))
        .await
        .unwrap();
    assert_eq!((stale, none), (RecordOutcome::StaleState, None));
}
