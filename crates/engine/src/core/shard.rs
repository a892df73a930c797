//! The shards of a fanned-out sweep and their SQS message bodies. Pure: planning, splitting,
//! encoding and decoding, retry delays; no I/O.
//!
//! One body type for every shard, tagged `"meshwarden": "sweep-shard"` and versioned, so the
//! dispatcher tells a shard from anything else that reaches the function:
//!
//! ```json
//! {"meshwarden": "sweep-shard", "version": 1, "sweepId": "…", "time": "2026-11-23T06:00:00Z",
//!  "shard": {"kind": "list", "scope": {"service": "appmesh", "account": "…", "region": "…"}}}
//! {"meshwarden": "sweep-shard", "version": 1, "sweepId": "…", "time": "…", "attempt": 1,
//!  "shard": {"kind": "evaluate", "resources": ["appmesh:…:mesh/m", …]}}
//! ```
//!
//! Every shard carries the sweep's id and the schedule's time: history keys derive from them
//! (event id `{sweepId}/{resource path}`, sort key `EVT#{time}#…`), so a shard run twice writes
//! the same items.
//!
//! A list shard that ran short of time between two pages of its listing hands the rest on as a
//! list shard of the same scope with a `continuation`: the cursor of the next page and every
//! resource listed so far (retirement needs the whole listing). A body without one starts the
//! listing from its first page, as every version-1 body did, so the field is optional and the
//! version stays 1:
//!
//! ```json
//! {"meshwarden": "sweep-shard", "version": 1, "sweepId": "…", "time": "…",
//!  "shard": {"kind": "list", "scope": {…},
//!            "continuation": {"cursor": "…", "listed": ["appmesh:…:mesh/m", …]}}}
//! ```

use crate::core::ports::Scope;
use meshwarden_rules::resource::{AwsService, ResourceRef};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::time::Duration;

/// The value of the `meshwarden` field of every shard body.
pub const SHARD_TAG: &str = "sweep-shard";
/// The body format this engine writes and reads.
pub const SHARD_VERSION: u32 = 1;
/// SQS's longest message delay: a retried remainder never waits longer.
pub const MAX_DELAY: Duration = Duration::from_secs(900);
/// How many times a shard's throttled remainder is sent again before the shard's own message
/// is failed instead (and retried by SQS, then dead-lettered).
pub const MAX_ATTEMPTS: u32 = 10;

/// One unit of a fanned-out sweep, as sent through the sweep queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShardMessage {
    /// Always [`SHARD_TAG`].
    pub meshwarden: String,
    /// Always [`SHARD_VERSION`].
    pub version: u32,
    /// The sweep's id (the schedule's execution id).
    pub sweep_id: String,
    /// The schedule's time (RFC 3339): the time of every history item of the sweep.
    pub time: String,
    /// How many times this work was sent back after throttling (0 for a planned shard).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub attempt: u32,
    /// What to do.
    pub shard: Shard,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What a shard does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum Shard {
    /// List one scope, retire its resources that are gone and send evaluate shards for the rest.
    List {
        /// Service × account × region.
        scope: Scope,
        /// Where an earlier list shard of the same scope stopped (none: from the start).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        continuation: Option<Continuation>,
    },
    /// Describe, evaluate and record these resources (canonical ids).
    Evaluate {
        /// The resources, at most the configured shard size.
        resources: Vec<String>,
    },
}

/// Where a listing stopped: the next page's cursor and what the pages before it listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Continuation {
    /// The cursor of the next page ([`crate::core::ports::ResourceReader::list_page`]).
    pub cursor: String,
    /// Canonical ids of every resource listed before it, in listing order.
    pub listed: Vec<String>,
}

/// Why a message body is not a shard this engine can run (poison: never retried).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    /// The body is not JSON.
    #[error("not JSON: {0}")]
    NotJson(String),
    /// The body is JSON without `"meshwarden": "sweep-shard"`.
    #[error("not a sweep shard (no \"meshwarden\": \"{SHARD_TAG}\")")]
    NotAShard,
    /// A shard of a format this engine does not know.
    #[error("sweep shard version {0} is not {SHARD_VERSION}")]
    Version(u64),
    /// A shard whose fields do not hold what they must.
    #[error("malformed sweep shard: {0}")]
    Malformed(String),
}

impl ShardMessage {
    /// A new shard of sweep `sweep_id` scheduled at `time`.
    pub fn new(sweep_id: &str, time: &str, shard: Shard) -> Self {
        ShardMessage {
            meshwarden: SHARD_TAG.to_owned(),
            version: SHARD_VERSION,
            sweep_id: sweep_id.to_owned(),
            time: time.to_owned(),
            attempt: 0,
            shard,
        }
    }

