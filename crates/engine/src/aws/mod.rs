//! What every AWS SDK adapter shares: the SDK configuration and error classification.

mod accounts;
mod errors;
pub mod to_json;

pub use accounts::{Accounts, Clients};

pub use errors::{classify, found, kind_of};

use crate::error::PortError;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use std::time::Duration;

/// Attempts per call, the first included (standard retry mode, exponential backoff with jitter).
pub const MAX_ATTEMPTS: u32 = 3;

/// Where the SDK configuration comes from, beyond the usual sources.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SdkOptions {
    /// The region (else `AWS_REGION`, the profile's, ...).
    pub region: Option<String>,
    /// A named profile (else `AWS_PROFILE` / `default`).
    pub profile: Option<String>,
    /// An endpoint for every service (an emulator); else `AWS_ENDPOINT_URL` when set.
    pub endpoint_url: Option<String>,
}

/// Load the SDK configuration from the usual sources (environment, profiles, SSO, the Lambda
/// role), with retries and timeouts set explicitly so a slow dependency cannot hold a Lambda
/// invocation hostage. `AWS_ENDPOINT_URL` (used for the local emulator) is honoured by the loader.
pub async fn load_sdk_config(options: &SdkOptions) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(Duration::from_secs(5))
                .operation_timeout(Duration::from_secs(15))
                .build(),
        );
    if let Some(region) = &options.region {
        loader = loader.region(aws_config::Region::new(region.clone()));
    }
    if let Some(profile) = &options.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(url) = &options.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    loader.load().await
}

/// The ARN of the identity the credentials resolve to (`sts:GetCallerIdentity`, which needs no
/// IAM permission): in Lambda, the function role's assumed-role session.
pub async fn caller_arn(sdk: &SdkConfig) -> Result<String, PortError> {
    let out = aws_sdk_sts::Client::new(sdk)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| classify("GetCallerIdentity", e))?;
    out.arn.ok_or_else(|| {
        PortError::new(
            "GetCallerIdentity",
            crate::error::ErrorKind::Rejected,
            "no ARN in the answer",
        )
    })
}
