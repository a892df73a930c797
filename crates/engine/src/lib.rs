//! # meshwarden-engine
//!
//! The one engine the Lambda and the CLI share. Its one entry point is [`Engine::run`]: a raw
//! input (a CloudTrail event, a scheduled sweep, an SQS event of sweep shards) or an event
//! already routed, run as an [`invocation::Invocation`] says. Four layers, each naming only
//! its own and those below it (`tests/layers.rs` checks it, and that no modules import each
//! other in a circle):
//!
//! * [`core`] — pure, no I/O: the one step (evaluate → plan → record, [`core::step`]), the
//!   revert protocol's decisions ([`core::revert`]), records and items ([`core::record`]), why
//!   an action was taken ([`core::reason`], skip reasons included), the auto-revert mode
//!   ([`core::mode`]), when a STATE write wins ([`core::state_order`]), identity
//!   ([`core::identity`]), shard planning ([`core::shard`]), ASFF findings
//!   ([`core::findings`], [`core::hub_mark`]), exemption items, typed errors, and the
//!   **ports** ([`core::ports`]: `ResourceReader`/`ResourceWriter`, `ComplianceStore`,
//!   `FindingsSink`, `ShardQueue`, `AccountDirectory`) the layers above implement;
//! * [`config`] — the runtime configuration, read from the environment;
//! * [`adapters`] — the AWS SDK adapters of the ports that no service owns: per-account
//!   clients and error classification ([`adapters::aws`]), DynamoDB ([`adapters::dynamo`]),
//!   Security Hub, SQS, Organizations;
//! * [`services`] — one folder per service ([`services::appmesh`], [`services::lattice`], [`services::ecs`]),
//!   behind [`services::AwsServices`], the one `ResourceReader`/`ResourceWriter` that names
//!   every service;
//! * orchestration — [`engine`] (the ports and configuration held together), [`dispatch`]
//!   (routes an input: [`Engine::run`]), [`pipeline`] (one event), [`sweep`] (inline),
//!   [`fanout`] (the sweep as shards on a queue), [`discovery`] (the sweep's accounts),
//!   [`outcome`] (what a run did), [`invocation`], [`metrics`] (EMF) and [`on_aws`] (the engine
//!   on AWS, wired from the adapters).
//!
//! Pure rule logic stays in `meshwarden-rules`.

pub mod adapters;
pub mod config;
pub mod core;
pub mod discovery;
pub mod dispatch;
pub mod engine;
pub mod fanout;
pub mod invocation;
pub mod metrics;
pub mod on_aws;
pub mod outcome;
pub mod pipeline;
pub mod services;
pub mod sweep;

pub use config::EngineConfig;
pub use core::error::{EngineError, ErrorKind, PortError};
pub use core::mode::AutoRevert;
pub use engine::Engine;
pub use outcome::Handled;
