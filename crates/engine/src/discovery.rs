//! The sweep's accounts: the own account, `MESHWARDEN_SWEEP_ACCOUNTS`, and — with an account
//! directory ([`crate::engine::Engine::with_directory`]) — the organisation's ACTIVE accounts, listed
//! once per sweep (once per plan when the sweep fans out, never per shard).
//!
//! A directory that refuses (no `organizations:ListAccounts`, not the management account or a
//! delegated administrator) is an error counted in `Errors`, and the sweep still covers the
//! accounts it was told of: never a silent empty list. A transient failure fails the sweep, so
//! the schedule's retry lists again.

use crate::core::error::EngineError;
use crate::core::ports::{ComplianceStore, FindingsSink, ResourceWriter, Scope};
use crate::engine::Engine;

/// What a sweep covers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SweepScopes {
    /// Every (service, account, region) to list.
    pub scopes: Vec<Scope>,
    /// Errors to count: 1 when the directory refused to list the organisation's accounts.
    pub errors: u64,
}

impl<R: ResourceWriter, S: ComplianceStore, F: FindingsSink> Engine<R, S, F> {
    /// The scopes of one sweep ([`crate::config::EngineConfig::sweep_scopes`] with the accounts the
    /// directory lists, the own account once). `Err` only when listing failed transiently.
    pub async fn sweep_scopes(&self) -> Result<SweepScopes, EngineError> {
        let mut discovered = Vec::new();
        let mut errors = 0;
        if let Some(directory) = &self.directory {
            match directory.active_accounts().await {
                Ok(accounts) => discovered = accounts,
                Err(err) => {
                    let refused = EngineError::refusal(err)?;
                    tracing::error!(error = %refused,
                        "member accounts not discovered: sweeping the configured accounts only");
                    errors = 1;
                }
            }
        }
        Ok(SweepScopes {
            scopes: self.config.sweep_scopes(&discovered),
            errors,
        })
    }
}