    /// The message body.
    pub fn encode(&self) -> String {
        // A struct of strings, numbers and vectors always serialises.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Read a message body: a shard of this version with a sweep id, a time (the schedule's,
    /// taken as the inline sweep takes it) and, for an evaluate shard, at least one resource,
    /// every one a canonical id.
    pub fn decode(body: &str) -> Result<Self, ShardError> {
        let value: Value =
            serde_json::from_str(body).map_err(|e| ShardError::NotJson(e.to_string()))?;
        if value.get("meshwarden").and_then(Value::as_str) != Some(SHARD_TAG) {
            return Err(ShardError::NotAShard);
        }
        match value.get("version").and_then(Value::as_u64) {
            Some(v) if v == u64::from(SHARD_VERSION) => {}
            Some(v) => return Err(ShardError::Version(v)),
            None => return Err(ShardError::Malformed("no version".to_owned())),
        }
        let message: ShardMessage =
            serde_json::from_value(value).map_err(|e| ShardError::Malformed(e.to_string()))?;
        if message.sweep_id.is_empty() {
            return Err(ShardError::Malformed("empty sweepId".to_owned()));
        }
        if message.time.is_empty() {
            return Err(ShardError::Malformed("empty time".to_owned()));
        }
        message.resources()?;
        Ok(message)
    }

    /// The service the shard covers (its scope's, or its first resource's: a shard holds one
    /// scope), for the metrics' `Service` dimension.
    pub fn service(&self) -> Option<AwsService> {
        match &self.shard {
            Shard::List { scope, .. } => Some(scope.service),
            Shard::Evaluate { resources } => resources
                .first()
                .and_then(|id| ResourceRef::from_key(id).ok())
                .map(|r| r.service()),
        }
    }

    /// The resources of an evaluate shard, or those a list shard's continuation says were
    /// listed before it (none for a list shard from the start).
    pub fn resources(&self) -> Result<Vec<ResourceRef>, ShardError> {
        let resources = match &self.shard {
            Shard::Evaluate { resources } => resources,
            Shard::List {
                continuation: Some(continuation),
                ..
            } => {
                if continuation.cursor.is_empty() {
                    return Err(ShardError::Malformed(
                        "a continuation without a cursor".to_owned(),
                    ));
                }
                return parse_ids(&continuation.listed);
            }
            Shard::List { .. } => return Ok(Vec::new()),
        };
        if resources.is_empty() {
            return Err(ShardError::Malformed(
                "an evaluate shard without resources".to_owned(),
            ));
        }
        parse_ids(resources)
    }

    /// The same sweep's list shard of `scope` from `cursor` on, after `listed`.
    pub fn continued(&self, scope: &Scope, cursor: String, listed: &[ResourceRef]) -> Self {
        ShardMessage::new(
            &self.sweep_id,
            &self.time,
            Shard::List {
                scope: scope.clone(),
                continuation: Some(Continuation {
                    cursor,
                    listed: listed.iter().map(ResourceRef::key).collect(),
                }),
            },
        )
    }

    /// The same sweep's evaluate shard for `resources`, what this shard could not finish: one
    /// attempt later when some of them were throttled (`failed`), the same attempt when the
    /// shard only ran out of time.
    pub fn remainder(&self, resources: &[ResourceRef], failed: bool) -> Self {
        ShardMessage {
            attempt: self.attempt + u32::from(failed),
            ..ShardMessage::new(
                &self.sweep_id,
                &self.time,
                Shard::Evaluate {
                    resources: resources.iter().map(ResourceRef::key).collect(),
                },
            )
        }
    }

    /// A short description for logs and reports: `list appmesh:111122223333:us-east-1`,
    /// `evaluate 50 resource(s)`.
    pub fn describe(&self) -> String {
        match &self.shard {
            Shard::List {
                scope,
                continuation: None,
            } => format!("list {}", scope.id()),
            Shard::List {
                scope,
                continuation: Some(c),
            } => format!("list {} after {} resource(s)", scope.id(), c.listed.len()),
            Shard::Evaluate { resources } => format!("evaluate {} resource(s)", resources.len()),
        }
    }
}

fn parse_ids(ids: &[String]) -> Result<Vec<ResourceRef>, ShardError> {
    ids.iter()
        .map(|id| ResourceRef::from_key(id).map_err(|e| ShardError::Malformed(e.to_string())))
        .collect()
}

/// The first shards of sweep `sweep_id`: one list shard per scope.
pub fn plan(sweep_id: &str, time: &str, scopes: &[Scope]) -> Vec<ShardMessage> {
    scopes
        .iter()
        .map(|scope| {
            ShardMessage::new(
                sweep_id,
                time,
                Shard::List {
                    scope: scope.clone(),
                    continuation: None,
                },
            )
        })
        .collect()
}

/// Evaluate shards for `resources`, at most `size` resources each, in listing order.
pub fn split(
    sweep_id: &str,
    time: &str,
    resources: &[ResourceRef],
    size: usize,
) -> Vec<ShardMessage> {
    resources
        .chunks(size.max(1))
        .map(|chunk| {
            ShardMessage::new(
                sweep_id,
                time,
                Shard::Evaluate {
                    resources: chunk.iter().map(ResourceRef::key).collect(),
                },
            )
        })
        .collect()
}

/// How long a shard sent back at `attempt` waits before it is received again: nothing for a
/// first attempt (a remainder that only ran out of time), then `base` doubling with every
/// attempt, at most [`MAX_DELAY`].
pub fn retry_delay(base: Duration, attempt: u32) -> Duration {
    if attempt == 0 {
        return Duration::ZERO;
    }
    let factor = 1u32.checked_shl(attempt - 1).unwrap_or(u32::MAX);
    base.checked_mul(factor).unwrap_or(MAX_DELAY).min(MAX_DELAY)
}

#[cfg(test)]
mod tests {
    use super::*;
    use meshwarden_rules::resource::{AwsService, ResourceKind};
    use serde_json::json;

