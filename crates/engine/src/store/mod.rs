//! The DynamoDB adapter of [`crate::ports::ComplianceStore`] (docs/architecture.md, "Data model").

mod cursor;
mod dynamo;
mod expressions;
pub mod size;

pub use dynamo::DynamoStore;
