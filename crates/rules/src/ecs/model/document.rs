//! [`Document`] for the ECS service document.

use super::{EcsServiceDocument, PRIMARY};
use crate::model::{Document, Resource};
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

    /// The `PRIMARY` deployment: every `UpdateService` that starts a deployment replaces it, an
    /// image deploy that keeps the configuration included.
    fn revision(&self) -> Option<String> {
        let id = self.primary()?.id.as_deref()?;
        Some(format!("PRIMARY deployment {id}"))
    }

    /// The deployments that are not `PRIMARY`, were not there when the write was planned, and
    /// carry a configuration that is neither the one planned on nor the one now in force: a
    /// configuration change that landed between the describe before the write and the write,
    /// which the write's own deployment replaced. ECS lists a replaced deployment as `ACTIVE`
    /// while its tasks drain (<https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Deployment.html>):
    /// seen when it is still listed.
    fn replaced_since(&self, planned_on: &Resource) -> Vec<String> {
        let Resource::EcsService(before) = planned_on else {
            return Vec::new();
        };
        let known: Vec<&str> = before
            .ecs_service
            .deployments
            .iter()
            .flatten()
            .filter_map(|d| d.id.as_deref())
            .collect();
        let (was, now) = (before.primary_configuration(), self.primary_configuration());
        self.ecs_service
            .deployments
            .iter()
            .flatten()
            .filter(|d| d.status.as_deref() != Some(PRIMARY))
            .filter_map(|d| {
                let id = d.id.as_deref()?;
                let config = d.service_connect_configuration.as_ref();
                (!known.contains(&id) && config != was && config != now)
                    .then(|| format!("deployment {id}"))
            })
            .collect()
    }

    /// Only the `PRIMARY` deployment's `serviceConnectConfiguration`: deployment ids, counts,
    /// rollout states and timestamps change on their own.
    fn revert_content(&self) -> Value {
        json!({ "serviceConnectConfiguration": self.primary_configuration() })
    }
}
