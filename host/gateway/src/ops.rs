//! Liveness and readiness for orchestrators.

use crate::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use lgp_bus::BusError;
use lgp_store::PageRequest;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::ToSchema;

/// A consumer group no one creates: asking the bus for its counters is a cheap round trip that
/// answers "unknown group" when the bus is reachable.
const PROBE_GROUP: &str = "lgp-gateway:readiness-probe";

/// The answer of `/healthz` and `/readyz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// `ok`, or `unavailable` when a dependency failed.
    pub status: String,
    /// Each dependency checked (`store`, `bus`): `ok`, or why it failed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub checks: BTreeMap<String, String>,
}

/// `GET /healthz`: the process is serving.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Serving", body = Health)))]
pub(crate) async fn healthz() -> Json<Health> {
    Json(Health {
        status: "ok".into(),
        checks: BTreeMap::new(),
    })
}

/// `GET /readyz`: the store and the bus answer.
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "Store and bus reachable", body = Health),
        (status = 503, description = "A dependency failed; `checks` says which", body = Health)))]
pub(crate) async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let deadline = state.config().readiness_timeout;
    let store = async {
        state
            .store()
            .list_tenants(&PageRequest::first(1))
            .await
            .map(|_| ())
            .map_err(|err| err.to_string())
    };
    let bus = async {
        match state.bus().stats(PROBE_GROUP).await {
            Ok(_) | Err(BusError::UnknownGroup(_)) => Ok(()),
            Err(err) => Err(err.to_string()),
        }
    };
    let (store, bus) = tokio::join!(
        tokio::time::timeout(deadline, store),
        tokio::time::timeout(deadline, bus)
    );
    let mut checks = BTreeMap::new();
    let mut ready = true;
    for (name, outcome) in [("store", store), ("bus", bus)] {
        let verdict = match outcome {
            Ok(Ok(())) => "ok".to_owned(),
            Ok(Err(err)) => {
                tracing::warn!(dependency = name, "not ready: {err}");
                "unreachable".to_owned()
            }
            Err(_) => {
                tracing::warn!(dependency = name, ?deadline, "not ready: no answer in time");
                "timed out".to_owned()
            }
        };
        ready &= verdict == "ok";
        checks.insert(name.to_owned(), verdict);
    }
    let (status, word) = if ready {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "unavailable")
    };
    (
        status,
        Json(Health {
            status: word.into(),
            checks,
        }),
    )
}
