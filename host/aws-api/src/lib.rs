//! The `aws` capability as the host sees it, independent of how calls are answered.
//!
//! - [`AwsRequest`] and [`AwsCallError`]: one read-only call and why it failed, with AWS error
//!   codes sorted into [`ErrorCategory`] (`access_denied`, `service_not_enabled`, …).
//! - [`AwsApi`]: anything that answers calls — the live SDK client (`lgp-aws`), a [`Replay`] of a
//!   [`Snapshot`], or a [`Recorder`] that records what another one answers.
//! - [`catalogue`]: the read-only operations the host implements, and which error codes of each
//!   mean "not configured" rather than "could not read".
//! - [`discovery`]: the account id and enabled regions a scan starts from.
//! - [`PluginGate`]: what a collector plugin actually talks to — its manifest's allow-list in
//!   front of the account's [`AwsApi`], counting every call and error in [`CallStats`].
//!
//! Outputs are JSON objects with the field names of the AWS API reference (the shapes boto3
//! returns), all pages merged.

mod api;
pub mod catalogue;
pub mod discovery;
mod error;
mod gate;
mod request;
mod snapshot;
mod stats;

pub use api::AwsApi;
pub use error::{AwsCallError, ErrorCategory};
pub use gate::PluginGate;
pub use request::{AwsRequest, GLOBAL_REGION};
pub use snapshot::{Recorder, Replay, Snapshot, SnapshotCall, SnapshotError, SnapshotOutcome};
pub use stats::{CallStats, ErrorCount, StatsSummary};
