//! Findings: the current result of each check on each resource, filtered and paged.

use crate::auth::Auth;
use crate::extract::{Path, Query};
use crate::{ApiError, AppState, PageBody, paging};
use axum::Json;
use axum::extract::State;
use lgp_events::TenantId;
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
    /// Only findings of checks that answer a control of this framework, e.g. `cis-aws-3.0`.
    framework: Option<String>,
    /// With `framework`: only checks that answer this control of it, e.g. `2.1.1`.
    control: Option<String>,
    /// Items per page, 1 to 1000 (default 100).
    limit: Option<u32>,
    /// The `next` of the previous page.
    cursor: Option<String>,
}

impl FindingQuery {
    fn filter(&self) -> ResultFilter {
        ResultFilter {
            status: self.status,
            severity: self.severity,
            check_id: self.check.clone(),
            resource_arn: self.resource.clone(),
            muted: self.muted,
            scan_id: self.scan.clone(),
        }
    }
}

/// The checks, ordered by id, that answer `framework` (and `control`, when given), narrowed to
/// `check` when that is given too. An unknown framework is a bad request.
async fn framework_checks(
    state: &AppState,
    tenant: &lgp_events::TenantId,
    framework: &str,
    control: Option<&str>,
    check: Option<&str>,
) -> Result<Vec<String>, ApiError> {
    state
        .catalogue()
        .framework(framework)
        .map_err(|e| ApiError::bad_request("unknown_framework", e.to_string()))?;
    let mut ids: Vec<String> = state
        .checks_of(tenant)
        .await?
        .iter()
        .filter(|c| check.is_none_or(|id| c.id == id))
        .filter(|c| {
            c.references
                .iter()
                .any(|r| r.framework == framework && control.is_none_or(|id| r.control == id))
        })
        .map(|c| c.id.clone())
        .collect();
    ids.sort();
    ids.dedup();
    Ok(ids)
}

/// Where a framework listing stands: the index of its current check and that check's own
/// cursor. Encoded `fw.<index>.<store cursor>` so a cursor of another listing is refused.
fn framework_cursor(cursor: Option<&str>) -> Result<(usize, Option<lgp_store::Cursor>), ApiError> {
    let Some(text) = cursor.filter(|c| !c.is_empty()) else {
        return Ok((0, None));
    };
    let bad = || ApiError::bad_request("bad_cursor", "the cursor was not issued by this listing");
    let rest = text.strip_prefix("fw.").ok_or_else(bad)?;
    let (index, inner) = rest.split_once('.').ok_or_else(bad)?;
    let index = index.parse().map_err(|_| bad())?;
    let inner = (!inner.is_empty()).then(|| lgp_store::Cursor(inner.to_owned()));
    Ok((index, inner))
}

/// One page of the findings of `checks`, in check order (the store's order): each check's
/// findings are read in turn until the page is full. The last page may come back empty when the
/// remaining checks have no findings.
async fn framework_page(
    state: &AppState,
    tenant: &TenantId,
    query: &FindingQuery,
    checks: &[String],
) -> Result<PageBody<ResultRecord>, ApiError> {
    let limit = paging::request(query.limit, None)?.limit as usize;
    let (mut index, mut inner) = framework_cursor(query.cursor.as_deref())?;
    let mut filter = query.filter();
    let mut items = Vec::new();
    while index < checks.len() && items.len() < limit {
        filter.check_id = Some(checks[index].clone());
        let page = lgp_store::PageRequest {
            limit: (limit - items.len()) as u32,
            cursor: inner.take(),
        };
        let found = state.store().list_results(tenant, &filter, &page).await?;
        items.extend(found.items);
        match found.next {
            Some(next) => inner = Some(next),
            None => index += 1,
        }
    }
    let next = (index < checks.len()).then(|| {
        let inner = inner.map(|lgp_store::Cursor(c)| c).unwrap_or_default();
        format!("fw.{index}.{inner}")
    });
    Ok(PageBody { items, next })
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
    if let Some(framework) = &query.framework {
        let checks = framework_checks(
            &state,
            caller.tenant(),
            framework,
            query.control.as_deref(),
            query.check.as_deref(),
        )
        .await?;
        return Ok(Json(
            framework_page(&state, caller.tenant(), &query, &checks).await?,
        ));
    }
    if query.control.is_some() {
        return Err(ApiError::bad_request(
            "invalid_query",
            "control is a control of a framework: name the framework too",
        ));
    }
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
