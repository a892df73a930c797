//! Event routing: an EventBridge event ("AWS API Call via CloudTrail" from `aws.appmesh` or
//! `aws.vpc-lattice`, "AWS Service Event via CloudTrail" for VPC Lattice's cross-account events,
//! or a "Scheduled Event" asking for a sweep) or a bare CloudTrail record → what to do.
//!
//! The record's `eventSource` names the service whose router decides ([`crate::appmesh`]'s or
//! [`crate::lattice`]'s). The router never trusts the event's copy of the resource: it only
//! names the resource (and, for App Mesh, the version and incarnation the call produced, so a
//! stale describe can be recognised). Malformed input, including an `eventTime` that is not
//! RFC 3339 UTC or lies more than [`MAX_CLOCK_SKEW`] ahead, is an [`EventError`]; events we have
//! no business with are [`Route::Ignore`] with a reason, and so is a record in an envelope whose
//! `source` is not its service's (see [`TRUSTED_SOURCES`]).

pub(crate) mod arn;
mod decision;
pub(crate) mod fields;
mod identity;

pub use decision::Decision;
pub use fields::EventError;
pub use identity::is_own_identity;

use crate::resource::{AwsService, ChildRef, ResourceRef};
use fields::Fields;
use serde_json::Value;
use std::fmt;
use std::sync::LazyLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// App Mesh's handled event names (see [`handled_event_names`] for every service's), the list
/// `meshwarden rules --events` prints.
pub use crate::appmesh::router::HANDLED_EVENT_NAMES;

/// The EventBridge `source` values an envelope must carry for its record to be trusted, one per
/// service ([`crate::service::ServiceSpec::eventbridge_source`]): EventBridge delivers
/// CloudTrail's App Mesh calls as `aws.appmesh` and VPC Lattice's as `aws.vpc-lattice`. A record
/// is trusted only under its own service's source. Anyone allowed to `PutEvents` on the bus can
/// send an envelope with any other `source`, so a record claiming `appmesh.amazonaws.com` under
/// another (or no) source is [`IgnoreReason::UntrustedSource`].
pub static TRUSTED_SOURCES: LazyLock<Vec<&'static str>> = LazyLock::new(|| {
    AwsService::ALL
        .iter()
        .map(|service| eventbridge_source(*service))
        .collect()
});

/// The CloudTrail `eventSource` of a service's calls (`appmesh.amazonaws.com`,
/// `vpc-lattice.amazonaws.com`).
pub fn event_source(service: AwsService) -> &'static str {
    service.spec().event_source
}

/// The EventBridge `source` that carries a service's CloudTrail events (`aws.appmesh`,
/// `aws.vpc-lattice`).
pub fn eventbridge_source(service: AwsService) -> &'static str {
    service.spec().eventbridge_source
}

/// The API calls ("AWS API Call via CloudTrail") of a service the router acts on, sorted.
pub fn handled_event_names(service: AwsService) -> &'static [&'static str] {
    service.spec().handled_event_names
}

/// The service events ("AWS Service Event via CloudTrail") of a service the router acts on,
/// sorted (none for App Mesh).
pub fn service_event_names(service: AwsService) -> &'static [&'static str] {
    service.spec().service_event_names
}

/// The service whose CloudTrail `eventSource` this is.
pub fn service_of_event_source(event_source: &str) -> Option<AwsService> {
    AwsService::ALL
        .into_iter()
        .find(|service| self::event_source(*service) == event_source)
}

/// How far ahead of the clock an `eventTime` may be: further is [`EventError::FutureEventTime`].
pub const MAX_CLOCK_SKEW: Duration = Duration::from_secs(5 * 60);

const CLOUDTRAIL_DETAIL_TYPE: &str = "AWS API Call via CloudTrail";
const SERVICE_EVENT_DETAIL_TYPE: &str = "AWS Service Event via CloudTrail";
const SCHEDULED_DETAIL_TYPE: &str = "Scheduled Event";

/// What arrived.
// Held one at a time, by value: boxing the larger variant would only add an allocation.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    /// An API call recorded by CloudTrail.
    CloudTrail(RoutedEvent),
    /// A scheduled sweep of every resource.
    Sweep(SweepRequest),
}

