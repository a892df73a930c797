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
        let data = resource.data_value();
        let text = |pointer: &str| data.pointer(pointer).and_then(Value::as_str);
        let arn_account = || resource.arn()?.split(':').nth(4).filter(|a| !a.is_empty());
        Identity {
            uid: resource.uid().map(str::to_owned),
            version: resource.version(),
            created_at: resource.created_at().and_then(Value::as_f64),
            updated_at: resource.last_updated_at().and_then(Value::as_f64),
            owner: text("/metadata/resourceOwner")
                .or_else(|| text("/metadata/meshOwner"))
                .or_else(arn_account)
                .map(str::to_owned),
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

/// What a revert writes and compares, from a describe document: an App Mesh resource's `spec`;
/// for a resource without one (VPC Lattice) the whole document without its `createdAt` and
/// `lastUpdatedAt` members (a re-described resource is the same when only they differ).
pub fn content_of(document: &Value) -> Value {
    if let Some(spec) = document
        .as_object()
        .filter(|members| members.len() == 1)
        .and_then(|members| members.values().next()?.get("spec"))
    {
        return spec.clone();
    }
    let mut content = document.clone();
    strip_timestamps(&mut content);
    content
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
    fn content_is_the_spec_or_the_document_without_timestamps() {
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
    }

    #[test]
    fn a_new_uid_or_version_is_a_change() {
        let a = Identity::of(&gateway("u1", 4, "ACTIVE"));
        assert!(a.unchanged(&a.clone()));
        assert!(!a.unchanged(&Identity::of(&gateway("u1", 5, "ACTIVE"))));
        assert!(!a.unchanged(&Identity::of(&gateway("u2", 4, "ACTIVE"))));
    }
}
