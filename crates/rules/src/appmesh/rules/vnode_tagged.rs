//! `vnode-tagged`: a virtual node carries the required tags.

use crate::catalog::Tagged;
use crate::resource::ResourceKind;

/// The rule.
pub static RULE: Tagged = Tagged::rule(
    "vnode-tagged",
    "Virtual node carries the required tags",
    &[ResourceKind::VirtualNode],
    &["AWS Config appmesh-virtual-node-tagged"],
);
