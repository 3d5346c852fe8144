//! The store data of one invocation and the host side of the contract's imports.
//!
//! AWS access is whatever [`AwsApi`] the caller hands to a collector invocation (in practice a
//! `PluginGate` holding the plugin's allow-list); time spent waiting for AWS does not count
//! against the invocation's deadline. Key/value state and queries go to the [`PluginState`] and
//! [`TenantQuery`] the caller hands to a handler invocation, bound to its tenant and plugin, and
//! only if the plugin's manifest asks for them; otherwise they answer `denied`. Notifications go to
//! the handler's [`Notifier`] under the same rule, and are only collected here: the caller hands
//! them over once the invocation succeeds. Nothing else a guest can call reaches the outside
//! world; notifications reach only the endpoints the tenant configured.

use crate::Limits;
use crate::limiter::MemoryLimiter;
use crate::services::{
    MAX_NOTIFICATION_BYTES, MAX_QUERY_PAGE_BYTES, MAX_QUERY_PAGE_ITEMS, MAX_STATE_KEY_BYTES,
    MAX_STATE_VALUE_BYTES, Notification, Notifier, PluginState, RenderedReport, ReportStore,
    ServiceError, TenantQuery,
};
use lgp_aws_api::{AwsApi, AwsCallError, AwsRequest, ErrorCategory, catalogue};
use lgp_world::collector::lg_protect::plugin::{aws, discovery};
use lgp_world::handler::lg_protect::plugin::{emit, notify, state};
use lgp_world::log;
use lgp_world::types::{self, HostError, NewEvent, Resource};
use std::sync::Arc;
use std::time::Instant;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxBuilder, WasiCtxView, WasiView};

mod query;
mod reports;

/// Guest stderr kept per invocation, so a panic message can be attached to the trap. Small: it is
/// diagnostics, not a channel.
const STDERR_CAPTURE_BYTES: usize = 4 << 10;

/// One log line's maximum length; longer lines are cut, never refused.
const LOG_LINE_BYTES: usize = 4 << 10;

/// Most calls one `call-batch` may carry; the host runs them concurrently.
const MAX_BATCH_CALLS: usize = 256;

/// How far time spent waiting on the host's own services (store calls of `state`, `query` and
/// `reports`) may push an invocation's deadline back, as a multiple of its timeout: that wait is
/// the host's, not the guest's, but a guest that keeps the store busy forever must still end.
const STORE_WAIT_FACTOR: u32 = 10;

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
    /// Notifications asked for, handed to the notifier only if the invocation succeeds.
    pub(crate) notifications: Vec<Notification>,
    /// Reports written, handed to the report store only if the invocation succeeds.
    pub(crate) reports: Vec<RenderedReport>,
    /// Bytes of `reports`, against [`Limits::report_bytes`].
    report_bytes: usize,
    log_bytes: usize,
    pub(crate) logs_dropped: usize,
    pub(crate) limit_hit: Option<HostLimit>,
    stderr: MemoryOutputPipe,
    /// When the invocation's time is up; pushed back by the time spent waiting on AWS and (up to
    /// `store_wait_until`) on the host's store.
    pub(crate) deadline: Instant,
    /// The latest the deadline may be pushed to by waits on the store.
    store_wait_until: Instant,
    grants: Grants,
}

/// The capabilities one invocation was granted; an absent one answers `denied`.
#[derive(Default)]
pub(crate) struct Grants {
    /// A collector's AWS access.
    pub(crate) aws: Option<Arc<dyn AwsApi>>,
    /// A handler's key/value state.
    pub(crate) state: Option<Arc<dyn PluginState>>,
    /// A handler's queries of its tenant.
    pub(crate) query: Option<Arc<dyn TenantQuery>>,
    /// A handler's notifications to its tenant's endpoints.
    pub(crate) notify: Option<Arc<dyn Notifier>>,
    /// A handler's storage of its tenant's reports.
    pub(crate) reports: Option<Arc<dyn ReportStore>>,
}

