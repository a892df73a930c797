//! [`DynamoStore`]: the compliance table on DynamoDB through the AWS SDK.

use super::{cursor, expressions};
use crate::adapters::aws::classify;
use crate::core::error::{ErrorKind, PortError};
use crate::core::exemptions::{self, ExemptionItem, EXEMPTION_KEY, EXEMPT_SK_PREFIX};
use crate::core::hub_mark::Exported;
use crate::core::ports::{
    ComplianceStore, HistoryQuery, Page, RecordOutcome, Reservation, SweepWrite,
};
use crate::core::record::{
    Action, CapSlot, HistoryItem, OwnerItem, Record, SpecItem, StateItem, Status,
    HISTORY_SK_PREFIX, NON_COMPLIANT_KEY, OWNER_SK, SPEC_SK, STATE_SK,
};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Put, PutRequest, ReturnValue, TransactWriteItem, Update, WriteRequest,
};
use aws_sdk_dynamodb::Client;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::{FutureExt, StreamExt, TryStreamExt};
use meshwarden_rules::verdict::Finding;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::time::Duration;

/// Name of the sparse index of non-compliant STATE items.
pub const NON_COMPLIANT_INDEX: &str = "nonCompliant";
/// Name of the sparse index of STATE items not recorded as deleted, by scope.
pub const LIVE_INDEX: &str = "live";
/// Name of the sparse index of exemption items (partition key `exemption`).
pub const EXEMPTIONS_INDEX: &str = "exemptions";
/// BatchWriteItem's limit.
const BATCH_SIZE: usize = 25;
/// Attempts at writing a batch's unprocessed items before giving up (transient).
const BATCH_ATTEMPTS: u32 = 6;
/// What a sweep's STATE write copies of the item it overwrites, `(copy, attribute)`: the
/// version, the incarnation and the findings (see `apply_state`).
const PREVIOUS: [(&str, &str); 3] = [
    ("prevResourceVersion", "resourceVersion"),
    ("prevResourceUid", "resourceUid"),
    ("prevFindings", "findings"),
];

/// Concurrent conditional state updates during a sweep.
const SWEEP_WRITE_CONCURRENCY: usize = 8;
/// Condition on history puts: exactly once per event id.
const HISTORY_ONCE: &str = "attribute_not_exists(pk)";
/// Condition on completing an intent: only while it is still pending.
const STILL_PENDING: &str = "#action = :pending";
/// Counter attribute of a cap item.
const CAP_COUNT: &str = "reverts";
/// STATE attribute remembering what Security Hub holds for the resource.
const SECURITY_HUB: &str = "securityHub";

type Item = HashMap<String, AttributeValue>;

/// The compliance table.
#[derive(Debug, Clone)]
pub struct DynamoStore {
    client: Client,
    table: String,
    history_ttl: Duration,
}

impl DynamoStore {
    /// A store on `table`, whose history items expire `history_ttl` after evaluation.
    pub fn new(client: Client, table: impl Into<String>, history_ttl: Duration) -> Self {
        DynamoStore {
            client,
            table: table.into(),
            history_ttl,
        }
    }

