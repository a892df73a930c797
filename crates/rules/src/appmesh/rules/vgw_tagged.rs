//! `vgw-tagged`: a virtual gateway carries the required tags.

use crate::catalog::Tagged;
use crate::resource::ResourceKind;

/// The rule.
pub static RULE: Tagged = Tagged::rule(
    "vgw-tagged",
    "Virtual gateway carries the required tags",
    &[ResourceKind::VirtualGateway],
    &["AWS Config appmesh-virtual-gateway-tagged"],
);
