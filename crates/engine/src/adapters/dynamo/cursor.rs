//! Opaque pagination cursors: a DynamoDB `LastEvaluatedKey` (string attributes only) as JSON.

use crate::core::error::{ErrorKind, PortError};
use aws_sdk_dynamodb::types::AttributeValue;
use std::collections::{BTreeMap, HashMap};

/// Encode a `LastEvaluatedKey` as a cursor string.
pub fn encode(key: Option<&HashMap<String, AttributeValue>>) -> Option<String> {
    let key = key.filter(|k| !k.is_empty())?;
    let strings: BTreeMap<&str, &str> = key
        .iter()
        .filter_map(|(name, value)| value.as_s().ok().map(|s| (name.as_str(), s.as_str())))
        .collect();
    serde_json::to_string(&strings).ok()
}

/// Decode a cursor back into an `ExclusiveStartKey`.
pub fn decode(cursor: Option<&str>) -> Result<Option<HashMap<String, AttributeValue>>, PortError> {
    let Some(cursor) = cursor else {
        return Ok(None);
    };
    let strings: BTreeMap<String, String> = serde_json::from_str(cursor).map_err(|e| {
        PortError::new(
            "DecodeCursor",
            ErrorKind::Rejected,
            format!("invalid page cursor: {e}"),
        )
        .with_source(e)
    })?;
    Ok(Some(
        strings
            .into_iter()
            .map(|(k, v)| (k, AttributeValue::S(v)))
            .collect(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips() {
        let key: HashMap<_, _> = [
            ("pk".to_owned(), AttributeValue::S("a".into())),
            ("sk".to_owned(), AttributeValue::S("EVT#1".into())),
        ]
        .into();
        let cursor = encode(Some(&key)).unwrap();
        assert_eq!(decode(Some(&cursor)).unwrap(), Some(key));
        assert_eq!(encode(None), None);
        assert!(decode(Some("not json")).is_err());
    }
}
