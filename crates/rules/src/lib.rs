//! # meshwarden-rules
//!
//! The pure heart of Meshwarden: no AWS SDK, no async runtime, no I/O.
//!
//! * A service is a module: [`appmesh`] holds App Mesh's model, rules and router.
//! * [`model`] is the document the rules read: the App Mesh API's JSON (what
//!   `aws appmesh describe-*` prints and what CloudTrail records in `responseElements`), keeping
//!   unknown fields so nothing is lost.
//! * [`catalog`] runs every service's rules: metadata, `evaluate` and `remediate`.
//! * [`event`] turns an EventBridge/CloudTrail event into a routing decision, asking the service
//!   the record's `eventSource` names.
//! * [`resource`] and [`verdict`] are the vocabulary the engine, store and CLI share.

pub mod appmesh;
pub mod catalog;
pub mod event;
pub mod model;
pub mod resource;
pub mod verdict;
