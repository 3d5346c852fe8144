//! Scans: list, read (with progress counters and error summary), start, and their reports.

use crate::auth::Auth;
use crate::extract::{Json, Path, Query};
use crate::paging::PageQuery;
use crate::{ApiError, AppState, LaunchError, PageBody, ScanStart};
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use lgp_store::{Scan, ScanStatus, ScanUpdate};
use lgp_tenant::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// `GET /v1/scans`: the tenant's scans, newest first.
#[utoipa::path(get, path = "/v1/scans", tag = "scans", params(PageQuery),
    responses((status = 200, description = "A page of scans, newest first", body = PageBody<serde_json::Value>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<PageBody<Scan>>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    let page = state
        .store()
        .list_scans(caller.tenant(), &query.page()?)
        .await?;
    Ok(axum::Json(page.into()))
}

/// `GET /v1/scans/{scan_id}`: one scan, with its progress counters and error counts.
#[utoipa::path(get, path = "/v1/scans/{scan_id}", tag = "scans",
    params(("scan_id" = String, Path, description = "The scan id")),
    responses((status = 200, description = "The scan: status, counters, errors by category", body = Object)))]
pub(crate) async fn get(
    State(state): State<AppState>,
    auth: Auth,
    Path(scan_id): Path<String>,
) -> Result<axum::Json<Scan>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    Ok(axum::Json(
        state.store().get_scan(caller.tenant(), &scan_id).await?,
    ))
}

/// The answer to a started scan.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct ScanAccepted {
    /// The new scan's id; follow it at `/v1/scans/{scan_id}` or on the WebSocket.
    pub scan_id: String,
}

/// `POST /v1/scans`: starts a scan of one of the tenant's accounts.
#[utoipa::path(post, path = "/v1/scans", tag = "scans", request_body = ScanStart,
    responses(
        (status = 202, description = "The scan started", body = ScanAccepted,
            headers(("location" = String, description = "The scan's URL"))),
        (status = 422, description = "A body of the wrong shape, an unknown account, or a request the platform cannot serve", body = crate::ErrorBody)))]
pub(crate) async fn start(
    State(state): State<AppState>,
    auth: Auth,
    Json(request): Json<ScanStart>,
) -> Result<Response, ApiError> {
    let caller = auth.require(Permission::Scan)?;
    request
        .check()
        .map_err(|reason| ApiError::unprocessable("invalid_body", reason))?;
    let scan_id = state
        .launcher()
        .start(caller.tenant(), request)
        .await
        .map_err(|err| match err {
            LaunchError::UnknownAccount(_) => {
                ApiError::unprocessable("unknown_account", err.to_string())
            }
            LaunchError::Rejected(reason) => ApiError::unprocessable("scan_rejected", reason),
            failed @ LaunchError::Failed(_) => ApiError::internal("cannot start a scan", failed),
        })?;
    tracing::info!(tenant = %caller.tenant(), %scan_id, "scan started");
    let location = HeaderValue::from_str(&format!("/v1/scans/{scan_id}"))
        .map_err(|err| ApiError::internal("the launcher returned an unusable scan id", err))?;
    Ok((
        StatusCode::ACCEPTED,
        [(header::LOCATION, location)],
        axum::Json(ScanAccepted { scan_id }),
    )
        .into_response())
}

/// `POST /v1/scans/{scan_id}/cancel`: stops a running scan. It is marked `cancelled` (so it never
/// completes, raises no report, and its collection stops where it runs); results already stored
/// stay.
#[utoipa::path(post, path = "/v1/scans/{scan_id}/cancel", tag = "scans",
    params(("scan_id" = String, Path, description = "The scan id")),
    responses(
        (status = 200, description = "The scan, now cancelled", body = Object),
        (status = 404, description = "No such scan for the tenant", body = crate::ErrorBody),
        (status = 409, description = "The scan is no longer running", body = crate::ErrorBody)))]
pub(crate) async fn cancel(
    State(state): State<AppState>,
    auth: Auth,
    Path(scan_id): Path<String>,
) -> Result<axum::Json<Scan>, ApiError> {
    let caller = auth.require(Permission::Scan)?;
    let scan = state.store().get_scan(caller.tenant(), &scan_id).await?;
    if !matches!(scan.status, ScanStatus::Pending | ScanStatus::Running) {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "scan_not_running",
            format!("the scan is {:?}, not running", scan.status).to_lowercase(),
        ));
    }
    let cancelled = state
        .store()
        .update_scan(
            caller.tenant(),
            &scan_id,
            &ScanUpdate {
                status: Some(ScanStatus::Cancelled),
                finished_at: Some(time::OffsetDateTime::now_utc()),
                ..ScanUpdate::default()
            },
        )
        .await?;
    state.launcher().cancel(caller.tenant(), &scan_id).await;
    tracing::info!(tenant = %caller.tenant(), %scan_id, "scan cancelled");
    Ok(axum::Json(cancelled))
}

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub(crate) enum ReportFormat {
    /// The JSON report.
    Json,
    /// One row per result.
    Csv,
    /// A page for people.
    Html,
    /// OCSF findings (JSON).
    Ocsf,
}

impl ReportFormat {
    fn name(self) -> &'static str {
        match self {
            ReportFormat::Json => "json",
            ReportFormat::Csv => "csv",
            ReportFormat::Html => "html",
            ReportFormat::Ocsf => "ocsf",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            ReportFormat::Json | ReportFormat::Ocsf => "application/json",
            ReportFormat::Csv => "text/csv; charset=utf-8",
            ReportFormat::Html => "text/html; charset=utf-8",
        }
    }
}

/// `GET /v1/scans/{scan_id}/reports/{format}`: a scan's rendered report.
#[utoipa::path(get, path = "/v1/scans/{scan_id}/reports/{format}", tag = "scans",
    params(("scan_id" = String, Path, description = "The scan id"),
        ("format" = ReportFormat, Path, description = "json, csv, html or ocsf")),
    responses((status = 200, description = "The report", content(
        (String = "application/json"), (String = "text/csv"), (String = "text/html")))))]
pub(crate) async fn report(
    State(state): State<AppState>,
    auth: Auth,
    Path((scan_id, format)): Path<(String, ReportFormat)>,
) -> Result<Response, ApiError> {
    let caller = auth.require(Permission::Read)?;
    // The scan first, so that another tenant's scan and a scan without this report answer
    // alike: 404, naming what is missing.
    state.store().get_scan(caller.tenant(), &scan_id).await?;
    let body = state
        .store()
        .get_report(caller.tenant(), &scan_id, format.name())
        .await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            HeaderValue::from_static(format.content_type()),
        )],
        body,
    )
        .into_response())
}
