//! What every AWS SDK adapter shares: the SDK configuration and error classification.

mod accounts;
mod errors;
pub mod to_json;

pub use accounts::{Accounts, Clients, ServiceClient};

pub use errors::{classify, found, kind_of};

use crate::core::error::PortError;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use std::time::Duration;

/// The ARN partition of a region (one rule for the whole responder).
pub use meshwarden_rules::resource::partition_of as partition;

/// A response or request an adapter cannot work with: retrying would not change it.
pub fn rejected(operation: &str, detail: String) -> PortError {
    PortError::new(operation, crate::core::error::ErrorKind::Rejected, detail)
}

/// The ARN a resource's tags are listed by, from what its describe kept.
pub fn tags_arn(
    resource: &meshwarden_rules::resource::ResourceRef,
    arn: Option<&String>,
) -> Result<String, PortError> {
    arn.cloned()
        .ok_or_else(|| rejected("ListTagsForResource", format!("{resource}: no ARN")))
}

/// Another service's resource never reaches an adapter through the engine's routing; asked
/// anyway, it is refused rather than guessed.
pub fn not_this_service(
    kind: meshwarden_rules::resource::ResourceKind,
    service: &str,
) -> PortError {
    rejected(
        "Describe",
        format!("{kind} is not a resource kind of {service}"),
    )
}

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
            crate::core::error::ErrorKind::Rejected,
            "no ARN in the answer",
        )
    })
}
