//! VPC Lattice as AWS behaves and moto does not, through the harness's models
//! (tests/harness/README.md, "What the emulator hides"): another account's ARN, an auth policy
//! still propagating, association counts that change on their own. Real SDK clients, emulator.

use crate::pipeline::evaluated;
use aws_sdk_vpclattice::types::AuthType;
use meshwarden_engine::core::ports::ComplianceStore;
use meshwarden_engine::core::record::{Action, Status};
use meshwarden_engine::invocation::Invocation;
use meshwarden_engine::{AutoRevert, Engine, Handled};
use meshwarden_testkit::lattice::*;
use meshwarden_testkit::staged::Staged;
use meshwarden_testkit::*;
use serde_json::json;

const LOGS: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/lattice/fidelity";

/// A compliant service network (AWS_IAM, a restrictive policy, access logs), recorded as such.
async fn compliant_network(h: &Harness) -> String {
    let id = h.create_network(&unique("sn"), AuthType::AwsIam).await;
    h.put_auth_policy(&id, &restrictive_policy()).await;
    h.subscribe_access_logs(&id, LOGS).await;
    let event = put_auth_policy_event(&id, &restrictive_policy());
    let report = evaluated(&h.engine(AutoRevert::Off), &event).await;
    assert_eq!(report.status, Status::Compliant, "{report:?}");
    id
}

#[tokio::test]
async fn an_arn_naming_another_account_is_never_evaluated_or_written_as_our_same_id_resource() {
    let h = Harness::new().await;
    let id = h.create_network(&unique("sn"), AuthType::None).await;
    // Another account's ARN ending with our network's id (not shared with us).
    let foreign = format!("arn:aws:vpc-lattice:{REGION}:111111111111:servicenetwork/{id}");
    let engine = h.engine(AutoRevert::On);
    let handled = engine
        .run(&update_network_event(&foreign, "NONE"), &Invocation::new())
        .await;
    if let Ok(Handled::Evaluated(report)) = &handled {
        assert_ne!(report.action, Action::Reverted, "{report:?}");
        assert_ne!(report.status, Status::NonCompliant, "{report:?}");
    }
    assert_eq!(
        h.auth_of(&id).await.0.as_deref(),
        Some("NONE"),
        "our network is untouched"
    );
    assert!(lattice_writes(&id).is_empty(), "{:?}", lattice_writes(&id));
    let ours = engine
        .store()
        .state(&lattice_id("serviceNetwork", &id))
        .await
        .unwrap();
    assert!(ours.is_none(), "nothing recorded for our network: {ours:?}");
}

#[tokio::test]
async fn a_revert_whose_policy_is_still_propagating_is_not_a_conflict_and_is_written_once() {
    // Issue 19, point 7: AWS documents that an auth policy change "might take a few minutes to
    // be ready"; the describe after the revert's PutAuthPolicy may still show the old policy.
    let h = Harness::new().await;
    let id = compliant_network(&h).await;
    h.put_auth_policy(&id, &open_policy()).await;
    emulator_admin(
        "POST",
        "auth-policy-propagation",
        Some(&json!({"reads": null, "resource": id})),
    );
    let engine = h.engine(AutoRevert::On);
    let first = engine
        .run(
            &put_auth_policy_event(&id, &open_policy()),
            &Invocation::new(),
        )
        .await;
    emulator_admin(
        "POST",
        "auth-policy-propagation/release",
        Some(&json!({"resource": id})),
    );
    emulator_admin(
        "POST",
        "auth-policy-propagation",
        Some(&json!({"reads": 0, "resource": id})),
    );
    if let Ok(Handled::Evaluated(report)) = &first {
        assert_ne!(
            report.action,
            Action::RevertConflict,
            "lag alone is no conflict: {report:?}"
        );
    }
    // The next delivery (or the sweep) completes it: compliant, the policy written once.
    let again = evaluated(&engine, &put_auth_policy_event(&id, &open_policy())).await;
    assert_eq!(again.status, Status::Compliant, "{again:?}");
    assert_eq!(
        h.auth_of(&id).await,
        (Some("AWS_IAM".to_owned()), Some(restrictive_policy()))
    );
    // Set-up, drift, and one revert.
    assert_eq!(lattice_writes(&id).get("PutAuthPolicy"), Some(&3));
}

#[tokio::test]
async fn a_service_associated_by_someone_else_meanwhile_does_not_stop_the_revert() {
    // Issue 19, point 7: numberOfAssociatedServices changes when another team associates a
    // service; no rule reads it, so it is no "change since evaluated".
    let h = Harness::new().await;
    let id = compliant_network(&h).await;
    h.set_network_auth(&id, AuthType::None).await;
    let (client, network) = (h.lattice.clone(), id.clone());
    let config = h.config(AutoRevert::On);
    let (services, store) = h.ports(&config);
    let staged = Staged::new(services).before_describe(
        2,
        Box::new(move || {
            Box::pin(async move {
                let service = client
                    .create_service()
                    .name(unique("svc"))
                    .send()
                    .await
                    .unwrap();
                client
                    .create_service_network_service_association()
                    .service_network_identifier(&network)
                    .service_identifier(service.id.unwrap_or_default())
                    .send()
                    .await
                    .unwrap();
            })
        }),
    );
    let engine = Engine::new(staged, store, config);
    let report = evaluated(&engine, &update_network_event(&id, "NONE")).await;
    assert_eq!(report.action, Action::Reverted, "{report:?}");
    assert_eq!(h.auth_of(&id).await.0.as_deref(), Some("AWS_IAM"));
}
