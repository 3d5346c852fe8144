//! The runtime and its loaded plugins.

use crate::cache::ArtifactCache;
use crate::compile::{self, CompileSandbox};
use crate::engine::{self, Allocation};
use crate::error::{InvokeError, InvokeErrorKind, LoadError};
use crate::host::{Grants, HostState};
use crate::invoke::{self, EmittedEvent, EvaluationContext, IncomingEvent, Phase, ScanScope};
use crate::linker::Linkers;
use crate::services::{
    HandlerServices, NOTIFY_CAPABILITY, QUERY_CAPABILITY, REPORTS_CAPABILITY, STATE_CAPABILITY,
};
use crate::validate::{ComponentSummary, ValidationError, validate_component};
use crate::{Limits, RuntimeConfig};
use lgp_aws_api::AwsApi;
use lgp_model::{CheckMeta, Finding, PluginInfo, PluginKind, Resource};
use lgp_world::types as wit;
use std::collections::HashSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;
use wasmtime::component::Component;
use wasmtime::{Engine, Store};

/// How far a component is trusted, which decides where it is compiled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trust {
    /// Shipped with the binary: compiled in process.
    Trusted,
    /// Uploaded or given on the command line: compiled in the capped child process.
    Untrusted,
}

/// The runtime could not start.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    /// The engine rejected the configuration.
    #[error("failed to create the wasm engine: {0}")]
    Engine(String),
    /// The artifact cache directory could not be prepared.
    #[error("failed to prepare the artifact cache")]
    Cache(#[source] std::io::Error),
}

struct Shared {
    engine: Engine,
    linkers: Linkers,
    config: RuntimeConfig,
    limits: Arc<Limits>,
    cache: ArtifactCache,
    sandbox: Option<CompileSandbox>,
    slots: Semaphore,
}

/// The plugin runtime. Cheap to clone; every clone shares one engine and pool.
#[derive(Clone)]
pub struct Runtime {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl Runtime {
    /// Creates the runtime. `sandbox` says how to compile untrusted components; without one,
    /// loading an untrusted component fails.
    pub fn new(
        config: RuntimeConfig,
        sandbox: Option<CompileSandbox>,
    ) -> Result<Self, RuntimeError> {
        let engine = engine::build(&config, Allocation::Pooling)
            .map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        let linkers = Linkers::new(&engine).map_err(|e| RuntimeError::Engine(format!("{e:#}")))?;
        let cache = ArtifactCache::new(config.cache_dir.as_deref(), &engine::engine_key(&engine))
            .map_err(RuntimeError::Cache)?;
        spawn_epoch_ticker(&engine, Duration::from_millis(config.epoch_tick_ms.max(1)));
        let shared = Shared {
            slots: Semaphore::new(config.pool_instances.max(1) as usize),
            limits: Arc::new(config.limits.clone()),
            engine,
            linkers,
            config,
            cache,
            sandbox,
        };
        Ok(Runtime {
            shared: Arc::new(shared),
        })
    }

    /// The configuration in force.
    pub fn config(&self) -> &RuntimeConfig {
        &self.shared.config
    }

    /// Validates a component without compiling it.
    pub fn validate(&self, bytes: &[u8]) -> Result<ComponentSummary, ValidationError> {
        validate_component(bytes, self.shared.config.max_component_bytes)
    }