    fn scope() -> Scope {
        Scope {
            service: AwsService::AppMesh,
            account: "111122223333".to_owned(),
            region: "eu-west-1".to_owned(),
        }
    }

    fn gateways(n: usize) -> Vec<ResourceRef> {
        (0..n)
            .map(|i| {
                ResourceRef::new(
                    ResourceKind::VirtualGateway,
                    "111122223333",
                    "eu-west-1",
                    format!("m/gw-{i}"),
                )
            })
            .collect()
    }

    #[test]
    fn a_plan_is_one_list_shard_per_scope_of_the_same_sweep() {
        let other = Scope {
            account: "444455556666".to_owned(),
            ..scope()
        };
        let shards = plan("s-1", "2026-11-23T06:00:00Z", &[scope(), other.clone()]);
        assert_eq!(shards.len(), 2);
        assert!(shards
            .iter()
            .all(|s| s.sweep_id == "s-1" && s.time == "2026-11-23T06:00:00Z" && s.attempt == 0));
        assert_eq!(
            shards[1].shard,
            Shard::List {
                scope: other,
                continuation: None
            }
        );
        assert_eq!(shards[0].describe(), "list appmesh:111122223333:eu-west-1");
    }

    #[test]
    fn splitting_keeps_every_resource_once_in_order_within_the_size() {
        let resources = gateways(123);
        let shards = split("s", "2026-11-23T06:00:00Z", &resources, 50);
        let sizes: Vec<usize> = shards
            .iter()
            .map(|s| s.resources().unwrap().len())
            .collect();
        assert_eq!(sizes, vec![50, 50, 23]);
        let back: Vec<ResourceRef> = shards.iter().flat_map(|s| s.resources().unwrap()).collect();
        assert_eq!(back, resources);
        assert!(
            split("s", "t", &[], 50).is_empty(),
            "no resources, no shard"
        );
        assert_eq!(split("s", "t", &resources[..3], 0).len(), 3, "size 0 is 1");
    }

    #[test]
    fn a_body_round_trips_with_its_tag_and_version() {
        let message = split("s-1", "2026-11-23T06:00:00Z", &gateways(2), 50).remove(0);
        let body = message.encode();
        let value: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(value["meshwarden"], SHARD_TAG);
        assert_eq!(value["version"], 1);
        assert_eq!(value["sweepId"], "s-1");
        assert_eq!(value["shard"]["kind"], "evaluate");
        assert!(value.get("attempt").is_none(), "attempt 0 is left out");
        assert_eq!(ShardMessage::decode(&body).unwrap(), message);
        let list = plan("s-1", "2026-11-23T06:00:00Z", &[scope()]).remove(0);
        let value: Value = serde_json::from_str(&list.encode()).unwrap();
        assert_eq!(
            value["shard"],
            json!({"kind": "list", "scope": {"service": "appmesh", "account": "111122223333", "region": "eu-west-1"}})
        );
        assert_eq!(ShardMessage::decode(&list.encode()).unwrap(), list);
    }