/// A request to sweep every resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SweepRequest {
    /// The scheduler's event id (sweep history items are keyed on it, so a re-delivery does not
    /// duplicate them).
    pub id: String,
    /// When the sweep was scheduled.
    pub time: Option<String>,
}

/// An API call and what to do about it.
#[derive(Debug, Clone, PartialEq)]
pub struct RoutedEvent {
    /// Who did what, when and where.
    pub meta: EventMeta,
    /// The decision.
    pub route: Route,
}

/// The facts of a CloudTrail record the pipeline keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventMeta {
    /// CloudTrail's `eventID` (the idempotency key).
    pub event_id: String,
    /// `eventName`, the API operation.
    pub event_name: String,
    /// `eventSource`, e.g. `appmesh.amazonaws.com`.
    pub event_source: String,
    /// `eventTime`: an RFC 3339 UTC timestamp at most [`MAX_CLOCK_SKEW`] after the routing clock.
    pub event_time: String,
    /// `awsRegion`.
    pub region: String,
    /// `recipientAccountId`.
    pub recipient_account: String,
    /// `userIdentity.arn`: the caller (for roles, the assumed-role session).
    pub actor: Option<String>,
    /// `userIdentity.sessionContext.sessionIssuer.arn`: the role behind a session.
    pub actor_issuer: Option<String>,
}

/// What to do with an API call.
#[derive(Debug, Clone, PartialEq)]
pub enum Route {
    /// The resource was created, changed or re-tagged: describe and evaluate it.
    Evaluate {
        /// The resource.
        resource: ResourceRef,
        /// `metadata.version` the call produced, when the response carries it.
        expected_version: Option<i64>,
        /// `metadata.uid` of the incarnation the call touched, when the response carries it.
        expected_uid: Option<String>,
    },
    /// The resource was deleted.
    Deleted {
        /// The resource.
        resource: ResourceRef,
    },
    /// A part of an evaluated resource changed, and the call does not say whose it is (VPC
    /// Lattice's `DeleteAccessLogSubscription`): the owner recorded for it is evaluated.
    Child {
        /// The part.
        child: ChildRef,
    },
    /// Nothing to do.
    Ignore {
        /// Why.
        reason: IgnoreReason,
        /// The resource, when the call named one we model.
        resource: Option<ResourceRef>,
    },
}

/// Why an API call needs nothing from us.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IgnoreReason {
    /// The call failed (`errorCode`): nothing changed.
    FailedCall {
        /// CloudTrail's `errorCode`.
        code: String,
    },
    /// Not a call of a service Meshwarden evaluates (App Mesh, VPC Lattice).
    OtherService(String),
    /// A read-only call.
    ReadOnly,
    /// A resource kind no rule reads.
    UnmodelledKind(String),
    /// A call of one of our services we do not act on.
    UnhandledEvent,
    /// An EventBridge envelope whose `source` (empty when absent; the JSON text when not a
    /// string) is not the one of the service the record claims (one of [`TRUSTED_SOURCES`]):
    /// anyone may put such an event on the bus, so it is never evaluated (poison, not retried).
    UntrustedSource {
        /// The envelope's `source`.
        source: String,
        /// The source the record's service is delivered under.
        expected: &'static str,
    },
    /// A VPC Lattice call that changed a child (an access log subscription, a VPC or service
    /// association) and names neither its owner nor a way to find it (what it names is kept, e.g.
    /// `accessLogSubscription als-…`): the scheduled sweep re-evaluates the owner.
    OwnerNotNamed(String),
    /// An ARN whose partition is not the one of the region it names (`arn:aws-cn:…` naming an
    /// `aws` region, say): it names no resource of ours, whatever its region and id.
    ForeignPartition {
        /// The ARN's partition.
        partition: String,
        /// The ARN's region.
        region: String,
    },
    /// An ECS `UpdateService` without `serviceConnectConfiguration` (an image deploy, a scaling
    /// change): the Service Connect configuration in force stays as it is.
    ServiceConnectUnchanged,
}

