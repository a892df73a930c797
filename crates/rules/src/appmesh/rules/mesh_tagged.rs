//! `mesh-tagged`: a mesh carries the required tags.

use crate::catalog::Tagged;
use crate::resource::ResourceKind;

/// The rule.
pub static RULE: Tagged = Tagged::rule(
    "mesh-tagged",
    "Mesh carries the required tags",
    &[ResourceKind::Mesh],
    &["AWS Config appmesh-mesh-tagged"],
);