    #[test]
    fn anything_else_is_poison_naming_what_is_wrong() {
        let good = json!({"meshwarden": "sweep-shard", "version": 1, "sweepId": "s", "time": "2026-11-23T06:00:00Z",
                          "shard": {"kind": "evaluate", "resources": ["appmesh:1:eu-west-1:mesh/m"]}});
        assert!(ShardMessage::decode(&good.to_string()).is_ok());
        let with = |key: &str, value: Value| {
            let mut v = good.clone();
            v[key] = value;
            ShardMessage::decode(&v.to_string()).unwrap_err()
        };
        assert!(matches!(
            ShardMessage::decode("{not json"),
            Err(ShardError::NotJson(_))
        ));
        assert_eq!(
            ShardMessage::decode(&json!({"detail-type": "Scheduled Event"}).to_string()),
            Err(ShardError::NotAShard)
        );
        assert_eq!(with("meshwarden", json!("other")), ShardError::NotAShard);
        assert_eq!(with("version", json!(2)), ShardError::Version(2));
        assert!(matches!(
            with("version", json!("1")),
            ShardError::Malformed(_)
        ));
        assert!(matches!(
            with("sweepId", json!("")),
            ShardError::Malformed(_)
        ));
        assert!(matches!(with("time", json!("")), ShardError::Malformed(_)));
        assert!(matches!(
            with("shard", json!({"kind": "evaluate", "resources": []})),
            ShardError::Malformed(_)
        ));
        assert!(matches!(
            with(
                "shard",
                json!({"kind": "evaluate", "resources": ["not-an-id"]})
            ),
            ShardError::Malformed(_)
        ));
        assert!(matches!(
            with("shard", json!({"kind": "explode"})),
            ShardError::Malformed(_)
        ));
    }

    #[test]
    fn a_remainder_keeps_the_sweep_and_counts_only_throttled_attempts() {
        let message = split("s-1", "2026-11-23T06:00:00Z", &gateways(5), 50).remove(0);
        let resources = gateways(5);
        let timed_out = message.remainder(&resources[3..], false);
        assert_eq!(timed_out.attempt, 0);
        assert_eq!(timed_out.resources().unwrap(), resources[3..].to_vec());
        let throttled = timed_out.remainder(&resources[4..], true);
        assert_eq!(
            (
                throttled.sweep_id.as_str(),
                throttled.time.as_str(),
                throttled.attempt
            ),
            ("s-1", "2026-11-23T06:00:00Z", 1)
        );
    }

    #[test]
    fn a_continued_listing_round_trips_and_a_body_without_one_starts_from_the_first_page() {
        let first = plan("s-1", "2026-11-23T06:00:00Z", &[scope()]).remove(0);
        let listed = gateways(3);
        let next = first.continued(&scope(), "token-2".to_owned(), &listed);
        assert_eq!(
            (next.sweep_id.as_str(), next.time.as_str(), next.attempt),
            ("s-1", "2026-11-23T06:00:00Z", 0)
        );
        let body = next.encode();
        let value: Value = serde_json::from_str(&body).unwrap();
        assert_eq!(
            value["version"], 1,
            "the field is optional: still version 1"
        );
        assert_eq!(value["shard"]["continuation"]["cursor"], "token-2");
        let decoded = ShardMessage::decode(&body).unwrap();
        assert_eq!(decoded, next);
        assert_eq!(decoded.resources().unwrap(), listed);
        assert_eq!(
            decoded.describe(),
            "list appmesh:111122223333:eu-west-1 after 3 resource(s)"
        );
        // A version-1 body written before continuations existed.
        let old = json!({"meshwarden": "sweep-shard", "version": 1, "sweepId": "s-1",
            "time": "2026-11-23T06:00:00Z", "shard": {"kind": "list",
            "scope": {"service": "appmesh", "account": "111122223333", "region": "eu-west-1"}}});
        assert_eq!(ShardMessage::decode(&old.to_string()).unwrap(), first);
        let mut bad = value.clone();
        bad["shard"]["continuation"]["cursor"] = json!("");
        assert!(matches!(
            ShardMessage::decode(&bad.to_string()),
            Err(ShardError::Malformed(_))
        ));
        bad["shard"]["continuation"] = json!({"cursor": "t", "listed": ["not-an-id"]});
        assert!(matches!(
            ShardMessage::decode(&bad.to_string()),
            Err(ShardError::Malformed(_))
        ));
    }

    #[test]
    fn retry_delays_double_from_the_base_up_to_sqs_limit() {
        let base = Duration::from_secs(30);
        let delays: Vec<u64> = (0..7).map(|a| retry_delay(base, a).as_secs()).collect();
        assert_eq!(delays, vec![0, 30, 60, 120, 240, 480, 900]);
        assert_eq!(retry_delay(base, 40), MAX_DELAY);
        assert_eq!(retry_delay(Duration::ZERO, 5), Duration::ZERO);
    }
}
