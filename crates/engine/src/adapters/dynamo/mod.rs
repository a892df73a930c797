//! The DynamoDB adapter of [`crate::core::ports::ComplianceStore`] (docs/architecture.md, "Data model").

mod cursor;
mod expressions;
pub mod size;
mod store;

pub use store::DynamoStore;
