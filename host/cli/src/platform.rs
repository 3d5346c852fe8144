//! The embedded platform a one-shot command runs on: SQLite store and key in the data
//! directory, the in-process bus, the plugin runtime with the built-ins, and the router.

use crate::args::Global;
use crate::host;
use anyhow::Context;
use lgp_bus::{InProcessBus, InProcessConfig};
use lgp_crypto::{MasterKey, TenantCipher};
use lgp_pipeline::{Router, RouterConfig, Scanner, Services};
use lgp_runtime::Plugin;
use lgp_store::SqliteStore;
use std::sync::Arc;

/// A running embedded platform.
pub struct Platform {
    /// Bus, store and cipher.
    pub services: Services,
    /// The loaded plugins.
    pub plugins: Vec<Plugin>,
    /// The consumers; stopped when the platform is dropped or shut down.
    router: Router,
}

impl Platform {
    /// Opens the store, loads the plugins and starts the consumers.
    pub async fn embedded(global: &Global) -> anyhow::Result<Platform> {
        let dir = host::data_dir(global);
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("cannot create the data directory {}", dir.display()))?;
        let master = match std::env::var("LGP_MASTER_KEY") {
            Ok(hex) if !hex.is_empty() => MasterKey::from_hex(&hex).context("LGP_MASTER_KEY")?,
            _ => MasterKey::load_or_create(&dir.join("master.key"))?,
        };
        let db = dir.join("lgp.db");
        let store = SqliteStore::open(&db)
            .with_context(|| format!("cannot open the store {}", db.display()))?;
        let config = InProcessConfig::default();
        let retry = config.retry;
        let services = Services {
            bus: Arc::new(InProcessBus::new(config)),
            store: Arc::new(store),
            cipher: TenantCipher::new(&master),
            retry,
        };
        let runtime = host::runtime(global)?;
        let plugins = host::builtins(&runtime).await?;
        let router = Router::start(services.clone(), &plugins, RouterConfig::default()).await?;
        Ok(Platform {
            services,
            plugins,
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
        Scanner::new(self.services.clone(), rules)
    }

    /// Stops the consumers.
    pub async fn shutdown(self) {
        self.router.shutdown().await;
    }
}