    /// Validates, compiles (or fetches from the artifact cache), links and describes a plugin.
    /// `label` names it in errors until it has described itself.
    pub async fn load(&self, label: &str, bytes: &[u8], trust: Trust) -> Result<Plugin, LoadError> {
        let s = &self.shared;
        let summary = self.validate(bytes).map_err(|source| LoadError::Invalid {
            plugin: label.to_owned(),
            source,
        })?;
        let hash = engine::content_hash(bytes);
        let compile_err = |reason: String| LoadError::Compile {
            plugin: label.to_owned(),
            reason,
        };
        let component = match s.cache.load(&s.engine, &hash) {
            Some(c) => c,
            None => {
                let artifact = match trust {
                    Trust::Trusted => {
                        let engine = s.engine.clone();
                        let bytes = bytes.to_vec();
                        tokio::task::spawn_blocking(move || {
                            compile::compile_trusted(&engine, &bytes)
                        })
                        .await
                        .map_err(|e| compile_err(e.to_string()))?
                    }
                    Trust::Untrusted => {
                        let sandbox = s.sandbox.as_ref().ok_or_else(|| {
                            compile_err(
                                "no compile sandbox is configured for untrusted components".into(),
                            )
                        })?;
                        compile::compile_untrusted(sandbox, &s.config, bytes).await
                    }
                }
                .map_err(compile_err)?;
                s.cache
                    .store(&hash, &artifact)
                    .map_err(|source| LoadError::Cache {
                        path: s.config.cache_dir.clone().unwrap_or_default(),
                        source,
                    })?;
                // SAFETY: `artifact` was produced just now by `precompile_component` on an engine
                // with this engine's configuration (in process, or by our own compile child);
                // wasmtime verifies its header and compatibility before use.
                #[allow(unsafe_code)]
                let component = unsafe { Component::deserialize(&s.engine, &artifact) };
                component.map_err(|e| compile_err(format!("{e:#}")))?
            }
        };
        let link_err = |e: wasmtime::Error| LoadError::Link {
            plugin: label.to_owned(),
            reason: format!("{e:#}"),
        };
        let pre = s
            .linkers
            .for_kind(summary.kind)
            .instantiate_pre(&component)
            .map_err(link_err)?;
        let pre = match summary.kind {
            PluginKind::Rule => Pre::Rule(lgp_world::rule::RulePre::new(pre).map_err(link_err)?),
            PluginKind::Collector => {
                Pre::Collector(lgp_world::collector::CollectorPre::new(pre).map_err(link_err)?)
            }
            PluginKind::Handler => {
                Pre::Handler(lgp_world::handler::HandlerPre::new(pre).map_err(link_err)?)
            }
        };
        let mut plugin = PluginInner {
            name: Arc::from(label),
            info: PluginInfo {
                name: label.to_owned(),
                version: String::new(),
                kind: summary.kind,
                description: String::new(),
                subscriptions: Vec::new(),
                capabilities: Vec::new(),
            },
            checks: Vec::new(),
            check_ids: HashSet::new(),
            hash,
            pre,
            runtime: self.shared.clone(),
        };
        let describe_err = |source| LoadError::Describe {
            plugin: label.to_owned(),
            source: Box::new(source),
        };
        let (info, checks) = plugin.describe().await.map_err(describe_err)?;
        if info.kind != summary.kind {
            return Err(LoadError::KindMismatch {
                plugin: label.to_owned(),
                world: summary.kind,
                claimed: info.kind,
            });
        }
        plugin.name = Arc::from(info.name.as_str());
        plugin.check_ids = checks.iter().map(|c| c.id.clone()).collect();
        plugin.info = info;
        plugin.checks = checks;
        tracing::debug!(plugin = %plugin.name, kind = %plugin.info.kind, hash = %plugin.hash, "plugin loaded");
        Ok(Plugin {
            inner: Arc::new(plugin),
        })
    }
}

/// Increments the engine's epoch every `tick` until the engine is gone.
fn spawn_epoch_ticker(engine: &Engine, tick: Duration) {
    let weak = engine.weak();
    let spawned = std::thread::Builder::new()
        .name("lgp-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(tick);
            }
        });
    if let Err(err) = spawned {
        tracing::error!("cannot start the epoch ticker, deadlines will not fire: {err}");
    }
}

enum Pre {
    Rule(lgp_world::rule::RulePre<HostState>),
    Collector(lgp_world::collector::CollectorPre<HostState>),
    Handler(lgp_world::handler::HandlerPre<HostState>),
}

struct PluginInner {
    name: Arc<str>,
    info: PluginInfo,
    checks: Vec<CheckMeta>,
    check_ids: HashSet<String>,
    hash: String,
    pre: Pre,
    runtime: Arc<Shared>,
}

