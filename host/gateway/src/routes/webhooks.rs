//! The tenant's webhook endpoints, which receive its alert events. Secrets are write-only: the
//! API answers them masked.

use crate::auth::Auth;
use crate::extract::{Json, Path};
use crate::{ApiError, AppState, PageBody};
use axum::extract::State;
use axum::http::StatusCode;
use lgp_notify::{Format, NotifyError, Webhook, WebhookSpec, persist};
use lgp_tenant::Permission;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use utoipa::ToSchema;

impl From<NotifyError> for ApiError {
    fn from(err: NotifyError) -> Self {
        match err {
            NotifyError::Invalid { .. } => ApiError::unprocessable("invalid_body", err.to_string()),
            NotifyError::NotFound(_) => ApiError::not_found("webhook"),
            NotifyError::Store { .. } | NotifyError::Corrupt { .. } => {
                ApiError::internal("webhooks failed", err)
            }
        }
    }
}

/// A webhook to add.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewWebhook {
    /// Where to POST: `https://…` (or `http://`), no credentials in it.
    url: String,
    /// The secret that signs each body (at least 16 bytes).
    secret: String,
    /// `json` (the envelope) or `slack` (a Slack message).
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    format: Format,
    /// Event types to send (default: the alert events).
    #[serde(default)]
    events: Vec<String>,
}

/// A webhook as the API shows it: its secret masked.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct WebhookView {
    /// Its id.
    id: String,
    /// Where it POSTs.
    url: String,
    /// The secret's first characters and length.
    secret: String,
    /// `json` or `slack`.
    #[schema(value_type = String)]
    format: Format,
    /// The event types it receives.
    events: Vec<String>,
    /// When it was added (RFC 3339).
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String)]
    created_at: OffsetDateTime,
}

impl From<Webhook> for WebhookView {
    fn from(w: Webhook) -> Self {
        WebhookView {
            secret: w.masked_secret(),
            id: w.id,
            url: w.url,
            format: w.format,
            events: w.events,
            created_at: w.created_at,
        }
    }
}

/// `GET /v1/webhooks`: the tenant's webhooks, oldest first, secrets masked.
#[utoipa::path(get, path = "/v1/webhooks", tag = "webhooks",
    responses((status = 200, description = "Every webhook, oldest first; `next` is always null", body = PageBody<WebhookView>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<PageBody<WebhookView>>, ApiError> {
    let caller = auth.require(Permission::ManageWebhooks)?;
    let hooks = persist::list(state.store(), caller.tenant()).await?;
    Ok(axum::Json(PageBody::whole(
        hooks.into_iter().map(WebhookView::from).collect(),
    )))
}

/// `POST /v1/webhooks`: adds a webhook.
#[utoipa::path(post, path = "/v1/webhooks", tag = "webhooks", request_body = NewWebhook,
    responses((status = 201, description = "The stored webhook, secret masked", body = WebhookView),
        (status = 422, description = "An invalid webhook; the message names the field", body = crate::ErrorBody)))]
pub(crate) async fn add(
    State(state): State<AppState>,
    auth: Auth,
    Json(new): Json<NewWebhook>,
) -> Result<(StatusCode, axum::Json<WebhookView>), ApiError> {
    let caller = auth.require(Permission::ManageWebhooks)?;
    let webhook = WebhookSpec {
        url: new.url,
        secret: new.secret,
        format: new.format,
        events: new.events,
    }
    .validate(OffsetDateTime::now_utc())?;
    persist::add(state.store(), caller.tenant(), &webhook).await?;
    tracing::info!(tenant = %caller.tenant(), webhook = %webhook.id, by = caller.subject(), "webhook added");
    Ok((StatusCode::CREATED, axum::Json(webhook.into())))
}

/// `DELETE /v1/webhooks/{webhook_id}`: removes a webhook and answers it.
#[utoipa::path(delete, path = "/v1/webhooks/{webhook_id}", tag = "webhooks",
    params(("webhook_id" = String, Path, description = "The webhook id")),
    responses((status = 200, description = "The removed webhook, secret masked", body = WebhookView)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path(webhook_id): Path<String>,
) -> Result<axum::Json<WebhookView>, ApiError> {
    let caller = auth.require(Permission::ManageWebhooks)?;
    let webhook = persist::remove(state.store(), caller.tenant(), &webhook_id).await?;
    tracing::info!(tenant = %caller.tenant(), webhook = %webhook.id, by = caller.subject(), "webhook removed");
    Ok(axum::Json(webhook.into()))
}
