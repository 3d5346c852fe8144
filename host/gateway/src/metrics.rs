//! The gateway's Prometheus metrics: HTTP requests by route template and status, requests
//! refused by the rate limit by tenant, WebSocket clients, events delivered to sockets, and why
//! sockets were closed.
//!
//! Each gateway keeps its own registry (prometheus-client has no global state), so several
//! gateways in one process, as in the tests, count apart.

use crate::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use lgp_events::TenantId;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::time::Instant;

/// The route label of a request that matched no route: one value for every unknown path, so
/// scanners probing random paths cannot blow up the label set.
const UNMATCHED: &str = "unmatched";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    method: String,
    route: String,
}

/// A tenant's label: tenants are the platform's own, so their number is bounded.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct TenantLabels {
    tenant: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: &'static str,
}

/// Why a WebSocket connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Disconnect {
    /// The client closed it or went away.
    Client,
    /// The client did not keep up with its events and was dropped.
    Slow,
    /// The client did not answer a ping before the next one.
    Heartbeat,
    /// The server is shutting down.
    Shutdown,
    /// The bus ended the tenant's live stream.
    StreamEnded,
}

impl Disconnect {
    fn label(self) -> &'static str {
        match self {
            Disconnect::Client => "client",
            Disconnect::Slow => "slow",
            Disconnect::Heartbeat => "heartbeat",
            Disconnect::Shutdown => "shutdown",
            Disconnect::StreamEnded => "stream_ended",
        }
    }
}

type HistogramFamily = Family<RouteLabels, Histogram, fn() -> Histogram>;

/// The gateway's metrics and their registry.
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: HistogramFamily,
    rate_limited: Family<TenantLabels, Counter>,
    ws_clients: Gauge,
    ws_delivered: Counter,
    ws_disconnects: Family<ReasonLabels, Counter>,
}

/// Request duration buckets: 1 ms doubling to about 16 s, covering a cached listing to a slow
/// report download.
fn duration_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.001, 2.0, 15))
}

impl Metrics {
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("lgp");
        let requests = Family::<RequestLabels, Counter>::default();
        let durations: HistogramFamily = Family::new_with_constructor(duration_histogram);
        let rate_limited = Family::<TenantLabels, Counter>::default();
        let ws_clients = Gauge::default();
        let ws_delivered = Counter::default();
        let ws_disconnects = Family::<ReasonLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by method, route template and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "Time to answer HTTP requests, by method and route template",
            durations.clone(),
        );
        registry.register(
            "http_rate_limited",
            "Requests refused because their tenant's rate limit was spent, by tenant",
            rate_limited.clone(),
        );
        registry.register(
            "ws_clients",
            "WebSocket clients connected now",
            ws_clients.clone(),
        );
        registry.register(
            "ws_events_delivered",
            "Events queued to WebSocket clients",
            ws_delivered.clone(),
        );
        registry.register(
            "ws_disconnects",
            "WebSocket connections ended, by reason",
            ws_disconnects.clone(),
        );
        Metrics {
            registry,
            requests,
            durations,
            rate_limited,
            ws_clients,
            ws_delivered,
            ws_disconnects,
        }
    }

    /// Counts a request of `tenant` refused by its rate limit.
    pub(crate) fn rate_limited(&self, tenant: &TenantId) {
        self.rate_limited
            .get_or_create(&TenantLabels {
                tenant: tenant.as_str().to_owned(),
            })
            .inc();
    }

    /// Counts a WebSocket client in until the returned guard is dropped.
    pub(crate) fn ws_client(&self) -> ClientGuard {
        self.ws_clients.inc();
        ClientGuard(self.ws_clients.clone())
    }

    /// Counts an event handed to a socket.
    pub(crate) fn ws_delivered(&self) {
        self.ws_delivered.inc();
    }

    /// Counts a connection's end.
    pub(crate) fn ws_disconnected(&self, reason: Disconnect) {
        self.ws_disconnects
            .get_or_create(&ReasonLabels {
                reason: reason.label(),
            })
            .inc();
    }

    fn render(&self) -> Result<String, std::fmt::Error> {
        let mut text = String::new();
        prometheus_text::encode(&mut text, &self.registry)?;
        Ok(text)
    }
}

/// Keeps a WebSocket client counted in the clients gauge while it lives.
pub(crate) struct ClientGuard(Gauge);

impl Drop for ClientGuard {
    fn drop(&mut self) {
        self.0.dec();
    }
}

/// Counts and times every request by its route template.
pub(crate) async fn track(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = request.method().as_str().to_owned();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
        .to_owned();
    let response = next.run(request).await;
    let metrics = state.metrics();
    metrics
        .durations
        .get_or_create(&RouteLabels {
            method: method.clone(),
            route: route.clone(),
        })
        .observe(started.elapsed().as_secs_f64());
    metrics
        .requests
        .get_or_create(&RequestLabels {
            method,
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}

/// `GET /metrics`: the Prometheus text exposition (version 0.0.4).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Prometheus text exposition", content_type = "text/plain", body = String)))]
pub(crate) async fn metrics(State(state): State<AppState>) -> Response {
    match state.metrics().render() {
        Ok(text) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static(prometheus_text::CONTENT_TYPE),
            )],
            text,
        )
            .into_response(),
        Err(err) => crate::ApiError::internal("cannot render metrics", err).into_response(),
    }
}
