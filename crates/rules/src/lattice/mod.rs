//! Amazon VPC Lattice: the documents its rules read (one per service network, service and
//! target group), its rules and its CloudTrail router.
//!
//! The shared entry points ([`crate::model::Resource`], [`crate::catalog`], [`crate::event`])
//! dispatch here for service networks, services and target groups.

pub mod model;
pub mod router;
pub mod rules;
