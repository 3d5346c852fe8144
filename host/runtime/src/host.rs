//! The store data of one invocation and the host side of the contract's imports.
//!
//! Capabilities that later layers provide (AWS access, key/value state, queries) answer `denied`
//! here until a grant is wired in; nothing a guest can call reaches the outside world.

use crate::Limits;
use crate::limiter::MemoryLimiter;
use lgp_world::collector::lg_protect::plugin::{aws, discovery};
use lgp_world::handler::lg_protect::plugin::{emit, query, state};
use lgp_world::log;
use lgp_world::types::{self, HostError, NewEvent, Resource};
use std::sync::Arc;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

/// Guest stderr kept per invocation, so a panic message can be attached to the trap. Small: it is
/// diagnostics, not a channel.
const STDERR_CAPTURE_BYTES: usize = 4 << 10;

/// One log line's maximum length; longer lines are cut, never refused.
const LOG_LINE_BYTES: usize = 4 << 10;

/// A limit the guest ran into through a host call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostLimit {
    Events,
    Output,
}

/// Everything one invocation's store holds.
pub(crate) struct HostState {
    wasi: WasiCtx,
    table: ResourceTable,
    pub(crate) limiter: MemoryLimiter,
    plugin: Arc<str>,
    limits: Arc<Limits>,
    pub(crate) output_bytes: usize,
    pub(crate) events: Vec<NewEvent>,
    pub(crate) resources: Vec<Resource>,
    log_bytes: usize,
    pub(crate) logs_dropped: usize,
    pub(crate) limit_hit: Option<HostLimit>,
    stderr: MemoryOutputPipe,
}

impl HostState {
    pub(crate) fn new(plugin: Arc<str>, limits: Arc<Limits>) -> Self {
        let stderr = MemoryOutputPipe::new(STDERR_CAPTURE_BYTES);
        // Inert WASI: no preopens, no environment, no arguments, no network, empty stdin,
        // discarded stdout; stderr captured for diagnostics only.
        let wasi = WasiCtxBuilder::new().stderr(stderr.clone()).build();
        HostState {
            wasi,
            table: ResourceTable::new(),
            limiter: MemoryLimiter::new(limits.memory_bytes),
            plugin,
            limits,
            output_bytes: 0,
            events: Vec::new(),
            resources: Vec::new(),
            log_bytes: 0,
            logs_dropped: 0,
            limit_hit: None,
            stderr,
        }
    }

    /// What the guest wrote to stderr (a panic message, usually), lossily decoded.
    pub(crate) fn stderr_text(&self) -> String {
        String::from_utf8_lossy(&self.stderr.contents())
            .trim()
            .to_owned()
    }

    /// Counts `bytes` of output against the cap; on overflow records the hit and refuses.
    fn charge_output(&mut self, bytes: usize) -> Result<(), HostError> {
        let total = self.output_bytes.saturating_add(bytes);
        if total > self.limits.output_bytes {
            self.limit_hit = Some(HostLimit::Output);
            return Err(HostError::LimitExceeded(format!(
                "output limit of {} bytes reached",
                self.limits.output_bytes
            )));
        }
        self.output_bytes = total;
        Ok(())
    }

    fn denied(capability: &str) -> HostError {
        HostError::Denied(format!(
            "the {capability} capability is not granted to this plugin by this host"
        ))
    }
}

impl WasiView for HostState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView {
            ctx: &mut self.wasi,
            table: &mut self.table,
        }
    }
}

impl types::Host for HostState {}

impl log::Host for HostState {
    async fn log(&mut self, level: log::Level, mut message: String) -> wasmtime::Result<()> {
        if self.log_bytes >= self.limits.log_bytes {
            self.logs_dropped += 1;
            return Ok(());
        }
        if message.len() > LOG_LINE_BYTES {
            let mut cut = LOG_LINE_BYTES;
            while !message.is_char_boundary(cut) {
                cut -= 1;
            }
            message.truncate(cut);
        }
        self.log_bytes += message.len();
        let plugin = &*self.plugin;
        match level {
            log::Level::Trace => tracing::trace!(plugin, "{message}"),
            log::Level::Debug => tracing::debug!(plugin, "{message}"),
            log::Level::Info => tracing::info!(plugin, "{message}"),
            log::Level::Warn => tracing::warn!(plugin, "{message}"),
            log::Level::Error => tracing::error!(plugin, "{message}"),
        }
        Ok(())
    }
}

impl emit::Host for HostState {
    async fn emit(&mut self, events: Vec<NewEvent>) -> wasmtime::Result<Result<(), HostError>> {
        let max = self.limits.max_events as usize;
        if self.events.len().saturating_add(events.len()) > max {
            self.limit_hit = Some(HostLimit::Events);
            return Ok(Err(HostError::LimitExceeded(format!(
                "event limit of {max} per invocation reached"
            ))));
        }
        let bytes = events
            .iter()
            .map(|e| {
                e.event_type.len() + e.data.len() + e.correlation_id.as_ref().map_or(0, String::len)
            })
            .sum();
        if let Err(e) = self.charge_output(bytes) {
            return Ok(Err(e));
        }
        self.events.extend(events);
        Ok(Ok(()))
    }
}

impl discovery::Host for HostState {
    async fn submit(
        &mut self,
        resources: Vec<Resource>,
    ) -> wasmtime::Result<Result<(), HostError>> {
        let bytes = resources
            .iter()
            .map(|r| r.arn.len() + r.kind.len() + r.name.len() + r.properties.len() + 64)
            .sum();
        if let Err(e) = self.charge_output(bytes) {
            return Ok(Err(e));
        }
        self.resources.extend(resources);
        Ok(Ok(()))
    }
}

impl aws::Host for HostState {
    async fn call(
        &mut self,
        _request: aws::Request,
    ) -> wasmtime::Result<Result<String, aws::CallError>> {
        Ok(Err(aws::CallError::Host(Self::denied("aws"))))
    }
}

impl state::Host for HostState {
    async fn get(&mut self, _key: String) -> wasmtime::Result<Result<Option<Vec<u8>>, HostError>> {
        Ok(Err(Self::denied("state")))
    }
    async fn set(
        &mut self,
        _key: String,
        _value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), HostError>> {
        Ok(Err(Self::denied("state")))
    }
    async fn delete(&mut self, _key: String) -> wasmtime::Result<Result<(), HostError>> {
        Ok(Err(Self::denied("state")))
    }
    async fn list_keys(
        &mut self,
        _prefix: String,
        _cursor: Option<String>,
    ) -> wasmtime::Result<Result<(Vec<String>, Option<String>), HostError>> {
        Ok(Err(Self::denied("state")))
    }
}

impl query::Host for HostState {
    async fn findings(
        &mut self,
        _q: query::FindingQuery,
    ) -> wasmtime::Result<Result<query::FindingPage, HostError>> {
        Ok(Err(Self::denied("query")))
    }
    async fn inventory(
        &mut self,
        _q: query::InventoryQuery,
    ) -> wasmtime::Result<Result<query::InventoryPage, HostError>> {
        Ok(Err(Self::denied("query")))
    }
    async fn previous_scan(
        &mut self,
        _scan_id: String,
    ) -> wasmtime::Result<Result<Option<String>, HostError>> {
        Ok(Err(Self::denied("query")))
    }
}
