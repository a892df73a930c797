//! The three resources and their specs, as the App Mesh API prints them.

use super::shared::{BackendDefaults, ClientPolicy, Listener, Logging};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `metadata`: only `version` is read; timestamps and ARNs are opaque (CloudTrail and the CLI
/// render timestamps differently) and kept verbatim.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Metadata {
    /// The resource's version, incremented by every update.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<i64>,
    /// Everything else (`arn`, `createdAt`, `meshOwner`, `uid`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `MeshData`: what `describe-mesh` prints under `mesh`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeshData {
    /// The mesh's name.
    pub mesh_name: String,
    /// Version and identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The mesh's settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<MeshSpec>,
    /// Members this model does not name (`status`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `MeshSpec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeshSpec {
    /// `egressFilter`: absent means AWS's default, `DROP_ALL`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub egress_filter: Option<EgressFilter>,
    /// `serviceDiscovery`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_discovery: Option<MeshServiceDiscovery>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `egressFilter`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EgressFilter {
    /// `ALLOW_ALL` or `DROP_ALL`.
    #[serde(rename = "type", default, skip_serializing_if = "Option::is_none")]
    pub filter_type: Option<String>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A mesh's or a service discovery's IP preference holder.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeshServiceDiscovery {
    /// `IPv4_ONLY`, `IPv4_PREFERRED`, `IPv6_ONLY` or `IPv6_PREFERRED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_preference: Option<String>,
    /// Members this model does not name (`hostname`, `namespaceName`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `VirtualGatewayData`: what `describe-virtual-gateway` prints under `virtualGateway`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualGatewayData {
    /// The mesh the gateway belongs to.
    pub mesh_name: String,
    /// The gateway's name.
    pub virtual_gateway_name: String,
    /// Version and identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The gateway's settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<VirtualGatewaySpec>,
    /// Members this model does not name (`status`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `VirtualGatewaySpec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualGatewaySpec {
    /// `backendDefaults`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_defaults: Option<BackendDefaults>,
    /// `listeners` (the API allows exactly one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<Listener>>,
    /// `logging`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<Logging>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `VirtualNodeData`: what `describe-virtual-node` prints under `virtualNode`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNodeData {
    /// The mesh the node belongs to.
    pub mesh_name: String,
    /// The node's name.
    pub virtual_node_name: String,
    /// Version and identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metadata: Option<Metadata>,
    /// The node's settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<VirtualNodeSpec>,
    /// Members this model does not name (`status`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `VirtualNodeSpec`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualNodeSpec {
    /// `backendDefaults`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backend_defaults: Option<BackendDefaults>,
    /// `backends`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub backends: Option<Vec<Backend>>,
    /// `listeners` (at most one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listeners: Option<Vec<Listener>>,
    /// `logging`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging: Option<Logging>,
    /// `serviceDiscovery`: `dns` or `awsCloudMap`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub service_discovery: Option<ServiceDiscovery>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One of a node's `backends`: a union with one member, `virtualService`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Backend {
    /// `virtualService`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_service: Option<VirtualServiceBackend>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A virtual service backend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualServiceBackend {
    /// The virtual service's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub virtual_service_name: Option<String>,
    /// This backend's client policy (overrides `backendDefaults`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_policy: Option<ClientPolicy>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A node's `serviceDiscovery`: a union of `awsCloudMap` and `dns`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ServiceDiscovery {
    /// AWS Cloud Map discovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub aws_cloud_map: Option<MeshServiceDiscovery>,
    /// DNS discovery.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dns: Option<MeshServiceDiscovery>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
