//! The registry: installing, listing, switching and loading a tenant's plugins.

use crate::meta::{self, ActivePlugin, NAMESPACE, StoredMeta, TenantPlugin};
use crate::{InstallError, UploadLimits, select, valid_name, valid_version};
use lgp_events::TenantId;
use lgp_model::PluginKind;
use lgp_runtime::{LoadError, Plugin, Runtime, Trust, content_hash};
use lgp_store::{PluginRecord, Store, StoreError};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use tokio::sync::Semaphore;

/// Loaded plugins kept in memory, by content hash. Evicted oldest first past this; reloading
/// then only deserializes the artifact cached on disk.
const LOADED_CAPACITY: usize = 64;

/// An upload: the component, and the name and version the uploader expects it to have.
#[derive(Debug, Clone)]
pub struct Upload {
    /// The expected name; absent: the component's own.
    pub name: Option<String>,
    /// The expected version; absent: the component's own.
    pub version: Option<String>,
    /// The component.
    pub bytes: Vec<u8>,
}

/// An accepted upload.
#[derive(Debug, Clone)]
pub struct Installed {
    /// The stored version, with its description.
    pub plugin: TenantPlugin,
    /// False when the same bytes were already stored under this name and version.
    pub created: bool,
}

struct Inner {
    store: Arc<dyn Store>,
    runtime: Runtime,
    limits: UploadLimits,
    /// Check id → the built-in plugin defining it.
    builtin_checks: HashMap<String, String>,
    builtin_names: Vec<String>,
    compiles: Semaphore,
    loaded: Mutex<Loaded>,
}

#[derive(Default)]
struct Loaded {
    by_hash: HashMap<String, Plugin>,
    order: VecDeque<String>,
}

/// Tenants' uploaded plugins. Cheap to clone.
#[derive(Clone)]
pub struct Registry {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("limits", &self.inner.limits)
            .finish_non_exhaustive()
    }
}

impl Registry {
    /// A registry on `store`, loading with `runtime` (which must have a compile sandbox), beside
    /// the platform's `builtins` (whose names and check ids are reserved).
    pub fn new(
        store: Arc<dyn Store>,
        runtime: Runtime,
        builtins: &[Plugin],
        limits: UploadLimits,
    ) -> Self {
        let builtin_checks = builtins
            .iter()
            .flat_map(|p| {
                p.checks()
                    .iter()
                    .map(|c| (c.id.clone(), p.name().to_owned()))
            })
            .collect();
        Registry {
            inner: Arc::new(Inner {
                store,
                runtime,
                builtin_checks,
                builtin_names: builtins.iter().map(|p| p.name().to_owned()).collect(),
                compiles: Semaphore::new(limits.concurrent_compiles.max(1)),
                limits,
                loaded: Mutex::new(Loaded::default()),
            }),
        }
    }

    /// The upload quotas.
    pub fn limits(&self) -> &UploadLimits {
        &self.inner.limits
    }

