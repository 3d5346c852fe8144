//! LG-Protect's event model: the envelope every event travels in, the catalogue of event types
//! (ARCHITECTURE.md §2), tenant ids, and unique, sortable event ids.
//!
//! Transport, storage and encryption are elsewhere; this crate is data and its invariants.

mod envelope;
mod event_type;
mod id;
mod tenant;

pub use envelope::{Event, SCHEMA_VERSION};
pub use event_type::{EventType, UnknownEventType};
pub use id::EventId;
pub use tenant::{InvalidTenantId, TenantId};
