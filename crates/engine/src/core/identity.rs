//! Which incarnation of a resource was described, at which version, owned by whom.
//!
//! App Mesh restarts `metadata.version` at 1 when a resource is deleted and re-created under the
//! same name; `metadata.uid` tells the incarnations apart and `createdAt` orders them. VPC Lattice
//! has neither versions nor uids (its id is the incarnation): two describes of it are compared by
//! [`content_of`].

use meshwarden_rules::model::Resource;
use serde_json::Value;

/// A described resource's identity and ownership, read from its `metadata` and `status`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Identity {
    /// `metadata.uid`: the incarnation.
    pub uid: Option<String>,
    /// `metadata.version`: incremented by every update of this incarnation.
    pub version: Option<i64>,
    /// `createdAt` in epoch seconds (as described through the SDK).
    pub created_at: Option<f64>,
    /// `lastUpdatedAt` in epoch seconds.
    pub updated_at: Option<f64>,
    /// The account that may update it: App Mesh's `metadata.resourceOwner` (for a mesh,
    /// `meshOwner`), the account in a VPC Lattice resource's ARN.
    pub owner: Option<String>,
    /// `status.status` is `DELETED`: the resource is gone even though it was described.
    pub deleted: bool,
}

impl Identity {
    /// The identity of a described resource.
    pub fn of(resource: &Resource) -> Self {
        Identity {
            uid: resource.uid().map(str::to_owned),
            version: resource.version(),
            created_at: resource.created_at().and_then(Value::as_f64),
            updated_at: resource.last_updated_at().and_then(Value::as_f64),
            owner: resource.owner().map(str::to_owned),
            deleted: resource.is_deleted(),
        }
    }

    /// Whether `other` is the same incarnation at the same version (nothing changed between the
    /// two describes). Unknown uids compare equal: versions still have to match.
    pub fn unchanged(&self, other: &Identity) -> bool {
        self.version == other.version && self.same_incarnation(other)
    }

    /// Whether both describe the same incarnation (unknown uids are taken to be the same).
    pub fn same_incarnation(&self, other: &Identity) -> bool {
        match (&self.uid, &other.uid) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        }
    }
}

/// What a revert writes and compares, from a describe document: its kind's
/// [`Document::revert_content`](meshwarden_rules::model::Document::revert_content) (an App Mesh
/// resource's `spec`, a VPC Lattice resource's evaluated fields, an ECS service's `PRIMARY`
/// Service Connect configuration); for a document no kind reads, the whole document without its
/// `createdAt` and `lastUpdatedAt` members.
pub fn content_of(document: &Value) -> Value {
    match Resource::from_describe_value(document) {
        Ok(resource) => resource.as_document().revert_content(),
        Err(_) => {
            let mut content = document.clone();
            strip_timestamps(&mut content);
            content
        }
    }
}

/// The [revision](meshwarden_rules::model::Document::revision) a describe document shows (ECS:
/// its `PRIMARY` deployment); `None` for a kind without one, or a document no kind reads.
pub fn revision_of(document: &Value) -> Option<String> {
    Resource::from_describe_value(document)
        .ok()?
        .as_document()
        .revision()
}

/// The top-level members where two documents (or contents) differ, sorted.
pub fn differing_members(a: &Value, b: &Value) -> Vec<String> {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        return vec!["the document".to_owned()];
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| k.to_owned())
        .collect()
}

