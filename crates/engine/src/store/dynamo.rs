//! [`DynamoStore`]: the compliance table on DynamoDB through the AWS SDK.

use super::{cursor, expressions};
use crate::aws::classify;
use crate::ports::{ComplianceStore, HistoryQuery, Page, PortError, RecordOutcome};
use crate::record::{
    HistoryItem, Record, StateItem, Status, HISTORY_SK_PREFIX, NON_COMPLIANT_KEY, STATE_SK,
};
use aws_sdk_dynamodb::operation::transact_write_items::TransactWriteItemsError;
use aws_sdk_dynamodb::types::{
    AttributeValue, Put, PutRequest, TransactWriteItem, Update, WriteRequest,
};
use aws_sdk_dynamodb::Client;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures::{FutureExt, StreamExt, TryStreamExt};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::HashMap;
use std::time::Duration;

/// Name of the sparse index of non-compliant STATE items.
pub const NON_COMPLIANT_INDEX: &str = "nonCompliant";
/// BatchWriteItem's limit.
const BATCH_SIZE: usize = 25;
/// Attempts at writing a batch's unprocessed items before giving up (transient).
const BATCH_ATTEMPTS: u32 = 6;
/// Concurrent conditional state updates during a sweep.
const SWEEP_WRITE_CONCURRENCY: usize = 8;
/// Condition on history puts: exactly once per event id.
const HISTORY_ONCE: &str = "attribute_not_exists(pk)";

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

    fn history_put(&self, record: &Record) -> Result<Put, PortError> {
        Put::builder()
            .table_name(&self.table)
            .set_item(Some(to_item(&record.history_item(self.history_ttl))?))
            .condition_expression(HISTORY_ONCE)
            .build()
            .map_err(|e| PortError::Rejected(format!("history put: {e}")))
    }

    fn state_update(&self, record: &Record) -> Result<Update, PortError> {
        let state = record.state_item();
        let u = expressions::state_update(to_item(&state)?, &state);
        Update::builder()
            .table_name(&self.table)
            .set_key(Some(u.key))
            .update_expression(u.update)
            .set_condition_expression(u.condition)
            .set_expression_attribute_names(Some(u.names))
            .set_expression_attribute_values(Some(u.values))
            .build()
            .map_err(|e| PortError::Rejected(format!("state update: {e}")))
    }

    /// Put a history item alone; `false` when it already existed.
    async fn put_history_once(&self, record: &Record) -> Result<bool, PortError> {
        let put = self.history_put(record)?;
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

    /// Apply a conditional state update alone; `false` when stored state is newer.
    async fn update_state(&self, record: &Record) -> Result<bool, PortError> {
        let u = self.state_update(record)?;
        let result = self
            .client
            .update_item()
            .table_name(u.table_name())
            .set_key(Some(u.key().clone()))
            .update_expression(u.update_expression())
            .set_condition_expression(u.condition_expression().map(str::to_owned))
            .set_expression_attribute_names(u.expression_attribute_names().cloned())
            .set_expression_attribute_values(u.expression_attribute_values().cloned())
            .send()
            .await;
        condition_met("UpdateItem", result, |e| {
            e.is_conditional_check_failed_exception()
        })
    }

    async fn batch_put_history(&self, records: &[Record]) -> Result<(), PortError> {
        for chunk in records.chunks(BATCH_SIZE) {
            let mut pending = chunk
                .iter()
                .map(|r| {
                    let put = PutRequest::builder()
                        .set_item(Some(to_item(&r.history_item(self.history_ttl))?))
                        .build()
                        .map_err(|e| PortError::Rejected(format!("history batch: {e}")))?;
                    Ok(WriteRequest::builder().put_request(put).build())
                })
                .collect::<Result<Vec<_>, PortError>>()?;
            let mut attempt = 0;
            while !pending.is_empty() {
                if attempt == BATCH_ATTEMPTS {
                    return Err(PortError::Transient(format!(
                        "BatchWriteItem: {} items still unprocessed after {BATCH_ATTEMPTS} attempts",
                        pending.len()
                    )));
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
}

impl ComplianceStore for DynamoStore {
    async fn state(&self, id: &str) -> Result<Option<StateItem>, PortError> {
        let out = self
            .client
            .get_item()
            .table_name(&self.table)
            .key("pk", AttributeValue::S(id.to_owned()))
            .key("sk", AttributeValue::S(STATE_SK.to_owned()))
            .consistent_read(true)
            .send()
            .await
            .map_err(|e| classify("GetItem", e))?;
        out.item.map(from_item).transpose()
    }

    async fn record(&self, record: &Record) -> Result<RecordOutcome, PortError> {
        if record.status == Status::Error {
            // An error says nothing about the resource's state: history only.
            return Ok(if self.put_history_once(record).await? {
                RecordOutcome::Written
            } else {
                RecordOutcome::Duplicate
            });
        }
        let result = self
            .client
            .transact_write_items()
            .transact_items(
                TransactWriteItem::builder()
                    .put(self.history_put(record)?)
                    .build(),
            )
            .transact_items(
                TransactWriteItem::builder()
                    .update(self.state_update(record)?)
                    .build(),
            )
            .send()
            .await;
        let err = match result {
            Ok(_) => return Ok(RecordOutcome::Written),
            Err(err) => err,
        };
        let failed: Option<(bool, bool)> = match err.as_service_error() {
            Some(TransactWriteItemsError::TransactionCanceledException(c)) => {
                let failed = |i: usize| {
                    c.cancellation_reasons()
                        .get(i)
                        .and_then(|r| r.code())
                        .is_some_and(|code| code == "ConditionalCheckFailed")
                };
                Some((failed(0), failed(1)))
            }
            _ => None,
        };
        match failed {
            // The history item exists: this event was recorded before.
            Some((true, _)) => Ok(RecordOutcome::Duplicate),
            // Only the version condition failed: keep the history, leave newer state alone.
            Some((false, true)) => Ok(if self.put_history_once(record).await? {
                RecordOutcome::StaleState
            } else {
                RecordOutcome::Duplicate
            }),
            _ => Err(classify("TransactWriteItems", err)),
        }
    }

    async fn record_sweep(&self, records: &[Record]) -> Result<usize, PortError> {
        // Collected first: a closure inside the stream trips the compiler's Send check.
        let writes: Vec<_> = records
            .iter()
            .map(|r| self.update_state(r).boxed())
            .collect();
        let updated: Vec<bool> = futures::stream::iter(writes)
            .buffer_unordered(SWEEP_WRITE_CONCURRENCY)
            .try_collect()
            .await?;
        self.batch_put_history(records).await?;
        Ok(updated.into_iter().filter(|u| *u).count())
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
    serde_dynamo::to_item(value)
        .map_err(|e| PortError::Rejected(format!("cannot encode item: {e}")))
}

fn from_item<T: DeserializeOwned>(item: Item) -> Result<T, PortError> {
    serde_dynamo::from_item(item)
        .map_err(|e| PortError::Rejected(format!("unreadable item in table: {e}")))
}

/// A conditional write's outcome: `true` written, `false` when its condition did not hold.
fn condition_met<O, E>(
    operation: &str,
    result: Result<O, SdkError<E, HttpResponse>>,
    is_condition_failure: impl Fn(&E) -> bool,
) -> Result<bool, PortError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match result {
        Ok(_) => Ok(true),
        Err(e) if e.as_service_error().is_some_and(&is_condition_failure) => Ok(false),
        Err(e) => Err(classify(operation, e)),
    }
}
