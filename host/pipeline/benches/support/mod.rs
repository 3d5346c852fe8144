//! What the pipeline benches share: the embedded services, the built-in plugins, and the
//! process's memory figures.

use lgp_bus::{InProcessBus, InProcessConfig};
use lgp_crypto::{MasterKey, TenantCipher};
use lgp_pipeline::Services;
use lgp_runtime::{Plugin, Runtime, RuntimeConfig, Trust};
use lgp_store::SqliteStore;
use std::path::Path;
use std::sync::Arc;

/// The embedded backends: an in-process bus and a SQLite store (a file in `dir`, WAL).
pub fn embedded_services(dir: &Path) -> Services {
    let config = InProcessConfig::default();
    Services {
        retry: config.retry,
        bus: Arc::new(InProcessBus::new(config)),
        store: Arc::new(SqliteStore::open(dir.join("lgp.db")).expect("store")),
        cipher: TenantCipher::new(&MasterKey::generate().expect("key")),
    }
}

/// Every built-in plugin, loaded on a runtime with the default limits.
pub async fn builtins() -> Vec<Plugin> {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let mut plugins = Vec::new();
    for b in lgp_builtins::BUILTINS {
        plugins.push(
            runtime
                .load(b.name, b.wasm, Trust::Trusted)
                .await
                .expect("builtin loads"),
        );
    }
    plugins
}

/// A memory figure of this process from /proc/self/status (`VmHWM:`, `VmRSS:`…), in MiB; 0 where
/// /proc is missing.
pub fn status_mib(key: &str) -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))?
                .split_whitespace()
                .nth(1)?
                .parse::<f64>()
                .ok()
        })
        .map_or(0.0, |kb| kb / 1024.0)
}
