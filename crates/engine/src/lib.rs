//! # meshwarden-engine
//!
//! The one engine the Lambda and the CLI share: the per-event pipeline (describe → evaluate →
//! remediate → record → emit), the scheduled sweep (inline, or fanned out over shards on an SQS
//! queue: [`fanout`]), the ports it needs ([`ports`]) and their
//! AWS SDK adapters (one module per service, [`appmesh`] and [`lattice`], behind
//! [`services`]; [`store`], [`securityhub`]). Pure logic stays in
//! `meshwarden-rules`.

pub mod appmesh;
pub mod aws;
pub mod config;
pub mod discovery;
pub mod dispatch;
pub mod engine;
pub mod error;
pub mod exemptions;
pub mod fanout;
pub mod identity;
pub mod lattice;
pub mod metrics;
pub mod on_aws;
pub mod organizations;
pub mod pipeline;
pub mod ports;
pub mod record;
pub mod revert;
pub mod securityhub;
pub mod services;
pub mod state_order;
pub mod step;
pub mod store;
pub mod sweep;

pub use config::{AutoRevert, EngineConfig};
pub use dispatch::Handled;
pub use engine::Engine;
pub use error::{EngineError, ErrorKind, PortError};
