//! The engine's integration tests, one binary (one link of the SDK):
//! * `decisions`: every pipeline decision on the in-memory ports (milliseconds, no emulator);
//! * `pipeline`, `sweep`, `store`, `faults`: the same engine through the real AWS SDK clients
//!   against the local emulator (`scripts/with-emulator.sh`);
//! * `ecs`: Amazon ECS Service Connect documents, listing and reverts through the SDK on the emulator;
//! * `lattice`: VPC Lattice documents, reverts and alerts through the SDK on the emulator;
//! * `lattice_decisions`: VPC Lattice reverts on the in-memory ports (`MemoryLattice`), faults included;
//! * `lattice_fidelity`: VPC Lattice as AWS behaves and moto does not (the harness's models);
//! * `lattice_faults`: VPC Lattice reverts through 20 % injected faults, each made and recorded once;
//! * `securityhub`: findings exported to Security Hub, on the in-memory ports and the emulator;
//! * `exemptions`: exempted findings, reverts and the new non-compliance count on the emulator;
//! * `fanout`: the sweep fanned out over shards, on the in-memory ports and the emulator (SQS);
//! * `list_budget`: list shards that stop between pages before their time and hand the rest on;
//! * `members`: member accounts (external id, Organizations discovery), built like the Lambda.
#![allow(clippy::unwrap_used, clippy::expect_used, missing_docs)]

mod decisions;
mod ecs;
mod exemptions;
mod fanout;
mod faults;
mod lattice;
mod lattice_decisions;
mod lattice_faults;
mod lattice_fidelity;
mod list_budget;
mod members;
mod pipeline;
mod securityhub;
mod store;
mod sweep;
