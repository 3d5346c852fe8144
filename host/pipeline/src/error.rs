/// Why a pipeline operation failed.
#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    /// The store failed.
    #[error("store: {0}")]
    Store(#[from] lgp_store::StoreError),
    /// The bus failed.
    #[error("bus: {0}")]
    Bus(#[from] lgp_bus::BusError),
    /// An event payload could not be read or written.
    #[error("event payload of {event_type}: {source}")]
    Payload {
        /// The event type.
        event_type: lgp_events::EventType,
        /// The JSON error.
        #[source]
        source: serde_json::Error,
    },
    /// The tenant's mutelist could not be read.
    #[error("reading the mutelist")]
    Mutelist(#[from] lgp_mutelist::MutelistError),
    /// Sealing an event for the audit trail failed.
    #[error("sealing an event: {0}")]
    Crypto(#[from] lgp_crypto::CryptoError),
}
