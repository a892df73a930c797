//! AWS App Mesh: the model of its describe outputs, its rules and its CloudTrail router.
//!
//! The shared entry points ([`crate::model::Resource`], [`crate::catalog`], [`crate::event`])
//! dispatch here for meshes, virtual gateways and virtual nodes.

pub mod model;
pub mod router;
pub mod rules;
