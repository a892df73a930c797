//! The ECS helpers against the emulator: a configuration set by CreateService or UpdateService is
//! the PRIMARY deployment's, and an image-only deploy keeps it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use meshwarden_testkit::ecs::{primary_of, ServiceConnect};
use meshwarden_testkit::{unique, Harness};

#[tokio::test]
async fn helpers_set_and_read_the_primary_deployments_configuration() {
    let harness = Harness::new().await;
    let cluster = unique("cluster");
    let cluster_arn = harness.create_ecs_cluster(&cluster).await;
    assert!(
        cluster_arn.ends_with(&format!(":cluster/{cluster}")),
        "{cluster_arn}"
    );

    let compliant = ServiceConnect::compliant();
    let created = harness
        .create_ecs_service(&cluster, "web", Some(compliant))
        .await;
    let first = primary_of(&created).unwrap().id.unwrap();
    assert_eq!(
        harness.primary_service_connect(&cluster, "web").await,
        Some(compliant.sdk())
    );

    // A person drops TLS: a new PRIMARY deployment carries it, the old one is ACTIVE.
    let plain = compliant.without_tls();
    let second = harness.update_service_connect(&cluster, "web", plain).await;
    assert_ne!(second, first);
    assert_eq!(
        harness.primary_service_connect(&cluster, "web").await,
        Some(plain.sdk())
    );
    let described = harness.describe_ecs_service(&cluster, "web").await.unwrap();
    let statuses: Vec<_> = described
        .deployments()
        .iter()
        .map(|d| (d.id().unwrap().to_owned(), d.status().unwrap().to_owned()))
        .collect();
    assert_eq!(
        statuses,
        [
            (second.clone(), "PRIMARY".to_owned()),
            (first, "ACTIVE".to_owned())
        ]
    );
    assert_eq!(described.tags().len(), 1, "{described:?}");

    // An image-only deploy starts a deployment that keeps the configuration.
    let revision = harness.deploy_image(&cluster, "web", "nginx:2").await;
    let described = harness.describe_ecs_service(&cluster, "web").await.unwrap();
    let primary = primary_of(&described).unwrap();
    assert_ne!(primary.id(), Some(second.as_str()));
    assert_eq!(primary.task_definition(), Some(revision.as_str()));
    assert_eq!(primary.service_connect_configuration, Some(plain.sdk()));

    harness.delete_ecs_service(&cluster, "web").await;
    let deleted = harness.describe_ecs_service(&cluster, "web").await.unwrap();
    assert_eq!(deleted.status(), Some("INACTIVE"));
}

#[test]
fn builders_break_one_rule_each_and_agree_with_their_json() {
    let compliant = ServiceConnect::compliant();
    let json = compliant.json();
    assert_eq!(
        json["services"][0]["tls"]["issuerCertificateAuthority"]["awsPcaAuthorityArn"],
        meshwarden_testkit::ecs::PCA_ARN
    );
    assert!(compliant.without_tls().json()["services"][0]
        .get("tls")
        .is_none());
    let no_logs = compliant.without_access_logs().json();
    assert!(
        no_logs.get("accessLogConfiguration").is_none()
            && no_logs.get("logConfiguration").is_none()
    );
    assert_eq!(
        compliant.with_query_parameters().json()["accessLogConfiguration"]
            ["includeQueryParameters"],
        "ENABLED"
    );
    assert_eq!(
        compliant.with_zero_timeout().json()["services"][0]["timeout"]["idleTimeoutSeconds"],
        0
    );
    assert!(compliant.client_only().json().get("services").is_none());
    // The SDK form says the same: one entry, TLS only where the JSON has it.
    let sdk = compliant.without_tls().sdk();
    assert!(sdk.enabled && sdk.services()[0].tls.is_none());
    assert!(compliant.sdk().services()[0].tls.is_some());
}
