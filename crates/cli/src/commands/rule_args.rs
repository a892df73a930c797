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
    /// An IAM role an ECS Service Connect fix may pass as `tls.roleArn` (repeatable; unset = not
    /// checked, as in the responder).
    #[arg(
        long = "ecs-tls-role-arn",
        env = "MESHWARDEN_ECS_TLS_ROLE_ARNS",
        value_delimiter = ',',
        value_name = "ARN"
    )]
    pub ecs_tls_role_arns: Option<Vec<String>>,
}

impl RuleArgs {
    /// The rules configuration these arguments describe.
    pub fn config(&self) -> RulesConfig {
        RulesConfig {
            mesh_ip_preference: self.mesh_ip_preference.clone(),
            node_ip_preference: self.node_ip_preference.clone(),
            required_tag_keys: self.required_tag_keys.clone(),
            tls_ca_arns: trimmed(&self.ca_arns),
            ecs_tls_role_arns: self.ecs_tls_role_arns.as_deref().map(trimmed),
        }
    }
}

/// The non-empty entries of a comma list, trimmed (as the responder reads its lists).
fn trimmed(list: &[String]) -> Vec<String> {
    list.iter()
        .map(|a| a.trim().to_owned())
        .filter(|a| !a.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        rules: RuleArgs,
    }

    #[test]
    fn the_ecs_tls_role_list_reaches_the_rules_as_the_responder_reads_it() {
        let unset = Cli::parse_from(["meshwarden"]).rules.config();
        assert_eq!(unset.ecs_tls_role_arns, None);
        let set = Cli::parse_from([
            "meshwarden",
            "--ecs-tls-role-arn",
            "arn:aws:iam::1:role/a, ,arn:aws:iam::1:role/b",
        ])
        .rules
        .config();
        assert_eq!(
            set.ecs_tls_role_arns,
            Some(vec![
                "arn:aws:iam::1:role/a".to_owned(),
                "arn:aws:iam::1:role/b".to_owned()
            ])
        );
    }
}
