//! The one trait every way of answering AWS calls implements.

use crate::{AwsCallError, AwsRequest};
use serde_json::Value;

/// Answers read-only AWS calls for one account. Implementations: the live SDK client
/// (`lgp-aws`), [`Replay`](crate::Replay), [`Recorder`](crate::Recorder),
/// [`PluginGate`](crate::PluginGate).
#[async_trait::async_trait]
pub trait AwsApi: Send + Sync {
    /// Makes one call and returns its output (a JSON object, all pages merged).
    async fn call(&self, request: &AwsRequest) -> Result<Value, AwsCallError>;
}
