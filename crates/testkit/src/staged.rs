//! [`Staged`]: a resource port wrapped so a test decides what happens between the engine's calls —
//! a concurrent change just before the nth describe or before an update, or several events
//! held at their first describe until all of them got there (a barrier, not a sleep).

use futures::future::BoxFuture;
use meshwarden_engine::core::error::PortError;
use meshwarden_engine::core::ports::{Described, Page, ResourceReader, ResourceWriter, Scope};
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::ResourceRef;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Barrier;

/// Something a test runs between two of the engine's calls.
pub type Step = Box<dyn FnOnce() -> BoxFuture<'static, ()> + Send>;

/// A resource port with staged interleavings.
pub struct Staged<R> {
    inner: R,
    describes: AtomicUsize,
    before_describe: Mutex<BTreeMap<usize, Step>>,
    before_update: Mutex<Option<Step>>,
    gate: Option<(usize, Arc<Barrier>)>,
}

impl<R> Staged<R> {
    /// `inner`, unchanged until steps are added.
    pub fn new(inner: R) -> Self {
        Staged {
            inner,
            describes: AtomicUsize::new(0),
            before_describe: Mutex::new(BTreeMap::new()),
            before_update: Mutex::new(None),
            gate: None,
        }
    }

    /// Hold the answers of the first `n` describes until all `n` have been made (so `n`
    /// concurrent events all evaluate the same state).
    pub fn gate_first_describes(mut self, n: usize) -> Self {
        self.gate = Some((n, Arc::new(Barrier::new(n))));
        self
    }

    /// Run `step` just before the `nth` describe (counted from 1) is made.
    pub fn before_describe(self, nth: usize, step: Step) -> Self {
        self.before_describe
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(nth, step);
        self
    }

    /// Run `step` just before the next update is made.
    pub fn before_update(self, step: Step) -> Self {
        *self.before_update.lock().unwrap_or_else(|p| p.into_inner()) = Some(step);
        self
    }

    /// The wrapped port.
    pub fn inner(&self) -> &R {
        &self.inner
    }
}

impl<R: ResourceReader> ResourceReader for Staged<R> {
    type Snapshot = R::Snapshot;

    async fn describe(
        &self,
        resource: &ResourceRef,
    ) -> Result<Option<Described<R::Snapshot>>, PortError> {
        let nth = self.describes.fetch_add(1, Ordering::SeqCst) + 1;
        let step = self
            .before_describe
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&nth);
        if let Some(step) = step {
            step().await;
        }
        let described = self.inner.describe(resource).await;
        // Gated: every one of the first n callers has read the resource before any goes on.
        if let Some((n, barrier)) = &self.gate {
            if nth <= *n {
                barrier.wait().await;
            }
        }
        described
    }

    async fn tags(
        &self,
        resource: &ResourceRef,
        snapshot: &R::Snapshot,
    ) -> Result<Vec<Tag>, PortError> {
        self.inner.tags(resource, snapshot).await
    }

    async fn list(&self, scope: &Scope) -> Result<Vec<ResourceRef>, PortError> {
        self.inner.list(scope).await
    }

    async fn list_page(
        &self,
        scope: &Scope,
        cursor: Option<&str>,
    ) -> Result<Page<ResourceRef>, PortError> {
        self.inner.list_page(scope, cursor).await
    }
}

impl<R: ResourceWriter> ResourceWriter for Staged<R> {
    async fn update(
        &self,
        resource: &ResourceRef,
        current: &Described<R::Snapshot>,
        patched: &Resource,
        client_token: &str,
    ) -> Result<Resource, PortError> {
        let step = self
            .before_update
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(step) = step {
            step().await;
        }
        self.inner
            .update(resource, current, patched, client_token)
            .await
    }
}
