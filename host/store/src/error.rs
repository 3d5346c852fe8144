/// Why a store operation failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist for this tenant.
    #[error("{what} {id:?} not found")]
    NotFound {
        /// The kind of record.
        what: &'static str,
        /// Its id.
        id: String,
    },
    /// A cursor that this store did not issue, or issued for another listing.
    #[error("invalid paging cursor")]
    BadCursor,
    /// An argument the store cannot accept.
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// Which argument.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// The backend failed.
    #[error("store backend failed during {operation}: {message}")]
    Backend {
        /// What was being done.
        operation: &'static str,
        /// The backend's error.
        message: String,
    },
}
