//! What every AWS SDK adapter shares: the SDK configuration and error classification.

mod errors;

pub use errors::classify;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, SdkConfig};
use std::time::Duration;

/// Attempts per call, the first included (standard retry mode, exponential backoff with jitter).
pub const MAX_ATTEMPTS: u32 = 3;

/// Load the SDK configuration from the usual sources (environment, profiles, SSO, the Lambda
/// role), with retries and timeouts set explicitly so a slow dependency cannot hold a Lambda
/// invocation hostage. `AWS_ENDPOINT_URL` (used for the local emulator) is honoured by the loader.
pub async fn load_sdk_config(region: Option<String>, profile: Option<String>) -> SdkConfig {
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(3))
                .operation_attempt_timeout(Duration::from_secs(5))
                .operation_timeout(Duration::from_secs(15))
                .build(),
        );
    if let Some(region) = region {
        loader = loader.region(aws_config::Region::new(region));
    }
    if let Some(profile) = profile {
        loader = loader.profile_name(profile);
    }
    loader.load().await
}
