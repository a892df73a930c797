//! In-memory implementations of the engine's ports, for fast unit tests of the pipeline's
//! decisions (the emulator tests stay for every SDK path).
//!
//! * [`MemoryMesh`]: App Mesh resources as describe documents; every update bumps `metadata.version`,
//!   every creation gets a new `metadata.uid`; faults can be queued per operation.
//! * [`MemoryStore`]: the table's items with the store's contract — history once per event,
//!   STATE ordered by [`meshwarden_engine::core::state_order::admits`], atomic revert reservations
//!   against an hourly counter — plus queued faults, before or after the write is applied.
//! * [`crate::lattice_memory::MemoryLattice`]: VPC Lattice (versionless; its own module);
//! * [`MemoryFindings`]: Security Hub — every import, and the findings by `Id` as the latest
//!   import left them; faults can be queued.

use meshwarden_engine::core::error::{ErrorKind, PortError};
use meshwarden_engine::core::exemptions::{self, ExemptionItem};
use meshwarden_engine::core::findings::AsffFinding;
use meshwarden_engine::core::hub_mark::Exported;
use meshwarden_engine::core::ports::{
    ComplianceStore, Described, FindingsSink, HistoryQuery, Page, RecordOutcome, Reservation,
    ResourceReader, ResourceWriter, Scope, SweepWrite,
};
use meshwarden_engine::core::record::{
    Action, CapSlot, HistoryItem, OwnerItem, Record, SpecItem, StateItem, Status, OWNER_SK, SPEC_SK,
};
use meshwarden_engine::core::state_order::admits;
use meshwarden_engine::core::step;
use meshwarden_rules::model::{Resource, Tag};
use meshwarden_rules::resource::ResourceRef;
use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};

/// When a queued fault strikes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Strike {
    /// Before the call does anything (a refused or throttled request).
    Before,
    /// After the call took effect (the answer was lost: a timeout after the commit).
    After,
}