impl fmt::Display for IgnoreReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IgnoreReason::FailedCall { code } => {
                write!(f, "failed call (errorCode {code}): nothing changed")
            }
            IgnoreReason::OtherService(source) => {
                write!(f, "event source {source} is not {}", service_names())
            }
            IgnoreReason::ReadOnly => f.write_str("read-only call"),
            IgnoreReason::ServiceConnectUnchanged => f.write_str(
                "UpdateService without serviceConnectConfiguration keeps the Service Connect \
                 configuration",
            ),
            IgnoreReason::UnmodelledKind(kind) => {
                write!(f, "no rule reads resources of kind {kind}")
            }
            IgnoreReason::UnhandledEvent => f.write_str("event name not handled"),
            IgnoreReason::UntrustedSource { source, expected } => {
                write!(f, "envelope source {source:?} is not {expected}")
            }
            IgnoreReason::ForeignPartition { partition, region } => write!(
                f,
                "the ARN's partition {partition} is not the partition of its region {region} ({}): \
                 not a resource of ours",
                crate::resource::partition_of(region)
            ),
            IgnoreReason::OwnerNotNamed(named) => {
                write!(
                    f,
                    "the record names {named}, not the service network, service or target group \
                     it changes: the sweep re-evaluates that"
                )
            }
        }
    }
}

/// Every service's display name, for people: `AWS App Mesh or Amazon VPC Lattice`.
fn service_names() -> String {
    let names: Vec<&str> = AwsService::ALL
        .iter()
        .map(|service| service.spec().display_name)
        .collect();
    names.join(" or ")
}

/// Route event JSON text, against the system clock ([`route_json_at`]).
pub fn route_json(text: &str) -> Result<Incoming, EventError> {
    route_json_at(text, SystemTime::now())
}

/// Route event JSON text as of `now` ([`route_at`]).
pub fn route_json_at(text: &str, now: SystemTime) -> Result<Incoming, EventError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| EventError::NotJson(e.to_string()))?;
    route_at(&value, now)
}

/// Route an EventBridge event or a bare CloudTrail record, against the system clock
/// ([`route_at`]).
pub fn route(value: &Value) -> Result<Incoming, EventError> {
    route_at(value, SystemTime::now())
}

/// Route an EventBridge event or a bare CloudTrail record as of `now`: a record whose `eventTime`
/// is not an RFC 3339 UTC timestamp, or is more than [`MAX_CLOCK_SKEW`] after `now`, is an
/// [`EventError`]. Pure: the clock is the caller's.
pub fn route_at(value: &Value, now: SystemTime) -> Result<Incoming, EventError> {
    let root = Fields::root(value)?;
    let Some(detail_type) = root.opt_str("detail-type")? else {
        // No envelope: a bare CloudTrail record.
        return route_record(root, None, now).map(Incoming::CloudTrail);
    };
    match detail_type {
        SCHEDULED_DETAIL_TYPE => Ok(Incoming::Sweep(SweepRequest {
            id: root.str("id")?.to_owned(),
            time: root.opt_str("time")?.map(str::to_owned),
        })),
        CLOUDTRAIL_DETAIL_TYPE | SERVICE_EVENT_DETAIL_TYPE => {
            let detail = root
                .opt_object("detail", "detail")?
                .ok_or_else(|| EventError::MissingField("detail".into()))?;
            route_record(detail, Some(root), now).map(Incoming::CloudTrail)
        }
        other => Err(EventError::UnsupportedDetailType(other.to_owned())),
    }
}

/// Read the record's facts (falling back to the envelope's `time`/`region`/`account`) and decide.
fn route_record(
    record: Fields<'_>,
    envelope: Option<Fields<'_>>,
    now: SystemTime,
) -> Result<RoutedEvent, EventError> {
    let fallback = |record_key: &str, envelope_key: &str| -> Result<String, EventError> {
        if let Some(value) = record.opt_str(record_key)? {
            return Ok(value.to_owned());
        }
        match envelope
            .map(|e| e.opt_str(envelope_key))
            .transpose()?
            .flatten()
        {
            Some(value) => Ok(value.to_owned()),
            None => record.str(record_key).map(str::to_owned),
        }
    };
    let identity = record.opt_object("userIdentity", "userIdentity")?;
    let issuer = identity
        .map(|i| i.opt_object("sessionContext", "userIdentity.sessionContext"))
        .transpose()?
        .flatten()
        .map(|c| c.opt_object("sessionIssuer", "userIdentity.sessionContext.sessionIssuer"))
        .transpose()?
        .flatten();
    let meta = EventMeta {
        event_id: record.str("eventID")?.to_owned(),
        event_name: record.str("eventName")?.to_owned(),
        event_source: record.str("eventSource")?.to_owned(),
        event_time: fallback("eventTime", "time")?,
        region: fallback("awsRegion", "region")?,
        recipient_account: fallback("recipientAccountId", "account")?,
        actor: identity
            .map(|i| i.opt_str("arn"))
            .transpose()?
            .flatten()
            .map(str::to_owned),
        actor_issuer: issuer
            .map(|i| i.opt_str("arn"))
            .transpose()?
            .flatten()
            .map(str::to_owned),
    };
    check_event_time(&meta.event_time, now)?;
    let route = decide(&meta, record, envelope)?;
    Ok(RoutedEvent { meta, route })
}