fn strip_timestamps(value: &mut Value) {
    match value {
        Value::Object(members) => {
            members.remove("createdAt");
            members.remove("lastUpdatedAt");
            members.values_mut().for_each(strip_timestamps);
        }
        Value::Array(items) => items.iter_mut().for_each(strip_timestamps),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn gateway(uid: &str, version: i64, status: &str) -> Resource {
        Resource::from_describe_value(&json!({"virtualGateway": {
            "meshName": "m", "virtualGatewayName": "g",
            "metadata": {"uid": uid, "version": version, "createdAt": 1_795_000_000.5,
                         "lastUpdatedAt": 1_795_000_100.0, "meshOwner": "111122223333",
                         "resourceOwner": "444455556666"},
            "spec": {}, "status": {"status": status}}}))
        .unwrap()
    }

    #[test]
    fn reads_incarnation_version_owner_and_status() {
        let id = Identity::of(&gateway("u1", 4, "ACTIVE"));
        assert_eq!(id.uid.as_deref(), Some("u1"));
        assert_eq!(id.version, Some(4));
        assert_eq!(id.created_at, Some(1_795_000_000.5));
        assert_eq!(id.updated_at, Some(1_795_000_100.0));
        assert_eq!(
            id.owner.as_deref(),
            Some("444455556666"),
            "resourceOwner, not meshOwner"
        );
        assert!(!id.deleted);
        assert!(Identity::of(&gateway("u1", 4, "DELETED")).deleted);
    }

    #[test]
    fn a_lattice_resource_is_owned_by_the_account_in_its_arn() {
        let network = Resource::from_describe_value(&json!({"serviceNetwork": {
            "id": "sn-1", "arn": "arn:aws:vpc-lattice:eu-west-1:444455556666:servicenetwork/sn-1",
            "createdAt": 1_795_000_000.0, "lastUpdatedAt": 1_795_000_100.0}}))
        .unwrap();
        let id = Identity::of(&network);
        assert_eq!(id.owner.as_deref(), Some("444455556666"));
        assert_eq!(
            (id.created_at, id.updated_at),
            (Some(1_795_000_000.0), Some(1_795_000_100.0))
        );
        assert_eq!((id.uid, id.version), (None, None));
    }

    #[test]
    fn content_is_the_kinds_revert_content_or_the_document_without_timestamps() {
        let mesh = json!({"mesh": {"meshName": "m", "spec": {"egressFilter": {"type": "DROP_ALL"}},
                                   "metadata": {"version": 2}}});
        assert_eq!(
            content_of(&mesh),
            json!({"egressFilter": {"type": "DROP_ALL"}})
        );
        let at = |t: f64, auth: &str| {
            json!({"serviceNetwork": {"id": "sn-1", "authType": auth,
            "lastUpdatedAt": t}, "authPolicy": {"policy": "{}", "lastUpdatedAt": t}})
        };
        assert_eq!(content_of(&at(1.0, "NONE")), content_of(&at(2.0, "NONE")));
        assert_ne!(
            content_of(&at(1.0, "NONE")),
            content_of(&at(1.0, "AWS_IAM"))
        );
        // A document no kind reads is compared whole, without its timestamps.
        assert_eq!(
            content_of(
                &json!({"gatewayRoute": {"createdAt": 1.0, "spec": {"a": [{"lastUpdatedAt": 2.0, "b": 1}]}}})
            ),
            json!({"gatewayRoute": {"spec": {"a": [{"b": 1}]}}})
        );
    }

    fn network(auth: &str, policy: &str, state: &str, extra: Value) -> Value {
        let mut doc = json!({"serviceNetwork": {"id": "sn-1", "authType": auth},
            "authPolicy": {"policy": policy, "state": state},
            "accessLogSubscriptions": [], "vpcAssociations": [
                {"id": "snva-1", "vpcId": "vpc-1", "securityGroupIds": ["sg-2", "sg-1"],
                 "status": "ACTIVE"}]});
        if let (Some(doc), Some(extra)) = (doc.as_object_mut(), extra.as_object()) {
            for (k, v) in extra {
                doc.insert(k.clone(), v.clone());
            }
        }
        doc
    }

    #[test]
    fn lattice_content_leaves_out_what_aws_changes_on_its_own() {
        let evaluated = network("NONE", r#"{"Statement": []}"#, "Inactive", json!({}));
        // AWS keeps counts, statuses, DNS entries and the policy state current by itself.
        let mut moved = network("NONE", r#"{ "Statement" : [ ] }"#, "Active", json!({}));
        moved["serviceNetwork"]["numberOfAssociatedVPCs"] = json!(3);
        moved["serviceNetwork"]["numberOfAssociatedServices"] = json!(9);
        moved["vpcAssociations"][0]["status"] = json!("UPDATE_IN_PROGRESS");
        moved["vpcAssociations"][0]["securityGroupIds"] = json!(["sg-1", "sg-2"]);
        moved["vpcAssociations"][0]["dnsEntry"] = json!({"domainName": "x"});
        assert_eq!(content_of(&evaluated), content_of(&moved));
        // What the rules read does count.
        let opened = network("NONE", r#"{"Statement": [1]}"#, "Inactive", json!({}));
        assert_eq!(
            differing_members(&content_of(&evaluated), &content_of(&opened)),
            ["authPolicy"]
        );
        let grouped = network(
            "NONE",
            r#"{"Statement": []}"#,
            "Inactive",
            json!({
            "vpcAssociations": [{"vpcId": "vpc-1", "securityGroupIds": []}]}),
        );
        assert_ne!(content_of(&evaluated), content_of(&grouped));
    }

    #[test]
    fn a_created_subscription_matches_the_planned_one_by_destination_and_kind() {
        let destination = "arn:aws:logs:eu-west-1:111122223333:log-group:g";
        let planned = network(
            "AWS_IAM",
            "{}",
            "Active",
            json!({
            "accessLogSubscriptions": [{"destinationArn": destination}]}),
        );
        let created = network(
            "AWS_IAM",
            "{}",
            "Active",
            json!({
            "accessLogSubscriptions": [{"id": "als-1", "destinationArn": destination,
                "arn": "arn:aws:vpc-lattice:eu-west-1:111122223333:accesslogsubscription/als-1",
                "resourceId": "sn-1", "createdAt": 5.0, "lastUpdatedAt": 5.0}]}),
        );
        assert_eq!(content_of(&planned), content_of(&created));
        let elsewhere = network(
            "AWS_IAM",
            "{}",
            "Active",
            json!({
            "accessLogSubscriptions": [{"id": "als-1", "destinationArn": "arn:aws:s3:::b"}]}),
        );
        assert_eq!(
            differing_members(&content_of(&planned), &content_of(&elsewhere)),
            ["accessLogSubscriptions"]
        );
    }

    #[test]
    fn a_new_uid_or_version_is_a_change() {
        let a = Identity::of(&gateway("u1", 4, "ACTIVE"));
        assert!(a.unchanged(&a.clone()));
        assert!(!a.unchanged(&Identity::of(&gateway("u1", 5, "ACTIVE"))));
        assert!(!a.unchanged(&Identity::of(&gateway("u2", 4, "ACTIVE"))));
    }
}
