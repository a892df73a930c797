//! `lattice-tg-tagged`: a target group carries the required tags.

use super::source;
use crate::catalog::Tagged;
use crate::resource::ResourceKind;

/// The rule.
pub static RULE: Tagged = Tagged::rule(
    "lattice-tg-tagged",
    "Target group carries the required tags",
    &[ResourceKind::TargetGroup],
    &[source::NONE, source::API_TAGS],
);