    fn history_put(&self, record: &Record, condition: &str) -> Result<Put, PortError> {
        let mut put = Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(&record.history_item(self.history_ttl))?))
            .condition_expression(condition);
        if condition == STILL_PENDING {
            put = put
                .expression_attribute_names("#action", "action")
                .expression_attribute_values(":pending", action_value(Action::RevertPending)?);
        }
        put.build().map_err(|e| built("Put", e))
    }

    fn state_update(&self, record: &Record) -> Result<Update, PortError> {
        let u = expressions::state_update(to_item(&record.state_item())?, record);
        Update::builder()
            .table_name(&self.table)
            .set_key(Some(u.key))
            .update_expression(u.update)
            .condition_expression(u.condition)
            .set_expression_attribute_names(Some(u.names))
            .set_expression_attribute_values(Some(u.values))
            .build()
            .map_err(|e| built("Update", e))
    }

    /// `ADD reverts :delta` on a cap counter; taking a slot is conditional on the cap.
    fn cap_update(&self, pk: &str, slot: &CapSlot, take: Option<u32>) -> Result<Update, PortError> {
        let update = Update::builder()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(pk.to_owned()))
            .key("sk", AttributeValue::S(slot.sk.clone()))
            .expression_attribute_names("#n", CAP_COUNT)
            .expression_attribute_names("#exp", "expiresAt")
            .expression_attribute_values(":exp", AttributeValue::N(slot.expires_at.to_string()));
        let update = match take {
            Some(max) => update
                .update_expression("SET #exp = :exp ADD #n :one")
                .condition_expression("attribute_not_exists(#n) OR #n < :max")
                .expression_attribute_values(":one", AttributeValue::N("1".to_owned()))
                .expression_attribute_values(":max", AttributeValue::N(max.to_string())),
            None => update
                .update_expression("SET #exp = :exp ADD #n :minus")
                .condition_expression("#n > :zero")
                .expression_attribute_values(":minus", AttributeValue::N("-1".to_owned()))
                .expression_attribute_values(":zero", AttributeValue::N("0".to_owned())),
        };
        update.build().map_err(|e| built("Update", e))
    }

    /// Run a transaction: `Ok(None)` when it committed, `Ok(Some(failed))` when it was cancelled
    /// because the conditions flagged in `failed` (by position) did not hold.
    async fn transact(
        &self,
        items: Vec<TransactWriteItem>,
    ) -> Result<Option<Vec<bool>>, PortError> {
        let count = items.len();
        let err = match self
            .client
            .transact_write_items()
            .set_transact_items(Some(items))
            .send()
            .await
        {
            Ok(_) => return Ok(None),
            Err(err) => err,
        };
        if let Some(TransactWriteItemsError::TransactionCanceledException(c)) =
            err.as_service_error()
        {
            let code = |i: usize| c.cancellation_reasons().get(i).and_then(|r| r.code());
            let failed: Vec<bool> = (0..count)
                .map(|i| code(i) == Some("ConditionalCheckFailed"))
                .collect();
            if failed.iter().any(|f| *f) {
                return Ok(Some(failed));
            }
            let conflict = (0..count).any(|i| code(i) == Some("TransactionConflict"));
            if conflict {
                return Err(classify("TransactWriteItems", err).with_kind(ErrorKind::Conflict));
            }
        }
        Err(classify("TransactWriteItems", err))
    }

    /// Put a history item alone; `false` when it already existed.
    async fn put_history_once(&self, record: &Record) -> Result<bool, PortError> {
        let put = self.history_put(record, HISTORY_ONCE)?;
        let result = self
            .client
            .put_item()
            .table_name(put.table_name())
            .set_item(Some(put.item().clone()))
            .condition_expression(HISTORY_ONCE)
            .send()
            .await;
        condition_met("PutItem", result, |e| {
            e.is_conditional_check_failed_exception()
        })
    }

    /// Apply the record's conditional STATE update alone (returning the item it replaced), then
    /// keep its compliant document when that changed; what STATE held before when it took it.
    ///
    /// The condition admits the same evaluation again (a redelivery is idempotent), so when the
    /// SDK retries an attempt that landed but whose answer was lost, the item it "replaced" is
    /// our own first attempt. The same write therefore also copies what it overwrites into
    /// [`PREVIOUS`] (each copy reads the item as it was before the write): an answer showing our
    /// own evaluation is read through those copies.
    async fn apply_state(&self, record: &Record) -> Result<SweepWrite, PortError> {
        let u = self.state_update(record)?;
        let mut names = u.expression_attribute_names().cloned().unwrap_or_default();
        let mut values = u.expression_attribute_values().cloned().unwrap_or_default();
        let mut copies = Vec::new();
        for (i, (copy, source)) in PREVIOUS.iter().enumerate() {
            names.insert(format!("#prev{i}"), (*copy).to_owned());
            names.insert(format!("#src{i}"), (*source).to_owned());
            copies.push(format!("#prev{i} = if_not_exists(#src{i}, :absent)"));
        }
        values.insert(":absent".to_owned(), AttributeValue::Null(true));
        // The copies first: they read the item before any of the record's own SETs.
        let update =
            u.update_expression()
                .replacen("SET ", &format!("SET {}, ", copies.join(", ")), 1);
        let result = self
            .client
            .update_item()
            .table_name(u.table_name())
            .set_key(Some(u.key().clone()))
            .update_expression(update)
            .set_condition_expression(u.condition_expression().map(str::to_owned))
            .set_expression_attribute_names(Some(names))
            .set_expression_attribute_values(Some(values))
            .return_values(ReturnValue::AllOld)
            .send()
            .await;
        let old = match result {
            Ok(out) => out.attributes.unwrap_or_default(),
            Err(e)
                if e.as_service_error()
                    .is_some_and(|e| e.is_conditional_check_failed_exception()) =>
            {
                return Ok(SweepWrite::default());
            }
            Err(e) => return Err(classify("UpdateItem", e)),
        };
        let text = |name: &str| old.get(name).and_then(|v| v.as_s().ok()).cloned();
        // Our own first attempt answered a retry: what it overwrote is in its copies.
        let own = text("evaluationOrder").as_deref() == Some(record.evaluation_order().as_str());
        let before = |(copy, source): (&str, &str)| old.get(if own { copy } else { source });
        self.keep_spec(record, text("specHash").as_deref()).await?;
        Ok(SweepWrite {
            updated: true,
            previous_uid: before(PREVIOUS[1]).and_then(|v| v.as_s().ok()).cloned(),
            previous_version: before(PREVIOUS[0])
                .and_then(|v| v.as_n().ok())
                .and_then(|n| n.parse().ok()),
            // Unreadable: as if nothing had been exported (everything is sent again). Our write
            // never changes it (`mark_exported` does), so the answer holds it either way.
            previous_exported: old
                .get(SECURITY_HUB)
                .cloned()
                .and_then(|v| serde_dynamo::from_attribute_value(v).ok()),
            // Unreadable: as if nothing failed before (a failure now counts as new).
            previous_failed: before(PREVIOUS[2])
                .cloned()
                .and_then(|v| serde_dynamo::from_attribute_value::<_, Vec<Finding>>(v).ok())
                .map(|findings| crate::core::step::failed_rules(&findings))
                .unwrap_or_default(),
        })
    }

    /// Write the `SPEC` item when the record is compliant and its document's hash differs from
    /// `known` (STATE's `specHash`), with an `OWNER` item per named part of the document, then
    /// record the new hash on STATE. In this order, a failure in between leaves the old hash, so
    /// the next compliant evaluation writes them again.
    async fn keep_spec(&self, record: &Record, known: Option<&str>) -> Result<(), PortError> {
        let Some(spec) = record.compliant_spec() else {
            return Ok(());
        };
        if known == Some(spec.hash.as_str()) {
            return Ok(());
        }
        self.put(&spec).await?;
        for owner in spec.owner_items(&record.resource) {
            self.put(&owner).await?;
        }
        self.client
            .update_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(spec.pk.clone()))
            .key("sk", AttributeValue::S(STATE_SK.to_owned()))
            .update_expression("SET #h = :h")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#h", "specHash")
            .expression_attribute_values(":h", AttributeValue::S(spec.hash))
            .send()
            .await
            .map(|_| ())
            .or_else(|e| {
                // STATE is gone (deleted meanwhile): the hash has nowhere to go.
                match e.as_service_error() {
                    Some(se) if se.is_conditional_check_failed_exception() => Ok(()),
                    _ => Err(classify("UpdateItem", e)),
                }
            })
    }

    async fn put<T: serde::Serialize>(&self, item: &T) -> Result<(), PortError> {
        self.client
            .put_item()
            .table_name(&self.table)
            .set_item(Some(to_item(item)?))
            .send()
            .await
            .map(drop)
            .map_err(|e| classify("PutItem", e))
    }

    async fn batch_put_history(&self, records: &[Record]) -> Result<(), PortError> {
        for chunk in records.chunks(BATCH_SIZE) {
            let mut pending = chunk
                .iter()
                .map(|r| {
                    let put = PutRequest::builder()
                        .set_item(Some(to_item(&r.history_item(self.history_ttl))?))
                        .build()
                        .map_err(|e| built("PutRequest", e))?;
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<Vec<_>, PortError>>()?;
            let mut attempt = 0;
            while !pending.is_empty() {
                if attempt == BATCH_ATTEMPTS {
                    return Err(PortError::new(
                        "BatchWriteItem",
                        ErrorKind::Throttled,
                        format!(
                            "{} items still unprocessed after {BATCH_ATTEMPTS} attempts",
                            pending.len()
                        ),
                    ));
                }
                if attempt > 0 {
                    // Backoff between retries of unprocessed items, as DynamoDB asks for.
                    tokio::time::sleep(Duration::from_millis(25 << attempt)).await;
                }
                attempt += 1;
                let out = self
                    .client
                    .batch_write_item()
                    .request_items(&self.table, pending)
                    .send()
                    .await
                    .map_err(|e| classify("BatchWriteItem", e))?;
                pending = out
                    .unprocessed_items
                    .and_then(|mut m| m.remove(&self.table))
                    .unwrap_or_default();
            }
        }
        Ok(())
    }

    /// History and state in one transaction; history alone when only the state condition
    /// failed. `history_condition` decides what "already recorded" means.
    async fn write_record(
        &self,
        record: &Record,
        history_condition: &str,
        extra: Option<TransactWriteItem>,
    ) -> Result<RecordOutcome, PortError> {
        let history = || -> Result<TransactWriteItem, PortError> {
            Ok(TransactWriteItem::builder()
                .put(self.history_put(record, history_condition)?)
                .build())
        };
        let mut items = vec![
            history()?,
            TransactWriteItem::builder()
                .update(self.state_update(record)?)
                .build(),
        ];
        items.extend(extra.clone());
        // The OWNER items first: a retry that finds this record written (a duplicate) does not
        // come back here, so a failure after the transaction would lose them, and with them the
        // routing of the next call naming only a part (a re-created access log subscription).
        // They only say whose part an id is: writing them early is harmless.
        if let Some(spec) = record.compliant_spec() {
            for owner in spec.owner_items(&record.resource) {
                self.put(&owner).await?;
            }
        }
        match self.transact(items).await? {
            None => {
                self.keep_spec(record, None).await?;
                Ok(RecordOutcome::Written)
            }
            Some(failed) if failed[0] => Ok(RecordOutcome::Duplicate),
            Some(_) => {
                // Only the state condition failed: keep the history, leave newer state alone.
                let mut items = vec![history()?];
                items.extend(extra);
                Ok(match self.transact(items).await? {
                    None => RecordOutcome::StaleState,
                    Some(_) => RecordOutcome::Duplicate,
                })
            }
        }
    }
}

impl DynamoStore {
    async fn get<T: DeserializeOwned>(&self, id: &str, sk: &str) -> Result<Option<T>, PortError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(id.to_owned()))
            .key("sk", AttributeValue::S(sk.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| classify("GetItem", e))?;
        out.item.map(from_item).transpose()
    }
}

