//! Handler plugins: react to events, publish events, keep per-tenant state, read the tenant's
//! findings and inventory, and notify the tenant's webhook endpoints. Export one with
//! [`export_handler!`](crate::export_handler).
//!
//! The capability wrappers ([`emit`], [`state`], [`query`], [`notify`], [`reports`]) call the host inside a
//! component; in native builds they fail with [`HostError::Unavailable`], so handler logic that
//! uses them is best tested through the host.

use crate::host::HostError;
use crate::meta::PluginInfo;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt;

/// A handler plugin. Its [`PluginInfo::subscriptions`] name the event types it receives.
pub trait HandlerPlugin {
    /// The plugin's description of itself (build it with [`PluginInfo::handler`]).
    fn info() -> PluginInfo;

    /// Handles one event. `Ok` acknowledges it; an error tells the bus to retry or dead-letter.
    fn handle(event: Event) -> Result<(), DeliveryError>;
}

/// An event delivered to a handler; the tenant is the invocation's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Unique, sortable event id.
    pub id: String,
    /// The event type, e.g. `compliance.violation`.
    pub event_type: String,
    /// The plugin or host component that published it.
    pub source: String,
    /// When it was published, RFC 3339 UTC.
    pub timestamp: String,
    /// The scan it belongs to, if any.
    pub correlation_id: Option<String>,
    /// The payload as JSON text (an object).
    pub data: String,
}

impl Event {
    /// The payload deserialized into `T`.
    pub fn data<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_str(&self.data)
    }
}

/// What the bus should do with an event the handler could not process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeliveryError {
    /// A transient failure: deliver the event again later.
    Retry(String),
    /// The event can never be processed: dead-letter it at once.
    Reject(String),
}

impl fmt::Display for DeliveryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeliveryError::Retry(m) => write!(f, "retry: {m}"),
            DeliveryError::Reject(m) => write!(f, "reject: {m}"),
        }
    }
}

impl std::error::Error for DeliveryError {}

impl From<HostError> for DeliveryError {
    /// Transient host failures (unavailable, limit exceeded) retry; the others reject.
    fn from(e: HostError) -> Self {
        match e {
            HostError::Unavailable(_) | HostError::LimitExceeded(_) => {
                DeliveryError::Retry(e.to_string())
            }
            HostError::Denied(_) | HostError::InvalidArgument(_) => {
                DeliveryError::Reject(e.to_string())
            }
        }
    }
}

impl From<serde_json::Error> for DeliveryError {
    /// A payload that does not parse never will: reject.
    fn from(e: serde_json::Error) -> Self {
        DeliveryError::Reject(format!("malformed event data: {e}"))
    }
}

/// An event to publish; the host fills in id, source, tenant and time.
#[derive(Debug, Clone, PartialEq)]
pub struct NewEvent {
    /// The event type; one of the catalogue's types.
    pub event_type: String,
    /// The scan it belongs to, if any.
    pub correlation_id: Option<String>,
    /// The payload, a JSON object.
    pub data: Value,
}

impl NewEvent {
    /// An event of `event_type` carrying `data` (serialized to JSON).
    pub fn new(
        event_type: impl Into<String>,
        data: impl Serialize,
    ) -> Result<Self, serde_json::Error> {
        Ok(Self {
            event_type: event_type.into(),
            correlation_id: None,
            data: serde_json::to_value(data)?,
        })
    }

    /// Sets the scan the event belongs to.
    pub fn correlation_id(mut self, scan_id: impl Into<String>) -> Self {
        self.correlation_id = Some(scan_id.into());
        self
    }
}

/// Publishes events once the invocation succeeds (a failed invocation publishes none).
pub fn emit(events: &[NewEvent]) -> Result<(), HostError> {
    #[cfg(target_arch = "wasm32")]
    {
        let events: Vec<_> = events.iter().map(crate::glue::new_event).collect();
        crate::bindings::handler::lg_protect::plugin::emit::emit(&events).map_err(Into::into)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = events;
        Err(crate::host::no_host("emit"))
    }
}

/// Key/value state private to the plugin and the tenant.
pub mod state {
    use crate::host::HostError;

    /// Reads a value; `None` when the key is absent.
    pub fn get(key: &str) -> Result<Option<Vec<u8>>, HostError> {
        #[cfg(target_arch = "wasm32")]
        return crate::bindings::handler::lg_protect::plugin::state::get(key).map_err(Into::into);
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = key;
            Err(crate::host::no_host("state"))
        }
    }

    /// Writes a value, replacing any previous one.
    pub fn set(key: &str, value: &[u8]) -> Result<(), HostError> {
        #[cfg(target_arch = "wasm32")]
        return crate::bindings::handler::lg_protect::plugin::state::set(key, value)
            .map_err(Into::into);
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = (key, value);
            Err(crate::host::no_host("state"))
        }
    }

    /// Deletes a key; deleting an absent key succeeds.
    pub fn delete(key: &str) -> Result<(), HostError> {
        #[cfg(target_arch = "wasm32")]
        return crate::bindings::handler::lg_protect::plugin::state::delete(key)
            .map_err(Into::into);
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = key;
            Err(crate::host::no_host("state"))
        }
    }

    /// One page of keys starting with `prefix`, and the cursor of the next page.
    pub fn list_keys(
        prefix: &str,
        cursor: Option<&str>,
    ) -> Result<(Vec<String>, Option<String>), HostError> {
        #[cfg(target_arch = "wasm32")]
        return crate::bindings::handler::lg_protect::plugin::state::list_keys(prefix, cursor)
            .map_err(Into::into);
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = (prefix, cursor);
            Err(crate::host::no_host("state"))
        }
    }
}

pub mod query;
pub mod reports;

/// Notifications to the webhook endpoints the tenant configured (`lgp webhook add`). The plugin
/// never names a URL: the host sends to the endpoints the tenant set up for the event type, and
/// nowhere else. Granted to a manifest that asks for the `notify` capability.
pub mod notify {
    use crate::host::HostError;
    use serde_json::Value;

    /// Queues a notification of `event_type` carrying `data` (a JSON object) for each of the
    /// tenant's endpoints that take that type, and returns how many there are (zero when the
    /// tenant configured none). The host delivers them, signed and retried, in the background
    /// once the invocation succeeds; a failed invocation notifies nobody.
    pub fn deliver(event_type: &str, data: &Value) -> Result<u32, HostError> {
        #[cfg(target_arch = "wasm32")]
        {
            let summary = crate::bindings::handler::lg_protect::plugin::notify::deliver(
                event_type,
                &data.to_string(),
            )?;
            Ok(summary.queued)
        }
        #[cfg(not(target_arch = "wasm32"))]
        {
            let _ = (event_type, data);
            Err(crate::host::no_host("notify"))
        }
    }
}