    /// Validates, compiles and describes an upload, checks it against the tenant's rules and
    /// quotas, and stores it enabled. Uploading the same bytes again is accepted and changes
    /// nothing (`created` false).
    pub async fn install(
        &self,
        tenant: &TenantId,
        upload: Upload,
    ) -> Result<Installed, InstallError> {
        let s = &*self.inner;
        if let Some(name) = &upload.name
            && !valid_name(name)
        {
            return Err(InstallError::BadName(name.clone()));
        }
        if let Some(version) = &upload.version
            && !valid_version(version)
        {
            return Err(InstallError::BadVersion(version.clone()));
        }
        let size = upload.bytes.len();
        let limit = s.limits.max_component_bytes;
        if size > limit {
            return Err(InstallError::Invalid(
                lgp_runtime::ValidationError::TooLarge { size, limit },
            ));
        }
        // Reading the structure of tens of megabytes is CPU work: off the async workers.
        let bytes = Arc::new(upload.bytes);
        let summary = {
            let (runtime, bytes) = (s.runtime.clone(), bytes.clone());
            tokio::task::spawn_blocking(move || runtime.validate(&bytes))
                .await
                .map_err(|e| InstallError::Internal(e.to_string()))??
        };
        if summary.kind != PluginKind::Rule {
            return Err(InstallError::UnsupportedKind(summary.kind));
        }
        let label = upload.name.as_deref().unwrap_or("uploaded plugin");
        let plugin = {
            let _turn = s.compiles.acquire().await;
            s.runtime
                .load(label, &bytes, Trust::Untrusted)
                .await
                .map_err(InstallError::from_load)?
        };
        let info = plugin.info();
        if info.capabilities.iter().any(|c| c == "aws") {
            return Err(InstallError::AwsCapability);
        }
        for (field, given, found) in [
            ("name", &upload.name, &info.name),
            ("version", &upload.version, &info.version),
        ] {
            if let Some(given) = given
                && given != found
            {
                return Err(InstallError::Mismatch {
                    field,
                    given: given.clone(),
                    found: found.clone(),
                });
            }
        }
        if !valid_name(&info.name) {
            return Err(InstallError::BadName(info.name.clone()));
        }
        if !valid_version(&info.version) {
            return Err(InstallError::BadVersion(info.version.clone()));
        }
        if s.builtin_names.contains(&info.name) {
            return Err(InstallError::ReservedName(info.name.clone()));
        }
        if plugin.checks().is_empty() {
            return Err(InstallError::NoChecks);
        }
        let stored = s.store.list_plugins(tenant).await?;
        if let Some(same) = stored
            .iter()
            .find(|r| r.name == info.name && r.version == info.version)
        {
            if same.content_hash != plugin.content_hash() {
                return Err(InstallError::VersionExists {
                    name: info.name.clone(),
                    version: info.version.clone(),
                });
            }
            let existing = self.describe(tenant, same, &stored).await?;
            return Ok(Installed {
                plugin: existing,
                created: false,
            });
        }
        self.check_ids_free(tenant, &plugin, &stored).await?;
        let count = stored.len() + 1;
        if count > s.limits.max_plugins {
            return Err(InstallError::Quota(format!(
                "the tenant may keep at most {} plugin versions; delete old versions first",
                s.limits.max_plugins
            )));
        }
        let total: u64 = stored.iter().map(|r| r.size).sum::<u64>() + size as u64;
        if total > s.limits.max_total_bytes {
            return Err(InstallError::Quota(format!(
                "the tenant's plugins would take {total} bytes, over its quota of {} bytes; delete old versions first",
                s.limits.max_total_bytes
            )));
        }
        let record = PluginRecord {
            name: info.name.clone(),
            version: info.version.clone(),
            kind: PluginKind::Rule.as_str().to_owned(),
            content_hash: plugin.content_hash().to_owned(),
            size: size as u64,
            enabled: true,
            uploaded_at: OffsetDateTime::now_utc(),
        };
        let description = StoredMeta {
            description: info.description.clone(),
            capabilities: info.capabilities.clone(),
            checks: plugin.checks().to_vec(),
        };
        // The description first: a listed version always has one.
        let text =
            serde_json::to_vec(&description).map_err(|e| InstallError::Internal(e.to_string()))?;
        s.store
            .kv_set(
                tenant,
                NAMESPACE,
                &meta::key(&record.name, &record.version),
                &text,
            )
            .await?;
        s.store.put_plugin(tenant, &record, &bytes).await?;
        self.remember(plugin);
        tracing::info!(tenant = %tenant, plugin = %record.name, version = %record.version, hash = %record.content_hash, size, "plugin installed");
        let mut all = stored;
        all.push(record.clone());
        let plugin = self.describe(tenant, &record, &all).await?;
        Ok(Installed {
            plugin,
            created: true,
        })
    }

    /// Refuses check ids a built-in plugin or another of the tenant's plugins (any version)
    /// defines. Versions of the same plugin share their check ids: that is what a new version is.
    async fn check_ids_free(
        &self,
        tenant: &TenantId,
        plugin: &Plugin,
        stored: &[PluginRecord],
    ) -> Result<(), InstallError> {
        let s = &*self.inner;
        for c in plugin.checks() {
            if let Some(owner) = s.builtin_checks.get(&c.id) {
                return Err(InstallError::CheckTaken {
                    check: c.id.clone(),
                    owner: format!("the built-in plugin {owner}"),
                });
            }
        }
        for r in stored.iter().filter(|r| r.name != plugin.name()) {
            let other = self.stored_meta(tenant, r).await?;
            if let Some(c) = plugin
                .checks()
                .iter()
                .find(|c| other.checks.iter().any(|o| o.id == c.id))
            {
                return Err(InstallError::CheckTaken {
                    check: c.id.clone(),
                    owner: format!("your plugin {} {}", r.name, r.version),
                });
            }
        }
        Ok(())
    }

    /// Every stored version of the tenant's plugins, by name then version.
    pub async fn list(&self, tenant: &TenantId) -> Result<Vec<TenantPlugin>, StoreError> {
        let stored = self.inner.store.list_plugins(tenant).await?;
        let mut out = Vec::with_capacity(stored.len());
        for r in &stored {
            out.push(self.describe(tenant, r, &stored).await?);
        }
        Ok(out)
    }

    /// One stored version (`NotFound` if the tenant has no such version).
    pub async fn get(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
    ) -> Result<TenantPlugin, StoreError> {
        let stored = self.inner.store.list_plugins(tenant).await?;
        let record = stored
            .iter()
            .find(|r| r.name == name && r.version == version)
            .ok_or_else(|| not_found(name, version))?;
        self.describe(tenant, record, &stored).await
    }

