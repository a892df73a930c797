//! Amazon VPC Lattice: the documents its rules read (one per service network, service and
//! target group) and its rules.
//!
//! The shared entry points ([`crate::model::Resource`], [`crate::catalog`]) dispatch here for
//! service networks, services and target groups.

pub mod model;
pub mod rules;
