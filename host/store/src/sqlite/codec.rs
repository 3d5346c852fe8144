//! Conversions between the store's types and SQLite values, and the opaque cursors.

pub(crate) use crate::Listing;
use crate::{PageRequest, ScanStatus, StoreError};
use lgp_model::{Severity, Status};
use rusqlite::types::Type;
use serde::de::DeserializeOwned;
use time::OffsetDateTime;

/// Maps a SQLite failure to [`StoreError::Backend`] naming the operation.
pub(crate) trait Op<T> {
    /// Tags the error with `operation`.
    fn op(self, operation: &'static str) -> Result<T, StoreError>;
}

impl<T> Op<T> for rusqlite::Result<T> {
    fn op(self, operation: &'static str) -> Result<T, StoreError> {
        self.map_err(|err| StoreError::Backend {
            operation,
            message: err.to_string(),
        })
    }
}

/// A value read from a column that does not decode: a corrupt or foreign row.
fn bad_column(column: usize, ty: Type, why: impl Into<String>) -> rusqlite::Error {
    let why: String = why.into();
    rusqlite::Error::FromSqlConversionFailure(column, ty, why.into())
}

/// UTC nanoseconds since the epoch.
pub(crate) fn nanos(field: &'static str, at: OffsetDateTime) -> Result<i64, StoreError> {
    i64::try_from(at.unix_timestamp_nanos()).map_err(|_| StoreError::Invalid {
        field,
        reason: format!("time {at} is outside the years 1678-2262"),
    })
}

/// Reads a time stored by [`nanos`].
pub(crate) fn time_at(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<OffsetDateTime> {
    let n: i64 = row.get(column)?;
    OffsetDateTime::from_unix_timestamp_nanos(i128::from(n))
        .map_err(|err| bad_column(column, Type::Integer, err.to_string()))
}

/// Reads an optional time stored by [`nanos`].
pub(crate) fn opt_time_at(
    row: &rusqlite::Row<'_>,
    column: usize,
) -> rusqlite::Result<Option<OffsetDateTime>> {
    match row.get::<_, Option<i64>>(column)? {
        None => Ok(None),
        Some(_) => time_at(row, column).map(Some),
    }
}

/// Reads a JSON column into `T`.
pub(crate) fn json_at<T: DeserializeOwned>(
    row: &rusqlite::Row<'_>,
    column: usize,
) -> rusqlite::Result<T> {
    let text: String = row.get(column)?;
    serde_json::from_str(&text).map_err(|err| bad_column(column, Type::Text, err.to_string()))
}

/// Reads an unsigned counter.
pub(crate) fn u64_at(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<u64> {
    let n: i64 = row.get(column)?;
    u64::try_from(n).map_err(|_| bad_column(column, Type::Integer, "negative count"))
}

/// A counter as SQLite's signed integer.
pub(crate) fn to_i64(field: &'static str, n: u64) -> Result<i64, StoreError> {
    i64::try_from(n).map_err(|_| StoreError::Invalid {
        field,
        reason: format!("{n} exceeds the largest storable count"),
    })
}

/// Serializes a value that cannot fail to serialize (plain data, string-keyed maps).
pub(crate) fn to_json<T: serde::Serialize>(
    operation: &'static str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value).map_err(|err| StoreError::Backend {
        operation,
        message: format!("cannot encode JSON: {err}"),
    })
}

/// Reads a [`Status`] column.
pub(crate) fn status_at(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<Status> {
    let text: String = row.get(column)?;
    Ok(match text.as_str() {
        "pass" => Status::Pass,
        "fail" => Status::Fail,
        "error" => Status::Error,
        "manual" => Status::Manual,
        other => return Err(bad_column(column, Type::Text, format!("status {other:?}"))),
    })
}

/// Reads a [`Severity`] column.
pub(crate) fn severity_at(row: &rusqlite::Row<'_>, column: usize) -> rusqlite::Result<Severity> {
    let text: String = row.get(column)?;
    Severity::ALL
        .into_iter()
        .find(|s| s.as_str() == text)
        .ok_or_else(|| bad_column(column, Type::Text, format!("severity {text:?}")))
}

/// The stored name of a [`ScanStatus`].
pub(crate) fn scan_status_str(status: ScanStatus) -> &'static str {
    match status {
        ScanStatus::Pending => "pending",
        ScanStatus::Running => "running",
        ScanStatus::Completed => "completed",
        ScanStatus::Failed => "failed",
        ScanStatus::Cancelled => "cancelled",
    }
}

/// Reads a [`ScanStatus`] column.
pub(crate) fn scan_status_at(
    row: &rusqlite::Row<'_>,
    column: usize,
) -> rusqlite::Result<ScanStatus> {
    let text: String = row.get(column)?;
    [
        ScanStatus::Pending,
        ScanStatus::Running,
        ScanStatus::Completed,
        ScanStatus::Failed,
        ScanStatus::Cancelled,
    ]
    .into_iter()
    .find(|s| scan_status_str(*s) == text)
    .ok_or_else(|| bad_column(column, Type::Text, format!("scan status {text:?}")))
}

/// How many rows to read for a page: one more than it holds, to know whether there is more.
pub(crate) fn fetch_limit(page: &PageRequest) -> i64 {
    i64::from(page.effective_limit()) + 1
}
