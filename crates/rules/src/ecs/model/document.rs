//! [`Document`] for the ECS service document.

use super::EcsServiceDocument;
use crate::model::Document;
use crate::resource::ResourceKind;
use serde_json::{json, Value};

impl Document for EcsServiceDocument {
    fn kind(&self) -> ResourceKind {
        ResourceKind::EcsService
    }

    /// `{cluster}/{service}`, the cluster named by `clusterArn` (`default` when absent, as ECS
    /// defaults it).
    fn local_id(&self) -> String {
        format!(
            "{}/{}",
            self.cluster_name().unwrap_or("default"),
            self.ecs_service.service_name.as_deref().unwrap_or_default()
        )
    }

    fn arn(&self) -> Option<&str> {
        self.ecs_service.service_arn.as_deref()
    }

    fn status(&self) -> Option<&str> {
        self.ecs_service.status.as_deref()
    }

    fn is_deleted(&self) -> bool {
        self.is_gone()
    }

    fn timestamp(&self, member: &str) -> Option<&Value> {
        self.ecs_service.extra.get(member)
    }

    /// Only the `PRIMARY` deployment's `serviceConnectConfiguration`: deployment ids, counts,
    /// rollout states and timestamps change on their own.
    fn revert_content(&self) -> Value {
        json!({ "serviceConnectConfiguration": self.primary_configuration() })
    }
}
