//! One invocation: a fresh store under limits, and the classification of how it ended.

use crate::error::{InvokeError, InvokeErrorKind};
use crate::host::{Grants, HostLimit, HostState};
use crate::{Limits, RuntimeConfig};
use std::sync::Arc;
use std::time::Instant;
use wasmtime::{Engine, Store, Trap, UpdateDeadline};

/// What a rule is told about the evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationContext {
    /// The scan being evaluated.
    pub scan_id: String,
    /// The scan's reference time, seconds since the Unix epoch.
    pub now_unix_seconds: i64,
}

/// What a collector is asked to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanScope {
    /// The scan.
    pub scan_id: String,
    /// The account.
    pub account: String,
    /// The regions.
    pub regions: Vec<String>,
    /// Whether this invocation also collects global resources (IAM, the S3 bucket list).
    pub include_global: bool,
}

/// An event delivered to a handler (the tenant is the invocation's, implicit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomingEvent {
    /// Event id.
    pub id: String,
    /// Event type.
    pub event_type: String,
    /// Publisher.
    pub source: String,
    /// RFC 3339 UTC time.
    pub timestamp: String,
    /// Scan id, when there is one.
    pub correlation_id: Option<String>,
    /// JSON payload.
    pub data: String,
}

/// An event a handler emitted; published by the caller only if the invocation succeeded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmittedEvent {
    /// Event type.
    pub event_type: String,
    /// Scan id, when there is one.
    pub correlation_id: Option<String>,
    /// JSON payload.
    pub data: String,
}

/// The guest ran past its wall-clock deadline.
#[derive(Debug, thiserror::Error)]
#[error("wall-clock deadline exceeded")]
struct DeadlineExceeded;

/// Creates the store of one invocation with every limit armed.
pub(crate) fn new_store(
    engine: &Engine,
    limits: &Arc<Limits>,
    plugin: Arc<str>,
    grants: Grants,
) -> Store<HostState> {
    let mut store = Store::new(engine, HostState::new(plugin, limits.clone(), grants));
    store.limiter(|s| &mut s.limiter);
    if let Some(fuel) = limits.fuel {
        // Fuel is only consumed when the engine meters it (`Limits::fuel` decides both).
        let _ = store.set_fuel(fuel);
    }
    store.set_epoch_deadline(1);
    // Each tick, a running guest yields to the executor (so one busy guest never monopolizes a
    // worker thread) and is stopped once its wall-clock deadline (pushed back by time spent
    // waiting on AWS) has passed.
    store.epoch_deadline_callback(move |ctx| {
        if Instant::now() >= ctx.data().deadline {
            Err(wasmtime::Error::new(DeadlineExceeded))
        } else {
            Ok(UpdateDeadline::Yield(1))
        }
    });
    store
}

/// Where an invocation failed.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Phase {
    Instantiate,
    Call,
}

/// Turns the end of an invocation into a value or a typed error. Limit flags recorded by the
/// store win over the raw error, because a guest may have handled the refusal and failed later
/// in some other way.
pub(crate) fn finish<T>(
    store: &Store<HostState>,
    plugin: &str,
    config: &RuntimeConfig,
    result: Result<T, (Phase, wasmtime::Error)>,
) -> Result<T, InvokeError> {
    let fail = |kind| {
        Err(InvokeError {
            plugin: plugin.to_owned(),
            kind,
        })
    };
    let state = store.data();
    let limits = &config.limits;
    if state.limiter.exceeded {
        return fail(InvokeErrorKind::Memory(limits.memory_bytes));
    }
    match state.limit_hit {
        Some(HostLimit::Events) => return fail(InvokeErrorKind::TooManyEvents(limits.max_events)),
        Some(HostLimit::Output) => {
            return fail(InvokeErrorKind::OutputTooLarge(limits.output_bytes));
        }
        None => {}
    }
    let (phase, err) = match result {
        Ok(v) => return Ok(v),
        Err(e) => e,
    };
    if err.downcast_ref::<DeadlineExceeded>().is_some() {
        return fail(InvokeErrorKind::Timeout(limits.timeout()));
    }
    if let Some(trap) = err.downcast_ref::<Trap>() {
        return fail(match trap {
            Trap::Interrupt => InvokeErrorKind::Timeout(limits.timeout()),
            Trap::OutOfFuel => InvokeErrorKind::OutOfFuel(limits.fuel.unwrap_or_default()),
            Trap::StackOverflow => InvokeErrorKind::StackOverflow(config.max_wasm_stack),
            other => InvokeErrorKind::Trap {
                message: other.to_string(),
                stderr: state.stderr_text(),
            },
        });
    }
    fail(match phase {
        Phase::Instantiate => InvokeErrorKind::Instantiate(format!("{err:#}")),
        Phase::Call => InvokeErrorKind::Trap {
            message: format!("{err:#}"),
            stderr: state.stderr_text(),
        },
    })
}
