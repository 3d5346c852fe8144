//! The schema and its migrations, applied on open and tracked in `PRAGMA user_version`.
//!
//! Every table is keyed by `tenant_id` first, so every query a tenant can cause is a range scan
//! inside that tenant's rows. Times are UTC nanoseconds since the epoch (`INTEGER`), which sort
//! and compare correctly, unlike RFC 3339 text with offsets.

use super::Op;
use crate::StoreError;
use rusqlite::Connection;

/// The migrations, in order: migration `i` takes the schema from version `i` to `i + 1`. Append
/// only; never edit one that has shipped.
const MIGRATIONS: &[&str] = &[V1, V2];

/// The schema version this build writes.
pub(crate) const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const V1: &str = r#"
CREATE TABLE tenants (
    tenant_id  TEXT NOT NULL PRIMARY KEY,
    name       TEXT NOT NULL,
    created_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

CREATE TABLE accounts (
    tenant_id   TEXT NOT NULL,
    account_id  TEXT NOT NULL,
    name        TEXT NOT NULL,
    role_arn    TEXT,
    external_id TEXT,
    PRIMARY KEY (tenant_id, account_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE scans (
    tenant_id         TEXT NOT NULL,
    scan_id           TEXT NOT NULL,
    account_id        TEXT NOT NULL,
    source            TEXT NOT NULL,
    status            TEXT NOT NULL,
    started_at        INTEGER NOT NULL,
    finished_at       INTEGER,
    collected         INTEGER NOT NULL,
    resources         INTEGER NOT NULL,
    batches_published INTEGER NOT NULL,
    batches_evaluated INTEGER NOT NULL,
    results           INTEGER NOT NULL,
    passed            INTEGER NOT NULL,
    failed            INTEGER NOT NULL,
    errored           INTEGER NOT NULL,
    manual            INTEGER NOT NULL,
    evaluations_expected INTEGER NOT NULL,
    evaluations_done  INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, scan_id)
) STRICT, WITHOUT ROWID;
-- previous_completed_scan: newest completed scan of an account before a given id.
CREATE INDEX scans_by_account ON scans (tenant_id, account_id, status, scan_id);

CREATE TABLE scan_errors (
    tenant_id TEXT NOT NULL,
    scan_id   TEXT NOT NULL,
    category  TEXT NOT NULL,
    count     INTEGER NOT NULL,
    PRIMARY KEY (tenant_id, scan_id, category),
    FOREIGN KEY (tenant_id, scan_id) REFERENCES scans (tenant_id, scan_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

-- One row per resource and scan that saw it: the history diffs are computed from.
CREATE TABLE resource_versions (
    tenant_id    TEXT NOT NULL,
    scan_id      TEXT NOT NULL,
    arn          TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    resource     TEXT NOT NULL,
    PRIMARY KEY (tenant_id, scan_id, arn)
) STRICT;

-- The current inventory. `tags` is the resource's tag object alone, so tag filters do not
-- parse whole resources. A removed resource stays as a tombstone (`removed = 1`): a late
-- redelivery of the scan that last saw it must not bring it back.
CREATE TABLE inventory (
    tenant_id    TEXT NOT NULL,
    arn          TEXT NOT NULL,
    kind         TEXT NOT NULL,
    region       TEXT NOT NULL,
    account      TEXT NOT NULL,
    tags         TEXT NOT NULL,
    resource     TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    last_scan_id TEXT NOT NULL,
    removed      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (tenant_id, arn)
) STRICT;
CREATE INDEX inventory_by_kind ON inventory (tenant_id, kind, arn);
CREATE INDEX inventory_by_region ON inventory (tenant_id, region, arn);

-- `applied_scan_id` is the newest scan that wrote the row (stored or retired it): writes from
-- older scans, i.e. late redeliveries, are ignored so they cannot roll a result back.
CREATE TABLE results (
    tenant_id        TEXT NOT NULL,
    result_id        TEXT NOT NULL,
    check_id         TEXT NOT NULL,
    service          TEXT NOT NULL,
    resource_arn     TEXT NOT NULL,
    account_id       TEXT NOT NULL,
    region           TEXT NOT NULL,
    status           TEXT NOT NULL,
    severity         TEXT NOT NULL,
    message          TEXT NOT NULL,
    evidence         TEXT NOT NULL,
    first_seen       INTEGER NOT NULL,
    last_seen        INTEGER NOT NULL,
    last_scan_id     TEXT NOT NULL,
    applied_scan_id  TEXT NOT NULL,
    muted            INTEGER NOT NULL DEFAULT 0,
    resource_removed INTEGER NOT NULL DEFAULT 0,
    history          TEXT NOT NULL,
    PRIMARY KEY (tenant_id, result_id)
) STRICT;
-- The listing order, check then resource.
CREATE INDEX results_by_check ON results (tenant_id, check_id, resource_arn);
-- retire_results looks results up by resource.
CREATE INDEX results_by_resource ON results (tenant_id, resource_arn);

CREATE TABLE alerts (
    tenant_id       TEXT NOT NULL,
    alert_id        TEXT NOT NULL,
    check_id        TEXT NOT NULL,
    resource_arn    TEXT NOT NULL,
    state           TEXT NOT NULL,
    severity        TEXT NOT NULL,
    opened_at       INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    acknowledged_by TEXT,
    details         TEXT NOT NULL,
    PRIMARY KEY (tenant_id, alert_id)
) STRICT;
CREATE INDEX alerts_by_update ON alerts (tenant_id, updated_at, alert_id);
CREATE INDEX alerts_by_state ON alerts (tenant_id, state, updated_at, alert_id);

CREATE TABLE events (
    tenant_id      TEXT NOT NULL,
    event_id       TEXT NOT NULL,
    event_type     TEXT NOT NULL,
    correlation_id TEXT,
    at             INTEGER NOT NULL,
    sealed         BLOB NOT NULL,
    PRIMARY KEY (tenant_id, event_id)
) STRICT;
-- purge_events deletes by time across tenants.
CREATE INDEX events_by_time ON events (at);
CREATE INDEX events_by_correlation ON events (tenant_id, correlation_id, event_id);

CREATE TABLE plugins (
    tenant_id    TEXT NOT NULL,
    name         TEXT NOT NULL,
    version      TEXT NOT NULL,
    kind         TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    size         INTEGER NOT NULL,
    enabled      INTEGER NOT NULL,
    uploaded_at  INTEGER NOT NULL,
    component    BLOB NOT NULL,
    PRIMARY KEY (tenant_id, name, version)
) STRICT;

CREATE TABLE reports (
    tenant_id TEXT NOT NULL,
    scan_id   TEXT NOT NULL,
    format    TEXT NOT NULL,
    body      BLOB NOT NULL,
    PRIMARY KEY (tenant_id, scan_id, format)
) STRICT;

CREATE TABLE kv (
    tenant_id TEXT NOT NULL,
    plugin    TEXT NOT NULL,
    key       TEXT NOT NULL,
    value     BLOB NOT NULL,
    PRIMARY KEY (tenant_id, plugin, key)
) STRICT;
"#;

/// The mutelist: scans count muted results apart.
const V2: &str = r#"
ALTER TABLE scans ADD COLUMN muted INTEGER NOT NULL DEFAULT 0;
"#;

/// Brings the database to [`SCHEMA_VERSION`], one transaction per migration; refuses a
/// database written by a newer build.
pub(crate) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    let current: i64 = conn
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .op("read schema version")?;
    if current > SCHEMA_VERSION {
        return Err(StoreError::Backend {
            operation: "open",
            message: format!(
                "database schema version {current} is newer than this build's {SCHEMA_VERSION}"
            ),
        });
    }
    for (from, sql) in MIGRATIONS.iter().enumerate().skip(current as usize) {
        let tx = conn.transaction().op("migrate schema")?;
        tx.execute_batch(sql).op("migrate schema")?;
        // PRAGMA takes no bound parameters; the value is our own integer.
        tx.execute_batch(&format!("PRAGMA user_version = {}", from + 1))
            .op("migrate schema")?;
        tx.commit().op("migrate schema")?;
    }
    Ok(())
}
