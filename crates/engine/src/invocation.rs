//! How one input is run ([`Invocation`]: its delivery, its deadline, where its metrics go) and
//! what it is ([`Input`]): the arguments of [`crate::engine::Engine::run`], the engine's one
//! entry point.

use crate::metrics::Counts;
use meshwarden_rules::event::RoutedEvent;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Instant, SystemTime};

/// What the engine runs: a raw input as the function receives it (a CloudTrail event through
/// EventBridge, a scheduled sweep, an SQS event of sweep shards), or an event already routed to
/// a resource (the CLI's `remediate --apply` and `exempt` re-evaluate one resource this way).
#[derive(Debug, Clone, Copy)]
pub enum Input<'a> {
    /// A raw input, routed by the engine.
    Raw(&'a Value),
    /// An event routed to `Evaluate` or `Deleted`.
    Routed(&'a RoutedEvent),
}

impl<'a> From<&'a Value> for Input<'a> {
    fn from(value: &'a Value) -> Self {
        Input::Raw(value)
    }
}

impl<'a> From<&'a RoutedEvent> for Input<'a> {
    fn from(routed: &'a RoutedEvent) -> Self {
        Input::Routed(routed)
    }
}

/// How one input is run. The default is a fresh delivery, no deadline, metrics emitted (when
/// the engine emits metrics at all: [`crate::config::EngineConfig::emit_metrics`]).
#[derive(Debug, Clone, Default)]
pub struct Invocation {
    delivery: Option<String>,
    deadline: Option<Instant>,
    tally: Option<Tally>,
}

impl Invocation {
    /// A fresh delivery, no deadline, metrics emitted.
    pub fn new() -> Self {
        Self::default()
    }

    /// The delivery this run belongs to, kept across its retries (Lambda's request id is kept
    /// across the retries of an asynchronous invocation): a retry resumes its own pending
    /// revert at once, while another delivery of the same event waits for the revert's lease to
    /// end. Without one, each run is a delivery of its own.
    pub fn delivery(mut self, delivery: impl Into<String>) -> Self {
        self.delivery = Some(delivery.into());
        self
    }

    /// The instant the invocation ends (none: no limit): sweep shards stop starting work in
    /// time to record it and send the rest back ([`crate::fanout`]).
    pub fn deadline(mut self, deadline: impl Into<Option<Instant>>) -> Self {
        self.deadline = deadline.into();
        self
    }

    /// Add the run's metrics to `tally` instead of emitting them. A transient failure is not
    /// counted in `Errors`: Lambda retries it, and its own `Errors` metric and the dead-letter
    /// queue see it if retrying does not help.
    pub fn counts_into(mut self, tally: &Tally) -> Self {
        self.tally = Some(tally.clone());
        self
    }

    /// The delivery id: the one given, else a new one.
    pub(crate) fn delivery_id(&self) -> String {
        self.delivery.clone().unwrap_or_else(new_delivery_id)
    }

    /// The deadline, when there is one.
    pub(crate) fn until(&self) -> Option<Instant> {
        self.deadline
    }

    /// Where the metrics go: the tally, when there is one (`None`: emit them).
    pub(crate) fn tally(&self) -> Option<&Tally> {
        self.tally.as_ref()
    }
}

/// Metrics kept by the caller instead of emitted (tests, tools): the sum of every run
/// [`Invocation::counts_into`] it. Clones share the same sum.
#[derive(Debug, Clone, Default)]
pub struct Tally(Arc<Mutex<Counts>>);

impl Tally {
    /// An empty tally.
    pub fn new() -> Self {
        Self::default()
    }

    /// The sum so far.
    pub fn counts(&self) -> Counts {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Add `counts`.
    pub(crate) fn add(&self, counts: Counts) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .add(counts);
    }
}

/// A delivery id for callers that have none (the CLI, tests): unique within the process and
/// across processes.
pub fn new_delivery_id() -> String {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    format!(
        "local-{}-{nanos:x}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tally_sums_every_run_and_its_clones_share_it() {
        let tally = Tally::new();
        let shared = tally.clone();
        tally.add(Counts {
            errors: 1,
            ..Counts::default()
        });
        shared.add(Counts {
            errors: 2,
            ..Counts::default()
        });
        assert_eq!(tally.counts().errors, 3);
    }

    #[test]
    fn a_delivery_is_kept_or_made_fresh_each_time() {
        let given = Invocation::new().delivery("d-1");
        assert_eq!(given.delivery_id(), "d-1");
        assert_eq!(given.delivery_id(), "d-1");
        let fresh = Invocation::new();
        assert_ne!(fresh.delivery_id(), fresh.delivery_id());
    }
}
