//! What is checked, and how the checks cover the compliance frameworks.

use crate::auth::Auth;
use crate::extract::Query;
use crate::{ApiError, AppState, PageBody};
use axum::Json;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use lgp_model::{CheckMeta, Severity};
use lgp_tenant::Permission;
use serde::Deserialize;
use utoipa::IntoParams;

/// Which checks to list; filters combine.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct CheckQuery {
    /// Only checks of this AWS service (case-insensitive), e.g. `s3`.
    service: Option<String>,
    /// Only checks of this severity.
    #[param(value_type = Option<String>)]
    severity: Option<Severity>,
    /// Only checks that reference this framework, e.g. `cis-aws-3.0`.
    framework: Option<String>,
}

/// `GET /v1/checks`: every check that runs for the tenant (built-in and its uploaded plugins'), most severe first (one page).
#[utoipa::path(get, path = "/v1/checks", tag = "catalogue", params(CheckQuery),
    responses((status = 200, description = "Every matching check, most severe first; `next` is always null", body = PageBody<serde_json::Value>)))]
pub(crate) async fn checks(
    State(state): State<AppState>,
    auth: Auth,
    Query(query): Query<CheckQuery>,
) -> Result<Json<PageBody<CheckMeta>>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    if let Some(id) = &query.framework {
        state
            .catalogue()
            .framework(id)
            .map_err(|err| ApiError::bad_request("unknown_framework", err.to_string()))?;
    }
    let mut checks: Vec<CheckMeta> = state
        .checks_of(caller.tenant())
        .await?
        .iter()
        .filter(|c| {
            query
                .service
                .as_ref()
                .is_none_or(|s| c.service.eq_ignore_ascii_case(s))
        })
        .filter(|c| query.severity.is_none_or(|s| c.severity == s))
        .filter(|c| {
            query
                .framework
                .as_ref()
                .is_none_or(|f| c.references.iter().any(|r| r.framework == *f))
        })
        .cloned()
        .collect();
    checks.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    Ok(Json(PageBody::whole(checks)))
}

/// `GET /v1/frameworks`: every framework with each control's coverage by the checks (one page).
#[utoipa::path(get, path = "/v1/frameworks", tag = "catalogue",
    responses((status = 200, description = "Every framework with its controls' coverage; `next` is always null", body = PageBody<serde_json::Value>)))]
pub(crate) async fn frameworks(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<Response, ApiError> {
    let caller = auth.require(Permission::Read)?;
    let checks = state.checks_of(caller.tenant()).await?;
    let coverage = state.catalogue().coverage(&checks);
    // Serialized here: the coverage borrows the state's checks.
    Ok(Json(PageBody::whole(coverage)).into_response())
}