    /// Enables or disables a version; answers it as it now is. Takes effect from the next scan.
    pub async fn set_enabled(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
        enabled: bool,
    ) -> Result<TenantPlugin, StoreError> {
        self.inner
            .store
            .set_plugin_enabled(tenant, name, version, enabled)
            .await?;
        tracing::info!(tenant = %tenant, plugin = name, version, enabled, "plugin switched");
        self.get(tenant, name, version).await
    }

    /// Deletes a version and its description. Scans already running with it report its checks
    /// as errors from then on.
    pub async fn delete(
        &self,
        tenant: &TenantId,
        name: &str,
        version: &str,
    ) -> Result<(), StoreError> {
        let s = &*self.inner;
        s.store.delete_plugin(tenant, name, version).await?;
        s.store
            .kv_delete(tenant, NAMESPACE, &meta::key(name, version))
            .await?;
        tracing::info!(tenant = %tenant, plugin = name, version, "plugin deleted");
        Ok(())
    }

    /// The versions a scan of the tenant starting now runs: the highest enabled version of each
    /// of its plugins, by name.
    pub async fn active(&self, tenant: &TenantId) -> Result<Vec<ActivePlugin>, StoreError> {
        let stored = self.inner.store.list_plugins(tenant).await?;
        let mut out = Vec::new();
        for r in select::active(&stored) {
            let m = self.stored_meta(tenant, r).await?;
            out.push(ActivePlugin {
                name: r.name.clone(),
                version: r.version.clone(),
                content_hash: r.content_hash.clone(),
                checks: m.checks,
            });
        }
        Ok(out)
    }

    /// Loads an active version for running: from memory, else its stored component (refused if
    /// it no longer matches the recorded hash) through the artifact cache or the capped compile.
    pub async fn load(
        &self,
        tenant: &TenantId,
        active: &ActivePlugin,
    ) -> Result<Plugin, LoadError> {
        let s = &*self.inner;
        if let Some(p) = s
            .loaded
            .lock()
            .expect("loaded lock")
            .by_hash
            .get(&active.content_hash)
        {
            return Ok(p.clone());
        }
        let unavailable = |reason: String| LoadError::Compile {
            plugin: active.name.clone(),
            reason,
        };
        let bytes = s
            .store
            .get_plugin_component(tenant, &active.name, &active.version)
            .await
            .map_err(|e| unavailable(format!("the component cannot be read: {e}")))?;
        if content_hash(&bytes) != active.content_hash {
            return Err(unavailable(
                "the stored component does not match its recorded hash (replaced or deleted since the scan started)".into(),
            ));
        }
        let plugin = s
            .runtime
            .load(&active.name, &bytes, Trust::Untrusted)
            .await?;
        self.remember(plugin.clone());
        Ok(plugin)
    }

    fn remember(&self, plugin: Plugin) {
        let mut loaded = self.inner.loaded.lock().expect("loaded lock");
        let hash = plugin.content_hash().to_owned();
        if loaded.by_hash.insert(hash.clone(), plugin).is_none() {
            loaded.order.push_back(hash);
        }
        while loaded.order.len() > LOADED_CAPACITY {
            if let Some(old) = loaded.order.pop_front() {
                loaded.by_hash.remove(&old);
            }
        }
    }

    async fn stored_meta(
        &self,
        tenant: &TenantId,
        r: &PluginRecord,
    ) -> Result<StoredMeta, StoreError> {
        let key = meta::key(&r.name, &r.version);
        let text = self
            .inner
            .store
            .kv_get(tenant, NAMESPACE, &key)
            .await?
            .ok_or_else(|| StoreError::Backend {
                operation: "plugin description",
                message: format!("{} {} has no stored description", r.name, r.version),
            })?;
        serde_json::from_slice(&text).map_err(|e| StoreError::Backend {
            operation: "plugin description",
            message: format!("{} {}: {e}", r.name, r.version),
        })
    }

    async fn describe(
        &self,
        tenant: &TenantId,
        record: &PluginRecord,
        all: &[PluginRecord],
    ) -> Result<TenantPlugin, StoreError> {
        let m = self.stored_meta(tenant, record).await?;
        let active = select::active(all)
            .iter()
            .any(|a| a.name == record.name && a.version == record.version);
        Ok(TenantPlugin {
            record: record.clone(),
            description: m.description,
            capabilities: m.capabilities,
            checks: m.checks,
            active,
        })
    }
}

fn not_found(name: &str, version: &str) -> StoreError {
    StoreError::NotFound {
        what: "plugin",
        id: format!("{name} {version}"),
    }
}
