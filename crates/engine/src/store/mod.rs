//! The DynamoDB adapter of [`crate::ports::ComplianceStore`] (DESIGN §4).

mod cursor;
mod dynamo;
mod expressions;

pub use dynamo::DynamoStore;
