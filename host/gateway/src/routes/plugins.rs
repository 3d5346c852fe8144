//! The tenant's own rule plugins: upload a component (`application/wasm`), list the stored
//! versions, enable or disable one, delete one. Validation and the capped compile run off the
//! serving path (in a child process, one upload at a time); a change takes effect from the
//! tenant's next scan.

use crate::auth::Auth;
use crate::extract::{Body, Json, Path, Query};
use crate::{ApiError, AppState, PageBody};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use lgp_registry::{InstallError, Refusal, Registry, TenantPlugin, Upload};
use lgp_tenant::Permission;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};

/// The media type of an upload.
const WASM: &str = "application/wasm";

/// The name and version the uploader expects the component to describe itself with.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct UploadQuery {
    /// The plugin's name (default: the component's own); must match the component's.
    name: Option<String>,
    /// Its semantic version (default: the component's own); must match the component's.
    version: Option<String>,
}

/// What `PATCH /v1/plugins/{name}/{version}` changes.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PluginChange {
    /// Whether the version may run (the highest enabled version of a name is the one that does).
    enabled: bool,
}

impl From<InstallError> for ApiError {
    fn from(err: InstallError) -> Self {
        let status = match err.refusal() {
            Refusal::Malformed => StatusCode::BAD_REQUEST,
            Refusal::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            Refusal::Unprocessable | Refusal::Quota => StatusCode::UNPROCESSABLE_ENTITY,
            Refusal::Conflict => StatusCode::CONFLICT,
            Refusal::Internal => return ApiError::internal("installing a plugin failed", err),
        };
        ApiError::new(status, err.code(), err.to_string())
    }
}

fn registry(state: &AppState) -> Result<&Registry, ApiError> {
    state.plugins().ok_or_else(|| {
        ApiError::new(
            StatusCode::NOT_IMPLEMENTED,
            "plugins_unavailable",
            "this server does not take plugin uploads",
        )
    })
}

/// `POST /v1/plugins`: uploads a rule plugin component, validates it as `lgp plugin validate`
/// does, and stores it enabled. Answers the stored version with its checks (201), or the
/// existing one when the same bytes were already uploaded under this name and version (200).
#[utoipa::path(post, path = "/v1/plugins", tag = "plugins", params(UploadQuery),
    request_body(content = Vec<u8>, content_type = "application/wasm", description = "The WebAssembly component"),
    responses((status = 201, description = "Stored, enabled; the verdict with the plugin's checks", body = Object),
        (status = 200, description = "These bytes were already stored under this name and version", body = Object),
        (status = 400, description = "Not WebAssembly", body = crate::ErrorBody),
        (status = 409, description = "The version exists with other bytes, or a check id is taken", body = crate::ErrorBody),
        (status = 413, description = "Over the size limit", body = crate::ErrorBody),
        (status = 415, description = "Not `application/wasm`", body = crate::ErrorBody),
        (status = 422, description = "A component that cannot be accepted (core module, forbidden import, not a rule, fails to compile or describe) or over the tenant's quota; the message names the problem", body = crate::ErrorBody)))]
pub(crate) async fn upload(
    State(state): State<AppState>,
    auth: Auth,
    Query(query): Query<UploadQuery>,
    headers: HeaderMap,
    Body(body): Body,
) -> Result<(StatusCode, axum::Json<TenantPlugin>), ApiError> {
    let caller = auth.require(Permission::ManagePlugins)?;
    let registry = registry(&state)?;
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if !media.eq_ignore_ascii_case(WASM) {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            format!("upload the component as {WASM}"),
        ));
    }
    let installed = registry
        .install(
            caller.tenant(),
            Upload {
                name: query.name,
                version: query.version,
                bytes: body.to_vec(),
            },
        )
        .await?;
    let status = if installed.created {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    };
    Ok((status, axum::Json(installed.plugin)))
}

/// `GET /v1/plugins`: every stored version of the tenant's plugins, by name then version, each
/// with its checks and whether it is the active one.
#[utoipa::path(get, path = "/v1/plugins", tag = "plugins",
    responses((status = 200, description = "Every stored version; `next` is always null", body = PageBody<serde_json::Value>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<PageBody<TenantPlugin>>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    let plugins = registry(&state)?.list(caller.tenant()).await?;
    Ok(axum::Json(PageBody::whole(plugins)))
}

/// `GET /v1/plugins/{name}/{version}`: one stored version.
#[utoipa::path(get, path = "/v1/plugins/{name}/{version}", tag = "plugins",
    params(("name" = String, Path, description = "Plugin name"), ("version" = String, Path, description = "Version")),
    responses((status = 200, description = "The version", body = Object),
        (status = 404, description = "The tenant has no such version", body = crate::ErrorBody)))]
pub(crate) async fn get(
    State(state): State<AppState>,
    auth: Auth,
    Path((name, version)): Path<(String, String)>,
) -> Result<axum::Json<TenantPlugin>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    let plugin = registry(&state)?
        .get(caller.tenant(), &name, &version)
        .await?;
    Ok(axum::Json(plugin))
}

/// `PATCH /v1/plugins/{name}/{version}`: enables or disables a version, from the next scan on.
#[utoipa::path(patch, path = "/v1/plugins/{name}/{version}", tag = "plugins",
    params(("name" = String, Path, description = "Plugin name"), ("version" = String, Path, description = "Version")),
    request_body = PluginChange,
    responses((status = 200, description = "The version as it now is", body = Object),
        (status = 404, description = "The tenant has no such version", body = crate::ErrorBody)))]
pub(crate) async fn change(
    State(state): State<AppState>,
    auth: Auth,
    Path((name, version)): Path<(String, String)>,
    Json(change): Json<PluginChange>,
) -> Result<axum::Json<TenantPlugin>, ApiError> {
    let caller = auth.require(Permission::ManagePlugins)?;
    let plugin = registry(&state)?
        .set_enabled(caller.tenant(), &name, &version, change.enabled)
        .await?;
    tracing::info!(tenant = %caller.tenant(), plugin = %name, %version, enabled = change.enabled, by = caller.subject(), "plugin switched");
    Ok(axum::Json(plugin))
}

/// `DELETE /v1/plugins/{name}/{version}`: deletes a version.
#[utoipa::path(delete, path = "/v1/plugins/{name}/{version}", tag = "plugins",
    params(("name" = String, Path, description = "Plugin name"), ("version" = String, Path, description = "Version")),
    responses((status = 204, description = "Deleted"),
        (status = 404, description = "The tenant has no such version", body = crate::ErrorBody)))]
pub(crate) async fn remove(
    State(state): State<AppState>,
    auth: Auth,
    Path((name, version)): Path<(String, String)>,
) -> Result<StatusCode, ApiError> {
    let caller = auth.require(Permission::ManagePlugins)?;
    registry(&state)?
        .delete(caller.tenant(), &name, &version)
        .await?;
    tracing::info!(tenant = %caller.tenant(), plugin = %name, %version, by = caller.subject(), "plugin deleted");
    Ok(StatusCode::NO_CONTENT)
}
