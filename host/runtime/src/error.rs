//! The runtime's errors: loading a plugin, and one invocation failing.

use crate::ValidationError;
use std::time::Duration;

/// A plugin could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The component was refused before compilation.
    #[error("plugin {plugin:?} is not a valid component")]
    Invalid {
        /// The plugin's name as given to the loader.
        plugin: String,
        /// What validation found.
        #[source]
        source: ValidationError,
    },
    /// Compilation failed or exceeded its bounds.
    #[error("failed to compile plugin {plugin:?}: {reason}")]
    Compile {
        /// The plugin.
        plugin: String,
        /// Why.
        reason: String,
    },
    /// The component's imports do not match the host's definitions of its world.
    #[error("failed to link plugin {plugin:?}: {reason}")]
    Link {
        /// The plugin.
        plugin: String,
        /// The linker's complaint.
        reason: String,
    },
    /// Describing itself (plugin info, checks) failed.
    #[error("plugin {plugin:?} failed to describe itself")]
    Describe {
        /// The plugin.
        plugin: String,
        /// The failed invocation.
        #[source]
        source: Box<InvokeError>,
    },
    /// The plugin says it is of another kind than the world it exports.
    #[error("plugin {plugin:?} exports the {world} world but describes itself as a {claimed}")]
    KindMismatch {
        /// The plugin.
        plugin: String,
        /// What the component exports.
        world: lgp_model::PluginKind,
        /// What `describe` claims.
        claimed: lgp_model::PluginKind,
    },
    /// The artifact cache could not be used.
    #[error("cannot use the artifact cache at {path}")]
    Cache {
        /// The file or directory.
        path: std::path::PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// Why one invocation failed. The plugin stays loaded and usable.
#[derive(Debug, thiserror::Error)]
#[error("plugin {plugin:?} {kind}")]
pub struct InvokeError {
    /// The plugin that failed.
    pub plugin: String,
    /// What happened.
    pub kind: InvokeErrorKind,
}

/// The ways an invocation fails.
#[derive(Debug, thiserror::Error)]
pub enum InvokeErrorKind {
    /// Ran past the wall-clock limit.
    #[error("exceeded its time limit of {0:?}")]
    Timeout(Duration),
    /// Ran out of fuel.
    #[error("exceeded its fuel limit of {0}")]
    OutOfFuel(u64),
    /// Tried to grow memory past the cap.
    #[error("exceeded its memory limit of {0} bytes")]
    Memory(usize),
    /// Recursed past the wasm stack limit.
    #[error("overflowed its stack limit of {0} bytes")]
    StackOverflow(usize),
    /// Returned or emitted more output than allowed.
    #[error("exceeded its output limit of {0} bytes")]
    OutputTooLarge(usize),
    /// Emitted more events than allowed.
    #[error("exceeded its limit of {0} emitted events")]
    TooManyEvents(u32),
    /// Trapped (panic, unreachable, out-of-bounds access…).
    #[error("trapped: {message}{}", stderr_suffix(.stderr))]
    Trap {
        /// The trap.
        message: String,
        /// What the guest wrote to stderr, e.g. its panic message.
        stderr: String,
    },
    /// The guest returned an error value.
    #[error("returned an error: {0}")]
    Guest(String),
    /// A handler asked for the event to be delivered again later.
    #[error("asked for a retry: {0}")]
    Retry(String),
    /// A handler refused the event for good.
    #[error("rejected the event: {0}")]
    Reject(String),
    /// The guest returned a value the host cannot accept.
    #[error("returned invalid output: {0}")]
    InvalidOutput(String),
    /// Instantiation failed (for instance, no pool slot could be allocated).
    #[error("could not be instantiated: {0}")]
    Instantiate(String),
}

fn stderr_suffix(stderr: &str) -> String {
    if stderr.is_empty() {
        String::new()
    } else {
        format!(" (stderr: {stderr})")
    }
}

impl InvokeErrorKind {
    /// The name of the limit this failure hit, if it is a limit violation.
    pub fn limit(&self) -> Option<&'static str> {
        match self {
            InvokeErrorKind::Timeout(_) => Some("timeout"),
            InvokeErrorKind::OutOfFuel(_) => Some("fuel"),
            InvokeErrorKind::Memory(_) => Some("memory"),
            InvokeErrorKind::StackOverflow(_) => Some("stack"),
            InvokeErrorKind::OutputTooLarge(_) => Some("output"),
            InvokeErrorKind::TooManyEvents(_) => Some("events"),
            _ => None,
        }
    }
}
