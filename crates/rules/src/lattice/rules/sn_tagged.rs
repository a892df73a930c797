//! `lattice-sn-tagged`: a service network carries the required tags.

use super::source;
use crate::catalog::Tagged;
use crate::resource::ResourceKind;

/// The rule.
pub static RULE: Tagged = Tagged::rule(
    "lattice-sn-tagged",
    "Service network carries the required tags",
    &[ResourceKind::ServiceNetwork],
    &[source::NONE, source::API_TAGS],
);
