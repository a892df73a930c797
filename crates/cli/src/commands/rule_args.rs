//! Rule parameters shared by the commands that evaluate: the same variables the responder reads.

use meshwarden_rules::catalog::RulesConfig;

/// Parameters of the parameterised rules (unset = those rules are not applicable).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RuleArgs {
    /// Required mesh IP preference (mesh-ip-preference).
    #[arg(long, env = "MESHWARDEN_MESH_IP_PREFERENCE", value_name = "PREF")]
    pub mesh_ip_preference: Option<String>,
    /// Required virtual node IP preference (vnode-*-ip-preference).
    #[arg(long, env = "MESHWARDEN_NODE_IP_PREFERENCE", value_name = "PREF")]
    pub node_ip_preference: Option<String>,
    /// A tag key every resource must carry (repeatable; *-tagged rules).
    #[arg(
        long = "required-tag-key",
        env = "MESHWARDEN_REQUIRED_TAG_KEYS",
        value_delimiter = ',',
        value_name = "KEY"
    )]
    pub required_tag_keys: Option<Vec<String>>,
    /// ACM Private CA ARN to restore backend TLS with (repeatable).
    #[arg(
        long = "ca-arn",
        env = "MESHWARDEN_TLS_CA_ARNS",
        value_delimiter = ',',
        value_name = "ARN"
    )]
    pub ca_arns: Vec<String>,
}

impl RuleArgs {
    /// The rules configuration these arguments describe.
    pub fn config(&self) -> RulesConfig {
        RulesConfig {
            mesh_ip_preference: self.mesh_ip_preference.clone(),
            node_ip_preference: self.node_ip_preference.clone(),
            required_tag_keys: self.required_tag_keys.clone(),
            tls_ca_arns: self
                .ca_arns
                .iter()
                .map(|a| a.trim().to_owned())
                .filter(|a| !a.is_empty())
                .collect(),
        }
    }
}
