//! The AWS SDK adapters of the core's ports that are not per service: shared client plumbing
//! ([`aws`]), the DynamoDB store ([`dynamo`]), Security Hub ([`securityhub`]), the SQS shard
//! queue ([`sqs`]) and the Organizations account directory ([`organizations`]).

pub mod aws;
pub mod dynamo;
pub mod organizations;
pub mod securityhub;
pub mod sqs;
