//! Amazon ECS Service Connect: the document its rules read (one per ECS service: an element of
//! `DescribeServices`' `services[]`), its rules and its CloudTrail router, and [`SERVICE`], how
//! the shared code ([`crate::model::Resource`], [`crate::catalog`], [`crate::event`],
//! [`crate::resource::ResourceRef`]) reads them.
//!
//! An ECS service is named by its cluster and its own name, both names (never ARNs): its
//! stored id is `ecs:{account}:{region}:service/{cluster}/{service}` and its
//! [`ResourceRef::id`] is `{cluster}/{service}`.

pub mod model;
mod regions;
pub mod router;
pub mod rules;

use crate::model::{ModelError, Resource};
use crate::resource::{ResourceKind, ResourceRef};
use crate::service::{no_id_members, SecurityHubDetails, ServiceSpec};
use serde_json::Value;

/// Amazon ECS Service Connect's registration in [`crate::service`].
pub static SERVICE: ServiceSpec = ServiceSpec {
    name: "ecs",
    id_prefix: "ecs",
    display_name: "Amazon ECS Service Connect",
    event_source: router::EVENT_SOURCE,
    eventbridge_source: router::EVENTBRIDGE_SOURCE,
    handled_event_names: &router::HANDLED_EVENT_NAMES,
    service_event_names: &[],
    kinds: &[ResourceKind::EcsService],
    rules: rules::ALL,
    regions: regions::REGIONS,
    wrapped: false,
    versioned: false,
    securityhub_type: "AwsEcsService",
    securityhub_details,
    arn_namespace: "ecs",
    read,
    path,
    parse_path,
    arn_resource: path,
    id_members: no_id_members,
    decide: router::decide,
    rules_doc,
};

/// What its rules read and when they do not apply, for `docs/rules.md`.
fn rules_doc() -> String {
    "ECS Service Connect rules read `{\"ecsService\": <one element of DescribeServices' services[]>}` \
     and judge the `serviceConnectConfiguration` of the deployment whose `status` is `PRIMARY`; \
     without deployments, without a `PRIMARY` one, without a configuration on it or with \
     `enabled: false`, every ECS rule is `NOT_APPLICABLE`. A service whose `status` is `INACTIVE` \
     (deleted) or `DRAINING` (being deleted) is `NOT_APPLICABLE` for every rule (reason `resource is \
     INACTIVE` or `resource is DRAINING`; the values are listed in the API reference's \
     [Service](https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_Service.html))."
        .to_owned()
}

/// Read a whole `{"ecsService": …}` document.
fn read(kind: ResourceKind, document: &Value) -> Result<Resource, ModelError> {
    match kind {
        ResourceKind::EcsService => crate::model::read(kind, document, Resource::EcsService),
        other => Err(ModelError::not_of(other, SERVICE.name)),
    }
}

/// `service/{cluster}/{service}` (the path and the ARN's resource part alike).
fn path(_: ResourceKind, id: &str) -> String {
    format!("service/{id}")
}

/// The id of `service/CLUSTER/SERVICE`: three segments, so VPC Lattice's `service/ID` is never
/// read as an ECS service.
fn parse_path(path: &str) -> Option<(ResourceKind, String)> {
    let id = path.strip_prefix("service/")?;
    let (cluster, service) = id.split_once('/')?;
    let segment = |s: &str| !s.is_empty() && !s.contains('/');
    (segment(cluster) && segment(service)).then(|| (ResourceKind::EcsService, id.to_owned()))
}

/// `Details.AwsEcsService` of a service's findings: its cluster's ARN, its name and its ARN.
fn securityhub_details(resource: &ResourceRef, partition: &str) -> Option<SecurityHubDetails> {
    let (cluster, name) = resource.ecs_names()?;
    Some(SecurityHubDetails::AwsEcsService {
        cluster_arn: format!(
            "arn:{partition}:ecs:{}:{}:cluster/{cluster}",
            resource.region, resource.account
        ),
        name: name.to_owned(),
        service_arn: resource.arn(partition),
    })
}

impl ResourceRef {
    /// An ECS service by cluster name and service name.
    pub fn ecs(
        account: impl Into<String>,
        region: impl Into<String>,
        cluster: &str,
        service: &str,
    ) -> Self {
        ResourceRef::new(
            ResourceKind::EcsService,
            account,
            region,
            format!("{cluster}/{service}"),
        )
    }

    /// An ECS service's cluster name and service name; `None` for other services' resources.
    pub fn ecs_names(&self) -> Option<(&str, &str)> {
        match self.kind {
            ResourceKind::EcsService => self.id.split_once('/'),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::resource::{AwsService, ResourceKind, ResourceRef};
    use crate::service::SecurityHubDetails;

    #[test]
    fn ids_follow_the_contract_and_parse_back() {
        let r = ResourceRef::ecs("111122223333", "eu-west-1", "prod", "payments");
        assert_eq!(r.key(), "ecs:111122223333:eu-west-1:service/prod/payments");
        assert_eq!(r.path(), "service/prod/payments");
        assert_eq!(
            r.arn("aws"),
            "arn:aws:ecs:eu-west-1:111122223333:service/prod/payments"
        );
        assert_eq!(r.service(), AwsService::Ecs);
        assert_eq!(r.ecs_names(), Some(("prod", "payments")));
        assert_eq!(r.id, "prod/payments");
        assert_eq!(ResourceRef::from_key(&r.key()).unwrap(), r);
        assert_eq!(
            ResourceRef::from_path("service/prod/payments", "111122223333", "eu-west-1").unwrap(),
            r
        );
        // Two segments stay VPC Lattice's service.
        assert_eq!(
            ResourceRef::from_path("service/svc-1", "1", "r")
                .unwrap()
                .kind,
            ResourceKind::Service
        );
        for bad in ["service//payments", "service/prod/", "service/prod/a/b"] {
            assert!(ResourceRef::from_path(bad, "1", "r").is_err(), "{bad}");
        }
        // The prefix must name the resource's own service.
        assert!(ResourceRef::from_key("lattice:1:r:service/prod/payments").is_err());
        assert!(ResourceRef::from_key("ecs:1:r:service/svc-1").is_err());
        assert_eq!(
            serde_json::to_string(&ResourceKind::EcsService).unwrap(),
            "\"ecsService\""
        );
        assert_eq!(serde_json::to_string(&AwsService::Ecs).unwrap(), "\"ecs\"");
    }

    #[test]
    fn security_hub_details_name_the_cluster_and_service_in_the_regions_partition() {
        let r = ResourceRef::ecs("111122223333", "cn-north-1", "prod", "payments");
        assert_eq!(
            (r.service().spec().securityhub_details)(&r, "aws-cn"),
            Some(SecurityHubDetails::AwsEcsService {
                cluster_arn: "arn:aws-cn:ecs:cn-north-1:111122223333:cluster/prod".into(),
                name: "payments".into(),
                service_arn: "arn:aws-cn:ecs:cn-north-1:111122223333:service/prod/payments".into(),
            })
        );
    }
}