impl ComplianceStore for DynamoStore {
    async fn state(&self, id: &str) -> Result<Option<StateItem>, PortError> {
        self.get(id, STATE_SK).await
    }

    async fn record_seen(
        &self,
        record: &Record,
    ) -> Result<(RecordOutcome, Option<SweepWrite>), PortError> {
        // An error says nothing about the resource's state: history only. Otherwise the two
        // writes go together (docs/architecture.md, "Record": either may land without the
        // other, and the retry completes both).
        let (first, state) = if record.status == Status::Error {
            (self.put_history_once(record).await?, None)
        } else {
            let (first, state) =
                futures::try_join!(self.put_history_once(record), self.apply_state(record))?;
            (first, Some(state))
        };
        if first && state.as_ref().is_some_and(|s| !s.updated) {
            return Ok((RecordOutcome::StaleState, None));
        }
        let write = state.filter(|w| w.updated);
        let outcome = if first {
            RecordOutcome::Written
        } else {
            RecordOutcome::Duplicate
        };
        Ok((outcome, write))
    }

    async fn last_compliant(&self, id: &str) -> Result<Option<Value>, PortError> {
        Ok(self
            .get::<SpecItem>(id, SPEC_SK)
            .await?
            .map(|spec| spec.document))
    }

    async fn owner_of(&self, part: &str) -> Result<Option<String>, PortError> {
        Ok(self
            .get::<OwnerItem>(part, OWNER_SK)
            .await?
            .map(|item| item.owner))
    }

