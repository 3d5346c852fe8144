//! SDK failures to [`AwsCallError`]: one conversion for every operation of every service.

use aws_sdk_sts::config::http::HttpResponse;
use aws_sdk_sts::error::{DisplayErrorContext, ProvideErrorMetadata, SdkError};
use lgp_aws_api::AwsCallError;

/// What one SDK call failed with.
///
/// - AWS answered with an error: [`AwsCallError::Service`] with AWS's code and message, kept
///   as AWS spells them. S3's "not configured" answers (`NoSuchBucketPolicy`,
///   `ServerSideEncryptionConfigurationNotFoundError`, …) are answers the plugins need, so
///   they are never folded into something coarser. Throttling that outlasted the SDK's
///   retries arrives here too, with its code (`Throttling`, `SlowDown`, …).
/// - An error answer without a code (an empty body): 401/403 become `AccessDenied`, 404
///   `NotFound`, 429 and 5xx [`AwsCallError::Unavailable`], anything else `HTTP<status>`.
/// - No usable answer (timeout, connection or I/O failure, an answer that does not parse, a
///   request that could not be built): [`AwsCallError::Unavailable`] with the SDK's cause chain.
pub(crate) fn from_sdk<E>(err: SdkError<E, HttpResponse>) -> AwsCallError
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    match &err {
        SdkError::ServiceError(context) => {
            let service_error = context.err();
            let message = service_error.message().unwrap_or_default().to_owned();
            if let Some(code) = service_error.code().filter(|c| !c.is_empty()) {
                return AwsCallError::service(code, message);
            }
            let status = context.raw().status().as_u16();
            match status {
                401 | 403 => AwsCallError::service("AccessDenied", message),
                404 => AwsCallError::service("NotFound", message),
                429 | 500..=599 => AwsCallError::Unavailable(format!(
                    "AWS answered HTTP {status} without an error code"
                )),
                _ => AwsCallError::service(format!("HTTP{status}"), message),
            }
        }
        SdkError::TimeoutError(_) => {
            AwsCallError::Unavailable(format!("the call timed out: {}", DisplayErrorContext(&err)))
        }
        SdkError::DispatchFailure(_) => AwsCallError::Unavailable(format!(
            "could not reach AWS: {}",
            DisplayErrorContext(&err)
        )),
        SdkError::ResponseError(_) => AwsCallError::Unavailable(format!(
            "could not read AWS's answer: {}",
            DisplayErrorContext(&err)
        )),
        SdkError::ConstructionFailure(_) => AwsCallError::Unavailable(format!(
            "could not build the request: {}",
            DisplayErrorContext(&err)
        )),
        _ => AwsCallError::Unavailable(format!("the call failed: {}", DisplayErrorContext(&err))),
    }
}

/// The error for an operation of a known service that this host does not implement (the gate
/// refuses those before they get here; this is for direct callers).
pub(crate) fn not_implemented(service: &str, operation: &str) -> AwsCallError {
    AwsCallError::Refused(format!(
        "`aws:{service}:{operation}` is not one of the read-only operations this host implements"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sts::error::ErrorMetadata;
    use aws_sdk_sts::operation::get_caller_identity::GetCallerIdentityError;
    use aws_smithy_types::body::SdkBody;
    use lgp_aws_api::ErrorCategory;

    fn answered(status: u16, code: Option<&str>) -> AwsCallError {
        let mut meta = ErrorMetadata::builder().message("told so");
        if let Some(code) = code {
            meta = meta.code(code);
        }
        let raw = HttpResponse::new(status.try_into().expect("a status"), SdkBody::empty());
        from_sdk(SdkError::service_error(
            GetCallerIdentityError::generic(meta.build()),
            raw,
        ))
    }

    #[test]
    fn service_errors_keep_their_code() {
        assert_eq!(
            answered(404, Some("NoSuchBucketPolicy")),
            AwsCallError::service("NoSuchBucketPolicy", "told so")
        );
        assert_eq!(
            answered(400, Some("Throttling")).category(),
            ErrorCategory::ServiceUnavailable
        );
    }

    #[test]
    fn codeless_answers_are_sorted_by_status() {
        assert_eq!(answered(403, None).code(), "AccessDenied");
        assert_eq!(answered(404, None).code(), "NotFound");
        assert_eq!(answered(418, None).code(), "HTTP418");
        assert!(matches!(answered(503, None), AwsCallError::Unavailable(_)));
        assert!(matches!(
            answered(429, Some("")),
            AwsCallError::Unavailable(_)
        ));
    }

    #[test]
    fn no_answer_is_unavailable() {
        let timeout: SdkError<GetCallerIdentityError, HttpResponse> =
            SdkError::timeout_error("too slow");
        let err = from_sdk(timeout);
        assert!(
            matches!(&err, AwsCallError::Unavailable(m) if m.contains("timed out")),
            "{err:?}"
        );
    }
}
