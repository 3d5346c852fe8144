//! LG-Protect's domain types: resources, findings, checks and plugin descriptions, with the JSON
//! shape used by files, reports and the API.
//!
//! This crate holds data and its invariants only. It knows nothing of WebAssembly (see
//! `lgp-world` for the conversions to the plugin contract), storage or transport.

mod check;
mod finding;
mod plugin;
mod resource;
mod severity;

pub use check::{CheckMeta, Equivalent, FrameworkRef, Remediation};
pub use finding::{Finding, Status};
pub use plugin::{PluginInfo, PluginKind};
pub use resource::{Resource, ResourceError, parse_resources};
pub use severity::Severity;