    async fn history_item(&self, id: &str, sk: &str) -> Result<Option<HistoryItem>, PortError> {
        self.get(id, sk).await
    }

    async fn reserve_revert(
        &self,
        intent: &Record,
        slot: &CapSlot,
        max: u32,
    ) -> Result<Reservation, PortError> {
        if max == 0 {
            // A cap of 0 disables reverts: no slot can ever be taken.
            return Ok(Reservation::Capped);
        }
        let id = intent.resource.key();
        let items = vec![
            TransactWriteItem::builder()
                .put(self.history_put(intent, HISTORY_ONCE)?)
                .build(),
            TransactWriteItem::builder()
                .update(self.cap_update(&id, slot, Some(max))?)
                .build(),
        ];
        let failed = self.transact(items).await?;
        match failed {
            None => Ok(Reservation::Reserved),
            Some(failed) if failed[0] => {
                match self.history_item(&id, &intent.history_sk()).await? {
                    Some(item) => Ok(Reservation::Exists(Box::new(item))),
                    None => Err(PortError::new(
                        "TransactWriteItems",
                        ErrorKind::Conflict,
                        "the intent's condition failed but no item exists (deleted concurrently)",
                    )),
                }
            }
            Some(_) => Ok(Reservation::Capped),
        }
    }

