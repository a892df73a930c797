//! [`Document`] for VPC Lattice's three documents: each reads its own resource's member
//! (`serviceNetwork`, `service`, `targetGroup`).

use super::{content, ServiceDocument, ServiceNetworkDocument, TargetGroupDocument};
use crate::model::Document;
use crate::resource::ResourceKind;
use serde_json::Value;

/// The `status` of a VPC Lattice service or target group being deleted.
const DELETE_IN_PROGRESS: &str = "DELETE_IN_PROGRESS";

/// Implements [`Document`] for a document whose resource is in `$member`; `$status` reads the
/// status from it (a service network has none). What a revert compares is the [`content`]
/// function named after `$member`.
macro_rules! lattice_document {
    ($doc:ty, $kind:ident, $member:ident, |$data:ident| $status:expr) => {
        impl Document for $doc {
            fn kind(&self) -> ResourceKind {
                ResourceKind::$kind
            }
            fn local_id(&self) -> String {
                self.$member.id.clone()
            }
            fn arn(&self) -> Option<&str> {
                self.$member.arn.as_deref()
            }
            fn status(&self) -> Option<&str> {
                let $data = &self.$member;
                $status
            }
            fn is_deleted(&self) -> bool {
                self.status() == Some(DELETE_IN_PROGRESS)
            }
            fn timestamp(&self, member: &str) -> Option<&Value> {
                self.$member.extra.get(member)
            }
            fn revert_content(&self) -> Value {
                content::$member(self)
            }
        }
    };
}

lattice_document!(
    ServiceNetworkDocument,
    ServiceNetwork,
    service_network,
    |_data| None
);
lattice_document!(ServiceDocument, Service, service, |data| data
    .status
    .as_deref());
lattice_document!(TargetGroupDocument, TargetGroup, target_group, |data| data
    .status
    .as_deref());
