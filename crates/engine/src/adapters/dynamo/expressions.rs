//! Building the conditional STATE update (pure, so it is unit-tested without a table). The
//! condition is [`crate::core::state_order::admits`] written as a DynamoDB condition expression.

use crate::core::record::{Record, Status};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::HashMap;

/// Optional state attributes: removed when the new state lacks them, so nothing stale survives
/// (e.g. a deleted resource loses its version and leaves the live index, a compliant one leaves
/// the non-compliant index). `lastCompliantSpec`, `resourceUid` and `resourceCreatedAt` are
/// deliberately not listed: they outlive the evaluations that do not set them (a deletion keeps
/// the incarnation it retired).
/// `mesh` and `name` are the attributes items had before `id` (the resource's id inside its
/// service) replaced them: an item written since drops them.
const CLEARED_WHEN_ABSENT: &[&str] = &[
    "mesh",
    "name",
    "resourceVersion",
    "actor",
    "actionReason",
    "nonCompliant",
    "scope",
];

/// The version rule: newer version, or the same version from an event at least as recent.
const FORWARD: &str = "(attribute_not_exists(#ver) OR #ver < :ver OR (#ver = :ver AND #et <= :et))";

/// A DynamoDB `UpdateItem` expression with its names and values.
#[derive(Debug, Clone, PartialEq)]
pub struct StateUpdate {
    /// Primary key of the STATE item.
    pub key: HashMap<String, AttributeValue>,
    /// `SET ... REMOVE ...`.
    pub update: String,
    /// Condition that keeps state from moving backwards.
    pub condition: String,
    /// `#n` placeholders.
    pub names: HashMap<String, String>,
    /// `:v` placeholders.
    pub values: HashMap<String, AttributeValue>,
}