impl HostState {
    pub(crate) fn new(plugin: Arc<str>, limits: Arc<Limits>, grants: Grants) -> Self {
        let stderr = MemoryOutputPipe::new(STDERR_CAPTURE_BYTES);
        let started = Instant::now();
        let deadline = started + limits.timeout();
        let store_wait_until = started + limits.timeout() * STORE_WAIT_FACTOR;
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
            notifications: Vec::new(),
            reports: Vec::new(),
            report_bytes: 0,
            log_bytes: 0,
            logs_dropped: 0,
            limit_hit: None,
            stderr,
            deadline,
            store_wait_until,
            grants,
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
            "the {capability} capability is not granted to this plugin (its manifest must ask \
             for `{capability}` and this host must offer it)"
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

impl HostState {
    /// The AWS access of this invocation, or the `denied` answer.
    fn aws_api(&self) -> Result<Arc<dyn AwsApi>, aws::CallError> {
        self.grants
            .aws
            .clone()
            .ok_or_else(|| aws::CallError::Host(Self::denied("aws")))
    }

    /// Gives back to the deadline the time since `started` spent in a store call (`state`,
    /// `query`, `reports`): the store's latency (a remote DynamoDB, a loaded emulator) is not the
    /// guest's time. Never past [`STORE_WAIT_FACTOR`] times the timeout.
    pub(crate) fn waited_on_store(&mut self, started: Instant) {
        let pushed = self.deadline + started.elapsed();
        self.deadline = pushed.min(self.store_wait_until.max(self.deadline));
    }

    /// Runs `calls` while the deadline clock stands still: waiting on AWS is not guest time.
    async fn waiting_on_aws<T>(&mut self, calls: impl Future<Output = T>) -> T {
        let started = Instant::now();
        let out = calls.await;
        self.deadline += started.elapsed();
        out
    }
}

fn to_request(r: aws::Request) -> Result<AwsRequest, aws::CallError> {
    let input = if r.input.trim().is_empty() {
        serde_json::Value::Object(Default::default())
    } else {
        serde_json::from_str(&r.input).map_err(|e| {
            aws::CallError::Host(HostError::InvalidArgument(format!(
                "the input of {} is not JSON: {e}",
                r.operation
            )))
        })?
    };
    Ok(AwsRequest {
        service: r.service,
        operation: r.operation,
        region: r.region,
        input,
    })
}

/// The guest's view of an answer to `request`; the catalogue says whether a service error means
/// "not configured".
fn to_wit_answer(
    request: &AwsRequest,
    answer: Result<serde_json::Value, AwsCallError>,
) -> Result<String, aws::CallError> {
    match answer {
        Ok(output) => Ok(output.to_string()),
        Err(e) => Err(match e {
            AwsCallError::Service {
                ref code,
                ref message,
            } => aws::CallError::Service(aws::ServiceError {
                category: to_wit_category(e.category()),
                not_configured: catalogue::find(&request.service, &request.operation)
                    .is_some_and(|op| op.is_absent_code(code)),
                code: code.clone(),
                message: message.clone(),
            }),
            AwsCallError::Refused(m) => aws::CallError::Host(HostError::Denied(m)),
            AwsCallError::InvalidInput(m) => aws::CallError::Host(HostError::InvalidArgument(m)),
            AwsCallError::Unavailable(m) => aws::CallError::Host(HostError::Unavailable(m)),
        }),
    }
}

fn to_wit_category(c: ErrorCategory) -> aws::ErrorCategory {
    match c {
        ErrorCategory::AccessDenied => aws::ErrorCategory::AccessDenied,
        ErrorCategory::ServiceNotEnabled => aws::ErrorCategory::ServiceNotEnabled,
        ErrorCategory::ParameterValidation => aws::ErrorCategory::ParameterValidation,
        ErrorCategory::ServiceUnavailable => aws::ErrorCategory::ServiceUnavailable,
        ErrorCategory::ResourceNotFound => aws::ErrorCategory::ResourceNotFound,
        ErrorCategory::Other => aws::ErrorCategory::Other,
    }
}

impl aws::Host for HostState {
    async fn call(
        &mut self,
        request: aws::Request,
    ) -> wasmtime::Result<Result<String, aws::CallError>> {
        let api = match self.aws_api() {
            Ok(api) => api,
            Err(e) => return Ok(Err(e)),
        };
        let request = match to_request(request) {
            Ok(r) => r,
            Err(e) => return Ok(Err(e)),
        };
        let answer = self.waiting_on_aws(api.call(&request)).await;
        Ok(to_wit_answer(&request, answer))
    }

    async fn call_batch(
        &mut self,
        requests: Vec<aws::Request>,
    ) -> wasmtime::Result<Vec<Result<String, aws::CallError>>> {
        let api = match self.aws_api() {
            Ok(api) => api,
            Err(e) => return Ok(vec![Err(e); requests.len()]),
        };
        if requests.len() > MAX_BATCH_CALLS {
            let e = aws::CallError::Host(HostError::LimitExceeded(format!(
                "a call batch may hold at most {MAX_BATCH_CALLS} calls, not {}",
                requests.len()
            )));
            return Ok(vec![Err(e); requests.len()]);
        }
        let requests: Vec<_> = requests.into_iter().map(to_request).collect();
        let calls = requests.iter().map(|r| {
            let api = api.clone();
            async move {
                match r {
                    Ok(r) => to_wit_answer(r, api.call(r).await),
                    Err(e) => Err(e.clone()),
                }
            }
        });
        Ok(self.waiting_on_aws(futures::future::join_all(calls)).await)
    }
}

/// The one place service failures become the guest's `host-error`.
impl From<ServiceError> for HostError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::Invalid(m) => HostError::InvalidArgument(m),
            ServiceError::Unavailable(m) => HostError::Unavailable(m),
        }
    }
}

impl HostState {
    /// The state of this invocation's plugin and tenant, or the `denied` answer.
    fn state(&self) -> Result<Arc<dyn PluginState>, HostError> {
        self.grants
            .state
            .clone()
            .ok_or_else(|| Self::denied("state"))
    }

