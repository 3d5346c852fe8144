//! The current inventory, filtered and paged.

use crate::auth::Auth;
use crate::extract::Query;
use crate::{ApiError, AppState, PageBody, paging};
use axum::Json;
use axum::extract::State;
use lgp_model::Resource;
use lgp_store::InventoryFilter;
use lgp_tenant::Permission;
use serde::Deserialize;
use utoipa::IntoParams;

/// Which resources to list; filters combine.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct InventoryQuery {
    /// Only this kind, e.g. `aws:s3:bucket`.
    kind: Option<String>,
    /// Only this region.
    region: Option<String>,
    /// Only resources with this tag: `key`, or `key=value` for a value too.
    tag: Option<String>,
    /// Items per page, 1 to 1000 (default 100).
    limit: Option<u32>,
    /// The `next` of the previous page.
    cursor: Option<String>,
}

impl InventoryQuery {
    fn filter(self) -> Result<InventoryFilter, ApiError> {
        let tag = match self.tag {
            None => None,
            Some(tag) => {
                let (key, value) = match tag.split_once('=') {
                    Some((key, value)) => (key.to_owned(), Some(value.to_owned())),
                    None => (tag, None),
                };
                if key.is_empty() {
                    return Err(ApiError::bad_request(
                        "invalid_query",
                        "tag must be `key` or `key=value` with a non-empty key",
                    ));
                }
                Some((key, value))
            }
        };
        Ok(InventoryFilter {
            kind: self.kind,
            region: self.region,
            tag,
        })
    }
}

/// `GET /v1/inventory`: the tenant's current resources, by ARN.
#[utoipa::path(get, path = "/v1/inventory", tag = "inventory", params(InventoryQuery),
    responses((status = 200, description = "A page of resources, by ARN", body = PageBody<serde_json::Value>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(query): Query<InventoryQuery>,
) -> Result<Json<PageBody<Resource>>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    let page = paging::request(query.limit, query.cursor.as_deref())?;
    let filter = query.filter()?;
    let found = state
        .store()
        .list_inventory(caller.tenant(), &filter, &page)
        .await?;
    Ok(Json(found.into()))
}
