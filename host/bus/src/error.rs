/// Why a bus operation failed.
#[derive(Debug, thiserror::Error)]
pub enum BusError {
    /// A group's queue stayed full past the publish deadline.
    #[error("consumer group {group:?} is full: its queue did not drain within {waited:?}")]
    Backpressure {
        /// The group.
        group: String,
        /// How long publish waited.
        waited: std::time::Duration,
    },
    /// The group exists with other event types.
    #[error("consumer group {group:?} already exists for other event types")]
    GroupMismatch {
        /// The group.
        group: String,
    },
    /// No such group.
    #[error("unknown consumer group {0:?}")]
    UnknownGroup(String),
    /// The bus was shut down.
    #[error("the bus is closed")]
    Closed,
    /// The backing service failed.
    #[error("bus backend failed during {operation}: {message}")]
    Backend {
        /// What was being done.
        operation: &'static str,
        /// The backend's error.
        message: String,
    },
}