/// A loaded plugin, ready to invoke. Cheap to clone.
#[derive(Clone)]
pub struct Plugin {
    inner: Arc<PluginInner>,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("info", &self.inner.info)
            .field("hash", &self.inner.hash)
            .finish_non_exhaustive()
    }
}

fn wrong_world(plugin: &str, wanted: &str) -> InvokeError {
    InvokeError {
        plugin: plugin.to_owned(),
        kind: InvokeErrorKind::InvalidOutput(format!("the plugin does not export {wanted}")),
    }
}

impl PluginInner {
    fn store(&self) -> Store<HostState> {
        self.store_with(Grants::default())
    }

    fn store_with(&self, grants: Grants) -> Store<HostState> {
        let s = &self.runtime;
        invoke::new_store(&s.engine, &s.limits, self.name.clone(), grants)
    }

    /// Whether the plugin's manifest asks for `capability`.
    fn asks_for(&self, capability: &str) -> bool {
        self.info.capabilities.iter().any(|c| c == capability)
    }

    fn invalid(&self, reason: String) -> InvokeError {
        InvokeError {
            plugin: self.name.to_string(),
            kind: InvokeErrorKind::InvalidOutput(reason),
        }
    }

    async fn describe(&self) -> Result<(PluginInfo, Vec<CheckMeta>), InvokeError> {
        let _slot = self.runtime.slots.acquire().await;
        let mut store = self.store();
        let result = async {
            match &self.pre {
                Pre::Rule(pre) => {
                    let b = pre
                        .instantiate_async(&mut store)
                        .await
                        .map_err(|e| (Phase::Instantiate, e))?;
                    let api = b.lg_protect_plugin_evaluate();
                    let info = api
                        .call_describe(&mut store)
                        .await
                        .map_err(|e| (Phase::Call, e))?;
                    let checks = api
                        .call_checks(&mut store)
                        .await
                        .map_err(|e| (Phase::Call, e))?;
                    Ok((info, checks))
                }
                Pre::Collector(pre) => {
                    let b = pre
                        .instantiate_async(&mut store)
                        .await
                        .map_err(|e| (Phase::Instantiate, e))?;
                    let info = b
                        .lg_protect_plugin_collect()
                        .call_describe(&mut store)
                        .await
                        .map_err(|e| (Phase::Call, e))?;
                    Ok((info, Vec::new()))
                }
                Pre::Handler(pre) => {
                    let b = pre
                        .instantiate_async(&mut store)
                        .await
                        .map_err(|e| (Phase::Instantiate, e))?;
                    let info = b
                        .lg_protect_plugin_handle()
                        .call_describe(&mut store)
                        .await
                        .map_err(|e| (Phase::Call, e))?;
                    Ok((info, Vec::new()))
                }
            }
        }
        .await;
        let (info, checks) = invoke::finish(&store, &self.name, &self.runtime.config, result)?;
        let checks: Vec<CheckMeta> = checks.into_iter().map(CheckMeta::from).collect();
        let mut seen = HashSet::new();
        if let Some(dup) = checks.iter().find(|c| !seen.insert(c.id.as_str())) {
            return Err(self.invalid(format!("check id {:?} is declared twice", dup.id)));
        }
        Ok((PluginInfo::from(info), checks))
    }
}

impl Plugin {
    /// The plugin's name (from its own description).
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The plugin's description of itself.
    pub fn info(&self) -> &PluginInfo {
        &self.inner.info
    }

    /// The world it targets.
    pub fn kind(&self) -> PluginKind {
        self.inner.info.kind
    }

    /// The checks a rule plugin implements (empty for other kinds).
    pub fn checks(&self) -> &[CheckMeta] {
        &self.inner.checks
    }

    /// SHA-256 of the component, hex.
    pub fn content_hash(&self) -> &str {
        &self.inner.hash
    }

