use super::SqliteStore;
use super::schema::SCHEMA_VERSION;
use crate::{Store, Tenant, conformance};
use lgp_events::TenantId;
use std::sync::Arc;
use time::OffsetDateTime;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn in_memory_store_conforms() {
    conformance::run_all(async || {
        Box::new(SqliteStore::open_in_memory().expect("open in memory")) as Box<dyn Store>
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn file_store_conforms() {
    let dir = Arc::new(tempfile::tempdir().expect("temp dir"));
    let counter = std::sync::atomic::AtomicU32::new(0);
    conformance::run_all(async || {
        let n = counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = dir.path().join(format!("store-{n}.db"));
        Box::new(SqliteStore::open(path).expect("open file")) as Box<dyn Store>
    })
    .await;
}

fn user_version(path: &std::path::Path) -> i64 {
    rusqlite::Connection::open(path)
        .expect("open")
        .query_row("PRAGMA user_version", [], |row| row.get(0))
        .expect("user_version")
}

#[tokio::test]
async fn file_store_survives_reopen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lgp.db");
    let t = TenantId::new("acme").expect("tenant id");
    let record = Tenant {
        id: t.clone(),
        name: "Acme".to_owned(),
        created_at: OffsetDateTime::from_unix_timestamp(1_700_000_000).expect("time"),
    };
    {
        let store = SqliteStore::open(&path).expect("open");
        store.put_tenant(&record).await.expect("put tenant");
        store.kv_set(&t, "p", "k", b"v").await.expect("kv set");
    }
    assert_eq!(user_version(&path), SCHEMA_VERSION);
    let store = SqliteStore::open(&path).expect("reopen");
    assert_eq!(store.get_tenant(&t).await.expect("get tenant"), record);
    assert_eq!(
        store.kv_get(&t, "p", "k").await.expect("kv get").as_deref(),
        Some(&b"v"[..])
    );
    assert_eq!(
        user_version(&path),
        SCHEMA_VERSION,
        "reopening does not migrate again"
    );
    let mode: String = rusqlite::Connection::open(&path)
        .expect("open")
        .query_row("PRAGMA journal_mode", [], |row| row.get(0))
        .expect("journal mode");
    assert_eq!(mode, "wal");
}

#[test]
fn newer_schema_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("lgp.db");
    drop(SqliteStore::open(&path).expect("open"));
    rusqlite::Connection::open(&path)
        .expect("open")
        .execute_batch(&format!("PRAGMA user_version = {}", SCHEMA_VERSION + 1))
        .expect("bump version");
    let err = SqliteStore::open(&path).expect_err("a newer schema must be refused");
    assert!(err.to_string().contains("newer"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_writers_share_one_store() {
    let store = SqliteStore::open_in_memory().expect("open");
    let t = TenantId::new("acme").expect("tenant id");
    let tasks: Vec<_> = (0..16)
        .map(|i| {
            let (store, t) = (store.clone(), t.clone());
            tokio::spawn(async move {
                store
                    .kv_put_if_absent(&t, "p", "leader", format!("{i}").as_bytes())
                    .await
            })
        })
        .collect();
    let mut winners = 0;
    for task in tasks {
        if task.await.expect("join").expect("put if absent") {
            winners += 1;
        }
    }
    assert_eq!(winners, 1, "exactly one conditional put wins");
}
