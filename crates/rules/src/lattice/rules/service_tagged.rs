//! `lattice-service-tagged`: a service carries the required tags.

use super::source;
use crate::catalog::Tagged;
use crate::resource::ResourceKind;

/// The rule.
pub static RULE: Tagged = Tagged::rule(
    "lattice-service-tagged",
    "Service carries the required tags",
    &[ResourceKind::Service],
    &[source::NONE, source::API_TAGS],
);