/// Faults queued per operation name, taken one per call.
#[derive(Debug, Default)]
pub(crate) struct Faults(HashMap<&'static str, VecDeque<(ErrorKind, Strike)>>);

impl Faults {
    pub(crate) fn push(&mut self, operation: &'static str, kind: ErrorKind, strike: Strike) {
        self.0
            .entry(operation)
            .or_default()
            .push_back((kind, strike));
    }

    pub(crate) fn take(&mut self, operation: &'static str) -> Option<(ErrorKind, Strike)> {
        self.0.get_mut(operation)?.pop_front()
    }

    /// The answer of a fake without tags: none, or a queued `tags` fault.
    pub(crate) fn no_tags(&mut self) -> Result<Vec<Tag>, PortError> {
        match self.take("tags") {
            Some((kind, _)) => Err(fault("ListTagsForResource", kind)),
            None => Ok(Vec::new()),
        }
    }
}

pub(crate) fn fault(operation: &str, kind: ErrorKind) -> PortError {
    PortError::new(operation, kind, "injected fault")
}

pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The resources of a [`MemoryMesh`].
#[derive(Default)]
pub struct MeshWorld {
    documents: BTreeMap<String, (ResourceRef, Value)>,
    next_uid: u64,
    clock: f64,
    faults: Faults,
    /// Resources per page of a listing (`None`: one page), for list shards that stop between
    /// pages.
    pub page_size: Option<usize>,
    /// Listing pages served (faulted ones included).
    pub pages: u32,
    /// Pages (by cursor) whose next listing fails, once each.
    failing_pages: HashMap<String, ErrorKind>,
    /// Every update call: (resource id, client token, version it produced).
    pub updates: Vec<(String, String, i64)>,
    /// Describe calls, by resource id (faulted ones included).
    pub describes: BTreeMap<String, u32>,
}

impl MeshWorld {
    /// Create (or re-create) a resource from a describe document's data (`{"meshName": …,
    /// "spec": …}`), owned by `owner`: version 1, a new uid, a later creation time.
    pub fn create(&mut self, resource: &ResourceRef, data: Value, owner: &str) {
        self.next_uid += 1;
        self.clock += 10.0;
        let mut data = data;
        data["metadata"] = json!({
            "uid": format!("uid-{}", self.next_uid), "version": 1,
            "createdAt": self.clock, "lastUpdatedAt": self.clock,
            "meshOwner": owner, "resourceOwner": owner,
            "arn": format!("arn:aws:appmesh:{}:{}:{}", resource.region, owner, resource.path()),
        });
        data["status"] = json!({"status": "ACTIVE"});
        let document = json!({ resource.kind.as_str(): data });
        self.documents
            .insert(resource.key(), (resource.clone(), document));
    }

    /// Change a resource's spec as someone else would (version + 1); `change` edits the spec.
    pub fn change(&mut self, resource: &ResourceRef, change: impl FnOnce(&mut Value)) {
        self.clock += 1.0;
        let clock = self.clock;
        if let Some((_, document)) = self.documents.get_mut(&resource.key()) {
            let data = &mut document[resource.kind.as_str()];
            change(&mut data["spec"]);
            bump(data, clock);
        }
    }

    /// Set a resource's `status.status` (App Mesh reports `DELETED` for a while after a delete).
    pub fn set_status(&mut self, resource: &ResourceRef, status: &str) {
        if let Some((_, document)) = self.documents.get_mut(&resource.key()) {
            document[resource.kind.as_str()]["status"] = json!({ "status": status });
        }
    }

    /// Delete a resource.
    pub fn delete(&mut self, resource: &ResourceRef) {
        self.documents.remove(&resource.key());
    }

    /// The current describe document of a resource.
    pub fn document(&self, resource: &ResourceRef) -> Option<Value> {
        self.documents.get(&resource.key()).map(|(_, d)| d.clone())
    }
}

fn bump(data: &mut Value, clock: f64) {
    let version = data["metadata"]["version"].as_i64().unwrap_or(0) + 1;
    data["metadata"]["version"] = json!(version);
    data["metadata"]["lastUpdatedAt"] = json!(clock);
}

/// App Mesh in memory.
#[derive(Clone, Default)]
pub struct MemoryMesh(Arc<Mutex<MeshWorld>>);

impl MemoryMesh {
    /// Work on the resources directly.
    pub fn world(&self) -> MutexGuard<'_, MeshWorld> {
        lock(&self.0)
    }

    /// Queue a fault for the next call of `operation` (`describe`, `update`, `list`, `tags`).
    pub fn fail(&self, operation: &'static str, kind: ErrorKind, strike: Strike) {
        self.world()
            .faults
            .0
            .entry(operation)
            .or_default()
            .push_back((kind, strike));
    }

    /// Fail the next listing of the page at `cursor` (a paged listing's offset) once.
    pub fn fail_page_at(&self, cursor: &str, kind: ErrorKind) {
        self.world().failing_pages.insert(cursor.to_owned(), kind);
    }

    /// How many updates were made.
    pub fn update_count(&self) -> usize {
        self.world().updates.len()
    }
}

impl ResourceReader for MemoryMesh {
    type Snapshot = ();

    async fn describe(&self, resource: &ResourceRef) -> Result<Option<Described<()>>, PortError> {
        let mut world = self.world();
        *world.describes.entry(resource.key()).or_default() += 1;
        if let Some((kind, _)) = world.faults.take("describe") {
            return Err(fault("Describe", kind));
        }
        let Some((_, document)) = world.documents.get(&resource.key()) else {
            return Ok(None);
        };
        let resource = Resource::from_describe_value(document)
            .map_err(|e| PortError::new("Describe", ErrorKind::Rejected, e.to_string()))?;
        Ok(Some(Described {
            resource,
            snapshot: (),
        }))
    }

    async fn tags(&self, _resource: &ResourceRef, _snapshot: &()) -> Result<Vec<Tag>, PortError> {
        self.world().faults.no_tags()
    }