    async fn complete_revert(
        &self,
        record: &Record,
        release: Option<&CapSlot>,
    ) -> Result<RecordOutcome, PortError> {
        let release = release
            .map(|slot| {
                self.cap_update(&record.resource.key(), slot, None)
                    .map(|u| TransactWriteItem::builder().update(u).build())
            })
            .transpose()?;
        self.write_record(record, STILL_PENDING, release).await
    }

    async fn record_sweep(&self, records: &[Record]) -> Result<Vec<SweepWrite>, PortError> {
        // Collected first: a closure inside the stream trips the compiler's Send check.
        let writes: Vec<_> = records
            .iter()
            .map(|r| self.apply_state(r).boxed())
            .collect();
        let written: Vec<SweepWrite> = futures::stream::iter(writes)
            .buffered(SWEEP_WRITE_CONCURRENCY)
            .try_collect()
            .await?;
        self.batch_put_history(records).await?;
        Ok(written)
    }

    async fn mark_exported(&self, id: &str, exported: &Exported) -> Result<(), PortError> {
        let mark = to_value(exported)?;
        let result = self
            .client
            .update_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(id.to_owned()))
            .key("sk", AttributeValue::S(STATE_SK.to_owned()))
            .update_expression("SET #sh = :sh")
            .condition_expression("attribute_exists(pk)")
            .expression_attribute_names("#sh", SECURITY_HUB)
            .expression_attribute_values(":sh", mark)
            .send()
            .await;
        condition_met("UpdateItem", result, |e| {
            e.is_conditional_check_failed_exception()
        })
        .map(|_| ())
    }

    async fn live_ids(&self, scope: &str) -> Result<Vec<String>, PortError> {
        let pages: Vec<Item> = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(LIVE_INDEX)
            .key_condition_expression("#scope = :scope")
            .expression_attribute_names("#scope", "scope")
            .expression_attribute_values(":scope", AttributeValue::S(scope.to_owned()))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| classify("Query", e))?;
        Ok(pages
            .into_iter()
            .filter_map(|item| item.get("pk").and_then(|v| v.as_s().ok()).cloned())
            .collect())
    }

    async fn history(
        &self,
        id: &str,
        query: &HistoryQuery,
    ) -> Result<Page<HistoryItem>, PortError> {
        let from = match &query.since {
            Some(since) => format!("{HISTORY_SK_PREFIX}{since}"),
            None => HISTORY_SK_PREFIX.to_owned(),
        };
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND sk BETWEEN :from AND :to")
            .expression_attribute_values(":pk", AttributeValue::S(id.to_owned()))
            .expression_attribute_values(":from", AttributeValue::S(from))
            // '$' sorts right after '#': the upper bound of every EVT# key.
            .expression_attribute_values(":to", AttributeValue::S("EVT$".to_owned()))
            .scan_index_forward(false)
            .limit(i32::try_from(query.limit.max(1)).unwrap_or(i32::MAX))
            .set_exclusive_start_key(cursor::decode(query.cursor.as_deref())?)
            .send()
            .await
            .map_err(|e| classify("Query", e))?;
        page(out.items, out.last_evaluated_key.as_ref())
    }

    async fn exemptions(&self, id: &str) -> Result<Vec<ExemptionItem>, PortError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .key_condition_expression("pk = :pk AND begins_with(sk, :prefix)")
            .expression_attribute_values(":pk", AttributeValue::S(id.to_owned()))
            .expression_attribute_values(":prefix", AttributeValue::S(EXEMPT_SK_PREFIX.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| classify("Query", e))?;
        // One rule per item and a few rules per resource: far below a page (1 MB).
        out.items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect()
    }

    async fn all_exemptions(&self) -> Result<Vec<ExemptionItem>, PortError> {
        self.client
            .query()
            .table_name(&self.table)
            .index_name(EXEMPTIONS_INDEX)
            .key_condition_expression("#e = :e")
            .expression_attribute_names("#e", "exemption")
            .expression_attribute_values(":e", AttributeValue::S(EXEMPTION_KEY.to_owned()))
            .into_paginator()
            .items()
            .send()
            .collect::<Result<Vec<_>, _>>()
            .await
            .map_err(|e| classify("Query", e))?
            .into_iter()
            .map(from_item)
            .collect()
    }

    async fn put_exemption(&self, item: &ExemptionItem) -> Result<(), PortError> {
        self.put(item).await
    }

    async fn remove_exemption(&self, id: &str, rule: &str) -> Result<bool, PortError> {
        let out = self
            .client
            .delete_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(id.to_owned()))
            .key("sk", AttributeValue::S(exemptions::sort_key(rule)))
            .return_values(ReturnValue::AllOld)
            .send()
            .await
            .map_err(|e| classify("DeleteItem", e))?;
        Ok(out.attributes.is_some_and(|a| !a.is_empty()))
    }

    async fn non_compliant(
        &self,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<Page<StateItem>, PortError> {
        let out = self
            .client
            .query()
            .table_name(&self.table)
            .index_name(NON_COMPLIANT_INDEX)
            .key_condition_expression("nonCompliant = :nc")
            .expression_attribute_values(":nc", AttributeValue::S(NON_COMPLIANT_KEY.to_owned()))
            .limit(i32::try_from(limit.max(1)).unwrap_or(i32::MAX))
            .set_exclusive_start_key(cursor::decode(cursor)?)
            .send()
            .await
            .map_err(|e| classify("Query", e))?;
        page(out.items, out.last_evaluated_key.as_ref())
    }
}

