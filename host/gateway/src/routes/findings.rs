//! Findings: the current result of each check on each resource, filtered and paged.

use crate::auth::Auth;
use crate::extract::{Path, Query};
use crate::{ApiError, AppState, PageBody, paging};
use axum::Json;
use axum::extract::State;
use lgp_model::{Severity, Status};
use lgp_store::{ResultFilter, ResultRecord};
use lgp_tenant::Permission;
use serde::Deserialize;
use utoipa::IntoParams;

/// Which findings to list; filters combine.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct FindingQuery {
    /// Only this status: `pass`, `fail`, `error` or `manual`.
    #[param(value_type = Option<String>)]
    status: Option<Status>,
    /// Only this severity: `informational`, `low`, `medium`, `high` or `critical`.
    #[param(value_type = Option<String>)]
    severity: Option<Severity>,
    /// Only this check id.
    check: Option<String>,
    /// Only this resource ARN.
    resource: Option<String>,
    /// Only muted (`true`) or unmuted (`false`) findings.
    muted: Option<bool>,
    /// Only findings last seen by this scan.
    scan: Option<String>,
    /// Items per page, 1 to 1000 (default 100).
    limit: Option<u32>,
    /// The `next` of the previous page.
    cursor: Option<String>,
}

impl FindingQuery {
    fn filter(self) -> ResultFilter {
        ResultFilter {
            status: self.status,
            severity: self.severity,
            check_id: self.check,
            resource_arn: self.resource,
            muted: self.muted,
            scan_id: self.scan,
        }
    }
}

/// `GET /v1/findings`: the tenant's findings, by check then resource.
#[utoipa::path(get, path = "/v1/findings", tag = "findings", params(FindingQuery),
    responses((status = 200, description = "A page of findings, by check then resource", body = PageBody<serde_json::Value>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(query): Query<FindingQuery>,
) -> Result<Json<PageBody<ResultRecord>>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    let page = paging::request(query.limit, query.cursor.as_deref())?;
    let found = state
        .store()
        .list_results(caller.tenant(), &query.filter(), &page)
        .await?;
    Ok(Json(found.into()))
}

/// `GET /v1/findings/{result_id}`: one finding with its status history.
#[utoipa::path(get, path = "/v1/findings/{result_id}", tag = "findings",
    params(("result_id" = String, Path, description = "The finding's id")),
    responses((status = 200, description = "The finding, with its history", body = Object)))]
pub(crate) async fn get(
    State(state): State<AppState>,
    auth: Auth,
    Path(result_id): Path<String>,
) -> Result<Json<ResultRecord>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    Ok(Json(
        state
            .store()
            .get_result(caller.tenant(), &result_id)
            .await?,
    ))
}
