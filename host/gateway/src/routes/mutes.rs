//! The mutelist: results the tenant accepts, kept and reported apart, raising no violation. A
//! rule applies from the next scan on.

use crate::auth::Auth;
use crate::extract::{Json, Path};
use crate::{ApiError, AppState, PageBody};
use axum::extract::State;
use axum::http::StatusCode;
use lgp_mutelist::{MuteRule, MuteRuleSpec, MutelistError, persist};
use lgp_tenant::Permission;
use time::OffsetDateTime;

impl From<MutelistError> for ApiError {
    fn from(err: MutelistError) -> Self {
        match err {
            MutelistError::Pattern { .. }
            | MutelistError::Invalid(_)
            | MutelistError::Expiry(_) => ApiError::unprocessable("invalid_body", err.to_string()),
            MutelistError::NotFound(_) => ApiError::not_found("mute rule"),
            MutelistError::Store { .. } | MutelistError::Corrupt { .. } => {
                ApiError::internal("mutelist failed", err)
            }
        }
    }
}

/// `GET /v1/mutes`: every mute rule of the tenant, expired ones included, oldest first.
#[utoipa::path(get, path = "/v1/mutes", tag = "mutes",
    responses((status = 200, description = "Every mute rule, oldest first; `next` is always null", body = PageBody<serde_json::Value>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<PageBody<MuteRule>>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    let rules = persist::list(state.store(), caller.tenant()).await?;
    Ok(axum::Json(PageBody::whole(rules)))
}

/// `POST /v1/mutes`: adds a mute rule.
#[utoipa::path(post, path = "/v1/mutes", tag = "mutes",
    request_body(content = Object, description = "A mute rule: `checks`, `accounts`, `regions`, `resources` (glob patterns), `tags` (key → value pattern), `reason`, `owner`, `expires_at` (RFC 3339, optional)"),
    responses((status = 201, description = "The stored rule, with its id", body = Object),
        (status = 422, description = "An invalid rule; the message names the field", body = crate::ErrorBody)))]
pub(crate) async fn add(
    State(state): State<AppState>,
    auth: Auth,
    Json(spec): Json<MuteRuleSpec>,
) -> Result<(StatusCode, axum::Json<MuteRule>), ApiError> {
    let caller = auth.require(Permission::Mute)?;
    let rule = spec.validate(OffsetDateTime::now_utc())?;
    persist::add(state.store(), caller.tenant(), &rule).await?;
    tracing::info!(tenant = %caller.tenant(), rule = %rule.id, by = caller.subject(), "mute rule added");
    Ok((StatusCode::CREATED, axum::Json(rule)))
}

/// `DELETE /v1/mutes/{rule_id}`: removes a mute rule and answers it.
#[utoipa::path(delete, path = "/v1/mutes/{rule_id}", tag = "mutes",
    params(("rule_id" = String, Path, description = "The rule id")),
    responses((status = 200, description = "The removed rule", body = Object)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path(rule_id): Path<String>,
) -> Result<axum::Json<MuteRule>, ApiError> {
    let caller = auth.require(Permission::Mute)?;
    let rule = persist::remove(state.store(), caller.tenant(), &rule_id).await?;
    tracing::info!(tenant = %caller.tenant(), rule = %rule.id, by = caller.subject(), "mute rule removed");
    Ok(axum::Json(rule))
}