    async fn list(&self, scope: &Scope) -> Result<Vec<ResourceRef>, PortError> {
        let mut world = self.world();
        if let Some((kind, _)) = world.faults.take("list") {
            return Err(fault("List", kind));
        }
        Ok(world.listing(scope))
    }

    /// Pages of [`MeshWorld::page_size`] resources; the cursor is the next one's offset.
    async fn list_page(
        &self,
        scope: &Scope,
        cursor: Option<&str>,
    ) -> Result<Page<ResourceRef>, PortError> {
        let mut world = self.world();
        world.pages += 1;
        if let Some((kind, _)) = world.faults.take("list") {
            return Err(fault("List", kind));
        }
        if let Some(kind) = cursor.and_then(|c| world.failing_pages.remove(c)) {
            return Err(fault("List", kind));
        }
        offset_page(world.listing(scope), world.page_size, cursor)
    }
}

/// The page of `all` from offset `cursor` (`None`: 0), `page_size` long (`None`: to the end); the
/// next page's cursor is its offset. A cursor that is not an offset is rejected.
pub(crate) fn offset_page(
    all: Vec<ResourceRef>,
    page_size: Option<usize>,
    cursor: Option<&str>,
) -> Result<Page<ResourceRef>, PortError> {
    let start: usize = match cursor.map(str::parse).transpose() {
        Ok(start) => start.unwrap_or(0),
        Err(_) => return Err(PortError::new("List", ErrorKind::Rejected, "bad cursor")),
    };
    let end = page_size.map_or(all.len(), |size| (start + size.max(1)).min(all.len()));
    Ok(Page {
        items: all.get(start..end).unwrap_or_default().to_vec(),
        next: (end < all.len()).then(|| end.to_string()),
    })
}

impl MeshWorld {
    fn listing(&self, scope: &Scope) -> Vec<ResourceRef> {
        self.documents
            .values()
            .filter(|(r, _)| {
                r.region == scope.region
                    && r.service() == scope.service
                    && (scope.account.is_empty() || r.account == scope.account)
            })
            .map(|(r, _)| r.clone())
            .collect()
    }
}

impl ResourceWriter for MemoryMesh {
    async fn update(
        &self,
        resource: &ResourceRef,
        _current: &Described<()>,
        patched: &Resource,
        client_token: &str,
    ) -> Result<Resource, PortError> {
        let mut world = self.world();
        let injected = world.faults.take("update");
        if let Some((kind, Strike::Before)) = injected {
            return Err(fault("Update", kind));
        }
        world.clock += 1.0;
        let clock = world.clock;
        let spec = patched.data_value()["spec"].clone();
        let id = resource.key();
        let Some((_, document)) = world.documents.get_mut(&id) else {
            return Err(PortError::new(
                "Update",
                ErrorKind::NotFound,
                "no such resource",
            ));
        };
        let data = &mut document[resource.kind.as_str()];
        data["spec"] = spec;
        bump(data, clock);
        let version = data["metadata"]["version"].as_i64().unwrap_or(0);
        let updated = document.clone();
        world.updates.push((id, client_token.to_owned(), version));
        if let Some((kind, Strike::After)) = injected {
            return Err(fault("Update", kind));
        }
        Resource::from_describe_value(&updated)
            .map_err(|e| PortError::new("Update", ErrorKind::Rejected, e.to_string()))
    }
}

/// One item of the [`MemoryStore`].
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A history item (or a pending intent).
    History(HistoryItem),
    /// A STATE item.
    State(StateItem),
    /// A cap counter: reverts counted in its hour.
    Cap(i64),
    /// The last compliant document.
    Spec(SpecItem),
    /// Whose part a part is.
    Owner(OwnerItem),
    /// An accepted failure.
    Exemption(ExemptionItem),
}

/// The compliance table in memory.
#[derive(Clone, Default)]
pub struct MemoryStore(Arc<Mutex<StoreInner>>);

#[derive(Default)]
struct StoreInner {
    items: BTreeMap<(String, String), Item>,
    faults: Faults,
}

