//! The embedded platform a one-shot command runs on: SQLite store (or DynamoDB when
//! `LGP_STORE=dynamodb`) and key in the data directory, the in-process bus (or Redis when
//! `LGP_REDIS_URL` is set), the plugin runtime with the built-ins, the registry of tenants'
//! uploaded plugins, and the router.

use crate::args::{Global, StoreKind};
use crate::host;
use anyhow::Context;
use lgp_bus::{Bus, InProcessBus, InProcessConfig, RetryPolicy};
use lgp_bus_redis::{RedisBus, RedisConfig};
use lgp_crypto::{MasterKey, TenantCipher};
use lgp_pipeline::{Router, RouterConfig, Scanner, Services, TenantChecks, TenantQuota};
use lgp_registry::{Registry, UploadLimits};
use lgp_runtime::Plugin;
use lgp_store::{SqliteStore, Store};
use lgp_store_dynamodb::{DynamoConfig, DynamoStore};
use std::sync::Arc;

/// Opens the configured store: the embedded one in the data directory (the default), or
/// DynamoDB with `LGP_STORE=dynamodb` (its tables made by `lgp store init`).
pub async fn open_store(global: &Global) -> anyhow::Result<Arc<dyn Store>> {
    Ok(match global.store {
        StoreKind::Sqlite => Arc::new(open_sqlite(global)?),
        StoreKind::Dynamodb => Arc::new(dynamo_store(global).await),
    })
}

/// The DynamoDB store of `LGP_DYNAMODB_ENDPOINT` and `LGP_TABLE_PREFIX`, on the default AWS
/// credentials and region.
pub async fn dynamo_store(global: &Global) -> DynamoStore {
    DynamoStore::connect(DynamoConfig {
        table_prefix: global.table_prefix.clone(),
        endpoint: global.dynamodb_endpoint.clone(),
        event_ttl_days: Some(global.event_retention_days),
        ..DynamoConfig::default()
    })
    .await
}

/// How long a one-shot command waits for the consumers to go idle before stopping them: the
/// reactions to a scan's last events take milliseconds; a stuck plugin must not hang the CLI.
const DRAIN_PATIENCE: std::time::Duration = std::time::Duration::from_secs(30);
/// How often the drain looks at the groups.
const DRAIN_POLL: std::time::Duration = std::time::Duration::from_millis(10);

/// Opens the embedded store in the data directory, creating both when missing.
pub fn open_sqlite(global: &Global) -> anyhow::Result<SqliteStore> {
    let dir = host::data_dir(global);
    std::fs::create_dir_all(&dir)
        .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
    let db = dir.join("lgp.db");
    SqliteStore::open(&db).with_context(|| format!("cannot open the store {}", db.display()))
}

/// The bus: Redis Streams when `LGP_REDIS_URL` is set (several processes share the work), the
/// in-process bus otherwise; with the retry policy its consumers must know.
pub async fn open_bus() -> anyhow::Result<(Arc<dyn Bus>, RetryPolicy)> {
    match std::env::var("LGP_REDIS_URL") {
        Ok(url) if !url.is_empty() => {
            let config = RedisConfig::new(url);
            let retry = config.retry;
            let bus = RedisBus::connect(config)
                .await
                .context("cannot reach the redis bus named by LGP_REDIS_URL")?;
            Ok((Arc::new(bus), retry))
        }
        _ => {
            let config = InProcessConfig::default();
            let retry = config.retry;
            Ok((Arc::new(InProcessBus::new(config)), retry))
        }
    }
}

/// A running embedded platform.
pub struct Platform {
    /// Bus, store and cipher.
    pub services: Services,
    /// The loaded plugins.
    pub plugins: Vec<Plugin>,
    /// Tenants' uploaded plugins, run on their own tenant's scans.
    pub registry: Registry,
    /// The consumers; stopped when the platform is dropped or shut down.
    router: Router,
}

impl Platform {
    /// Opens the store, loads the plugins and starts the consumers.
    pub async fn embedded(global: &Global) -> anyhow::Result<Platform> {
        let store = open_store(global).await?;
        let dir = host::data_dir(global);
        let master = match std::env::var("LGP_MASTER_KEY") {
            Ok(hex) if !hex.is_empty() => MasterKey::from_hex(&hex).context("LGP_MASTER_KEY")?,
            _ => MasterKey::load_or_create(&dir.join("master.key"))?,
        };
        let (bus, retry) = open_bus().await?;
        let services = Services {
            bus,
            store,
            cipher: TenantCipher::new(&master),
            retry,
        };
        let runtime = host::runtime(global)?;
        let plugins = host::builtins(&runtime).await?;
        let settings = &global.plugins;
        let registry = Registry::new(
            services.store.clone(),
            runtime,
            &plugins,
            UploadLimits {
                max_component_bytes: settings.plugin_max_bytes,
                max_plugins: settings.plugin_max_count,
                max_total_bytes: settings.plugin_max_total_bytes,
                ..UploadLimits::default()
            },
        );
        let config = RouterConfig {
            tenant_plugins: Some(registry.clone()),
            tenant_quota: TenantQuota {
                cpu_millis_per_second: settings.tenant_cpu_ms_per_second,
                cpu_burst_millis: settings.tenant_cpu_burst_ms,
                ..TenantQuota::default()
            },
            ..RouterConfig::default()
        };
        let router = Router::start(services.clone(), &plugins, config).await?;
        Ok(Platform {
            services,
            plugins,
            registry,
            router,
        })
    }

    /// A scanner for this platform's rule plugins.
    pub fn scanner(&self) -> Scanner {
        let rules = self
            .plugins
            .iter()
            .filter(|p| p.kind() == lgp_model::PluginKind::Rule)
            .count();
        Scanner::new(self.services.clone(), rules).with_tenant_plugins(self.registry.clone())
    }

    /// The checks that run for each tenant.
    pub fn checks(&self) -> TenantChecks {
        TenantChecks::new(
            lgp_pipeline::checks_of(&self.plugins),
            Some(self.registry.clone()),
        )
    }

    /// Lets the consumers finish what is in flight (handlers reacting to the last events of a
    /// scan), for at most [`DRAIN_PATIENCE`], then stops them.
    pub async fn shutdown(self) {
        match self.router.drain(DRAIN_POLL, DRAIN_PATIENCE).await {
            Ok(true) => {}
            Ok(false) => tracing::warn!(
                "consumers still busy after {DRAIN_PATIENCE:?}; stopping them (their events stay on the bus)"
            ),
            Err(err) => tracing::warn!("cannot tell whether the consumers are idle: {err:#}"),
        }
        self.router.shutdown().await;
    }
}
