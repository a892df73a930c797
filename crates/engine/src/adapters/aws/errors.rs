//! Classifying SDK errors into a typed [`PortError`] (kind by error code and HTTP status, never
//! by message text).

use crate::core::error::{ErrorKind, PortError};
use aws_credential_types::provider::error::CredentialsError;
use aws_sdk_sts::operation::assume_role::AssumeRoleError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Error codes that mean "slow down", whatever the HTTP status.
const THROTTLING_CODES: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "LimitExceededException",
];

/// Error codes of a concurrent change getting in the way; retrying later may succeed.
const CONFLICT_CODES: &[&str] = &[
    "TransactionConflictException",
    "TransactionInProgressException",
    "ConflictException",
];

/// Error codes of something that does not exist.
const NOT_FOUND_CODES: &[&str] = &["ResourceNotFoundException", "NotFoundException"];

/// The kind of a service error, from its code and HTTP status.
pub fn kind_of(code: &str, status: u16) -> ErrorKind {
    if THROTTLING_CODES.contains(&code) || status == 429 {
        ErrorKind::Throttled
    } else if CONFLICT_CODES.contains(&code) {
        ErrorKind::Conflict
    } else if NOT_FOUND_CODES.contains(&code) {
        ErrorKind::NotFound
    } else if status >= 500 {
        ErrorKind::Transport
    } else {
        ErrorKind::Rejected
    }
}

/// Classify an SDK error (after the SDK's own retries) into a [`PortError`] carrying it.
pub fn classify<E>(operation: &str, err: SdkError<E, HttpResponse>) -> PortError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let (kind, detail) = match &err {
        SdkError::ServiceError(ctx) => {
            let service_err = ctx.err();
            let code = service_err.code().unwrap_or("Unknown");
            let message = service_err.message().unwrap_or("no message");
            let status = ctx.raw().status().as_u16();
            (
                kind_of(code, status),
                format!("{code} (HTTP {status}): {message}"),
            )
        }
        // Our own request could not be built: sending it again would not help.
        SdkError::ConstructionFailure(_) => {
            (ErrorKind::Rejected, DisplayErrorContext(&err).to_string())
        }
        _ => (
            credentials_failure(&err).unwrap_or(ErrorKind::Transport),
            DisplayErrorContext(&err).to_string(),
        ),
    };
    PortError::new(operation, kind, detail).with_source(err)
}

/// The kind of a call that failed before it was sent because its credentials could not be had
/// (a member role that cannot be assumed), from the error's causes: STS's own answer when it
/// gave one (`AccessDenied` is a refusal, throttling transient), a timeout or a transport
/// failure on the way to STS transient, a configuration that yields no credentials a refusal.
/// `None` when credentials are not what failed.
fn credentials_failure(err: &(dyn std::error::Error + 'static)) -> Option<ErrorKind> {
    let mut causes = std::iter::successors(err.source(), |e| e.source());
    let credentials = causes.find_map(|e| e.downcast_ref::<CredentialsError>())?;
    Some(match credentials {
        CredentialsError::CredentialsNotLoaded(_) | CredentialsError::InvalidConfiguration(_) => {
            ErrorKind::Rejected
        }
        CredentialsError::ProviderError(_) => {
            let sts = std::iter::successors(std::error::Error::source(credentials), |e| e.source())
                .find_map(|e| e.downcast_ref::<SdkError<AssumeRoleError, HttpResponse>>());
            match sts {
                Some(SdkError::ServiceError(ctx)) => kind_of(
                    ctx.err().code().unwrap_or("Unknown"),
                    ctx.raw().status().as_u16(),
                ),
                _ => ErrorKind::Transport,
            }
        }
        _ => ErrorKind::Transport,
    })
}

/// A call's output, `None` when the service answers that the resource does not exist; any other
/// error is classified.
pub fn found<T, E>(
    operation: &str,
    result: Result<T, SdkError<E, HttpResponse>>,
) -> Result<Option<T>, PortError>
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match result {
        Ok(out) => Ok(Some(out)),
        Err(err) => {
            let classified = classify(operation, err);
            if classified.kind == ErrorKind::NotFound {
                Ok(None)
            } else {
                Err(classified)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_follow_codes_then_status() {
        assert_eq!(kind_of("ThrottlingException", 400), ErrorKind::Throttled);
        assert_eq!(kind_of("Whatever", 429), ErrorKind::Throttled);
        assert_eq!(
            kind_of("TransactionConflictException", 400),
            ErrorKind::Conflict
        );
        assert_eq!(
            kind_of("ResourceNotFoundException", 400),
            ErrorKind::NotFound
        );
        assert_eq!(kind_of("InternalServerError", 500), ErrorKind::Transport);
        assert_eq!(kind_of("AccessDeniedException", 403), ErrorKind::Rejected);
        assert_eq!(kind_of("ValidationException", 400), ErrorKind::Rejected);
        assert!(!ErrorKind::Rejected.is_transient());
        assert!(!ErrorKind::NotFound.is_transient());
        assert!(ErrorKind::Conflict.is_transient());
    }
}
