//! The audit trail: the tenant's events as they were published, opened from their sealed form.

use crate::auth::Auth;
use crate::extract::Query;
use crate::{ApiError, AppState, PageBody, paging};
use axum::Json;
use axum::extract::State;
use lgp_events::{EventType, TenantId};
use lgp_store::{EventFilter, StoredEvent};
use lgp_tenant::Permission;
use serde::Deserialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::IntoParams;

/// Which events to list; filters combine.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct EventQuery {
    /// Only this event type, e.g. `compliance.violation`.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<String>)]
    event_type: Option<EventType>,
    /// Only events of this scan.
    scan: Option<String>,
    /// Only events at or after this time (RFC 3339).
    since: Option<String>,
    /// Items per page, 1 to 1000 (default 100).
    limit: Option<u32>,
    /// The `next` of the previous page.
    cursor: Option<String>,
}

impl EventQuery {
    fn filter(self) -> Result<EventFilter, ApiError> {
        let since = self
            .since
            .map(|s| {
                OffsetDateTime::parse(&s, &Rfc3339).map_err(|_| {
                    ApiError::bad_request(
                        "invalid_query",
                        "since must be an RFC 3339 time, e.g. 2026-11-30T08:00:00Z",
                    )
                })
            })
            .transpose()?;
        Ok(EventFilter {
            event_type: self.event_type,
            correlation_id: self.scan,
            since,
        })
    }
}

/// `GET /v1/events`: the tenant's audit trail, oldest first.
#[utoipa::path(get, path = "/v1/events", tag = "events", params(EventQuery),
    responses((status = 200, description = "A page of event envelopes, oldest first", body = PageBody<serde_json::Value>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
    Query(query): Query<EventQuery>,
) -> Result<Json<PageBody<serde_json::Value>>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    let page = paging::request(query.limit, query.cursor.as_deref())?;
    let found = state
        .store()
        .list_events(caller.tenant(), &query.filter()?, &page)
        .await?;
    let items = found
        .items
        .iter()
        .map(|stored| open(&state, caller.tenant(), stored))
        .collect::<Result<_, _>>()?;
    Ok(Json(PageBody {
        items,
        next: found.next.map(|c| c.0),
    }))
}

/// The envelope of a stored event, opened with the tenant's key (bound to the event id, as the
/// pipeline's audit consumer sealed it).
fn open(
    state: &AppState,
    tenant: &TenantId,
    stored: &StoredEvent,
) -> Result<serde_json::Value, ApiError> {
    let id = stored.event_id.to_string();
    let plain = state
        .cipher()
        .open(tenant, id.as_bytes(), &stored.sealed)
        .map_err(|err| ApiError::internal(&format!("cannot open stored event {id}"), err))?;
    serde_json::from_slice(&plain)
        .map_err(|err| ApiError::internal(&format!("stored event {id} is not JSON"), err))
}