/// An `eventTime` must be an RFC 3339 UTC timestamp at most [`MAX_CLOCK_SKEW`] after `now`.
fn check_event_time(event_time: &str, now: SystemTime) -> Result<(), EventError> {
    let time = humantime::parse_rfc3339(event_time)
        .map_err(|_| EventError::InvalidEventTime(event_time.to_owned()))?;
    // A clock so late that adding the skew overflows accepts every time.
    match now.checked_add(MAX_CLOCK_SKEW) {
        Some(limit) if time > limit => Err(EventError::FutureEventTime {
            event_time: event_time.to_owned(),
            limit: rfc3339(limit),
        }),
        _ => Ok(()),
    }
}

/// `time` in RFC 3339 (whole seconds); humantime panics on times before 1970 or after 9999, so
/// those are written in `Debug` form.
fn rfc3339(time: SystemTime) -> String {
    const YEAR_10000: Duration = Duration::from_secs(253_402_300_800);
    match time.duration_since(UNIX_EPOCH) {
        Ok(since) if since < YEAR_10000 => humantime::format_rfc3339_seconds(time).to_string(),
        _ => format!("{time:?}"),
    }
}

/// The envelope's `source` when it is not `expected`, the one trusted to carry the record's
/// service's calls.
fn untrusted_source(envelope: Fields<'_>, expected: &str) -> Option<String> {
    match envelope.get("source") {
        Some(Value::String(source)) if source == expected => None,
        Some(Value::String(source)) => Some(source.clone()),
        Some(other) => Some(other.to_string()),
        None => Some(String::new()),
    }
}

fn decide(
    meta: &EventMeta,
    record: Fields<'_>,
    envelope: Option<Fields<'_>>,
) -> Result<Route, EventError> {
    let Some(service) = service_of_event_source(&meta.event_source) else {
        return Ok(ignore(IgnoreReason::OtherService(
            meta.event_source.clone(),
        )));
    };
    // Before anything else is read from the record: an untrusted one names nothing.
    let expected = eventbridge_source(service);
    if let Some(source) = envelope.and_then(|e| untrusted_source(e, expected)) {
        return Ok(ignore(IgnoreReason::UntrustedSource { source, expected }));
    }
    (service.spec().decide)(meta, record)
}

/// Whether a call only reads: CloudTrail says so, or its name does (`Describe*`, `List*`,
/// `Get*`, including VPC Lattice's `Get*BySharee` events).
pub(crate) fn is_read_only(name: &str, record: Fields<'_>) -> bool {
    matches!(record.get("readOnly"), Some(Value::Bool(true)))
        || ["Describe", "List", "Get"]
            .iter()
            .any(|p| name.starts_with(p))
}

/// `VirtualRouter` → `virtualRouter`, for kinds named by API operations.
pub(crate) fn lower_camel(kind: &str) -> String {
    let mut chars = kind.chars();
    chars
        .next()
        .map(|first| first.to_ascii_lowercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

pub(crate) fn ignore(reason: IgnoreReason) -> Route {
    Route::Ignore {
        reason,
        resource: None,
    }
}

pub(crate) fn request(record: Fields<'_>) -> Result<Fields<'_>, EventError> {
    record
        .opt_object("requestParameters", "requestParameters")?
        .ok_or_else(|| EventError::MissingField("requestParameters".into()))
}

#[cfg(test)]
mod tests;