    /// The queries of this invocation's tenant, or the `denied` answer.
    fn query(&self) -> Result<Arc<dyn TenantQuery>, HostError> {
        self.grants
            .query
            .clone()
            .ok_or_else(|| Self::denied("query"))
    }

    /// Most bytes one query page may copy into the guest.
    fn query_page_bytes(&self) -> usize {
        self.limits.output_bytes.min(MAX_QUERY_PAGE_BYTES)
    }

    async fn state_set(&mut self, key: String, value: Vec<u8>) -> Result<(), HostError> {
        let state = self.state()?;
        check_key("key", &key, false)?;
        if value.len() > MAX_STATE_VALUE_BYTES {
            return Err(HostError::InvalidArgument(format!(
                "the value of state key {key:?} has {} bytes; at most {MAX_STATE_VALUE_BYTES} \
                 are allowed",
                value.len()
            )));
        }
        // What a guest writes to state is output it makes the host keep.
        self.charge_output(key.len() + value.len())?;
        Ok(state.set(&key, &value).await?)
    }
}

/// Refuses an empty or overlong state key (or prefix, which may be empty).
fn check_key(what: &str, key: &str, may_be_empty: bool) -> Result<(), HostError> {
    if key.is_empty() && !may_be_empty {
        return Err(HostError::InvalidArgument(format!(
            "the state {what} is empty"
        )));
    }
    if key.len() > MAX_STATE_KEY_BYTES {
        return Err(HostError::InvalidArgument(format!(
            "the state {what} has {} bytes; at most {MAX_STATE_KEY_BYTES} are allowed",
            key.len()
        )));
    }
    Ok(())
}

impl state::Host for HostState {
    async fn get(&mut self, key: String) -> wasmtime::Result<Result<Option<Vec<u8>>, HostError>> {
        let started = Instant::now();
        let state = self.state();
        let answer = async move {
            let state = state?;
            check_key("key", &key, false)?;
            Ok(state.get(&key).await?)
        }
        .await;
        self.waited_on_store(started);
        Ok(answer)
    }

    async fn set(
        &mut self,
        key: String,
        value: Vec<u8>,
    ) -> wasmtime::Result<Result<(), HostError>> {
        let started = Instant::now();
        let answer = self.state_set(key, value).await;
        self.waited_on_store(started);
        Ok(answer)
    }

    async fn delete(&mut self, key: String) -> wasmtime::Result<Result<(), HostError>> {
        let started = Instant::now();
        let state = self.state();
        let answer = async move {
            let state = state?;
            check_key("key", &key, false)?;
            Ok(state.delete(&key).await?)
        }
        .await;
        self.waited_on_store(started);
        Ok(answer)
    }

    async fn list_keys(
        &mut self,
        prefix: String,
        cursor: Option<String>,
    ) -> wasmtime::Result<Result<(Vec<String>, Option<String>), HostError>> {
        let started = Instant::now();
        let state = self.state();
        let answer = async move {
            let state = state?;
            check_key("prefix", &prefix, true)?;
            let page = state
                .list_keys(&prefix, cursor.as_deref(), MAX_QUERY_PAGE_ITEMS)
                .await?;
            Ok((page.items, page.next))
        }
        .await;
        self.waited_on_store(started);
        Ok(answer)
    }
}

impl HostState {
    /// Checks and counts one notification, and keeps it for after the invocation.
    async fn stage_notification(
        &mut self,
        event_type: String,
        data: String,
    ) -> Result<notify::DeliverySummary, HostError> {
        let notifier = self
            .grants
            .notify
            .clone()
            .ok_or_else(|| Self::denied("notify"))?;
        if data.len() > MAX_NOTIFICATION_BYTES {
            return Err(HostError::InvalidArgument(format!(
                "the {event_type} notification has {} bytes of data; at most \
                 {MAX_NOTIFICATION_BYTES} are allowed",
                data.len()
            )));
        }
        let data: serde_json::Value = serde_json::from_str(&data).map_err(|e| {
            HostError::InvalidArgument(format!("the data of {event_type} is not JSON: {e}"))
        })?;
        if !data.is_object() {
            return Err(HostError::InvalidArgument(format!(
                "the data of {event_type} is not a JSON object"
            )));
        }
        // Notifications count against the same caps as the events they normally mirror.
        let max = self.limits.max_events as usize;
        if self.notifications.len() >= max {
            self.limit_hit = Some(HostLimit::Events);
            return Err(HostError::LimitExceeded(format!(
                "notification limit of {max} per invocation reached"
            )));
        }
        let queued = notifier.endpoints(&event_type).await?;
        if queued > 0 {
            self.charge_output(event_type.len() + data.to_string().len())?;
            self.notifications.push(Notification { event_type, data });
        }
        Ok(notify::DeliverySummary { queued })
    }
}

impl notify::Host for HostState {
    async fn deliver(
        &mut self,
        event_type: String,
        data: String,
    ) -> wasmtime::Result<Result<notify::DeliverySummary, HostError>> {
        Ok(self.stage_notification(event_type, data).await)
    }
}
