//! Alerts: list them, acknowledge one.

use crate::auth::Auth;
use crate::extract::{Path, Query};
use crate::{ApiError, AppState, PageBody, paging};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use lgp_pipeline::{ALERT_ACKNOWLEDGED, ALERT_OPEN, ALERT_RESOLVED, acknowledge_alert};
use lgp_store::{AlertRecord, StoreError};
use lgp_tenant::Permission;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::{IntoParams, ToSchema};

/// The state of an alert.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum AlertState {
    /// Needs attention.
    Open,
    /// Someone is on it.
    Acknowledged,
    /// Gone.
    Resolved,
}

impl AlertState {
    fn name(self) -> &'static str {
        match self {
            AlertState::Open => ALERT_OPEN,
            AlertState::Acknowledged => ALERT_ACKNOWLEDGED,
            AlertState::Resolved => ALERT_RESOLVED,
        }
    }
}

/// Which alerts to list.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct AlertQuery {
    /// Only alerts in this state.
    state: Option<AlertState>,
    /// Items per page, 1 to 1000 (default 100).
    limit: Option<u32>,
    /// The `next` of the previous page.
    cursor: Option<String>,
}

/// `GET /v1/alerts`: the tenant's alerts, most recently changed first.
#[utoipa::path(get, path = "/v1/alerts", tag = "alerts", params(AlertQuery),
    responses((status = 200, description = "A page of alerts, most recently changed first", body = PageBody<serde_json::Value>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(query): Query<AlertQuery>,
) -> Result<Json<PageBody<AlertRecord>>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    let page = paging::request(query.limit, query.cursor.as_deref())?;
    let found = state
        .store()
        .list_alerts(caller.tenant(), query.state.map(AlertState::name), &page)
        .await?;
    Ok(Json(found.into()))
}

/// `POST /v1/alerts/{alert_id}/acknowledge`: someone (the token's subject) is on it.
#[utoipa::path(post, path = "/v1/alerts/{alert_id}/acknowledge", tag = "alerts",
    params(("alert_id" = String, Path, description = "The alert id")),
    responses(
        (status = 200, description = "The acknowledged alert", body = Object),
        (status = 409, description = "The alert is resolved", body = crate::ErrorBody)))]
pub(crate) async fn acknowledge(
    State(state): State<AppState>,
    auth: Auth,
    Path(alert_id): Path<String>,
) -> Result<Json<AlertRecord>, ApiError> {
    let caller = auth.require(Permission::Acknowledge)?;
    let now = OffsetDateTime::now_utc();
    let alert = acknowledge_alert(
        state.store(),
        caller.tenant(),
        &alert_id,
        caller.subject(),
        now,
    )
    .await
    .map_err(|err| match err {
        // The only refusal of a present alert: it is resolved.
        StoreError::Invalid { field: "alert", .. } => {
            ApiError::new(StatusCode::CONFLICT, "alert_resolved", err.to_string())
        }
        other => other.into(),
    })?;
    tracing::info!(tenant = %caller.tenant(), %alert_id, by = caller.subject(), "alert acknowledged");
    Ok(Json(alert))
}
