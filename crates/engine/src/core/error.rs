//! The engine's typed errors: what failed ([`PortError`]: operation, kind, cause) and what the
//! runtime should do about it ([`EngineError`]: retry, or not).

use std::error::Error as StdError;

/// What kind of failure a port call met; callers match on this, never on message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The service asked us to slow down (throttling, exceeded throughput).
    Throttled,
    /// The thing addressed does not exist (a table, a resource).
    NotFound,
    /// A concurrent change got in the way (a conflicting transaction, a reused client token).
    Conflict,
    /// The service refused the request and would refuse it again (access denied, validation).
    Rejected,
    /// The request did not complete: network, timeout, a 5xx from the service.
    Transport,
}

impl ErrorKind {
    /// Whether trying the same call later may succeed.
    pub fn is_transient(self) -> bool {
        matches!(
            self,
            ErrorKind::Throttled | ErrorKind::Conflict | ErrorKind::Transport
        )
    }

    fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Throttled => "throttled",
            ErrorKind::NotFound => "not found",
            ErrorKind::Conflict => "conflict",
            ErrorKind::Rejected => "rejected",
            ErrorKind::Transport => "transport failure",
        }
    }
}

/// The cause of a [`PortError`].
pub type Cause = Box<dyn StdError + Send + Sync + 'static>;

/// A failed call to a port: which operation, what kind of failure, and the underlying cause.
#[derive(Debug, thiserror::Error)]
#[error("{operation}: {} ({detail})", kind.as_str())]
pub struct PortError {
    /// The operation, e.g. `DescribeMesh`, `TransactWriteItems`.
    pub operation: String,
    /// How the caller should treat it.
    pub kind: ErrorKind,
    /// A one-line description: the service's error code and message, or the cause's chain.
    pub detail: String,
    /// The underlying error, when there is one.
    #[source]
    pub source: Option<Cause>,
}

impl PortError {
    /// A failure without an underlying error value (a fake's injected fault, a contract breach).
    pub fn new(operation: impl Into<String>, kind: ErrorKind, detail: impl Into<String>) -> Self {
        PortError {
            operation: operation.into(),
            kind,
            detail: detail.into(),
            source: None,
        }
    }

    /// Attach the underlying error.
    pub fn with_source(mut self, source: impl Into<Cause>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// The same error, classified as `kind` (what the caller learnt beyond the status code).
    pub fn with_kind(mut self, kind: ErrorKind) -> Self {
        self.kind = kind;
        self
    }

    /// Whether trying the same call later may succeed.
    pub fn is_transient(&self) -> bool {
        self.kind.is_transient()
    }
}

/// Why the engine could not finish handling an input.
#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    /// Worth retrying: the runtime should see an error so Lambda retries the event and the
    /// dead-letter queue keeps it when retries run out.
    #[error("transient: {0}")]
    Transient(#[source] PortError),
    /// Eventual consistency: the service does not show the event's effect yet.
    #[error("not consistent yet: {0}")]
    NotYetConsistent(String),
    /// Another delivery of the same event holds the revert's lease; retry after it ends.
    #[error(
        "revert in progress by another delivery of event {event_id} (lease until {lease_until})"
    )]
    RevertInProgress {
        /// The event.
        event_id: String,
        /// When the lease ends (epoch seconds).
        lease_until: i64,
    },
}

impl EngineError {
    /// The refusal a caller must decide about, or — when the failure is worth retrying — the
    /// error to return to the runtime. No refusal is ever turned into a retry here.
    pub fn refusal(err: PortError) -> Result<PortError, EngineError> {
        if err.is_transient() {
            Err(EngineError::Transient(err))
        } else {
            Ok(err)
        }
    }
}
