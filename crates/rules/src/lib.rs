//! # meshwarden-rules
//!
//! The pure heart of Meshwarden: no AWS SDK, no async runtime, no I/O.
//!
//! * A service is a module: [`appmesh`] holds App Mesh's model, rules and router, [`lattice`]
//!   VPC Lattice's, [`ecs`] Amazon ECS Service Connect's. Each exports its [`service::ServiceSpec`], registered in
//!   [`resource::AwsService::spec`]; the shared code below iterates the registry.
//! * [`model`] is the document the rules read, one variant per kind of every service: the
//!   API's JSON (for App Mesh what `aws appmesh describe-*` prints; for VPC Lattice a document
//!   assembled from its `Get*`/`List*` outputs), keeping unknown fields so nothing is lost.
//! * [`catalog`] runs every service's rules: metadata, `evaluate` and `remediate`.
//! * [`event`] turns an EventBridge/CloudTrail event into a routing decision, asking the service
//!   the record's `eventSource` names.
//! * [`exemption`] turns the failures of exempted rules into `EXEMPTED` findings.
//! * [`resource`] and [`verdict`] are the vocabulary the engine, store and CLI share.

pub mod appmesh;
pub mod catalog;
pub mod ecs;
pub mod event;
pub mod exemption;
pub mod lattice;
pub mod model;
pub mod resource;
pub mod service;
pub mod verdict;