impl MemoryStore {
    /// Queue a fault for the next call of `operation` (`state`, `record`, `history_item`,
    /// `reserve_revert`, `complete_revert`, `record_sweep`, `mark_exported`, `live_ids`).
    pub fn fail(&self, operation: &'static str, kind: ErrorKind, strike: Strike) {
        lock(&self.0)
            .faults
            .0
            .entry(operation)
            .or_default()
            .push_back((kind, strike));
    }

    /// Every history item of a resource, oldest first.
    pub fn history_of(&self, id: &str) -> Vec<HistoryItem> {
        lock(&self.0)
            .items
            .iter()
            .filter(|((pk, _), _)| pk == id)
            .filter_map(|(_, item)| match item {
                Item::History(h) => Some(h.clone()),
                _ => None,
            })
            .collect()
    }

    /// The STATE item of a resource.
    pub fn state_of(&self, id: &str) -> Option<StateItem> {
        match lock(&self.0)
            .items
            .get(&(id.to_owned(), "STATE".to_owned()))
        {
            Some(Item::State(s)) => Some(s.clone()),
            _ => None,
        }
    }

    /// The sum of a resource's cap counters (reverts counted).
    pub fn reverts_counted(&self, id: &str) -> i64 {
        lock(&self.0)
            .items
            .iter()
            .filter(|((pk, _), _)| pk == id)
            .map(|(_, item)| match item {
                Item::Cap(n) => *n,
                _ => 0,
            })
            .sum()
    }

    /// Run `apply` under the store's lock, striking a queued fault of `operation` before or
    /// after it.
    fn with<T>(
        &self,
        operation: &'static str,
        apply: impl FnOnce(&mut BTreeMap<(String, String), Item>) -> T,
    ) -> Result<T, PortError> {
        let mut inner = lock(&self.0);
        let injected = inner.faults.take(operation);
        if let Some((kind, Strike::Before)) = injected {
            return Err(fault(operation, kind));
        }
        let out = apply(&mut inner.items);
        match injected {
            Some((kind, Strike::After)) => Err(fault(operation, kind)),
            _ => Ok(out),
        }
    }
}

type Items = BTreeMap<(String, String), Item>;

fn key(record: &Record, sk: String) -> (String, String) {
    (record.resource.key(), sk)
}

fn stored_state(items: &Items, id: &str) -> Option<StateItem> {
    match items.get(&(id.to_owned(), "STATE".to_owned())) {
        Some(Item::State(s)) => Some(s.clone()),
        _ => None,
    }
}

/// Apply the record's STATE when [`admits`] says so (attributes the new state lacks are kept
/// or cleared as the DynamoDB update does) and keep its compliant document when it changed;
/// `(updated, previous)`.
fn write_state(items: &mut Items, record: &Record) -> (bool, Option<StateItem>) {
    let id = record.resource.key();
    let stored = stored_state(items, &id);
    if !admits(stored.as_ref(), record) {
        return (false, stored);
    }
    let mut new = record.state_item();
    if let Some(old) = &stored {
        new.spec_hash = old.spec_hash.clone();
        if new.common.resource_uid.is_none() {
            new.common.resource_uid = old.common.resource_uid.clone();
            new.common.resource_created_at = old.common.resource_created_at;
        }
        new.security_hub = old.security_hub.clone();
    }
    if let Some(spec) = record.compliant_spec() {
        if new.spec_hash.as_deref() != Some(spec.hash.as_str()) {
            new.spec_hash = Some(spec.hash.clone());
            for owner in spec.owner_items(&record.resource) {
                items.insert((owner.pk.clone(), OWNER_SK.to_owned()), Item::Owner(owner));
            }
            items.insert((id.clone(), SPEC_SK.to_owned()), Item::Spec(spec));
        }
    }
    items.insert((id, "STATE".to_owned()), Item::State(new));
    (true, stored)
}