    /// Instantiates the plugin in a fresh store and drops it, calling nothing: the cost every
    /// invocation pays before the guest runs, and a health probe of the pool.
    pub async fn probe(&self) -> Result<(), InvokeError> {
        let p = &*self.inner;
        let _slot = p.runtime.slots.acquire().await;
        let mut store = p.store();
        let result = match &p.pre {
            Pre::Rule(pre) => pre.instantiate_async(&mut store).await.map(drop),
            Pre::Collector(pre) => pre.instantiate_async(&mut store).await.map(drop),
            Pre::Handler(pre) => pre.instantiate_async(&mut store).await.map(drop),
        };
        invoke::finish(
            &store,
            &p.name,
            &p.runtime.config,
            result.map_err(|e| (Phase::Instantiate, e)),
        )
    }

    /// Evaluates a batch of resources with a rule plugin. Findings must name a declared check and
    /// a resource of the batch, or the output is refused as invalid.
    pub async fn evaluate(
        &self,
        ctx: &EvaluationContext,
        batch: &[Resource],
    ) -> Result<Vec<Finding>, InvokeError> {
        let p = &*self.inner;
        let Pre::Rule(pre) = &p.pre else {
            return Err(wrong_world(&p.name, "lg-protect:plugin/evaluate"));
        };
        let wit_ctx = wit::EvaluationContext {
            scan_id: ctx.scan_id.clone(),
            now_unix_seconds: ctx.now_unix_seconds,
        };
        let wit_batch: Vec<wit::Resource> = batch.iter().map(wit::Resource::from).collect();
        let _slot = p.runtime.slots.acquire().await;
        let mut store = p.store();
        let result = async {
            let b = pre
                .instantiate_async(&mut store)
                .await
                .map_err(|e| (Phase::Instantiate, e))?;
            b.lg_protect_plugin_evaluate()
                .call_evaluate(&mut store, &wit_ctx, &wit_batch)
                .await
                .map_err(|e| (Phase::Call, e))
        }
        .await;
        let returned = invoke::finish(&store, &p.name, &p.runtime.config, result)?;
        drop(store);
        let findings = returned.map_err(|message| InvokeError {
            plugin: p.name.to_string(),
            kind: InvokeErrorKind::Guest(message),
        })?;
        let size: usize = findings
            .iter()
            .map(|f| f.check_id.len() + f.resource_arn.len() + f.message.len() + f.evidence.len())
            .sum();
        if size > p.runtime.config.limits.output_bytes {
            return Err(InvokeError {
                plugin: p.name.to_string(),
                kind: InvokeErrorKind::OutputTooLarge(p.runtime.config.limits.output_bytes),
            });
        }
        let arns: HashSet<&str> = batch.iter().map(|r| r.arn.as_str()).collect();
        findings
            .into_iter()
            .map(|f| {
                if !p.check_ids.contains(&f.check_id) {
                    return Err(p.invalid(format!("finding for undeclared check {:?}", f.check_id)));
                }
                if !arns.contains(f.resource_arn.as_str()) {
                    return Err(p.invalid(format!(
                        "finding for resource {:?}, which is not in the batch",
                        f.resource_arn
                    )));
                }
                Finding::try_from(f).map_err(|e| p.invalid(e.to_string()))
            })
            .collect()
    }

    /// Runs a collector over a scope and returns the resources it submitted. Its `aws` calls go
    /// to `aws` (hand it a gate that enforces the plugin's allow-list); the time it spends
    /// waiting there does not count against the invocation's deadline.
    pub async fn collect(
        &self,
        scope: &ScanScope,
        aws: Arc<dyn AwsApi>,
    ) -> Result<Vec<Resource>, InvokeError> {
        let p = &*self.inner;
        let Pre::Collector(pre) = &p.pre else {
            return Err(wrong_world(&p.name, "lg-protect:plugin/collect"));
        };
        let wit_scope = wit::ScanScope {
            scan_id: scope.scan_id.clone(),
            account: scope.account.clone(),
            regions: scope.regions.clone(),
            include_global: scope.include_global,
        };
        let _slot = p.runtime.slots.acquire().await;
        let mut store = p.store_with(Grants {
            aws: Some(aws),
            ..Grants::default()
        });
        let result = async {
            let b = pre
                .instantiate_async(&mut store)
                .await
                .map_err(|e| (Phase::Instantiate, e))?;
            b.lg_protect_plugin_collect()
                .call_collect(&mut store, &wit_scope)
                .await
                .map_err(|e| (Phase::Call, e))
        }
        .await;
        let returned = invoke::finish(&store, &p.name, &p.runtime.config, result)?;
        returned.map_err(|message| InvokeError {
            plugin: p.name.to_string(),
            kind: InvokeErrorKind::Guest(message),
        })?;
        let submitted = std::mem::take(&mut store.data_mut().resources);
        submitted
            .into_iter()
            .map(|r| Resource::try_from(r).map_err(|e| p.invalid(e.to_string())))
            .collect()
    }

