//! Serde mirrors of the App Mesh API's JSON (camelCase) for meshes, virtual gateways and virtual
//! nodes: exactly what `aws appmesh describe-*` prints and what CloudTrail records in
//! `responseElements`.
//!
//! Every struct keeps the members it does not name in `extra`, so parse → serialize loses
//! nothing. One normalisation is deliberate: a member whose value is `null` is read as absent
//! (the API treats both the same) and is not written back.

mod access;
mod document;
mod kinds;
mod shared;

pub use kinds::{
    Backend, EgressFilter, MeshData, MeshServiceDiscovery, MeshSpec, Metadata, ServiceDiscovery,
    VirtualGatewayData, VirtualGatewaySpec, VirtualNodeData, VirtualNodeSpec,
    VirtualServiceBackend,
};
pub use shared::{
    AccessLog, BackendDefaults, ClientPolicy, ClientPolicyTls, FileAccessLog, Listener,
    ListenerLabel, ListenerTls, Logging, TlsValidation, Trust, TrustKind,
};

#[cfg(test)]
mod tests;
