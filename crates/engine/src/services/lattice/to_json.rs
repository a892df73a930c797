//! SDK types → the VPC Lattice API's JSON (camelCase), as `aws vpc-lattice get-*` prints it, so
//! the rules' model reads what the service returned (timestamps as epoch seconds, which the
//! model treats as opaque).

pub use crate::adapters::aws::to_json::ToJson;
use crate::adapters::aws::to_json::{json_enum, json_struct, json_union};
use aws_sdk_vpclattice::operation as op;
use aws_sdk_vpclattice::types as vl;

json_enum!(
    vl::AuthType,
    vl::AuthPolicyState,
    vl::ListenerProtocol,
    vl::ServiceStatus,
    vl::ServiceNetworkLogType,
    vl::ServiceNetworkVpcAssociationStatus,
    vl::PrivateDnsPreference,
    vl::TargetGroupType,
    vl::TargetGroupStatus,
    vl::TargetGroupProtocol,
    vl::TargetGroupProtocolVersion,
    vl::HealthCheckProtocolVersion,
    vl::IpAddressType,
    vl::LambdaEventStructureVersion
);

json_struct! {
    op::get_service_network::GetServiceNetworkOutput { "id" => id, "name" => name, "arn" => arn,
        "createdAt" => created_at, "lastUpdatedAt" => last_updated_at, "authType" => auth_type,
        "sharingConfig" => sharing_config, "numberOfAssociatedVPCs" => number_of_associated_vpcs,
        "numberOfAssociatedServices" => number_of_associated_services }
    vl::SharingConfig { "enabled" => enabled }
    op::get_service::GetServiceOutput { "id" => id, "name" => name, "arn" => arn,
        "createdAt" => created_at, "lastUpdatedAt" => last_updated_at, "dnsEntry" => dns_entry,
        "customDomainName" => custom_domain_name, "certificateArn" => certificate_arn,
        "status" => status, "authType" => auth_type, "idleTimeoutSeconds" => idle_timeout_seconds,
        "failureCode" => failure_code, "failureMessage" => failure_message }
    vl::DnsEntry { "domainName" => domain_name, "hostedZoneId" => hosted_zone_id }
    op::get_listener::GetListenerOutput { "arn" => arn, "id" => id, "name" => name,
        "protocol" => protocol, "port" => port, "serviceArn" => service_arn,
        "serviceId" => service_id, "defaultAction" => default_action, "createdAt" => created_at,
        "lastUpdatedAt" => last_updated_at }
    vl::ForwardAction { "targetGroups" => target_groups }
    vl::WeightedTargetGroup { "targetGroupIdentifier" => target_group_identifier, "weight" => weight }
    vl::FixedResponseAction { "statusCode" => status_code }
    op::get_auth_policy::GetAuthPolicyOutput { "policy" => policy, "state" => state,
        "createdAt" => created_at, "lastUpdatedAt" => last_updated_at }
    vl::AccessLogSubscriptionSummary { "id" => id, "arn" => arn, "resourceId" => resource_id,
        "resourceArn" => resource_arn, "destinationArn" => destination_arn,
        "serviceNetworkLogType" => service_network_log_type, "createdAt" => created_at,
        "lastUpdatedAt" => last_updated_at }
    op::get_service_network_vpc_association::GetServiceNetworkVpcAssociationOutput { "id" => id,
        "status" => status, "arn" => arn, "createdBy" => created_by, "createdAt" => created_at,
        "serviceNetworkId" => service_network_id, "serviceNetworkName" => service_network_name,
        "serviceNetworkArn" => service_network_arn, "vpcId" => vpc_id,
        "securityGroupIds" => security_group_ids, "privateDnsEnabled" => private_dns_enabled,
        "failureMessage" => failure_message, "failureCode" => failure_code,
        "lastUpdatedAt" => last_updated_at, "dnsOptions" => dns_options }
    vl::DnsOptions { "privateDnsPreference" => private_dns_preference,
        "privateDnsSpecifiedDomains" => private_dns_specified_domains }
    op::get_target_group::GetTargetGroupOutput { "id" => id, "arn" => arn, "name" => name,
        "type" => r#type, "config" => config, "createdAt" => created_at,
        "lastUpdatedAt" => last_updated_at, "status" => status, "serviceArns" => service_arns,
        "failureMessage" => failure_message, "failureCode" => failure_code }
    vl::TargetGroupConfig { "port" => port, "protocol" => protocol,
        "protocolVersion" => protocol_version, "ipAddressType" => ip_address_type,
        "vpcIdentifier" => vpc_identifier, "healthCheck" => health_check,
        "lambdaEventStructureVersion" => lambda_event_structure_version }
    vl::HealthCheckConfig { "enabled" => enabled, "protocol" => protocol,
        "protocolVersion" => protocol_version, "port" => port, "path" => path,
        "healthCheckIntervalSeconds" => health_check_interval_seconds,
        "healthCheckTimeoutSeconds" => health_check_timeout_seconds,
        "healthyThresholdCount" => healthy_threshold_count,
        "unhealthyThresholdCount" => unhealthy_threshold_count, "matcher" => matcher }
}

json_union! {
    vl::RuleAction { Forward => "forward", FixedResponse => "fixedResponse" }
    vl::Matcher { HttpCode => "httpCode" }
}
