//! `vnode-cloud-map-ip-preference`: a virtual node's `awsCloudMap` service discovery uses the configured IP preference.

use super::checks::NodeDiscoveryIpPreference;
use crate::catalog::RuleMeta;
use crate::resource::ResourceKind;
use crate::verdict::Severity;

/// The rule.
pub static RULE: NodeDiscoveryIpPreference = NodeDiscoveryIpPreference {
    meta: RuleMeta {
        id: "vnode-cloud-map-ip-preference",
        title: "Virtual node Cloud Map discovery uses the required IP preference",
        severity: Severity::Low,
        kinds: &[ResourceKind::VirtualNode],
        field: "spec.serviceDiscovery.awsCloudMap.ipPreference",
        pass: "equals the configured value (not applicable when none is configured or the node does not use awsCloudMap)",
        rationale: "An IP preference that differs from the network's design sends traffic over an address \
                    family the network's controls were not built for.",
        remediation: "sets the ipPreference to the configured value",
        sources: &["AWS Config appmesh-virtual-node-cloud-map-ip-pref-check"],
    },
    member: |discovery| discovery.aws_cloud_map.as_mut(),
};
