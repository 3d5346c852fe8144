//! Why a mute rule was refused or could not be stored.

/// Why a mute rule was refused, or the mutelist could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum MutelistError {
    /// A pattern is not valid glob syntax or not of the field's shape.
    #[error("invalid {field} pattern {pattern:?}: {reason}")]
    Pattern {
        /// The field: `check`, `account`, `region`, `resource` or `tag`.
        field: &'static str,
        /// The pattern as given.
        pattern: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A required field is empty or a field has an impossible value.
    #[error("invalid mute rule: {0}")]
    Invalid(String),
    /// The expiry is not an RFC 3339 time or a `YYYY-MM-DD` date.
    #[error(
        "invalid expiry {0:?}: expected an RFC 3339 time (2026-12-31T18:00:00Z) or a date (2026-12-31)"
    )]
    Expiry(String),
    /// No rule has this id.
    #[error("no mute rule {0:?}")]
    NotFound(String),
    /// The store failed.
    #[error("failed to {operation} the mutelist")]
    Store {
        /// What was being done.
        operation: &'static str,
        /// The store's error.
        #[source]
        source: lgp_store::StoreError,
    },
    /// A stored rule could not be read back.
    #[error("stored mute rule {key:?} is unreadable")]
    Corrupt {
        /// Its key.
        key: String,
        /// The parse error.
        #[source]
        source: serde_json::Error,
    },
}