/// What a STATE write found before it, as the DynamoDB adapter reports it (`ALL_OLD`).
fn sweep_write(updated: bool, previous: Option<StateItem>) -> SweepWrite {
    let previous = previous.filter(|_| updated);
    SweepWrite {
        updated,
        previous_uid: previous
            .as_ref()
            .and_then(|p| p.common.resource_uid.clone()),
        previous_version: previous.as_ref().and_then(|p| p.common.resource_version),
        previous_failed: previous
            .as_ref()
            .map(|p| step::failed_rules(&p.common.findings))
            .unwrap_or_default(),
        previous_exported: previous.and_then(|p| p.security_hub),
    }
}

fn exemption_items(items: &Items) -> impl Iterator<Item = ExemptionItem> + '_ {
    items.values().filter_map(|item| match item {
        Item::Exemption(e) => Some(e.clone()),
        _ => None,
    })
}

/// The history item, once per event (or replacing a pending intent when completing it);
/// `false` when it was there already.
fn write_history(items: &mut Items, record: &Record, completing: bool) -> bool {
    let hk = key(record, record.history_sk());
    let allowed = match items.get(&hk) {
        None => !completing,
        Some(Item::History(h)) => completing && h.common.action == Action::RevertPending,
        Some(_) => false,
    };
    if allowed {
        let history = record.history_item(std::time::Duration::from_secs(86_400));
        items.insert(hk, Item::History(history));
    }
    allowed
}

/// Add `delta` to a cap counter, unless taking a slot (`delta` > 0) would pass `max`.
fn count_revert(items: &mut Items, id: &str, slot: &CapSlot, delta: i64, max: i64) -> bool {
    let entry = items
        .entry((id.to_owned(), slot.sk.clone()))
        .or_insert(Item::Cap(0));
    let Item::Cap(count) = entry else {
        return false;
    };
    if delta > 0 && *count + delta > max {
        return false;
    }
    *count = (*count + delta).max(0);
    true
}

impl ComplianceStore for MemoryStore {
    async fn state(&self, id: &str) -> Result<Option<StateItem>, PortError> {
        self.with("state", |items| stored_state(items, id))
    }

    async fn record_seen(
        &self,
        record: &Record,
    ) -> Result<(RecordOutcome, Option<SweepWrite>), PortError> {
        // Two writes, as in DynamoDB: the history put, then the STATE update (its own fault
        // point, `record_state`), which a retry applies again.
        let first = self.with("record", |items| write_history(items, record, false))?;
        let write = match record.status {
            Status::Error => None,
            _ => Some(self.with("record_state", |items| {
                let (updated, previous) = write_state(items, record);
                sweep_write(updated, previous)
            })?),
        };
        let updated = write.as_ref().is_none_or(|w| w.updated);
        let outcome = match (first, updated) {
            (false, _) => RecordOutcome::Duplicate,
            (true, true) => RecordOutcome::Written,
            (true, false) => RecordOutcome::StaleState,
        };
        Ok((outcome, write.filter(|w| w.updated)))
    }

    async fn owner_of(&self, part: &str) -> Result<Option<String>, PortError> {
        self.with("owner_of", |items| {
            match items.get(&(part.to_owned(), OWNER_SK.to_owned())) {
                Some(Item::Owner(owner)) => Some(owner.owner.clone()),
                _ => None,
            }
        })
    }

    async fn last_compliant(&self, id: &str) -> Result<Option<Value>, PortError> {
        self.with("last_compliant", |items| {
            match items.get(&(id.to_owned(), SPEC_SK.to_owned())) {
                Some(Item::Spec(spec)) => Some(spec.document.clone()),
                _ => None,
            }
        })
    }

    async fn history_item(&self, id: &str, sk: &str) -> Result<Option<HistoryItem>, PortError> {
        self.with("history_item", |items| {
            match items.get(&(id.to_owned(), sk.to_owned())) {
                Some(Item::History(h)) => Some(h.clone()),
                _ => None,
            }
        })
    }

