//! SDK types → the App Mesh API's JSON (camelCase), so the rules' model reads what the service
//! returned exactly as `aws appmesh describe-*` prints it.
//!
//! Declarative: each SDK type lists its JSON members once. Members the rules never read
//! (connection pools, listener timeouts) are not carried; remediation writes field-level patches
//! onto the described SDK spec, so they survive an update untouched (see `patch.rs`).

pub use crate::adapters::aws::to_json::ToJson;
use crate::adapters::aws::to_json::{json_enum, json_struct, json_union};
use aws_sdk_appmesh::types as am;

json_enum!(
    am::EgressFilterType,
    am::IpPreference,
    am::MeshStatusCode,
    am::VirtualGatewayStatusCode,
    am::VirtualNodeStatusCode,
    am::VirtualGatewayListenerTlsMode,
    am::ListenerTlsMode,
    am::VirtualGatewayPortProtocol,
    am::PortProtocol,
    am::DurationUnit,
    am::DnsResponseType
);

json_struct! {
    am::ResourceMetadata { "arn" => arn, "createdAt" => created_at, "lastUpdatedAt" => last_updated_at,
        "meshOwner" => mesh_owner, "resourceOwner" => resource_owner, "uid" => uid, "version" => version }
    am::MeshStatus { "status" => status }
    am::VirtualGatewayStatus { "status" => status }
    am::VirtualNodeStatus { "status" => status }
    am::MeshData { "meshName" => mesh_name, "spec" => spec, "metadata" => metadata, "status" => status }
    am::MeshSpec { "egressFilter" => egress_filter, "serviceDiscovery" => service_discovery }
    am::EgressFilter { "type" => r#type }
    am::MeshServiceDiscovery { "ipPreference" => ip_preference }
    am::VirtualGatewayData { "meshName" => mesh_name, "virtualGatewayName" => virtual_gateway_name,
        "spec" => spec, "metadata" => metadata, "status" => status }
    am::VirtualGatewaySpec { "backendDefaults" => backend_defaults, "listeners" => listeners, "logging" => logging }
    am::VirtualGatewayBackendDefaults { "clientPolicy" => client_policy }
    am::VirtualGatewayClientPolicy { "tls" => tls }
    am::VirtualGatewayClientPolicyTls { "enforce" => enforce, "ports" => ports, "certificate" => certificate,
        "validation" => validation }
    am::VirtualGatewayTlsValidationContext { "trust" => trust, "subjectAlternativeNames" => subject_alternative_names }
    am::VirtualGatewayTlsValidationContextAcmTrust { "certificateAuthorityArns" => certificate_authority_arns }
    am::VirtualGatewayTlsValidationContextFileTrust { "certificateChain" => certificate_chain }
    am::VirtualGatewayTlsValidationContextSdsTrust { "secretName" => secret_name }
    am::VirtualGatewayListener { "portMapping" => port_mapping, "tls" => tls, "healthCheck" => health_check }
    am::VirtualGatewayPortMapping { "port" => port, "protocol" => protocol }
    am::VirtualGatewayListenerTls { "mode" => mode, "certificate" => certificate, "validation" => validation }
    am::VirtualGatewayListenerTlsValidationContext { "trust" => trust,
        "subjectAlternativeNames" => subject_alternative_names }
    am::VirtualGatewayListenerTlsAcmCertificate { "certificateArn" => certificate_arn }
    am::VirtualGatewayListenerTlsFileCertificate { "certificateChain" => certificate_chain, "privateKey" => private_key }
    am::VirtualGatewayListenerTlsSdsCertificate { "secretName" => secret_name }
    am::VirtualGatewayHealthCheckPolicy { "healthyThreshold" => healthy_threshold, "intervalMillis" => interval_millis,
        "path" => path, "port" => port, "protocol" => protocol, "timeoutMillis" => timeout_millis,
        "unhealthyThreshold" => unhealthy_threshold }
    am::VirtualGatewayLogging { "accessLog" => access_log }
    am::VirtualGatewayFileAccessLog { "path" => path, "format" => format }
    am::JsonFormatRef { "key" => key, "value" => value }
    am::SubjectAlternativeNames { "match" => r#match }
    am::SubjectAlternativeNameMatchers { "exact" => exact }
    am::VirtualNodeData { "meshName" => mesh_name, "virtualNodeName" => virtual_node_name, "spec" => spec,
        "metadata" => metadata, "status" => status }
    am::VirtualNodeSpec { "backendDefaults" => backend_defaults, "backends" => backends, "listeners" => listeners,
        "logging" => logging, "serviceDiscovery" => service_discovery }
    am::BackendDefaults { "clientPolicy" => client_policy }
    am::ClientPolicy { "tls" => tls }
    am::ClientPolicyTls { "enforce" => enforce, "ports" => ports, "certificate" => certificate, "validation" => validation }
    am::TlsValidationContext { "trust" => trust, "subjectAlternativeNames" => subject_alternative_names }
    am::TlsValidationContextAcmTrust { "certificateAuthorityArns" => certificate_authority_arns }
    am::TlsValidationContextFileTrust { "certificateChain" => certificate_chain }
    am::TlsValidationContextSdsTrust { "secretName" => secret_name }
    am::VirtualServiceBackend { "virtualServiceName" => virtual_service_name, "clientPolicy" => client_policy }
    am::Listener { "portMapping" => port_mapping, "tls" => tls, "healthCheck" => health_check,
        "outlierDetection" => outlier_detection }
    am::PortMapping { "port" => port, "protocol" => protocol }
    am::ListenerTls { "mode" => mode, "certificate" => certificate, "validation" => validation }
    am::ListenerTlsValidationContext { "trust" => trust, "subjectAlternativeNames" => subject_alternative_names }
    am::ListenerTlsAcmCertificate { "certificateArn" => certificate_arn }
    am::ListenerTlsFileCertificate { "certificateChain" => certificate_chain, "privateKey" => private_key }
    am::ListenerTlsSdsCertificate { "secretName" => secret_name }
    am::HealthCheckPolicy { "healthyThreshold" => healthy_threshold, "intervalMillis" => interval_millis,
        "path" => path, "port" => port, "protocol" => protocol, "timeoutMillis" => timeout_millis,
        "unhealthyThreshold" => unhealthy_threshold }
    am::OutlierDetection { "baseEjectionDuration" => base_ejection_duration, "interval" => interval,
        "maxEjectionPercent" => max_ejection_percent, "maxServerErrors" => max_server_errors }
    am::Duration { "unit" => unit, "value" => value }
    am::Logging { "accessLog" => access_log }
    am::FileAccessLog { "path" => path, "format" => format }
    am::AwsCloudMapServiceDiscovery { "namespaceName" => namespace_name, "serviceName" => service_name,
        "attributes" => attributes, "ipPreference" => ip_preference }
    am::AwsCloudMapInstanceAttribute { "key" => key, "value" => value }
    am::DnsServiceDiscovery { "hostname" => hostname, "responseType" => response_type, "ipPreference" => ip_preference }
}

json_union! {
    am::VirtualGatewayTlsValidationContextTrust { Acm => "acm", File => "file", Sds => "sds" }
    am::VirtualGatewayClientTlsCertificate { File => "file", Sds => "sds" }
    am::VirtualGatewayListenerTlsCertificate { Acm => "acm", File => "file", Sds => "sds" }
    am::VirtualGatewayListenerTlsValidationContextTrust { File => "file", Sds => "sds" }
    am::VirtualGatewayAccessLog { File => "file" }
    am::LoggingFormat { Json => "json", Text => "text" }
    am::TlsValidationContextTrust { Acm => "acm", File => "file", Sds => "sds" }
    am::ClientTlsCertificate { File => "file", Sds => "sds" }
    am::ListenerTlsCertificate { Acm => "acm", File => "file", Sds => "sds" }
    am::ListenerTlsValidationContextTrust { File => "file", Sds => "sds" }
    am::AccessLog { File => "file" }
    am::Backend { VirtualService => "virtualService" }
    am::ServiceDiscovery { AwsCloudMap => "awsCloudMap", Dns => "dns" }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn gateway_spec_renders_as_the_api_does() {
        let spec = am::VirtualGatewaySpec::builder()
            .listeners(
                am::VirtualGatewayListener::builder()
                    .port_mapping(
                        am::VirtualGatewayPortMapping::builder()
                            .port(8080)
                            .protocol(am::VirtualGatewayPortProtocol::Http)
                            .build()
                            .unwrap(),
                    )
                    .build(),
            )
            .backend_defaults(
                am::VirtualGatewayBackendDefaults::builder()
                    .client_policy(am::VirtualGatewayClientPolicy::builder().build())
                    .build(),
            )
            .build()
            .unwrap();
        assert_eq!(
            spec.to_json(),
            json!({"backendDefaults": {"clientPolicy": {}}, "listeners": [{"portMapping": {"port": 8080, "protocol": "http"}}]})
        );
    }

    #[test]
    fn unions_render_their_member() {
        let trust = am::TlsValidationContextTrust::Acm(
            am::TlsValidationContextAcmTrust::builder()
                .certificate_authority_arns("arn:ca")
                .build()
                .unwrap(),
        );
        assert_eq!(
            trust.to_json(),
            json!({"acm": {"certificateAuthorityArns": ["arn:ca"]}})
        );
        let sd = am::ServiceDiscovery::Dns(
            am::DnsServiceDiscovery::builder()
                .hostname("svc.local")
                .ip_preference(am::IpPreference::IPv6Preferred)
                .build()
                .unwrap(),
        );
        assert_eq!(
            sd.to_json(),
            json!({"dns": {"hostname": "svc.local", "ipPreference": "IPv6_PREFERRED"}})
        );
    }
}
