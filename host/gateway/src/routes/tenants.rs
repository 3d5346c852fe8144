//! The platform's tenants, for its operators (platform-admin): the only routes that reach
//! beyond the token's own tenant, by design.

use crate::auth::Auth;
use crate::extract::{Json, Path, Query};
use crate::paging::PageQuery;
use crate::{ApiError, AppState, PageBody};
use axum::extract::State;
use lgp_events::TenantId;
use lgp_store::{StoreError, Tenant};
use lgp_tenant::Permission;
use serde::Deserialize;
use time::OffsetDateTime;
use utoipa::ToSchema;

/// A tenant's settings.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct TenantSpec {
    /// Display name.
    name: String,
}

/// Longest display name kept.
const MAX_NAME: usize = 200;

/// `GET /v1/tenants`: every tenant of the platform.
#[utoipa::path(get, path = "/v1/tenants", tag = "tenants", params(PageQuery),
    responses((status = 200, description = "A page of tenants", body = PageBody<serde_json::Value>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(query): Query<PageQuery>,
) -> Result<axum::Json<PageBody<Tenant>>, ApiError> {
    auth.require(Permission::ManageTenants)?;
    let page = state.store().list_tenants(&query.page()?).await?;
    Ok(axum::Json(page.into()))
}

/// `PUT /v1/tenants/{tenant_id}`: creates a tenant, or renames it (its creation time stays).
#[utoipa::path(put, path = "/v1/tenants/{tenant_id}", tag = "tenants", request_body = TenantSpec,
    params(("tenant_id" = String, Path, description = "1-64 characters of a-z, 0-9, '-' and '_'")),
    responses((status = 200, description = "The tenant as stored", body = Object),
        (status = 422, description = "Invalid settings", body = crate::ErrorBody)))]
pub(crate) async fn put(
    State(state): State<AppState>,
    auth: Auth,
    Path(tenant_id): Path<String>,
    Json(spec): Json<TenantSpec>,
) -> Result<axum::Json<Tenant>, ApiError> {
    let caller = auth.require(Permission::ManageTenants)?;
    let id = TenantId::new(tenant_id)
        .map_err(|err| ApiError::bad_request("invalid_path", err.to_string()))?;
    let name = spec.name.trim().to_owned();
    if name.is_empty() || name.chars().count() > MAX_NAME {
        return Err(ApiError::unprocessable(
            "invalid_body",
            "name must be 1 to 200 characters",
        ));
    }
    let created_at = match state.store().get_tenant(&id).await {
        Ok(existing) => existing.created_at,
        Err(StoreError::NotFound { .. }) => OffsetDateTime::now_utc(),
        Err(err) => return Err(err.into()),
    };
    let tenant = Tenant {
        id,
        name,
        created_at,
    };
    state.store().put_tenant(&tenant).await?;
    tracing::info!(tenant = %tenant.id, by = caller.subject(), "tenant saved");
    Ok(axum::Json(tenant))
}
