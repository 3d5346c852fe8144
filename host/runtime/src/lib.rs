//! The LG-Protect plugin sandbox: loads WebAssembly components that target one of the contract's
//! worlds (`rule`, `collector`, `handler`) and invokes them under limits.
//!
//! - One [`wasmtime::Engine`] with the pooling allocator and epoch interruption.
//! - Components are validated ([`validate_component`]) before anything compiles them; trusted
//!   ones compile in process, untrusted ones in a capped child process ([`CompileSandbox`]).
//!   Artifacts are cached on disk by content hash under a stable key of the engine configuration.
//! - One `InstancePre` per plugin; a fresh `Store` per invocation, with a wall-clock deadline,
//!   optional fuel, a memory cap that traps, a wasm stack cap, and caps on output and emitted
//!   events ([`Limits`]). A violation fails that invocation only ([`InvokeError`]); the store
//!   and its pool slot are released either way.
//! - Imports are linked per world: a rule gets `log` and inert WASI, nothing else.
//! - A handler's `state`, `query`, `notify` and `reports` imports call the [`HandlerServices`]
//!   its caller passes with each delivery, already bound to the tenant and the plugin, and only if
//!   the plugin's manifest asks for them. Notifications are handed to the [`Notifier`], and
//!   reports (gathered outside the sandbox, within [`Limits::report_bytes`]) to the
//!   [`ReportStore`], only once the invocation succeeds.
//!
//! It does not route events, store results or hold credentials: callers do that with what
//! invocations return.
//!
//! ```no_run
//! # async fn demo(bytes: &[u8], resources: &[lgp_model::Resource]) -> Result<(), Box<dyn std::error::Error>> {
//! use lgp_runtime::{EvaluationContext, Runtime, RuntimeConfig, Trust};
//!
//! let runtime = Runtime::new(RuntimeConfig::default(), None)?;
//! let plugin = runtime.load("rules-s3", bytes, Trust::Trusted).await?;
//! let ctx = EvaluationContext { scan_id: "scan-1".into(), now_unix_seconds: 1_700_000_000 };
//! for finding in plugin.evaluate(&ctx, resources).await? {
//!     println!("{} {} {}", finding.check_id, finding.resource_arn, finding.status);
//! }
//! # Ok(()) }
//! ```

mod cache;
mod compile;
mod config;
mod engine;
mod error;
mod host;
mod invoke;
mod limiter;
mod linker;
mod paging;
mod plugin;
mod services;
mod validate;

pub use compile::{ChildRequest, CompileSandbox, run_compile_child};
pub use config::{Limits, RuntimeConfig};
pub use engine::content_hash;
pub use error::{InvokeError, InvokeErrorKind, LoadError};
pub use invoke::{EmittedEvent, EvaluationContext, IncomingEvent, ScanScope};
pub use plugin::{Plugin, Runtime, RuntimeError, Trust};
pub use services::{
    FindingQuery, HandlerServices, InventoryQuery, MAX_NOTIFICATION_BYTES, MAX_QUERY_PAGE_BYTES,
    MAX_QUERY_PAGE_ITEMS, MAX_STATE_KEY_BYTES, MAX_STATE_VALUE_BYTES, NOTIFY_CAPABILITY,
    Notification, Notifier, PluginState, QUERY_CAPABILITY, QueryPage, REPORT_FORMATS,
    REPORTS_CAPABILITY, RenderedReport, ReportStore, ResultQuery, STATE_CAPABILITY, ServiceError,
    TenantQuery, query_types,
};
pub use validate::{ComponentSummary, ValidationError, validate_component};
