//! The SQS adapter of [`ShardQueue`]: `SendMessageBatch`, at most 10 messages and 256 KiB per
//! call ("Amazon SQS quotas", SQS Developer Guide), entries a call did not take sent again.

use crate::adapters::aws::classify;
use crate::core::error::{ErrorKind, PortError};
use crate::core::ports::{QueuedMessage, ShardQueue};
use aws_sdk_sqs::types::SendMessageBatchRequestEntry;
use futures::future::BoxFuture;
use std::time::Duration;

/// Most messages per `SendMessageBatch`.
pub const MAX_BATCH_MESSAGES: usize = 10;
/// Most bytes of bodies per `SendMessageBatch` (the whole payload of the call).
pub const MAX_BATCH_BYTES: usize = 256 * 1024;
/// Calls per batch before entries SQS keeps failing (on its side) are an error.
const ATTEMPTS: u32 = 3;

/// The sweep queue, through the AWS SDK.
#[derive(Debug, Clone)]
pub struct SqsShardQueue {
    client: aws_sdk_sqs::Client,
    url: String,
}

impl SqsShardQueue {
    /// The queue at `url`.
    pub fn new(client: aws_sdk_sqs::Client, url: impl Into<String>) -> Self {
        SqsShardQueue {
            client,
            url: url.into(),
        }
    }

    async fn send_batch(&self, batch: &[QueuedMessage]) -> Result<(), PortError> {
        let mut pending: Vec<(usize, &QueuedMessage)> = batch.iter().enumerate().collect();
        for attempt in 1..=ATTEMPTS {
            let entries = pending
                .iter()
                .map(|(i, m)| {
                    SendMessageBatchRequestEntry::builder()
                        .id(i.to_string())
                        .message_body(&m.body)
                        .delay_seconds(i32::try_from(m.delay.as_secs().min(900)).unwrap_or(900))
                        .build()
                        .map_err(|e| {
                            PortError::new("SendMessageBatch", ErrorKind::Rejected, e.to_string())
                        })
                })
                .collect::<Result<Vec<_>, _>>()?;
            let out = self
                .client
                .send_message_batch()
                .queue_url(&self.url)
                .set_entries(Some(entries))
                .send()
                .await
                .map_err(|e| classify("SendMessageBatch", e))?;
            if out.failed().is_empty() {
                return Ok(());
            }
            if let Some(refused) = out.failed().iter().find(|f| f.sender_fault()) {
                return Err(PortError::new(
                    "SendMessageBatch",
                    ErrorKind::Rejected,
                    format!(
                        "{}: {}",
                        refused.code(),
                        refused.message().unwrap_or("no message")
                    ),
                ));
            }
            let failed: Vec<&str> = out.failed().iter().map(|f| f.id()).collect();
            pending.retain(|(i, _)| failed.contains(&i.to_string().as_str()));
            if attempt < ATTEMPTS {
                tokio::time::sleep(Duration::from_millis(50 << attempt)).await;
            }
        }
        Err(PortError::new(
            "SendMessageBatch",
            ErrorKind::Transport,
            format!(
                "{} message(s) not accepted after {ATTEMPTS} attempts",
                pending.len()
            ),
        ))
    }
}

impl ShardQueue for SqsShardQueue {
    fn send<'a>(&'a self, messages: &'a [QueuedMessage]) -> BoxFuture<'a, Result<(), PortError>> {
        Box::pin(async move {
            for batch in batches(messages) {
                self.send_batch(batch).await?;
            }
            Ok(())
        })
    }
}

/// `messages` in consecutive batches within both limits of one `SendMessageBatch` (a message
/// over the byte limit goes alone: SQS refuses it, which is an error someone must see).
pub fn batches(messages: &[QueuedMessage]) -> Vec<&[QueuedMessage]> {
    let mut batches = Vec::new();
    let (mut start, mut bytes) = (0, 0);
    for (i, message) in messages.iter().enumerate() {
        let full = i - start == MAX_BATCH_MESSAGES || bytes + message.body.len() > MAX_BATCH_BYTES;
        if full && i > start {
            batches.push(&messages[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += message.body.len();
    }
    if start < messages.len() {
        batches.push(&messages[start..]);
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(sizes: &[usize]) -> Vec<QueuedMessage> {
        sizes
            .iter()
            .map(|n| QueuedMessage {
                body: "x".repeat(*n),
                delay: Duration::ZERO,
            })
            .collect()
    }

    #[test]
    fn batches_hold_at_most_ten_messages_and_256_kib_in_order() {
        let messages = of(&[10; 23]);
        let sizes: Vec<usize> = batches(&messages).iter().map(|b| b.len()).collect();
        assert_eq!(sizes, vec![10, 10, 3]);
        let big = of(&[100_000, 100_000, 100_000, 10, 300_000, 1]);
        let sizes: Vec<usize> = batches(&big).iter().map(|b| b.len()).collect();
        assert_eq!(
            sizes,
            vec![2, 2, 1, 1],
            "bytes split them; an oversized one goes alone"
        );
        assert!(batches(&[]).is_empty());
    }
}
