//! What a VPC Lattice remediation has to write (pure): the difference between the described
//! document and the remediated one, as the API calls that make it, in the order that keeps the
//! resource reachable (an auth policy before the auth type that enforces it).

use meshwarden_rules::lattice::model::AccessLogSubscription;
use meshwarden_rules::model::Resource;

/// One write, in the order they are made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Write {
    /// `PutAuthPolicy` with this policy document.
    PutAuthPolicy(String),
    /// `UpdateServiceNetwork`/`UpdateService` with this auth type.
    AuthType(String),
    /// `CreateAccessLogSubscription` to this destination.
    CreateAccessLog {
        /// Where the logs go.
        destination_arn: String,
        /// A service network's log type (`SERVICE`/`RESOURCE`), when set.
        log_type: Option<String>,
    },
    /// `UpdateTargetGroup` with the described health check, `enabled` set to this.
    HealthCheckEnabled(bool),
}

/// The writes that turn `current` into `patched`, or why it cannot be written: remediation may
/// only change what VPC Lattice lets us change in place (the auth policy, the auth type, new
/// access log subscriptions, the health check's `enabled`).
pub fn writes(current: &Resource, patched: &Resource) -> Result<Vec<Write>, String> {
    let mut out = Vec::new();
    let mut expected = current.clone();
    if let (Some(Some(policy)), Some(slot)) = (patched.auth_policy(), expected.auth_policy_slot()) {
        let text = policy.policy.clone().unwrap_or_default();
        let now = current
            .auth_policy()
            .flatten()
            .and_then(|p| p.policy.as_deref());
        if now != Some(text.as_str()) {
            out.push(Write::PutAuthPolicy(text));
        }
        *slot = Some(Some(policy.clone()));
    }
    if patched.auth_type() != current.auth_type() {
        let wanted = patched
            .auth_type()
            .ok_or("remediation cannot remove an auth type")?
            .to_owned();
        if let Some(slot) = expected.auth_type_slot() {
            *slot = Some(wanted.clone());
        }
        out.push(Write::AuthType(wanted));
    }
    if let Some(after) = patched.access_log_subscriptions() {
        let before = current.access_log_subscriptions().unwrap_or_default();
        for entry in after {
            if entry.id.is_none() {
                out.push(create_access_log(entry)?);
            } else if !before.iter().any(|b| b.id == entry.id) {
                return Err(format!(
                    "access log subscription {:?} is not described: it cannot be written",
                    entry.id
                ));
            }
        }
        if let Some(slot) = expected.access_log_subscriptions_slot() {
            *slot = Some(after.to_vec());
        }
    }
    if let (Resource::TargetGroup(now), Resource::TargetGroup(want)) = (&mut expected, patched) {
        let enabled = |doc: &meshwarden_rules::lattice::model::TargetGroupDocument| {
            doc.target_group
                .config
                .as_ref()
                .and_then(|c| c.health_check.as_ref())
                .and_then(|h| h.enabled)
        };
        if enabled(want) != enabled(now) {
            let on = enabled(want).ok_or("remediation cannot unset health checking")?;
            now.target_group
                .config
                .get_or_insert_with(Default::default)
                .health_check
                .get_or_insert_with(Default::default)
                .enabled = Some(on);
            out.push(Write::HealthCheckEnabled(on));
        }
    }
    let (expected, patched) = (expected.to_describe_value(), patched.to_describe_value());
    if expected != patched {
        return Err(format!(
            "the remediation changes members VPC Lattice cannot update in place: {}",
            crate::core::identity::differing_members(&expected, &patched).join(", ")
        ));
    }
    Ok(out)
}

fn create_access_log(entry: &AccessLogSubscription) -> Result<Write, String> {
    let destination_arn = entry
        .destination_arn
        .clone()
        .filter(|d| !d.is_empty())
        .ok_or("a new access log subscription needs a destination")?;
    Ok(Write::CreateAccessLog {
        destination_arn,
        log_type: entry.service_network_log_type.clone(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    fn network(auth: &str, policy: Option<&str>, logs: Value) -> Resource {
        Resource::from_describe_value(&json!({
            "serviceNetwork": {"id": "sn-1", "authType": auth},
            "authPolicy": policy.map(|p| json!({"policy": p, "state": "Inactive"})),
            "accessLogSubscriptions": logs,
            "vpcAssociations": []
        }))
        .unwrap()
    }

    #[test]
    fn the_policy_is_put_before_the_auth_type_that_enforces_it() {
        let current = network("NONE", None, json!([]));
        let patched = Resource::from_describe_value(&json!({
            "serviceNetwork": {"id": "sn-1", "authType": "AWS_IAM"},
            "authPolicy": {"policy": "{\"Statement\":[]}", "state": "Active"},
            "accessLogSubscriptions": [{"destinationArn": "arn:aws:logs:eu-west-1:1:log-group:g"}],
            "vpcAssociations": []
        }))
        .unwrap();
        assert_eq!(
            writes(&current, &patched).unwrap(),
            vec![
                Write::PutAuthPolicy("{\"Statement\":[]}".into()),
                Write::AuthType("AWS_IAM".into()),
                Write::CreateAccessLog {
                    destination_arn: "arn:aws:logs:eu-west-1:1:log-group:g".into(),
                    log_type: None
                },
            ]
        );
    }

    #[test]
    fn an_unchanged_policy_whose_state_follows_the_auth_type_is_not_put_again() {
        let current = network("NONE", Some("{}"), json!([]));
        let mut patched = network("AWS_IAM", Some("{}"), json!([]));
        if let Some(Some(Some(p))) = patched.auth_policy_slot() {
            p.state = Some("Active".into());
        }
        assert_eq!(
            writes(&current, &patched).unwrap(),
            vec![Write::AuthType("AWS_IAM".into())]
        );
    }

    #[test]
    fn what_cannot_be_updated_in_place_is_refused() {
        let current = Resource::from_describe_value(&json!({
            "service": {"id": "svc-1", "authType": "AWS_IAM"},
            "listeners": [{"id": "l-1", "protocol": "HTTP", "port": 80}]
        }))
        .unwrap();
        let patched = Resource::from_describe_value(&json!({
            "service": {"id": "svc-1", "authType": "AWS_IAM"},
            "listeners": [{"id": "l-1", "protocol": "HTTPS", "port": 80}]
        }))
        .unwrap();
        let err = writes(&current, &patched).unwrap_err();
        assert!(err.contains("listeners"), "{err}");
    }

    #[test]
    fn a_health_check_is_switched_on_in_place() {
        let group = |enabled: bool| {
            Resource::from_describe_value(&json!({"targetGroup": {"id": "tg-1", "type": "IP",
                "config": {"protocol": "HTTPS", "healthCheck": {"enabled": enabled, "path": "/h"}}}}))
            .unwrap()
        };
        assert_eq!(
            writes(&group(false), &group(true)).unwrap(),
            vec![Write::HealthCheckEnabled(true)]
        );
        assert_eq!(writes(&group(true), &group(true)).unwrap(), vec![]);
    }
}