    async fn reserve_revert(
        &self,
        intent: &Record,
        slot: &CapSlot,
        max: u32,
    ) -> Result<Reservation, PortError> {
        self.with("reserve_revert", |items| {
            let hk = key(intent, intent.history_sk());
            if let Some(Item::History(existing)) = items.get(&hk) {
                return Reservation::Exists(Box::new(existing.clone()));
            }
            if !count_revert(items, &intent.resource.key(), slot, 1, i64::from(max)) {
                return Reservation::Capped;
            }
            let item = intent.history_item(std::time::Duration::from_secs(86_400));
            items.insert(hk, Item::History(item));
            Reservation::Reserved
        })
    }

    async fn complete_revert(
        &self,
        record: &Record,
        release: Option<&CapSlot>,
    ) -> Result<RecordOutcome, PortError> {
        self.with("complete_revert", |items| {
            if !write_history(items, record, true) {
                return RecordOutcome::Duplicate;
            }
            if let Some(slot) = release {
                count_revert(items, &record.resource.key(), slot, -1, 0);
            }
            match write_state(items, record).0 {
                true => RecordOutcome::Written,
                false => RecordOutcome::StaleState,
            }
        })
    }

    async fn record_sweep(&self, records: &[Record]) -> Result<Vec<SweepWrite>, PortError> {
        self.with("record_sweep", |items| {
            records
                .iter()
                .map(|record| {
                    let (updated, previous) = write_state(items, record);
                    let hk = key(record, record.history_sk());
                    let history = record.history_item(std::time::Duration::from_secs(86_400));
                    items.insert(hk, Item::History(history));
                    sweep_write(updated, previous)
                })
                .collect()
        })
    }

    async fn exemptions(&self, id: &str) -> Result<Vec<ExemptionItem>, PortError> {
        self.with("exemptions", |items| {
            exemption_items(items).filter(|e| e.pk == id).collect()
        })
    }

    async fn all_exemptions(&self) -> Result<Vec<ExemptionItem>, PortError> {
        self.with("all_exemptions", |items| exemption_items(items).collect())
    }

    async fn put_exemption(&self, item: &ExemptionItem) -> Result<(), PortError> {
        self.with("put_exemption", |items| {
            items.insert(
                (item.pk.clone(), item.sk.clone()),
                Item::Exemption(item.clone()),
            );
        })
    }

    async fn remove_exemption(&self, id: &str, rule: &str) -> Result<bool, PortError> {
        self.with("remove_exemption", |items| {
            items
                .remove(&(id.to_owned(), exemptions::sort_key(rule)))
                .is_some()
        })
    }

    async fn mark_exported(&self, id: &str, exported: &Exported) -> Result<(), PortError> {
        self.with("mark_exported", |items| {
            if let Some(Item::State(state)) = items.get_mut(&(id.to_owned(), "STATE".to_owned())) {
                state.security_hub = Some(exported.clone());
            }
        })
    }

    async fn live_ids(&self, scope: &str) -> Result<Vec<String>, PortError> {
        self.with("live_ids", |items| {
            items
                .values()
                .filter_map(|item| match item {
                    Item::State(s) if s.scope.as_deref() == Some(scope) => {
                        Some(s.common.pk.clone())
                    }
                    _ => None,
                })
                .collect()
        })
    }

    async fn history(
        &self,
        id: &str,
        query: &HistoryQuery,
    ) -> Result<Page<HistoryItem>, PortError> {
        let mut items = self.history_of(id);
        items.reverse();
        items.truncate(query.limit as usize);
        Ok(Page { items, next: None })
    }

    async fn non_compliant(
        &self,
        _cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<StateItem>, PortError> {
        self.with("non_compliant", |items| {
            let states = items
                .values()
                .filter_map(|item| match item {
                    Item::State(s) if s.non_compliant.is_some() => Some(s.clone()),
                    _ => None,
                })
                .take(limit as usize)
                .collect();
            Page {
                items: states,
                next: None,
            }
        })
    }
}

/// Security Hub in memory.
#[derive(Clone, Default)]
pub struct MemoryFindings(Arc<Mutex<FindingsInner>>);

#[derive(Default)]
struct FindingsInner {
    imports: Vec<Vec<AsffFinding>>,
    faults: VecDeque<ErrorKind>,
}

impl MemoryFindings {
    /// Refuse the next import with `kind` (nothing of it is kept).
    pub fn fail_next(&self, kind: ErrorKind) {
        lock(&self.0).faults.push_back(kind);
    }

