//! One error shape for every answer that is not a success:
//! `{"error": {"code": "<stable machine code>", "message": "<safe message>", "request_id": "…"}}`.
//!
//! Handlers return [`ApiError`]; it carries its code and message to [`render`], the middleware
//! that writes the body with the request's id. Errors that do not come from a handler (no such
//! route, wrong method, a body too large) get the same shape with a code named after their
//! status. A 5xx says "internal error" and the cause is logged, never returned.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lgp_store::StoreError;
use lgp_tenant::AuthError;
use serde::{Deserialize, Serialize};
use std::fmt::Display;
use utoipa::ToSchema;

/// The header carrying the request id, generated when the client sends none.
pub(crate) const REQUEST_ID: &str = "x-request-id";

/// A refused or failed request. Its message is safe to show to the caller.
#[derive(Debug, Clone)]
pub struct ApiError {
    status: StatusCode,
    info: ErrorInfo,
    challenge: Option<&'static str>,
    retry_after: Option<u64>,
}

/// What [`render`] needs of an error, carried as a response extension.
#[derive(Debug, Clone)]
struct ErrorInfo {
    code: &'static str,
    message: String,
}

/// The body of every error answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorBody {
    /// What went wrong.
    pub error: ErrorDetail,
}

/// What went wrong, for machines and people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ErrorDetail {
    /// A stable machine code, e.g. `not_found`, `bad_cursor`, `token_expired`.
    pub code: String,
    /// A message for people; it never carries secrets or internal details.
    pub message: String,
    /// The request's id (the `x-request-id` header), for finding it in the logs.
    pub request_id: String,
}

impl ApiError {
    /// An error with `status`, `code` and `message`.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            info: ErrorInfo {
                code,
                message: message.into(),
            },
            challenge: None,
            retry_after: None,
        }
    }

    /// The same error, telling the client to retry after `seconds` (`Retry-After`).
    pub(crate) fn retry_after(mut self, seconds: u64) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    /// 400 with `code`.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 422 with `code`: a well-formed request whose content cannot be accepted.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    /// 404: `what` does not exist for the caller's tenant (whether or not another tenant has it).
    pub fn not_found(what: &str) -> Self {
        ApiError::new(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("{what} not found"),
        )
    }

    /// 500: logs `error` with `context` and answers "internal error".
    pub fn internal(context: &str, error: impl Display) -> Self {
        tracing::error!(error = %error, "{context}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "internal error",
        )
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The machine code.
    pub fn code(&self) -> &'static str {
        self.info.code
    }
}

impl From<AuthError> for ApiError {
    fn from(err: AuthError) -> Self {
        let status =
            StatusCode::from_u16(err.http_status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut api = ApiError::new(status, err.code(), err.to_string());
        // RFC 6750 §3: a request without credentials gets a bare challenge; a refused token
        // says why in `error`.
        api.challenge = match err {
            AuthError::MissingToken => Some("Bearer realm=\"lg-protect\""),
            AuthError::Forbidden { .. } => {
                Some("Bearer realm=\"lg-protect\", error=\"insufficient_scope\"")
            }
            AuthError::KeysUnavailable => None,
            _ => Some("Bearer realm=\"lg-protect\", error=\"invalid_token\""),
        };
        api
    }
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound { what, .. } => ApiError::not_found(what),
            StoreError::BadCursor => ApiError::bad_request(
                "bad_cursor",
                "invalid paging cursor: pass back the `next` of the previous page of the same listing",
            ),
            invalid @ StoreError::Invalid { .. } => {
                ApiError::bad_request("invalid_argument", invalid.to_string())
            }
            backend @ StoreError::Backend { .. } => ApiError::internal("store failed", backend),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        if let Some(challenge) = self.challenge {
            response.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static(challenge),
            );
        }
        if let Some(seconds) = self.retry_after {
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(seconds));
        }
        response.extensions_mut().insert(self.info);
        response
    }
}

/// Writes the JSON body of every error answer, with the request's id.
pub(crate) async fn render(request: Request, next: Next) -> Response {
    let request_id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let response = next.run(request).await;
    let status = response.status();
    if !status.is_client_error() && !status.is_server_error() {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let info = match parts.extensions.remove::<ErrorInfo>() {
        Some(info) => info,
        // A JSON answer a handler wrote on purpose (`/readyz`'s 503) stays as it is.
        None if is_json(&parts.headers) => return Response::from_parts(parts, body),
        None => ErrorInfo {
            code: status_code(status),
            message: status
                .canonical_reason()
                .unwrap_or("error")
                .to_ascii_lowercase(),
        },
    };
    let body = ErrorBody {
        error: ErrorDetail {
            code: info.code.to_owned(),
            message: info.message,
            request_id,
        },
    };
    // Serializing three strings cannot fail.
    let json = serde_json::to_vec(&body).unwrap_or_default();
    parts.headers.remove(header::CONTENT_LENGTH);
    parts.headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    Response::from_parts(parts, Body::from(json))
}

fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

/// The code of an error answer that no handler wrote (axum's own refusals).
fn status_code(status: StatusCode) -> &'static str {
    match status {
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "payload_too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UPGRADE_REQUIRED => "upgrade_required",
        StatusCode::REQUEST_TIMEOUT => "request_timeout",
        s if s.is_server_error() => "internal",
        _ => "bad_request",
    }
}

/// The answer to a path no route matches.
pub(crate) async fn no_route() -> ApiError {
    ApiError::not_found("route")
}

#[cfg(test)]
mod tests {
    use super::*;
    use lgp_tenant::Permission;

    #[test]
    fn auth_refusals_carry_their_status_code_and_challenge() {
        let missing = ApiError::from(AuthError::MissingToken);
        assert_eq!(missing.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(missing.challenge, Some("Bearer realm=\"lg-protect\""));
        let expired = ApiError::from(AuthError::Expired);
        assert_eq!(expired.code(), "token_expired");
        assert!(
            expired
                .challenge
                .is_some_and(|c| c.contains("invalid_token"))
        );
        let forbidden = ApiError::from(AuthError::Forbidden {
            permission: Permission::Scan,
        });
        assert_eq!(forbidden.status(), StatusCode::FORBIDDEN);
        assert_eq!(
            ApiError::from(AuthError::KeysUnavailable).status(),
            StatusCode::SERVICE_UNAVAILABLE
        );
    }

    #[test]
    fn store_failures_never_leak_their_cause() {
        let err = ApiError::from(StoreError::Backend {
            operation: "get_scan",
            message: "disk I/O error at /var/lib/secret".into(),
        });
        assert_eq!(err.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert_eq!(err.info.message, "internal error");
        let missing = ApiError::from(StoreError::NotFound {
            what: "scan",
            id: "x".into(),
        });
        assert_eq!(
            (missing.status(), missing.code()),
            (StatusCode::NOT_FOUND, "not_found")
        );
    }
}
