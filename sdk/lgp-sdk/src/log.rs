//! Logging into the host's log, where lines are tagged with plugin, tenant and invocation.
//!
//! Inside the host (wasm32) this calls the contract's `log` import. In native builds (unit tests,
//! benchmarks) lines go to standard error, where the test harness captures them.
//!
//! ```
//! let bucket = "logs";
//! lgp_sdk::log::info!("evaluating {bucket}");
//! lgp_sdk::log::warn("something odd");
//! ```

/// Log levels, from most to least verbose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Fine-grained tracing.
    Trace,
    /// Debugging detail.
    Debug,
    /// Normal operation.
    Info,
    /// Something unexpected that the plugin handled.
    Warn,
    /// Something failed.
    Error,
}

impl Level {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        }
    }
}

/// Writes one line at `level`. The host truncates overlong lines rather than rejecting them.
pub fn log(level: Level, message: &str) {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::bindings::log as wit;
        let level = match level {
            Level::Trace => wit::Level::Trace,
            Level::Debug => wit::Level::Debug,
            Level::Info => wit::Level::Info,
            Level::Warn => wit::Level::Warn,
            Level::Error => wit::Level::Error,
        };
        wit::log(level, message);
    }
    #[cfg(not(target_arch = "wasm32"))]
    eprintln!("[{}] {message}", level.as_str());
}

/// Writes a `trace` line.
pub fn trace(message: &str) {
    log(Level::Trace, message);
}

/// Writes a `debug` line.
pub fn debug(message: &str) {
    log(Level::Debug, message);
}

/// Writes an `info` line.
pub fn info(message: &str) {
    log(Level::Info, message);
}

/// Writes a `warn` line.
pub fn warn(message: &str) {
    log(Level::Warn, message);
}

/// Writes an `error` line.
pub fn error(message: &str) {
    log(Level::Error, message);
}

#[doc(hidden)]
#[macro_export]
macro_rules! __lgp_log {
    ($level:ident, $($arg:tt)+) => {
        $crate::log::log($crate::log::Level::$level, &::std::format!($($arg)+))
    };
}

#[doc(hidden)]
#[macro_export]
macro_rules! __lgp_trace { ($($arg:tt)+) => { $crate::__lgp_log!(Trace, $($arg)+) }; }
#[doc(hidden)]
#[macro_export]
macro_rules! __lgp_debug { ($($arg:tt)+) => { $crate::__lgp_log!(Debug, $($arg)+) }; }
#[doc(hidden)]
#[macro_export]
macro_rules! __lgp_info { ($($arg:tt)+) => { $crate::__lgp_log!(Info, $($arg)+) }; }
#[doc(hidden)]
#[macro_export]
macro_rules! __lgp_warn { ($($arg:tt)+) => { $crate::__lgp_log!(Warn, $($arg)+) }; }
#[doc(hidden)]
#[macro_export]
macro_rules! __lgp_error { ($($arg:tt)+) => { $crate::__lgp_log!(Error, $($arg)+) }; }

/// `debug!("fmt", args…)`: formats and writes a `debug` line.
pub use crate::__lgp_debug as debug;
/// `error!("fmt", args…)`: formats and writes an `error` line.
pub use crate::__lgp_error as error;
/// `info!("fmt", args…)`: formats and writes an `info` line.
pub use crate::__lgp_info as info;
/// `trace!("fmt", args…)`: formats and writes a `trace` line.
pub use crate::__lgp_trace as trace;
/// `warn!("fmt", args…)`: formats and writes a `warn` line.
pub use crate::__lgp_warn as warn;
