//! VPC Lattice's API calls per event: a document needs several reads, made at once.

use crate::{handle, row, write_units, Rig};
use aws_sdk_vpclattice::types::AuthType;
use meshwarden_engine::AutoRevert;
use meshwarden_testkit::lattice::{
    lattice_event, lattice_id, restrictive_policy, update_network_event,
};
use meshwarden_testkit::{unique, HUMAN_ROLE};
use serde_json::{json, Value};
use std::time::Duration;

const LOGS: &str = "arn:aws:logs:us-east-1:123456789012:log-group:/bench/lattice";

/// The rows of the VPC Lattice scenarios.
pub(crate) async fn api_calls(rig: &Rig) -> anyhow::Result<Vec<Value>> {
    let h = &rig.harness;
    let off = rig.engine(rig.config(AutoRevert::Off));
    let on = rig.engine(rig.config(AutoRevert::On));
    let mut rows = Vec::new();

    let network = h
        .create_network(&unique("bench-sn"), AuthType::AwsIam)
        .await;
    h.put_auth_policy(&network, &restrictive_policy()).await;
    h.subscribe_access_logs(&network, LOGS).await;
    h.associate_vpc(&network, "vpc-0bench", &["sg-0bench"])
        .await;
    let pk = lattice_id("serviceNetwork", &network);
    // The first compliant event also keeps the last compliant copy; the steady state is the
    // second.
    handle(&off, &update_network_event(&network, "AWS_IAM")).await?;
    rig.counter.take();
    let event = update_network_event(&network, "AWS_IAM");
    handle(&off, &event).await?;
    let counts = rig.counter.take();
    let units = write_units(h, &pk, &event, &counts).await?;
    rows.push(row(
        "VPC Lattice service network (one VPC association), compliant event",
        counts,
        8,
        "exemptions Query + GetServiceNetwork + GetAuthPolicy + ListAccessLogSubscriptions + \
         ListServiceNetworkVpcAssociations (at once), one GetServiceNetworkVpcAssociation per \
         association (the summaries lack security groups) + history put + STATE update: two \
         rounds of reads",
        units,
    ));

    h.lattice
        .delete_auth_policy()
        .resource_identifier(&network)
        .send()
        .await?;
    h.set_network_auth(&network, AuthType::None).await;
    let event = update_network_event(&network, "NONE");
    rig.counter.take();
    handle(&on, &event).await?;
    let counts = rig.counter.take();
    let units = write_units(h, &pk, &event, &counts).await?;
    rows.push(row(
        "VPC Lattice service network opened, AUTO_REVERT=on (policy, then AWS_IAM)",
        counts,
        24,
        "describe (5) + exemptions Query + previous STATE read + last compliant copy + intent and cap slot + re-describe (5) + \
         PutAuthPolicy + UpdateServiceNetwork + describe after the writes (5; VPC Lattice's \
         updates return no document) + completion + the SPEC item",
        units,
    ));

    let group = h
        .create_target_group(&unique("bench-tg"), "HTTPS", true)
        .await;
    let group_event = || {
        lattice_event(
            "UpdateTargetGroup",
            json!({"targetGroupIdentifier": group}),
            json!({"id": group}),
            HUMAN_ROLE,
            Duration::ZERO,
        )
    };
    handle(&off, &group_event()).await?;
    rig.counter.take();
    let event = group_event();
    handle(&off, &event).await?;
    let counts = rig.counter.take();
    let units = write_units(h, &lattice_id("targetGroup", &group), &event, &counts).await?;
    rows.push(row(
        "VPC Lattice target group, compliant event",
        counts,
        4,
        "GetTargetGroup + exemptions Query + history put + STATE update",
        units,
    ));
    Ok(rows)
}
