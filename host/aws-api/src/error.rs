//! Why an AWS call failed, and the coarse categories scans count errors by.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A coarse class of AWS failure. Scan summaries count errors per category, service, region
/// and account; collectors record it on the resources they could not read fully.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCategory {
    /// The credentials may not make the call (`AccessDenied`, `UnauthorizedOperation`), or the
    /// host's allow-list refused it.
    AccessDenied,
    /// The service or region is not enabled for the account (`OptInRequired`,
    /// `SubscriptionRequiredException`).
    ServiceNotEnabled,
    /// The input was rejected (`ValidationException`, `InvalidParameterValue`).
    ParameterValidation,
    /// The service could not answer: unavailable, throttled past the retries, unreachable.
    ServiceUnavailable,
    /// The thing asked about does not exist (`ResourceNotFoundException`, `NoSuch*`,
    /// `*.NotFound`).
    ResourceNotFound,
    /// Anything else.
    Other,
}

impl ErrorCategory {
    /// The snake_case name used in JSON and summaries.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCategory::AccessDenied => "access_denied",
            ErrorCategory::ServiceNotEnabled => "service_not_enabled",
            ErrorCategory::ParameterValidation => "parameter_validation",
            ErrorCategory::ServiceUnavailable => "service_unavailable",
            ErrorCategory::ResourceNotFound => "resource_not_found",
            ErrorCategory::Other => "other",
        }
    }

    /// Sorts an AWS error code into its category.
    pub fn of_code(code: &str) -> Self {
        const ACCESS: &[&str] = &[
            "AccessDenied",
            "AccessDeniedException",
            "UnauthorizedOperation",
            "UnauthorizedAccess",
            "AuthFailure",
            "AuthorizationError",
            "Forbidden",
            "InvalidClientTokenId",
            "SignatureDoesNotMatch",
            "ExpiredToken",
            "AllAccessDisabled",
        ];
        const NOT_ENABLED: &[&str] = &[
            "OptInRequired",
            "SubscriptionRequiredException",
            "InvalidAccessKeyId",
        ];
        const VALIDATION: &[&str] = &[
            "ValidationException",
            "ValidationError",
            "InvalidParameter",
            "InvalidParameterValue",
            "InvalidParameterCombination",
            "MissingParameter",
            "InvalidInput",
            "InvalidRequest",
            "InvalidArgument",
            "MalformedPolicyDocument",
        ];
        const UNAVAILABLE: &[&str] = &[
            "ServiceUnavailable",
            "ServiceUnavailableException",
            "Unavailable",
            "Throttling",
            "ThrottlingException",
            "ThrottledException",
            "RequestLimitExceeded",
            "RequestThrottled",
            "RequestThrottledException",
            "TooManyRequestsException",
            "SlowDown",
            "InternalError",
            "InternalFailure",
            "InternalServerError",
            "RequestTimeout",
            "RequestTimeoutException",
            "ServiceFailure",
        ];
        let is = |list: &[&str]| list.iter().any(|c| c.eq_ignore_ascii_case(code));
        if is(ACCESS) || code.contains("AccessDenied") || code.starts_with("Unauthorized") {
            ErrorCategory::AccessDenied
        } else if is(NOT_ENABLED) || code.contains("NotSubscribed") || code.contains("OptIn") {
            ErrorCategory::ServiceNotEnabled
        } else if is(VALIDATION) || code.starts_with("InvalidParameter") {
            ErrorCategory::ParameterValidation
        } else if is(UNAVAILABLE) || code.contains("Throttl") {
            ErrorCategory::ServiceUnavailable
        } else if code == "ResourceNotFoundException"
            || code.starts_with("NoSuch")
            || code.ends_with(".NotFound")
            || code.ends_with("NotFound")
            || code.ends_with("NotFoundError")
            || code.ends_with("NotFoundException")
        {
            ErrorCategory::ResourceNotFound
        } else {
            ErrorCategory::Other
        }
    }
}

impl fmt::Display for ErrorCategory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why one AWS call failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AwsCallError {
    /// AWS (or the emulator) answered with an error.
    #[error("{code}: {message}")]
    Service {
        /// The AWS error code, e.g. `AccessDenied`, `NoSuchBucketPolicy`.
        code: String,
        /// AWS's message.
        message: String,
    },
    /// The host refused the call: not in the plugin's allow-list, or not an operation the host
    /// implements (every implemented operation is read-only).
    #[error("refused by the host: {0}")]
    Refused(String),
    /// The input is not what the operation takes.
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// No answer: the network failed, retries ran out, or a replayed snapshot holds no answer
    /// for this call.
    #[error("no answer: {0}")]
    Unavailable(String),
}

impl AwsCallError {
    /// A service error with `code` and `message`.
    pub fn service(code: impl Into<String>, message: impl Into<String>) -> Self {
        AwsCallError::Service {
            code: code.into(),
            message: message.into(),
        }
    }

    /// The AWS error code, or the host's reason (`HostRefused`, `InvalidInput`, `Unavailable`).
    pub fn code(&self) -> &str {
        match self {
            AwsCallError::Service { code, .. } => code,
            AwsCallError::Refused(_) => "HostRefused",
            AwsCallError::InvalidInput(_) => "InvalidInput",
            AwsCallError::Unavailable(_) => "Unavailable",
        }
    }

    /// The error's category.
    pub fn category(&self) -> ErrorCategory {
        match self {
            AwsCallError::Service { code, .. } => ErrorCategory::of_code(code),
            AwsCallError::Refused(_) => ErrorCategory::AccessDenied,
            AwsCallError::InvalidInput(_) => ErrorCategory::ParameterValidation,
            AwsCallError::Unavailable(_) => ErrorCategory::ServiceUnavailable,
        }
    }

    /// The message, without the code.
    pub fn message(&self) -> &str {
        match self {
            AwsCallError::Service { message, .. } => message,
            AwsCallError::Refused(m)
            | AwsCallError::InvalidInput(m)
            | AwsCallError::Unavailable(m) => m,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCategory::*;
    use super::*;

    #[test]
    fn codes_fall_into_the_seed_handlers_categories() {
        let cases = [
            ("AccessDenied", AccessDenied),
            ("AccessDeniedException", AccessDenied),
            ("UnauthorizedOperation", AccessDenied),
            ("OptInRequired", ServiceNotEnabled),
            ("SubscriptionRequiredException", ServiceNotEnabled),
            ("ValidationException", ParameterValidation),
            ("InvalidParameterValue", ParameterValidation),
            ("ServiceUnavailable", ServiceUnavailable),
            ("Throttling", ServiceUnavailable),
            ("RequestLimitExceeded", ServiceUnavailable),
            ("ResourceNotFoundException", ResourceNotFound),
            ("NoSuchBucketPolicy", ResourceNotFound),
            ("NoSuchEntity", ResourceNotFound),
            ("InvalidInstanceID.NotFound", ResourceNotFound),
            (
                "ServerSideEncryptionConfigurationNotFoundError",
                ResourceNotFound,
            ),
            ("SomethingOdd", Other),
        ];
        for (code, want) in cases {
            assert_eq!(ErrorCategory::of_code(code), want, "{code}");
        }
        assert_eq!(AwsCallError::Refused("x".into()).category(), AccessDenied);
        assert_eq!(
            AwsCallError::Unavailable("x".into()).category(),
            ServiceUnavailable
        );
        assert_eq!(
            serde_json::to_string(&ServiceNotEnabled).expect("test value"),
            "\"service_not_enabled\""
        );
    }
}
