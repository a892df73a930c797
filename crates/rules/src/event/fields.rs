//! Reading fields out of untrusted event JSON: every miss is a typed error naming the field.

use crate::model::json_type_name;
use serde_json::{Map, Value};

/// Why an input cannot be routed at all (poison: log it, do not retry).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EventError {
    /// The text is not JSON.
    #[error("not valid JSON: {0}")]
    NotJson(String),
    /// The JSON is not an object.
    #[error("expected a JSON object, found {0}")]
    NotAnObject(&'static str),
    /// A required field is absent or null.
    #[error("missing field {0}")]
    MissingField(String),
    /// A field has the wrong JSON type.
    #[error("field {field} must be {expected}")]
    WrongType {
        /// The field's path.
        field: String,
        /// The JSON type it must have.
        expected: &'static str,
    },
    /// An EventBridge event that is neither a CloudTrail API call or service event nor a
    /// scheduled sweep.
    #[error("unsupported detail-type {0:?}: expected \"AWS API Call via CloudTrail\", \"AWS Service Event via CloudTrail\" or \"Scheduled Event\"")]
    UnsupportedDetailType(String),
    /// A resource ARN that is not an App Mesh, VPC Lattice or ECS ARN of the expected form.
    #[error("not an App Mesh, VPC Lattice or ECS resource ARN of the expected form: {0:?}")]
    InvalidArn(String),
    /// A VPC Lattice identifier that is neither an id nor an ARN of the kind its parameter
    /// takes.
    #[error("{field} {value:?} is not a VPC Lattice id or ARN of the expected kind")]
    InvalidIdentifier {
        /// The field's path, e.g. `requestParameters.serviceNetworkIdentifier`.
        field: String,
        /// Its value.
        value: String,
    },
    /// An ECS identifier that is neither a name nor an ARN of the kind its parameter takes (a
    /// cluster ARN for `cluster`, a service ARN for `service` and `serviceArn`).
    #[error("{field} {value:?} is not an ECS name or ARN of the expected kind")]
    InvalidEcsIdentifier {
        /// The field's path, e.g. `requestParameters.cluster`.
        field: String,
        /// Its value.
        value: String,
    },
    /// Two fields that name one resource and disagree (an ECS `cluster` ARN and a service ARN of
    /// different clusters, accounts or regions): the service did not write that record.
    #[error("{first} and {second} name different {what}: one call changes one resource")]
    Conflicting {
        /// The first field's path.
        first: String,
        /// The second field's path.
        second: String,
        /// What differs.
        what: String,
    },
    /// An `eventTime` (or the envelope's `time` standing in for it) that is not an RFC 3339 UTC
    /// timestamp such as `2026-11-25T15:04:05Z`, the form CloudTrail writes.
    #[error("eventTime {0:?} is not an RFC 3339 UTC timestamp")]
    InvalidEventTime(String),
    /// An `eventTime` more than [`MAX_CLOCK_SKEW`](super::MAX_CLOCK_SKEW) ahead of the clock:
    /// the history and the state order use the event time, so it would pin the resource's state.
    #[error(
        "eventTime {event_time} is in the future: after {limit} (the clock plus the allowed skew)"
    )]
    FutureEventTime {
        /// The event's time, as written.
        event_time: String,
        /// The latest event time accepted (the clock plus the allowed skew), RFC 3339.
        limit: String,
    },
}

/// A JSON object with the path it was found at, for error messages.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields<'a> {
    pub object: &'a Map<String, Value>,
    pub path: &'a str,
}

impl<'a> Fields<'a> {
    /// The top-level object of an input.
    pub fn root(value: &'a Value) -> Result<Self, EventError> {
        value
            .as_object()
            .map(|object| Fields { object, path: "" })
            .ok_or_else(|| EventError::NotAnObject(json_type_name(value)))
    }

    fn name(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// A present, non-null member.
    pub fn get(&self, key: &str) -> Option<&'a Value> {
        self.object.get(key).filter(|v| !v.is_null())
    }

    /// An optional string member (wrong type is an error; empty counts as absent).
    pub fn opt_str(&self, key: &str) -> Result<Option<&'a str>, EventError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(EventError::WrongType {
                field: self.name(key),
                expected: "a string",
            }),
        }
    }

    /// A required string member.
    pub fn str(&self, key: &str) -> Result<&'a str, EventError> {
        self.opt_str(key)?
            .ok_or_else(|| EventError::MissingField(self.name(key)))
    }

    /// An optional object member, with its path (wrong type is an error).
    pub fn opt_object(&self, key: &str, path: &'a str) -> Result<Option<Fields<'a>>, EventError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(object)) => Ok(Some(Fields { object, path })),
            Some(_) => Err(EventError::WrongType {
                field: self.name(key),
                expected: "an object",
            }),
        }
    }
}
