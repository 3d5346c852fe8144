//! Errors of host calls, shared by the collector and handler capabilities.

use std::fmt;

/// Why a host call failed, as the guest sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostError {
    /// The plugin was not granted this capability or operation.
    Denied(String),
    /// A per-invocation limit (events, bytes, calls) was reached.
    LimitExceeded(String),
    /// An argument was malformed.
    InvalidArgument(String),
    /// The backing service failed; the same call may succeed later.
    Unavailable(String),
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HostError::Denied(m) => write!(f, "denied by the host: {m}"),
            HostError::LimitExceeded(m) => write!(f, "host limit exceeded: {m}"),
            HostError::InvalidArgument(m) => write!(f, "invalid argument to the host: {m}"),
            HostError::Unavailable(m) => write!(f, "host service unavailable: {m}"),
        }
    }
}

impl std::error::Error for HostError {}

/// The error every host call returns outside the host (native builds and unit tests): there is
/// no host to call.
#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
pub(crate) fn no_host(capability: &str) -> HostError {
    HostError::Unavailable(format!(
        "the `{capability}` capability exists only inside the LG-Protect host (this is a native build)"
    ))
}
