//! Building the conditional STATE update (pure, so it is unit-tested without a table).

use crate::record::StateItem;
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// Optional state attributes: removed when the new state lacks them, so nothing stale survives
/// (e.g. a deleted resource loses its version, a compliant one leaves the sparse index).
/// `lastCompliantSpec` and `reverts` are deliberately not listed: they outlive the evaluations
/// that do not set them.
const CLEARED_WHEN_ABSENT: &[&str] = &[
    "name",
    "resourceVersion",
    "actor",
    "actionReason",
    "nonCompliant",
];

/// STATE is written only when it does not move backwards in (version, event time).
pub const VERSION_CONDITION: &str =
    "attribute_not_exists(#ver) OR #ver < :ver OR (#ver = :ver AND #et <= :et)";

/// A DynamoDB `UpdateItem` expression with its names and values.
#[derive(Debug, Clone, PartialEq)]
pub struct StateUpdate {
    /// Primary key of the STATE item.
    pub key: HashMap<String, AttributeValue>,
    /// `SET ... REMOVE ...`.
    pub update: String,
    /// Condition that keeps state from regressing to an older version.
    pub condition: Option<String>,
    /// `#n` placeholders.
    pub names: HashMap<String, String>,
    /// `:v` placeholders.
    pub values: HashMap<String, AttributeValue>,
}

/// Build the update writing `item` (already serialized to attributes) over the stored state.
pub fn state_update(
    mut attributes: HashMap<String, AttributeValue>,
    item: &StateItem,
) -> StateUpdate {
    let mut key = HashMap::new();
    for k in ["pk", "sk"] {
        if let Some(v) = attributes.remove(k) {
            key.insert(k.to_owned(), v);
        }
    }
    if item.reverts.is_empty() {
        attributes.remove("reverts");
    }
    let mut names = HashMap::new();
    let mut values = HashMap::new();
    let mut sets: Vec<String> = Vec::new();
    let mut attribute_names: Vec<&String> = attributes.keys().collect();
    attribute_names.sort();
    for (i, name) in attribute_names.iter().enumerate() {
        names.insert(format!("#a{i}"), (*name).clone());
        values.insert(format!(":a{i}"), attributes[*name].clone());
        sets.push(format!("#a{i} = :a{i}"));
    }
    let removes: Vec<String> = CLEARED_WHEN_ABSENT
        .iter()
        .filter(|n| !attributes.contains_key(**n))
        .enumerate()
        .map(|(i, n)| {
            names.insert(format!("#r{i}"), (*n).to_owned());
            format!("#r{i}")
        })
        .collect();
    let mut update = format!("SET {}", sets.join(", "));
    if !removes.is_empty() {
        update.push_str(&format!(" REMOVE {}", removes.join(", ")));
    }
    // A newer version always wins; the same version only from an event at least as recent, so
    // a late duplicate view of the same version does not overwrite the newest event's record.
    let condition = item.common.resource_version.map(|version| {
        names.insert("#ver".to_owned(), "resourceVersion".to_owned());
        names.insert("#et".to_owned(), "eventTime".to_owned());
        values.insert(":ver".to_owned(), AttributeValue::N(version.to_string()));
        values.insert(
            ":et".to_owned(),
            AttributeValue::S(item.common.event_time.clone()),
        );
        VERSION_CONDITION.to_owned()
    });
    StateUpdate {
        key,
        update,
        condition,
        names,
        values,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::record::{Action, ItemCommon, Status};
    use meshwarden_rules::resource::ResourceKind;

    fn item(version: Option<i64>, non_compliant: bool) -> StateItem {
        StateItem {
            common: ItemCommon {
                pk: "p".into(),
                sk: "STATE".into(),
                kind: ResourceKind::Mesh,
                account: "a".into(),
                region: "r".into(),
                mesh: "m".into(),
                name: None,
                status: if non_compliant {
                    Status::NonCompliant
                } else {
                    Status::Compliant
                },
                findings: vec![],
                resource_version: version,
                event_name: "UpdateMesh".into(),
                event_id: "e".into(),
                event_time: "t".into(),
                actor: None,
                action: Action::None,
                action_reason: None,
                evaluated_at: "t".into(),
            },
            last_compliant_spec: None,
            non_compliant: non_compliant.then(|| "NON_COMPLIANT".into()),
            reverts: vec![],
        }
    }

    fn build(item: &StateItem) -> StateUpdate {
        state_update(serde_dynamo::to_item(item).unwrap(), item)
    }

    #[test]
    fn versioned_state_never_regresses() {
        let u = build(&item(Some(4), true));
        assert_eq!(u.condition.as_deref(), Some(VERSION_CONDITION));
        assert_eq!(u.values[":ver"], AttributeValue::N("4".into()));
        assert!(u.key.contains_key("pk") && u.key.contains_key("sk"));
        assert!(!u.update.contains("lastCompliantSpec"), "{}", u.update);
    }

    #[test]
    fn absent_optionals_are_removed_but_history_is_kept() {
        let u = build(&item(None, false));
        assert_eq!(u.condition, None);
        let removed: Vec<&String> = u
            .names
            .iter()
            .filter(|(k, _)| k.starts_with("#r"))
            .map(|(_, v)| v)
            .collect();
        for name in [
            "resourceVersion",
            "nonCompliant",
            "name",
            "actor",
            "actionReason",
        ] {
            assert!(
                removed.iter().any(|r| *r == name),
                "{name} not removed: {}",
                u.update
            );
        }
        assert!(!removed
            .iter()
            .any(|r| *r == "lastCompliantSpec" || *r == "reverts"));
    }
}
