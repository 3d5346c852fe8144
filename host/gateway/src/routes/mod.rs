//! The REST API under `/v1`, one module per resource.

pub(crate) mod accounts;
pub(crate) mod alerts;
pub(crate) mod catalogue;
pub(crate) mod events;
pub(crate) mod findings;
pub(crate) mod inventory;
pub(crate) mod mutes;
pub(crate) mod plugins;
pub(crate) mod scans;
pub(crate) mod tenants;
pub(crate) mod webhooks;

use crate::AppState;
use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::routing::{delete, get, post, put};

/// Every `/v1` route; uploads take bodies up to `upload_limit` bytes.
pub(crate) fn v1(upload_limit: usize) -> Router<AppState> {
    Router::new()
        .route("/v1/scans", get(scans::list).post(scans::start))
        .route("/v1/scans/{scan_id}", get(scans::get))
        .route("/v1/scans/{scan_id}/cancel", post(scans::cancel))
        .route("/v1/scans/{scan_id}/reports/{format}", get(scans::report))
        .route("/v1/findings", get(findings::list))
        .route("/v1/findings/{result_id}", get(findings::get))
        .route("/v1/inventory", get(inventory::list))
        .route("/v1/checks", get(catalogue::checks))
        .route("/v1/frameworks", get(catalogue::frameworks))
        .route("/v1/alerts", get(alerts::list))
        .route(
            "/v1/alerts/{alert_id}/acknowledge",
            post(alerts::acknowledge),
        )
        .route("/v1/events", get(events::list))
        .route("/v1/mutes", get(mutes::list).post(mutes::add))
        .route("/v1/mutes/{rule_id}", delete(mutes::remove))
        .route("/v1/webhooks", get(webhooks::list).post(webhooks::add))
        .route("/v1/webhooks/{webhook_id}", delete(webhooks::remove))
        .route(
            "/v1/plugins",
            get(plugins::list).post(plugins::upload.layer(DefaultBodyLimit::max(upload_limit))),
        )
        .route(
            "/v1/plugins/{name}/{version}",
            get(plugins::get)
                .patch(plugins::change)
                .delete(plugins::remove),
        )
        .route("/v1/accounts", get(accounts::list))
        .route("/v1/accounts/{account_id}", put(accounts::put))
        .route("/v1/tenants", get(tenants::list))
        .route("/v1/tenants/{tenant_id}", put(tenants::put))
}