/// Build the update writing `attributes` (the record's STATE item, serialized) over the stored
/// state, on the condition that `record` may replace it.
pub fn state_update(
    mut attributes: HashMap<String, AttributeValue>,
    record: &Record,
) -> StateUpdate {
    let mut key = HashMap::new();
    for k in ["pk", "sk"] {
        if let Some(v) = attributes.remove(k) {
            key.insert(k.to_owned(), v);
        }
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
    let condition = condition(record, &mut names, &mut values);
    StateUpdate {
        key,
        update,
        condition,
        names,
        values,
    }
}

/// [`crate::core::state_order::admits`] as a condition expression.
fn condition(
    record: &Record,
    names: &mut HashMap<String, String>,
    values: &mut HashMap<String, AttributeValue>,
) -> String {
    let mut name = |placeholder: &str, attribute: &str| {
        names.insert(placeholder.to_owned(), attribute.to_owned());
    };
    if record.status == Status::Deleted {
        name("#cr", "resourceCreatedAt");
        let seen_gone = crate::core::record::epoch_seconds(record.evaluated_at);
        values.insert(":seen".to_owned(), AttributeValue::N(seen_gone.to_string()));
        return "attribute_not_exists(#cr) OR #cr <= :seen".to_owned();
    }
    name("#ver", "resourceVersion");
    let forward = match record.identity.version {
        Some(version) => {
            name("#et", "eventTime");
            values.insert(
                ":et".to_owned(),
                AttributeValue::S(record.cause.event_time.clone()),
            );
            values.insert(":ver".to_owned(), AttributeValue::N(version.to_string()));
            FORWARD.to_owned()
        }
        // Versionless (VPC Lattice): the later describe wins, by `evaluationOrder`; an item
        // written before it was kept, by its second-precision `evaluatedAt`.
        None => {
            name("#ev", "evaluatedAt");
            name("#ord", "evaluationOrder");
            values.insert(
                ":ev".to_owned(),
                AttributeValue::S(crate::core::record::rfc3339(record.evaluated_at)),
            );
            values.insert(
                ":ord".to_owned(),
                AttributeValue::S(record.evaluation_order()),
            );
            "attribute_not_exists(#ver) AND ((attribute_exists(#ord) AND #ord <= :ord) OR \
             (attribute_not_exists(#ord) AND (attribute_not_exists(#ev) OR #ev <= :ev)))"
                .to_owned()
        }
    };
    let Some(uid) = &record.identity.uid else {
        return forward;
    };
    name("#uid", "resourceUid");
    name("#st", "status");
    values.insert(":uid".to_owned(), AttributeValue::S(uid.clone()));
    values.insert(
        ":deleted".to_owned(),
        AttributeValue::S("DELETED".to_owned()),
    );
    let newer_incarnation = match record.identity.created_at {
        Some(created) => {
            name("#cr", "resourceCreatedAt");
            values.insert(":cr".to_owned(), AttributeValue::N(created.to_string()));
            "(#uid <> :uid AND (attribute_not_exists(#cr) OR #cr <= :cr))"
        }
        None => "#uid <> :uid",
    };
    format!(
        "attribute_not_exists(#uid) OR (#uid = :uid AND #st <> :deleted AND {forward}) OR {newer_incarnation}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::record::Cause;
    use meshwarden_rules::resource::{ResourceKind, ResourceRef};
    use std::time::SystemTime;

    fn record(status: Status, version: Option<i64>, uid: Option<&str>) -> Record {
        let resource = ResourceRef::new(ResourceKind::Mesh, "a", "r", "m");
        let mut r = Record::new(resource, Cause::default(), status, SystemTime::now());
        r.identity.version = version;
        r.identity.uid = uid.map(str::to_owned);
        r.identity.created_at = uid.map(|_| 1.5);
        r
    }

    fn build(record: &Record) -> StateUpdate {
        state_update(serde_dynamo::to_item(record.state_item()).unwrap(), record)
    }

    fn removed(u: &StateUpdate) -> Vec<&String> {
        u.names
            .iter()
            .filter(|(k, _)| k.starts_with("#r"))
            .map(|(_, v)| v)
            .collect()
    }

    #[test]
    fn every_placeholder_in_the_condition_is_defined() {
        for r in [
            record(Status::NonCompliant, Some(4), Some("u")),
            record(Status::Compliant, Some(4), None),
            record(Status::Compliant, None, None),
            record(Status::Deleted, None, None),
        ] {
            let u = build(&r);
            for token in u
                .condition
                .split(|c: char| !(c.is_alphanumeric() || c == '#' || c == ':'))
            {
                if token.starts_with('#') {
                    assert!(u.names.contains_key(token), "{token} in {}", u.condition);
                } else if token.starts_with(':') {
                    assert!(u.values.contains_key(token), "{token} in {}", u.condition);
                }
            }
            assert!(u.key.contains_key("pk") && u.key.contains_key("sk"));
            // DynamoDB refuses a placeholder defined but not used.
            let text = format!("{} {}", u.update, u.condition);
            for defined in u.names.keys().chain(u.values.keys()) {
                let used = text
                    .split(|c: char| !(c.is_alphanumeric() || c == '#' || c == ':'))
                    .any(|t| t == defined);
                assert!(used, "{defined} defined but unused in {text}");
            }
        }
    }

    #[test]
    fn deletion_clears_version_and_live_scope_but_keeps_the_incarnation() {
        let u = build(&record(Status::Deleted, None, None));
        let removed = removed(&u);
        for name in [
            "resourceVersion",
            "nonCompliant",
            "scope",
            "mesh",
            "name",
            "actor",
            "actionReason",
        ] {
            assert!(
                removed.contains(&&name.to_owned()),
                "{name} not removed: {}",
                u.update
            );
        }
        for kept in ["lastCompliantSpec", "resourceUid", "resourceCreatedAt"] {
            assert!(!removed.contains(&&kept.to_owned()), "{kept} removed");
        }
        assert!(!u.update.contains("lastCompliantSpec"), "{}", u.update);
    }
}
