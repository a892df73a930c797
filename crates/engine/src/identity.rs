//! Which incarnation of a resource was described, at which version, owned by whom.
//!
//! App Mesh restarts `metadata.version` at 1 when a resource is deleted and re-created under the
//! same name; `metadata.uid` tells the incarnations apart and `createdAt` orders them.

use meshwarden_rules::model::Resource;
use serde_json::Value;

/// A described resource's identity and ownership, read from its `metadata` and `status`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Identity {
    /// `metadata.uid`: the incarnation.
    pub uid: Option<String>,
    /// `metadata.version`: incremented by every update of this incarnation.
    pub version: Option<i64>,
    /// `metadata.createdAt` in epoch seconds (as described through the SDK).
    pub created_at: Option<f64>,
    /// `metadata.lastUpdatedAt` in epoch seconds.
    pub updated_at: Option<f64>,
    /// `metadata.resourceOwner` (for a mesh, `meshOwner`): the account that may update it.
    pub owner: Option<String>,
    /// `status.status` is `DELETED`: the resource is gone even though it was described.
    pub deleted: bool,
}

impl Identity {
    /// The identity of a described resource.
    pub fn of(resource: &Resource) -> Self {
        let data = resource.data_value();
        let text = |pointer: &str| data.pointer(pointer).and_then(Value::as_str);
        Identity {
            uid: resource.uid().map(str::to_owned),
            version: resource.version(),
            created_at: data.pointer("/metadata/createdAt").and_then(Value::as_f64),
            updated_at: data
                .pointer("/metadata/lastUpdatedAt")
                .and_then(Value::as_f64),
            owner: text("/metadata/resourceOwner")
                .or_else(|| text("/metadata/meshOwner"))
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
    fn a_new_uid_or_version_is_a_change() {
        let a = Identity::of(&gateway("u1", 4, "ACTIVE"));
        assert!(a.unchanged(&a.clone()));
        assert!(!a.unchanged(&Identity::of(&gateway("u1", 5, "ACTIVE"))));
        assert!(!a.unchanged(&Identity::of(&gateway("u2", 4, "ACTIVE"))));
    }
}
