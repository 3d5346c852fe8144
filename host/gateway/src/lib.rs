//! The API gateway of `lgp serve`: REST under `/v1`, each tenant's live events over WebSocket at
//! `/ws/{tenant_id}`, and the operations endpoints `/healthz`, `/readyz`, `/metrics` and
//! `/openapi.json` (docs/api.md describes the API).
//!
//! Every `/v1` request carries a bearer JWT; the tenant comes from its claims only, never from
//! the request, and its roles decide what it may do ([`lgp_tenant::Permission`]). Another
//! tenant's object is answered 404, never 403. Errors share one JSON shape with a stable machine
//! code and the request's id ([`ApiError`]); every request is traced and counted by route
//! template and status.
//!
//! The gateway is built from the platform's parts ([`Gateway`]): the store, the bus, the token
//! verifier, the tenant cipher (to open the audit trail), the checks and frameworks, and a
//! [`ScanLauncher`] that starts scans. It deliberately does not run scans, plugins or bus
//! consumers itself, or mint tokens. Tenants' plugin uploads go to the platform's
//! [`lgp_registry::Registry`], which validates and compiles them outside the serving process.
//!
//! Each tenant's authenticated requests are rate limited (one bucket per tenant, 429 with
//! `Retry-After` past it), and JSON bodies are capped in size (413 past it): see
//! [`GatewayConfig`].
//!
//! ```no_run
//! # async fn demo(gateway: lgp_gateway::Gateway) -> std::io::Result<()> {
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! let shutdown = async {
//!     let _ = tokio::signal::ctrl_c().await;
//! };
//! lgp_gateway::serve(listener, gateway.into_state(), shutdown).await
//! # }
//! ```

mod auth;
mod config;
mod error;
mod extract;
mod launcher;
mod metrics;
mod openapi;
mod ops;
mod paging;
mod rate_limit;
mod routes;
mod server;
mod state;
mod ws;

pub use config::{BadSetting, GatewayConfig};
pub use error::{ApiError, ErrorBody, ErrorDetail};
pub use launcher::{LaunchError, ScanLauncher, ScanStart};
pub use openapi::openapi;
pub use ops::Health;
pub use paging::{DEFAULT_LIMIT, PageBody};
pub use routes::scans::ScanAccepted;
pub use server::{router, serve};
pub use state::{AppState, Gateway};
pub use ws::{WS_PROTOCOL, WS_TOKEN_PROTOCOL_PREFIX};
