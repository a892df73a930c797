//! Which credentials reach which account, and one SDK client per (account, region) for every
//! service adapter.
//!
//! With a member role name (organisation mode), a resource of another account is read and
//! written with that account's own credentials: `arn:aws:iam::{account}:role/{member role}` is
//! assumed once per account (the SDK caches the credentials and refreshes them before they
//! expire), with the configured external id as `ExternalId` when the member role's trust policy
//! demands one (`sts:ExternalId`). Without one, every account is reached with the responder's own credentials (shared
//! resources addressed by their owner).

use crate::config::{EngineConfig, ExternalId};
use aws_config::SdkConfig;
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::client::interceptors::SharedInterceptor;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// The SDK configuration for each account and region, shared by every service adapter.
#[derive(Debug, Clone)]
pub struct Accounts {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    base: SdkConfig,
    own_account: Option<String>,
    member_role: Option<String>,
    external_id: Option<ExternalId>,
    interceptors: Vec<SharedInterceptor>,
    credentials: Mutex<HashMap<String, SharedCredentialsProvider>>,
}

impl Accounts {
    /// Accounts reached from `base`; `own_account` is the responder's own account.
    pub fn new(base: &SdkConfig, own_account: Option<String>) -> Self {
        Accounts {
            inner: Arc::new(Inner {
                base: base.clone(),
                own_account,
                member_role: None,
                external_id: None,
                interceptors: Vec::new(),
                credentials: Mutex::new(HashMap::new()),
            }),
        }
    }

    /// The same accounts with `change` applied to a fresh copy (no credentials cached yet).
    fn rebuilt(self, change: impl FnOnce(&mut Inner)) -> Self {
        let inner = &self.inner;
        let mut copy = Inner {
            base: inner.base.clone(),
            own_account: inner.own_account.clone(),
            member_role: inner.member_role.clone(),
            external_id: inner.external_id.clone(),
            interceptors: inner.interceptors.clone(),
            credentials: Mutex::new(HashMap::new()),
        };
        change(&mut copy);
        Accounts {
            inner: Arc::new(copy),
        }
    }

    /// Reach other accounts through the member role of `config` (`member_role_name`, assumed
    /// with `member_external_id` when set).
    pub fn with_members(self, config: &EngineConfig) -> Self {
        self.rebuilt(|inner| {
            inner.member_role.clone_from(&config.member_role_name);
            inner.external_id.clone_from(&config.member_external_id);
        })
    }

    /// Add an SDK interceptor to every client built from here on (benchmarks count calls).
    pub fn with_interceptor(self, interceptor: SharedInterceptor) -> Self {
        self.rebuilt(|inner| inner.interceptors.push(interceptor))
    }

    /// The responder's own account, when known.
    pub fn own_account(&self) -> Option<&str> {
        self.inner.own_account.as_deref()
    }

    /// The interceptors every client gets.
    pub fn interceptors(&self) -> &[SharedInterceptor] {
        &self.inner.interceptors
    }

    /// Whether `account` is reached through its member role (not with our own credentials).
    pub fn through_member_role(&self, account: &str) -> bool {
        self.member_role_arn(account).is_some()
    }

    /// The member role to assume for `account`, when it is another account and one is set.
    fn member_role_arn(&self, account: &str) -> Option<String> {
        let role = self.inner.member_role.as_deref()?;
        (!account.is_empty() && self.own_account() != Some(account))
            .then(|| format!("arn:aws:iam::{account}:role/{role}"))
    }

    /// The SDK configuration for `account` in `region`.
    pub async fn config(&self, account: &str, region: &str) -> SdkConfig {
        let mut config = self
            .inner
            .base
            .to_builder()
            .region(aws_config::Region::new(region.to_owned()));
        if let Some(provider) = self.assumed(account).await {
            config = config.credentials_provider(provider);
        }
        config.build()
    }

    /// The member role's credentials for `account` (built once per account).
    async fn assumed(&self, account: &str) -> Option<SharedCredentialsProvider> {
        let role_arn = self.member_role_arn(account)?;
        if let Some(found) = self.lock().get(account) {
            return Some(found.clone());
        }
        let mut builder =
            aws_config::sts::AssumeRoleProvider::builder(role_arn).session_name("meshwarden");
        if let Some(external_id) = &self.inner.external_id {
            builder = builder.external_id(external_id.expose());
        }
        let provider = builder.configure(&self.inner.base).build().await;
        Some(
            self.lock()
                .entry(account.to_owned())
                .or_insert_with(|| SharedCredentialsProvider::new(provider))
                .clone(),
        )
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, SharedCredentialsProvider>> {
        self.inner
            .credentials
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// A service's SDK client, built from an SDK configuration and interceptors.
pub trait ServiceClient: Clone {
    /// The client on `sdk`, with every interceptor of `interceptors`.
    fn build(sdk: &SdkConfig, interceptors: &[SharedInterceptor]) -> Self;
}

macro_rules! service_clients {
    ($($service:ident),*) => {$(
        impl ServiceClient for $service::Client {
            fn build(sdk: &SdkConfig, interceptors: &[SharedInterceptor]) -> Self {
                let mut config = $service::config::Builder::from(sdk);
                for interceptor in interceptors {
                    config.push_interceptor(interceptor.clone());
                }
                $service::Client::from_conf(config.build())
            }
        }
    )*};
}
service_clients!(aws_sdk_appmesh, aws_sdk_vpclattice, aws_sdk_ecs);

/// One client of a service per (account, region), built on first use.
#[derive(Debug)]
pub struct Clients<C> {
    accounts: Accounts,
    clients: Mutex<HashMap<(String, String), C>>,
}

impl<C: ServiceClient> Clients<C> {
    /// Clients reaching `accounts`.
    pub fn new(accounts: Accounts) -> Self {
        Clients {
            accounts,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// The accounts these clients reach.
    pub fn accounts(&self) -> &Accounts {
        &self.accounts
    }

    /// The client for `account` in `region`, built when there is none yet.
    pub async fn get(&self, account: &str, region: &str) -> C {
        let key = (account.to_owned(), region.to_owned());
        if let Some(client) = self.lock().get(&key) {
            return client.clone();
        }
        let config = self.accounts.config(account, region).await;
        let client = C::build(&config, self.accounts.interceptors());
        self.lock().entry(key).or_insert(client).clone()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), C>> {
        self.clients
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
