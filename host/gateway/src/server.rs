//! The router with its layers, and serving it until shutdown.

use crate::error::{self, REQUEST_ID};
use crate::{AppState, metrics, openapi, ops, routes, ws};
use axum::Router;
use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use tokio::net::TcpListener;
use tower::ServiceBuilder;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Level;

/// Request ids for requests that come without one: ULIDs, unique and sortable by time.
#[derive(Debug, Clone, Copy)]
struct MakeUlid;

impl MakeRequestId for MakeUlid {
    fn make_request_id<B>(&mut self, _request: &axum::http::Request<B>) -> Option<RequestId> {
        HeaderValue::from_str(&ulid::Ulid::new().to_string())
            .ok()
            .map(RequestId::new)
    }
}

/// The access log's span: method, path (never the query, which may hold a token), request id,
/// and the tenant once the token is verified.
fn request_span(request: &Request) -> tracing::Span {
    let id = request
        .headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    tracing::info_span!(
        "request",
        method = %request.method(),
        path = %request.uri().path(),
        request_id = %id,
        tenant = tracing::field::Empty,
    )
}

/// Every route of the gateway with its layers: request ids (taken from `x-request-id` or
/// generated, and echoed back), access logs, metrics, the JSON error shape, and the body size
/// limit.
pub fn router(state: &AppState) -> Router {
    let request_id = HeaderName::from_static(REQUEST_ID);
    let layers = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(request_id.clone(), MakeUlid))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(Level::INFO)),
        )
        .layer(PropagateRequestIdLayer::new(request_id))
        .layer(from_fn_with_state(state.clone(), metrics::track))
        .layer(from_fn(error::render))
        .layer(DefaultBodyLimit::max(state.config().body_limit));
    routes::v1(state.upload_limit())
        .route("/ws/{tenant_id}", get(ws::socket))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/openapi.json", get(openapi::document))
        .fallback(error::no_route)
        .layer(layers)
        .with_state(state.clone())
}

/// Serves the gateway on `listener` until `shutdown` resolves, then stops accepting, closes the
/// WebSockets (1001, going away) and waits for requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(&state);
    axum::serve(listener, app)
        .with_graceful_shutdown(async move {
            shutdown.await;
            tracing::info!("shutting down: no new connections; closing websockets");
            state.begin_shutdown();
        })
        .await
}