    /// Every accepted import, in order.
    pub fn imports(&self) -> Vec<Vec<AsffFinding>> {
        lock(&self.0).imports.clone()
    }

    /// The findings Security Hub holds, by `Id` (each as its latest import left it).
    pub fn hub(&self) -> BTreeMap<String, AsffFinding> {
        lock(&self.0)
            .imports
            .iter()
            .flatten()
            .map(|f| (f.id.clone(), f.clone()))
            .collect()
    }
}

impl FindingsSink for MemoryFindings {
    async fn export(&self, findings: &[AsffFinding]) -> Result<(), PortError> {
        let mut inner = lock(&self.0);
        if let Some(kind) = inner.faults.pop_front() {
            return Err(fault("BatchImportFindings", kind));
        }
        inner.imports.push(findings.to_vec());
        Ok(())
    }
}

/// One case of the STATE order: after `setup` is recorded (in order), recording `candidate`
/// must update STATE exactly when `admitted`.
pub struct StateCase {
    /// What it shows.
    pub name: &'static str,
    /// Records written first.
    pub setup: Vec<Record>,
    /// The record whose STATE write is judged.
    pub candidate: Record,
    /// Whether STATE must take it.
    pub admitted: bool,
}

/// The table of STATE-order cases both stores are held to (each on its own resource).
pub fn state_order_cases(prefix: &str) -> Vec<StateCase> {
    use meshwarden_engine::core::record::Cause;
    use meshwarden_rules::resource::ResourceKind;
    let at = |secs: u64| std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
    let record = |case: &str,
                  status: Status,
                  uid: Option<&str>,
                  created: f64,
                  version: Option<i64>,
                  minute: u32| {
        let resource = ResourceRef::new(
            ResourceKind::Mesh,
            crate::ACCOUNT,
            crate::REGION,
            format!("{prefix}-{case}"),
        );
        let cause = Cause {
            event_name: "UpdateMesh".into(),
            event_id: format!("evt-{minute}-{}", version.unwrap_or(0)),
            event_time: format!("2026-11-25T10:{minute:02}:00Z"),
            actor: None,
        };
        let mut r = Record::new(resource, cause, status, at(1_000 + u64::from(minute)));
        r.identity.uid = uid.map(str::to_owned);
        r.identity.created_at = uid.map(|_| created);
        r.identity.version = version;
        r
    };
    // A versionless evaluation `millis` into second 1 000, caused by `event_id`.
    let instant = |case: &str, status: Status, millis: u64, event_id: &str| {
        let mut r = record(case, status, None, 0.0, None, 0);
        r.cause.event_id = event_id.to_owned();
        r.evaluated_at = at(1_000) + std::time::Duration::from_millis(millis);
        r
    };
    use Status::{Compliant as C, Deleted as D, NonCompliant as N};
    let case =
        |name: &'static str, setup: Vec<Record>, candidate: Record, admitted: bool| StateCase {
            name,
            setup,
            candidate,
            admitted,
        };
    vec![
        case(
            "empty",
            vec![],
            record("empty", N, Some("a"), 100.0, Some(1), 1),
            true,
        ),
        case(
            "newer-version",
            vec![record("newer-version", N, Some("a"), 100.0, Some(2), 1)],
            record("newer-version", C, Some("a"), 100.0, Some(3), 0),
            true,
        ),
        case(
            "older-version",
            vec![record("older-version", C, Some("a"), 100.0, Some(3), 1)],
            record("older-version", N, Some("a"), 100.0, Some(2), 2),
            false,
        ),
        case(
            "same-version-later-event",
            vec![record(
                "same-version-later-event",
                N,
                Some("a"),
                100.0,
                Some(3),
                1,
            )],
            record("same-version-later-event", C, Some("a"), 100.0, Some(3), 2),
            true,
        ),
        case(
            "same-version-earlier-event",
            vec![record(
                "same-version-earlier-event",
                N,
                Some("a"),
                100.0,
                Some(3),
                2,
            )],
            record(
                "same-version-earlier-event",
                C,
                Some("a"),
                100.0,
                Some(3),
                1,
            ),
            false,
        ),
        case(
            "versionless-later-describe",
            vec![record("versionless-later-describe", N, None, 0.0, None, 1)],
            record("versionless-later-describe", C, None, 0.0, None, 2),
            true,
        ),
        case(
            "versionless-earlier-describe",
            vec![record(
                "versionless-earlier-describe",
                C,
                None,
                0.0,
                None,
                2,
            )],
            record("versionless-earlier-describe", N, None, 0.0, None, 1),
            false,
        ),
        case(
            "recreated",
            vec![record("recreated", C, Some("a"), 100.0, Some(9), 1)],
            record("recreated", N, Some("b"), 200.0, Some(1), 2),
            true,
        ),
        case(
            "dead-incarnation-late",
            vec![record(
                "dead-incarnation-late",
                N,
                Some("b"),
                200.0,
                Some(1),
                2,
            )],
            record("dead-incarnation-late", C, Some("a"), 100.0, Some(9), 3),
            false,
        ),
        case(
            "no-resurrection",
            vec![
                record("no-resurrection", C, Some("a"), 100.0, Some(4), 1),
                record("no-resurrection", D, None, 0.0, None, 2),
            ],
            record("no-resurrection", N, Some("a"), 100.0, Some(5), 3),
            false,
        ),
        case(
            "recreated-after-delete",
            vec![
                record("recreated-after-delete", C, Some("a"), 100.0, Some(4), 1),
                record("recreated-after-delete", D, None, 0.0, None, 2),
            ],
            record("recreated-after-delete", N, Some("b"), 300.0, Some(1), 3),
            true,
        ),
        case(
            "deleted-after-creation",
            vec![record(
                "deleted-after-creation",
                C,
                Some("a"),
                100.0,
                Some(4),
                1,
            )],
            record("deleted-after-creation", D, None, 0.0, None, 2),
            true,
        ),
        case(
            "late-not-found-after-recreation",
            vec![record(
                "late-not-found-after-recreation",
                C,
                Some("b"),
                5_000.0,
                Some(1),
                1,
            )],
            record("late-not-found-after-recreation", D, None, 0.0, None, 2),
            false,
        ),
        case(
            "legacy-item-without-uid",
            vec![record("legacy-item-without-uid", C, None, 0.0, Some(5), 1)],
            record("legacy-item-without-uid", N, Some("b"), 300.0, Some(1), 2),
            true,
        ),
        // Versionless evaluations in the same second (issue 19): the millisecond decides,
        // then the event id.
        case(
            "versionless-same-second-earlier-ms",
            vec![instant(
                "versionless-same-second-earlier-ms",
                C,
                200,
                "evt-a",
            )],
            instant("versionless-same-second-earlier-ms", N, 100, "evt-b"),
            false,
        ),
        case(
            "versionless-same-second-later-ms",
            vec![instant("versionless-same-second-later-ms", C, 100, "evt-b")],
            instant("versionless-same-second-later-ms", N, 200, "evt-a"),
            true,
        ),
        case(
            "versionless-same-ms-lower-event-id",
            vec![instant(
                "versionless-same-ms-lower-event-id",
                N,
                100,
                "evt-b",
            )],
            instant("versionless-same-ms-lower-event-id", C, 100, "evt-a"),
            false,
        ),
        case(
            "versionless-same-ms-higher-event-id",
            vec![instant(
                "versionless-same-ms-higher-event-id",
                C,
                100,
                "evt-a",
            )],
            instant("versionless-same-ms-higher-event-id", N, 100, "evt-b"),
            true,
        ),
    ]
}
