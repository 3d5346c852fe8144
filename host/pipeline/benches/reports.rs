//! Report generation for a large scan, through the real path: the built-in report plugin as Wasm
//! on the router, reading the scan's results from the SQLite store through the `query`
//! capability and storing its four reports through `reports`.
//!
//! The store is seeded with two scans of N results each (the built-in checks over synthetic
//! resources; a tenth of the results change status between the scans, so the diff has work),
//! then `compliance.scan.completed` of the second is published and the time until its reports
//! are stored is measured, with each report's size and the process's peak RSS during rendering
//! (VmHWM, reset before). `cargo bench -p lgp-pipeline --bench reports -- 10000 100000`.
//! Numbers go to docs/benchmarks.md.

mod support;

use lgp_events::{Event, EventType, TenantId};
use lgp_model::{CheckMeta, PluginKind, Status};
use lgp_pipeline::{Router, RouterConfig};
use lgp_store::{NewResult, Scan, ScanCounters, ScanStatus, Store};
use std::time::{Duration, Instant};
use time::OffsetDateTime;

const ACCOUNT: &str = "111122223333";
const FORMATS: [&str; 4] = ["json", "csv", "html", "ocsf"];

/// Resets the peak RSS to the current RSS (Linux: `5` into clear_refs).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// The `i`-th of `n` results of a scan: check `i % checks`, its own resource; in the second scan
/// every tenth result flips between pass and fail.
fn result(checks: &[CheckMeta], i: usize, second: bool) -> NewResult {
    let check = &checks[i % checks.len()];
    let fails = i.is_multiple_of(3) ^ (second && i.is_multiple_of(10));
    NewResult {
        check_id: check.id.clone(),
        service: check.service.clone(),
        resource_arn: format!("arn:aws:{}:eu-west-1:{ACCOUNT}:thing/r{i}", check.service),
        account_id: ACCOUNT.into(),
        region: "eu-west-1".into(),
        status: if fails { Status::Fail } else { Status::Pass },
        severity: check.severity,
        message: format!("{} on resource r{i}", check.title),
        evidence: serde_json::json!({ "index": i, "setting": fails }),
        muted: i.is_multiple_of(97),
    }
}

async fn seed(store: &dyn Store, tenant: &TenantId, scan_id: &str, results: &[NewResult]) {
    let scan = Scan {
        scan_id: scan_id.to_owned(),
        account_id: ACCOUNT.into(),
        source: "bench".into(),
        status: ScanStatus::Completed,
        started_at: OffsetDateTime::now_utc(),
        finished_at: Some(OffsetDateTime::now_utc()),
        collected: true,
        counters: ScanCounters {
            results: results.len() as u64,
            ..ScanCounters::default()
        },
        errors: Default::default(),
    };
    store.create_scan(tenant, &scan).await.expect("scan");
    for chunk in results.chunks(1_000) {
        store
            .apply_results(tenant, scan_id, OffsetDateTime::now_utc(), chunk)
            .await
            .expect("results");
    }
}

async fn run(n: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let services = support::embedded_services(dir.path());
    // The rules give the report its checks; of the handlers, only the report plugin runs.
    let plugins: Vec<_> = support::builtins()
        .await
        .into_iter()
        .filter(|p| p.kind() == PluginKind::Rule || p.name() == "reports")
        .collect();
    let checks = lgp_pipeline::checks_of(&plugins);
    let tenant = TenantId::new("bench").expect("tenant");
    // Scan ids order scans: the second must sort after the first.
    let first = ulid::Ulid::new();
    let second = ulid::Ulid::from_parts(first.timestamp_ms() + 1, first.random()).to_string();
    let first = first.to_string();
    let t = Instant::now();
    for (scan_id, later) in [(&first, false), (&second, true)] {
        let results: Vec<NewResult> = (0..n).map(|i| result(&checks, i, later)).collect();
        seed(services.store.as_ref(), &tenant, scan_id, &results).await;
    }
    let seeding = t.elapsed();
    let router = Router::start(services.clone(), &plugins, RouterConfig::default())
        .await
        .expect("router");

    // The reports are stored, all four, before report.generated is published.
    let mut generated = services
        .bus
        .subscribe("bench:reports", &[EventType::ReportGenerated])
        .await
        .expect("subscribe");
    reset_peak();
    let rss_before = support::status_mib("VmRSS:");
    let t = Instant::now();
    let completed = Event::new(
        EventType::ComplianceScanCompleted,
        tenant.clone(),
        "bench",
        Some(second.clone()),
        serde_json::json!({ "scan_id": second, "account_id": ACCOUNT }),
    );
    services
        .bus
        .publish(vec![completed])
        .await
        .expect("publish");
    let generated = tokio::time::timeout(Duration::from_secs(600), generated.next())
        .await
        .expect("no report.generated after 10 minutes (see the log for the plugin's error)")
        .expect("the bus is open");
    assert_eq!(
        generated.event.correlation_id.as_deref(),
        Some(second.as_str())
    );
    let elapsed = t.elapsed();
    let peak = support::status_mib("VmHWM:");
    let mut sizes = Vec::new();
    for format in FORMATS {
        let body = services
            .store
            .get_report(&tenant, &second, format)
            .await
            .expect("report");
        sizes.push((format, body.len()));
    }
    router.shutdown().await;
    let sizes: Vec<String> = sizes
        .iter()
        .map(|(f, b)| format!("{f} {:.1} MB", *b as f64 / 1e6))
        .collect();
    println!(
        "{n} results (seeded twice in {:.1}s): reports in {:.2}s ({:.0} results/s); {}; RSS {:.0} MiB before, peak {:.0} MiB while rendering",
        seeding.as_secs_f64(),
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        sizes.join(", "),
        rss_before,
        peak
    );
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000, 100_000]
    } else {
        sizes
    };
    let rt = tokio::runtime::Runtime::new().expect("tokio");
    for n in sizes {
        rt.block_on(run(n));
    }
}
