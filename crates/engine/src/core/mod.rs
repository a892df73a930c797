//! The pure core: decisions, records and the ports (traits) the adapters implement. No I/O.

pub mod error;
pub mod exemptions;
pub mod findings;
pub mod hub_mark;
pub mod identity;
pub mod mode;
pub mod ports;
pub mod reason;
pub mod record;
pub mod revert;
pub mod shard;
pub mod state_order;
pub mod step;