fn page<T: DeserializeOwned>(
    items: Option<Vec<Item>>,
    last: Option<&Item>,
) -> Result<Page<T>, PortError> {
    Ok(Page {
        items: items
            .unwrap_or_default()
            .into_iter()
            .map(from_item)
            .collect::<Result<_, _>>()?,
        next: cursor::encode(last),
    })
}

fn to_item<T: Serialize>(value: &T) -> Result<Item, PortError> {
    serde_dynamo::to_item(value).map_err(|e| {
        PortError::new("EncodeItem", ErrorKind::Rejected, e.to_string()).with_source(e)
    })
}

fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, PortError> {
    serde_dynamo::from_item(item).map_err(|e| {
        PortError::new(
            "DecodeItem",
            ErrorKind::Rejected,
            format!("unreadable item in table: {e}"),
        )
        .with_source(e)
    })
}

/// An action as the table stores it.
fn action_value(action: Action) -> Result<AttributeValue, PortError> {
    to_value(&action)
}

/// One attribute value.
fn to_value<T: Serialize>(value: &T) -> Result<AttributeValue, PortError> {
    serde_dynamo::to_attribute_value(value).map_err(|e| {
        PortError::new("EncodeItem", ErrorKind::Rejected, e.to_string()).with_source(e)
    })
}

/// A request we could not build (a bug of ours, never worth a retry).
fn built(what: &str, err: aws_sdk_dynamodb::error::BuildError) -> PortError {
    PortError::new(what, ErrorKind::Rejected, err.to_string()).with_source(err)
}

/// A conditional write's outcome: `true` written, `false` when its condition did not hold.
fn condition_met<O, E>(
    operation: &str,
    result: Result<O, SdkError<E, HttpResponse>>,
    is_condition_failure: impl Fn(&E) -> bool,
) -> Result<bool, PortError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(e) if e.as_service_error().is_some_and(&is_condition_failure) => Ok(false),
        Err(e) => Err(classify(operation, e)),
    }
}