    /// Delivers one event to a handler and returns the events it emitted. A handler's
    /// `delivery-error` comes back as [`InvokeErrorKind::Retry`] or [`InvokeErrorKind::Reject`].
    ///
    /// `services` are this delivery's state, queries, notifier and report store, bound to the
    /// event's tenant and this plugin; each is granted only if the plugin's manifest asks for it
    /// (`state`, `query`, `notify`, `reports`), and answers `denied` otherwise. The notifications
    /// the handler asked for are dispatched, and the reports it wrote stored, only if it succeeds
    /// (like the events it emitted); a report that cannot be stored fails the delivery with
    /// [`InvokeErrorKind::Retry`], so its events are not published either.
    pub async fn handle(
        &self,
        event: &IncomingEvent,
        services: &HandlerServices,
    ) -> Result<Vec<EmittedEvent>, InvokeError> {
        let p = &*self.inner;
        let Pre::Handler(pre) = &p.pre else {
            return Err(wrong_world(&p.name, "lg-protect:plugin/handle"));
        };
        let wit_event = wit::Event {
            id: event.id.clone(),
            event_type: event.event_type.clone(),
            source: event.source.clone(),
            timestamp: event.timestamp.clone(),
            correlation_id: event.correlation_id.clone(),
            data: event.data.clone(),
        };
        let notifier = services
            .notify
            .clone()
            .filter(|_| p.asks_for(NOTIFY_CAPABILITY));
        let report_store = services
            .reports
            .clone()
            .filter(|_| p.asks_for(REPORTS_CAPABILITY));
        let grants = Grants {
            aws: None,
            state: services
                .state
                .clone()
                .filter(|_| p.asks_for(STATE_CAPABILITY)),
            query: services
                .query
                .clone()
                .filter(|_| p.asks_for(QUERY_CAPABILITY)),
            notify: notifier.clone(),
            reports: report_store.clone(),
        };
        let _slot = p.runtime.slots.acquire().await;
        let mut store = p.store_with(grants);
        let result = async {
            let b = pre
                .instantiate_async(&mut store)
                .await
                .map_err(|e| (Phase::Instantiate, e))?;
            b.lg_protect_plugin_handle()
                .call_handle(&mut store, &wit_event)
                .await
                .map_err(|e| (Phase::Call, e))
        }
        .await;
        let returned = invoke::finish(&store, &p.name, &p.runtime.config, result)?;
        returned.map_err(|e| InvokeError {
            plugin: p.name.to_string(),
            kind: match e {
                wit::DeliveryError::Retry(m) => InvokeErrorKind::Retry(m),
                wit::DeliveryError::Reject(m) => InvokeErrorKind::Reject(m),
            },
        })?;
        let reports = std::mem::take(&mut store.data_mut().reports);
        if let Some(report_store) = report_store
            && !reports.is_empty()
        {
            report_store.store(reports).await.map_err(|e| InvokeError {
                plugin: p.name.to_string(),
                kind: InvokeErrorKind::Retry(format!("the reports were not stored: {e}")),
            })?;
        }
        let notifications = std::mem::take(&mut store.data_mut().notifications);
        if let Some(notifier) = notifier
            && !notifications.is_empty()
        {
            notifier.dispatch(notifications);
        }
        Ok(std::mem::take(&mut store.data_mut().events)
            .into_iter()
            .map(|e| EmittedEvent {
                event_type: e.event_type,
                correlation_id: e.correlation_id,
                data: e.data,
            })
            .collect())
    }
}
