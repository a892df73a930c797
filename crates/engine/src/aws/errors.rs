//! Classifying SDK errors into [`PortError`]: retry, or give up.

use crate::ports::PortError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Error codes that mean "try again later" whatever the HTTP status.
const TRANSIENT_CODES: &[&str] = &[
    "ThrottlingException",
    "Throttling",
    "ThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "RequestLimitExceeded",
    "LimitExceededException",
    "InternalServerError",
    "InternalServerErrorException",
    "InternalFailure",
    "ServiceUnavailable",
    "ServiceUnavailableException",
    "TransactionInProgressException",
];

/// Classify an SDK error (after the SDK's own retries): network trouble, timeouts, throttling
/// and 5xx are transient; anything else the service said no to is a rejection.
pub fn classify<E>(operation: &str, err: SdkError<E, HttpResponse>) -> PortError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match &err {
        SdkError::ServiceError(ctx) => {
            let service_err = ctx.err();
            let code = service_err.code().unwrap_or("Unknown");
            let message = service_err.message().unwrap_or("no message");
            let status = ctx.raw().status().as_u16();
            let text = format!("{operation}: {code} (HTTP {status}): {message}");
            if TRANSIENT_CODES.contains(&code) || status >= 500 || status == 429 {
                PortError::Transient(text)
            } else {
                PortError::Rejected(text)
            }
        }
        SdkError::ConstructionFailure(_) => PortError::Rejected(format!(
            "{operation}: request could not be built: {}",
            chain(&err)
        )),
        _ => PortError::Transient(format!("{operation}: {}", chain(&err))),
    }
}

/// The error and its sources on one line (SDK errors hide the useful part in the source chain).
fn chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(inner) = source {
        text.push_str(": ");
        text.push_str(&inner.to_string());
        source = inner.source();
    }
    text
}
