/// Why configuring or reading webhooks failed.
#[derive(Debug, thiserror::Error)]
pub enum NotifyError {
    /// The webhook's definition is not acceptable.
    #[error("invalid webhook {field}: {reason}")]
    Invalid {
        /// The offending field.
        field: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// No webhook has this id.
    #[error("no webhook {0:?}")]
    NotFound(String),
    /// A stored entry does not parse.
    #[error("stored webhook entry {key:?} is corrupt")]
    Corrupt {
        /// Its key.
        key: String,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
    /// The store failed.
    #[error("failed to {operation} webhooks")]
    Store {
        /// What was being done.
        operation: &'static str,
        /// The store's error.
        #[source]
        source: lgp_store::StoreError,
    },
}
