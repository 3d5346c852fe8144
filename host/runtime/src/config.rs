//! Runtime configuration: the engine and pool shape, and the limits every invocation runs under.

use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// Limits applied to each plugin invocation. Exceeding any of them fails that invocation only,
/// with an [`InvokeError`](crate::InvokeError) naming the plugin and the limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Limits {
    /// Wall-clock bound of one invocation, in milliseconds. Enforced with epoch interruption,
    /// which costs about 5–20% against fuel's 15–30%. Ten seconds leaves a 1,000-resource rule
    /// batch two orders of magnitude of headroom while stopping a busy loop quickly.
    pub timeout_ms: u64,
    /// Deterministic CPU metering: instructions-ish units an invocation may burn. `None` (the
    /// default) leaves metering off, because enabling it slows every plugin, not just this one.
    pub fuel: Option<u64>,
    /// Linear-memory cap per invocation, in bytes. 128 MiB fits a Python (componentize-py) guest
    /// with room for a batch; Rust rules use a few MiB.
    pub memory_bytes: usize,
    /// Maximum bytes of output an invocation may return: findings, emitted events, submitted
    /// resources and state writes together. Bounds what a hostile guest can make the host hold.
    /// A query page is also cut to it.
    pub output_bytes: usize,
    /// Maximum events one invocation may emit. A handler reacts to one event; a thousand outputs
    /// is already a fan-out bug.
    pub max_events: u32,
    /// Maximum bytes of log text one invocation may write; the rest is dropped and counted.
    pub log_bytes: usize,
    /// Maximum bytes of rendered reports one invocation may hand the host (the `reports`
    /// capability), all formats together. Reports are held outside the sandbox until the
    /// invocation succeeds; 512 MiB holds every format of a 100,000-result scan.
    pub report_bytes: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            timeout_ms: 10_000,
            fuel: None,
            memory_bytes: 128 << 20,
            output_bytes: 32 << 20,
            max_events: 1_000,
            log_bytes: 64 << 10,
            report_bytes: 512 << 20,
        }
    }
}

impl Limits {
    /// The wall-clock bound as a duration.
    pub fn timeout(&self) -> Duration {
        Duration::from_millis(self.timeout_ms)
    }
}

/// Configuration of the plugin runtime.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RuntimeConfig {
    /// Per-invocation limits.
    pub limits: Limits,
    /// Maximum wasm stack per invocation, in bytes. Deep recursion traps with a stack overflow
    /// instead of reaching the host's own stack. 1 MiB is wasmtime's default: enough for real
    /// rule code, small enough to fail fast.
    pub max_wasm_stack: usize,
    /// Instances the pooling allocator pre-reserves; also the maximum number of concurrent
    /// invocations (further ones wait for a slot rather than fail). 64 keeps the pool's virtual
    /// reservation modest while exceeding what two cores can run at once many times over.
    pub pool_instances: u32,
    /// Where precompiled artifacts are cached. `None` keeps them in memory only.
    pub cache_dir: Option<PathBuf>,
    /// How often the epoch ticks, in milliseconds: the granularity of the wall-clock bound and
    /// of cooperative yields of long-running guests.
    pub epoch_tick_ms: u64,
    /// Largest component accepted, in bytes. A Python guest is about 18 MB; 64 MiB leaves room
    /// while refusing absurd uploads before any parsing.
    pub max_component_bytes: usize,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        RuntimeConfig {
            limits: Limits::default(),
            max_wasm_stack: 1 << 20,
            pool_instances: 64,
            cache_dir: None,
            epoch_tick_ms: 10,
            max_component_bytes: 64 << 20,
        }
    }
}
