//! What every handler shares: the platform's parts, the metrics, the tenants' rate limits, and
//! the shutdown signal.

use crate::metrics::Metrics;
use crate::rate_limit::RateLimits;
use crate::{GatewayConfig, ScanLauncher};
use lgp_bus::Bus;
use lgp_crypto::TenantCipher;
use lgp_frameworks::Catalogue;
use lgp_model::CheckMeta;
use lgp_pipeline::TenantChecks;
use lgp_registry::Registry;
use lgp_store::Store;
use lgp_tenant::Verifier;
use std::sync::Arc;
use tokio::sync::watch;

/// The parts a gateway is built from.
pub struct Gateway {
    /// Where every tenant's data is.
    pub store: Arc<dyn Store>,
    /// Where events are published; its live streams feed the WebSockets.
    pub bus: Arc<dyn Bus>,
    /// Verifies bearer tokens.
    pub verifier: Verifier,
    /// Opens the sealed events of the audit trail.
    pub cipher: TenantCipher,
    /// The checks that run for each tenant.
    pub checks: TenantChecks,
    /// Tenants' uploaded plugins; `None`: this server takes no uploads (501).
    pub plugins: Option<Registry>,
    /// The compliance frameworks (usually [`Catalogue::builtin`]).
    pub catalogue: &'static Catalogue,
    /// Starts scans.
    pub launcher: Arc<dyn ScanLauncher>,
    /// How to serve.
    pub config: GatewayConfig,
}

impl Gateway {
    /// The state the router serves from.
    pub fn into_state(self) -> AppState {
        let (shutdown, _) = watch::channel(false);
        AppState(Arc::new(Inner {
            rate_limits: RateLimits::new(&self.config),
            parts: self,
            metrics: Metrics::new(),
            shutdown,
        }))
    }
}

/// The gateway's shared state. Cheap to clone.
#[derive(Clone)]
pub struct AppState(Arc<Inner>);

struct Inner {
    parts: Gateway,
    metrics: Metrics,
    rate_limits: RateLimits,
    shutdown: watch::Sender<bool>,
}

impl AppState {
    pub(crate) fn store(&self) -> &dyn Store {
        self.0.parts.store.as_ref()
    }

    pub(crate) fn bus(&self) -> &dyn Bus {
        self.0.parts.bus.as_ref()
    }

    pub(crate) fn verifier(&self) -> &Verifier {
        &self.0.parts.verifier
    }

    pub(crate) fn cipher(&self) -> &TenantCipher {
        &self.0.parts.cipher
    }

    /// The checks that run for `tenant`.
    pub(crate) async fn checks_of(
        &self,
        tenant: &lgp_events::TenantId,
    ) -> Result<std::sync::Arc<[CheckMeta]>, crate::ApiError> {
        Ok(self.0.parts.checks.of(tenant).await?)
    }

    pub(crate) fn plugins(&self) -> Option<&Registry> {
        self.0.parts.plugins.as_ref()
    }

    /// The largest body `POST /v1/plugins` reads.
    pub(crate) fn upload_limit(&self) -> usize {
        self.0
            .parts
            .plugins
            .as_ref()
            .map_or(self.0.parts.config.body_limit, |r| {
                r.limits().max_component_bytes
            })
    }

    pub(crate) fn catalogue(&self) -> &'static Catalogue {
        self.0.parts.catalogue
    }

    pub(crate) fn launcher(&self) -> &dyn ScanLauncher {
        self.0.parts.launcher.as_ref()
    }

    pub(crate) fn config(&self) -> &GatewayConfig {
        &self.0.parts.config
    }

    pub(crate) fn metrics(&self) -> &Metrics {
        &self.0.metrics
    }

    pub(crate) fn rate_limits(&self) -> &RateLimits {
        &self.0.rate_limits
    }

    /// Tells long-lived connections (WebSockets) that the server is shutting down.
    pub fn begin_shutdown(&self) {
        self.0.shutdown.send_replace(true);
    }

    /// Resolves when [`begin_shutdown`](Self::begin_shutdown) is called (at once if it was).
    pub(crate) fn shutdown_signal(&self) -> impl Future<Output = ()> + Send + 'static {
        let mut rx = self.0.shutdown.subscribe();
        async move {
            // An error means the sender is gone, which is a shutdown too.
            let _ = rx.wait_for(|down| *down).await;
        }
    }
}
