//! Rule parameters shared by the commands that evaluate. They start from the variables the
//! responder reads, read by the responder's own function
//! ([`meshwarden_engine::config::rules_config`], so an empty `MESHWARDEN_REQUIRED_TAG_KEYS` or
//! `MESHWARDEN_ECS_TLS_ROLE_ARNS` means here what it means there); a flag given replaces its
//! variable.

use meshwarden_rules::catalog::RulesConfig;
use std::collections::HashMap;

/// Parameters of the parameterised rules (unset = those rules are not applicable).
#[derive(Debug, Clone, Default, clap::Args)]
pub struct RuleArgs {
    /// Required mesh IP preference (mesh-ip-preference) [default: $MESHWARDEN_MESH_IP_PREFERENCE].
    #[arg(long, value_name = "PREF")]
    pub mesh_ip_preference: Option<String>,
    /// Required virtual node IP preference (vnode-*-ip-preference) [default:
    /// $MESHWARDEN_NODE_IP_PREFERENCE].
    #[arg(long, value_name = "PREF")]
    pub node_ip_preference: Option<String>,
    /// A tag key every resource must carry (repeatable; *-tagged rules) [default:
    /// $MESHWARDEN_REQUIRED_TAG_KEYS, comma-separated; set but empty = any tag].
    #[arg(long = "required-tag-key", value_delimiter = ',', value_name = "KEY")]
    pub required_tag_keys: Option<Vec<String>>,
    /// ACM Private CA ARN to restore backend TLS with (repeatable) [default:
    /// $MESHWARDEN_TLS_CA_ARNS, comma-separated].
    #[arg(long = "ca-arn", value_delimiter = ',', value_name = "ARN")]
    pub ca_arns: Option<Vec<String>>,
    /// An IAM role an ECS Service Connect fix may pass as `tls.roleArn` (repeatable) [default:
    /// $MESHWARDEN_ECS_TLS_ROLE_ARNS, comma-separated; unset = not checked, set but empty = none].
    #[arg(long = "ecs-tls-role-arn", value_delimiter = ',', value_name = "ARN")]
    pub ecs_tls_role_arns: Option<Vec<String>>,
}

impl RuleArgs {
    /// The rules configuration: the process environment's, with the flags given in its place.
    pub fn config(&self) -> RulesConfig {
        self.config_over(&std::env::vars().collect())
    }

    /// The rules configuration `vars` describe, with the flags given in its place.
    fn config_over(&self, vars: &HashMap<String, String>) -> RulesConfig {
        let mut config = meshwarden_engine::config::rules_config(vars);
        if let Some(pref) = &self.mesh_ip_preference {
            config.mesh_ip_preference = Some(pref.clone());
        }
        if let Some(pref) = &self.node_ip_preference {
            config.node_ip_preference = Some(pref.clone());
        }
        if let Some(keys) = &self.required_tag_keys {
            config.required_tag_keys = Some(trimmed(keys));
        }
        if let Some(arns) = &self.ca_arns {
            config.tls_ca_arns = trimmed(arns);
        }
        if let Some(roles) = &self.ecs_tls_role_arns {
            config.ecs_tls_role_arns = Some(trimmed(roles));
        }
        config
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
    use meshwarden_engine::config::EngineConfig;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        rules: RuleArgs,
    }

    fn vars(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn without_flags_the_cli_reads_the_variables_as_the_responder_does() {
        let no_flags = Cli::parse_from(["meshwarden"]).rules;
        for env in [
            vars(&[]),
            // Set but empty: "any tag" and "no role may be passed", not "unset".
            vars(&[
                ("MESHWARDEN_REQUIRED_TAG_KEYS", ""),
                ("MESHWARDEN_ECS_TLS_ROLE_ARNS", " "),
                ("MESHWARDEN_MESH_IP_PREFERENCE", ""),
            ]),
            vars(&[
                ("MESHWARDEN_REQUIRED_TAG_KEYS", "team, ,owner"),
                (
                    "MESHWARDEN_TLS_CA_ARNS",
                    "arn:aws:acm-pca:eu-west-1:1:certificate-authority/x",
                ),
                ("MESHWARDEN_ECS_TLS_ROLE_ARNS", "arn:aws:iam::1:role/a"),
                ("MESHWARDEN_MESH_IP_PREFERENCE", "IPv6_PREFERRED"),
                ("MESHWARDEN_NODE_IP_PREFERENCE", "IPv4_ONLY"),
            ]),
        ] {
            assert_eq!(
                no_flags.config_over(&env),
                EngineConfig::from_vars(env.clone()).unwrap().rules,
                "{env:?}"
            );
        }
        let empty = no_flags.config_over(&vars(&[("MESHWARDEN_ECS_TLS_ROLE_ARNS", "")]));
        assert_eq!(empty.ecs_tls_role_arns, Some(vec![]));
    }

    #[test]
    fn a_flag_replaces_its_variable_and_leaves_the_others() {
        let env = vars(&[
            ("MESHWARDEN_ECS_TLS_ROLE_ARNS", "arn:aws:iam::1:role/env"),
            ("MESHWARDEN_REQUIRED_TAG_KEYS", "team"),
        ]);
        let set = Cli::parse_from([
            "meshwarden",
            "--ecs-tls-role-arn",
            "arn:aws:iam::1:role/a, ,arn:aws:iam::1:role/b",
        ])
        .rules
        .config_over(&env);
        assert_eq!(
            set.ecs_tls_role_arns,
            Some(vec![
                "arn:aws:iam::1:role/a".to_owned(),
                "arn:aws:iam::1:role/b".to_owned()
            ])
        );
        assert_eq!(set.required_tag_keys, Some(vec!["team".to_owned()]));
    }
}
