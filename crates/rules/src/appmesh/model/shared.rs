//! Spec fragments shared by virtual gateways and virtual nodes: client TLS policies, listeners
//! and access logging. Members no rule reads are kept as raw JSON (or in `extra`).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// `backendDefaults`: defaults applied to every backend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BackendDefaults {
    /// `backendDefaults.clientPolicy`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_policy: Option<ClientPolicy>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A client policy: how the proxy talks to a backend.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientPolicy {
    /// `clientPolicy.tls`: absent means plaintext to the backend.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ClientPolicyTls>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `clientPolicy.tls`: TLS from the proxy to its backends.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientPolicyTls {
    /// Whether TLS is enforced; absent means AWS's default, `true`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub enforce: Option<bool>,
    /// Ports TLS applies to; absent or `[]` means every port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ports: Option<Vec<i64>>,
    /// The client certificate for mutual TLS (`file` or `sds`), kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Value>,
    /// How the backend's certificate is validated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<TlsValidation>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ClientPolicyTls {
    /// `enforce` as App Mesh applies it (absent = true).
    pub fn enforced(&self) -> bool {
        self.enforce.unwrap_or(true)
    }

    /// Which trust source validates the peer, if any usable one is configured.
    pub fn trust_kind(&self) -> Option<TrustKind> {
        self.validation.as_ref().and_then(TlsValidation::trust_kind)
    }

    /// The ports TLS is limited to, when `ports` is a non-empty list (absent or `[]` means
    /// every port, so `None`).
    pub fn restricted_ports(&self) -> Option<&[i64]> {
        self.ports.as_deref().filter(|ports| !ports.is_empty())
    }
}

/// A TLS validation context: the trust the peer's certificate is checked against.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TlsValidation {
    /// `validation.trust`: one of `acm`, `file`, `sds`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trust: Option<Trust>,
    /// Members this model does not name (e.g. `subjectAlternativeNames`), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl TlsValidation {
    /// The usable trust source, if any.
    pub fn trust_kind(&self) -> Option<TrustKind> {
        self.trust.as_ref().and_then(Trust::kind)
    }
}

/// A trust source. The API makes it a union: exactly one member is set.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Trust {
    /// `acm.certificateAuthorityArns`: ACM Private CA ARNs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acm: Option<Value>,
    /// `file.certificateChain`: a CA bundle on the proxy's disk.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<Value>,
    /// `sds.secretName`: a secret served by an SDS provider.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sds: Option<Value>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The three kinds of trust App Mesh accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrustKind {
    /// ACM Private CA.
    Acm,
    /// A certificate chain file.
    File,
    /// Secret Discovery Service.
    Sds,
}

impl Trust {
    /// An ACM trust from CA ARNs.
    pub fn acm(ca_arns: &[String]) -> Self {
        Trust {
            acm: Some(serde_json::json!({ "certificateAuthorityArns": ca_arns })),
            ..Trust::default()
        }
    }

    /// The first member that actually names a trust (a non-empty ARN list, chain or secret).
    pub fn kind(&self) -> Option<TrustKind> {
        let named = |v: &Option<Value>, key: &str| {
            v.as_ref()
                .and_then(|v| v.get(key))
                .is_some_and(|v| match v {
                    Value::String(s) => !s.trim().is_empty(),
                    Value::Array(a) => a
                        .iter()
                        .any(|x| x.as_str().is_some_and(|s| !s.trim().is_empty())),
                    _ => false,
                })
        };
        if named(&self.acm, "certificateAuthorityArns") {
            Some(TrustKind::Acm)
        } else if named(&self.file, "certificateChain") {
            Some(TrustKind::File)
        } else if named(&self.sds, "secretName") {
            Some(TrustKind::Sds)
        } else {
            None
        }
    }
}

/// A listener of a virtual gateway or virtual node (gateways have no `outlierDetection`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Listener {
    /// `portMapping` (`port`, `protocol`), kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_mapping: Option<Value>,
    /// `tls`: TLS terminated by the proxy for incoming connections.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tls: Option<ListenerTls>,
    /// `healthCheck`, kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub health_check: Option<Value>,
    /// `outlierDetection` (virtual nodes only), kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outlier_detection: Option<Value>,
    /// Members this model does not name (`connectionPool`, `timeout`, ...), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Listener {
    /// The listener's TLS settings when it terminates TLS: `tls` is present and its mode is not
    /// `DISABLED` (a `DISABLED` listener only accepts connections without TLS).
    pub fn terminated_tls(&self) -> Option<&ListenerTls> {
        self.tls.as_ref().filter(|tls| !tls.disabled())
    }

    /// A short label for reasons: `listeners[0] (port 8080)`.
    pub fn label(&self, index: usize) -> ListenerLabel {
        ListenerLabel {
            index,
            port: self
                .port_mapping
                .as_ref()
                .and_then(|p| p.get("port"))
                .and_then(Value::as_i64),
        }
    }
}

/// A listener's position and port, displayed as `listeners[0] (port 8080)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListenerLabel {
    index: usize,
    port: Option<i64>,
}

impl std::fmt::Display for ListenerLabel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "listeners[{}]", self.index)?;
        match self.port {
            Some(port) => write!(f, " (port {port})"),
            None => Ok(()),
        }
    }
}

/// A listener's TLS settings.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ListenerTls {
    /// `STRICT`, `PERMISSIVE` or `DISABLED`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<String>,
    /// The server certificate (`acm`, `file` or `sds`), kept verbatim.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate: Option<Value>,
    /// Client certificate validation (mutual TLS).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validation: Option<TlsValidation>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl ListenerTls {
    /// Whether `mode` is `DISABLED`: the listener accepts only plaintext connections.
    pub fn disabled(&self) -> bool {
        self.mode.as_deref() == Some("DISABLED")
    }
}

/// `logging`: where the proxy writes access logs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Logging {
    /// `logging.accessLog`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub access_log: Option<AccessLog>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `accessLog`: a union with one member, `file`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessLog {
    /// `accessLog.file`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<FileAccessLog>,
    /// Members this model does not name, kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// `accessLog.file`.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileAccessLog {
    /// The log path, e.g. `/dev/stdout`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// Members this model does not name (`format`), kept verbatim.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Logging {
    /// The configured access log path, when present and non-blank.
    pub fn access_log_path(logging: Option<&Logging>) -> Option<&str> {
        logging
            .and_then(|l| l.access_log.as_ref())
            .and_then(|a| a.file.as_ref())
            .and_then(|f| f.path.as_deref())
            .filter(|p| !p.trim().is_empty())
    }
}
