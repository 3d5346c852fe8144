//! Measures the scan hot path: `put_resources` and `apply_results` at batches of 1,000 rows on
//! a file store (WAL, synchronous = FULL). Run with
//! `cargo run --release -p lgp-store --example write_throughput [batches]`.

use lgp_events::TenantId;
use lgp_model::{Resource, Severity, Status};
use lgp_store::{NewResult, SqliteStore, Store};
use serde_json::value::RawValue;
use std::time::Instant;
use time::OffsetDateTime;

const BATCH: usize = 1_000;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error + Send + Sync>>;

fn resource(i: usize, version: u32) -> Result<Resource> {
    Ok(Resource {
        arn: format!("arn:aws:s3:::bucket-{i:07}"),
        kind: "aws:s3:bucket".to_owned(),
        account: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
        name: format!("bucket-{i:07}"),
        tags: [
            ("env".to_owned(), "prod".to_owned()),
            ("team".to_owned(), "core".to_owned()),
        ]
        .into(),
        properties: RawValue::from_string(format!(
            r#"{{"versioning":{{"status":"Enabled"}},"encryption":{{"sse":"aws:kms"}},"public_access_block":{{"block_public_acls":true,"ignore_public_acls":true}},"policy_version":{version},"logging":{{"target":"logs-{i}"}}}}"#
        ))?,
    })
}

fn result(check: usize, i: usize, status: Status) -> NewResult {
    NewResult {
        check_id: format!("s3_check_{check:02}"),
        service: "s3".to_owned(),
        resource_arn: format!("arn:aws:s3:::bucket-{i:07}"),
        account_id: "123456789012".to_owned(),
        region: "us-east-1".to_owned(),
        status,
        severity: Severity::High,
        message: format!("bucket-{i:07} is {status}"),
        evidence: serde_json::json!({ "versioning": "Enabled", "index": i }),
        muted: false,
    }
}

fn rate(rows: usize, started: Instant) -> String {
    let secs = started.elapsed().as_secs_f64();
    format!(
        "{:>9.0} rows/s ({rows} rows in {secs:.2}s)",
        rows as f64 / secs
    )
}

#[tokio::main]
async fn main() -> Result<()> {
    let batches: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse())
        .transpose()?
        .unwrap_or(20);
    let dir = tempfile::tempdir()?;
    let store = SqliteStore::open(dir.path().join("bench.db"))?;
    let t = TenantId::new("bench")?;
    let now = OffsetDateTime::now_utc();
    let rows = batches * BATCH;

    let batches_of = |version: u32| -> Result<Vec<Vec<Resource>>> {
        (0..batches)
            .map(|b| {
                (b * BATCH..(b + 1) * BATCH)
                    .map(|i| resource(i, version))
                    .collect()
            })
            .collect()
    };
    let first = batches_of(1)?;
    let started = Instant::now();
    for batch in &first {
        store
            .put_resources(&t, "01JSCAN0000000000000000001", batch)
            .await?;
    }
    println!(
        "put_resources, new resources:        {}",
        rate(rows, started)
    );
    let second = batches_of(2)?;
    let started = Instant::now();
    for batch in &second {
        store
            .put_resources(&t, "01JSCAN0000000000000000002", batch)
            .await?;
    }
    println!(
        "put_resources, next scan (changed):  {}",
        rate(rows, started)
    );

    let results = |status: Status| -> Vec<Vec<NewResult>> {
        (0..batches)
            .map(|b| {
                (b * BATCH..(b + 1) * BATCH)
                    .map(|i| result(i % 10, i, status))
                    .collect()
            })
            .collect()
    };
    let fail = results(Status::Fail);
    let started = Instant::now();
    let mut transitions = 0;
    for batch in &fail {
        transitions += store
            .apply_results(&t, "01JSCAN0000000000000000001", now, batch)
            .await?
            .len();
    }
    println!(
        "apply_results, new results:          {} → {transitions} transitions",
        rate(rows, started)
    );
    let started = Instant::now();
    let mut transitions = 0;
    for batch in &fail {
        transitions += store
            .apply_results(&t, "01JSCAN0000000000000000002", now, batch)
            .await?
            .len();
    }
    println!(
        "apply_results, unchanged status:     {} → {transitions} transitions",
        rate(rows, started)
    );
    let pass = results(Status::Pass);
    let started = Instant::now();
    let mut transitions = 0;
    for batch in &pass {
        transitions += store
            .apply_results(&t, "01JSCAN0000000000000000003", now, batch)
            .await?
            .len();
    }
    println!(
        "apply_results, every status changes: {} → {transitions} transitions",
        rate(rows, started)
    );
    Ok(())
}
