//! # meshwarden-rules
//!
//! The pure heart of Meshwarden: no AWS SDK, no async runtime, no I/O.
//!
//! * [`model`] mirrors the App Mesh API's JSON (what `aws appmesh describe-*` prints and what
//!   CloudTrail records in `responseElements`), keeping unknown fields so nothing is lost.
//! * [`catalog`] holds one module per compliance rule: metadata, `evaluate` and `remediate`.
//! * [`event`] turns an EventBridge/CloudTrail event into a routing decision.
//! * [`resource`] and [`verdict`] are the vocabulary the engine, store and CLI share.

pub mod catalog;
pub mod event;
pub mod model;
pub mod resource;
pub mod verdict;
