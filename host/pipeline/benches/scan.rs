//! End-to-end scan throughput on the embedded backends: a synthetic inventory of S3 buckets
//! (the demo buckets replicated under unique ARNs) through the in-process bus, the SQLite store
//! (a file, WAL) and every built-in rule plugin as Wasm, until `compliance.scan.completed`.
//!
//! `cargo bench -p lgp-pipeline --bench scan -- 10000 100000`; prints resources/s and the peak
//! RSS of the process (VmHWM). Numbers go to docs/benchmarks.md.

mod support;

use lgp_events::TenantId;
use lgp_model::{PluginKind, Resource};
use lgp_pipeline::{Router, RouterConfig, ScanRequest, Scanner};
use lgp_store::ScanStatus;
use std::time::{Duration, Instant};

const DEMO: &str = include_str!("../../../plugins/rules-s3/fixtures/buckets.json");

fn synthetic(n: usize) -> Vec<Resource> {
    let base = lgp_model::parse_resources(DEMO).expect("demo account parses");
    (0..n)
        .map(|i| {
            let mut r = base[i % base.len()].clone();
            r.arn = format!("{}-{i}", r.arn);
            r.name = format!("{}-{i}", r.name);
            r
        })
        .collect()
}

async fn run(n: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    let services = support::embedded_services(dir.path());
    let plugins = support::builtins().await;
    let rules = plugins
        .iter()
        .filter(|p| p.kind() == PluginKind::Rule)
        .count();
    let router = Router::start(services.clone(), &plugins, RouterConfig::default())
        .await
        .expect("router");
    let tenant = TenantId::new("bench").expect("tenant");
    let resources = synthetic(n);
    let t = Instant::now();
    let scan_id = Scanner::new(services.clone(), rules)
        .run(ScanRequest {
            tenant: tenant.clone(),
            account_id: "111122223333".into(),
            source: "bench".into(),
            resources,
        })
        .await
        .expect("scan");
    let collected = t.elapsed();
    let scan = loop {
        let scan = services
            .store
            .get_scan(&tenant, &scan_id)
            .await
            .expect("scan");
        if scan.status == ScanStatus::Completed {
            break scan;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let elapsed = t.elapsed();
    println!(
        "scan of {n} resources: {:.2} s ({:.0} resources/s; collection published in {:.2} s), {} results, peak RSS {:.0} MiB",
        elapsed.as_secs_f64(),
        n as f64 / elapsed.as_secs_f64(),
        collected.as_secs_f64(),
        scan.counters.results,
        support::status_mib("VmHWM:")
    );
    router.shutdown().await;
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![10_000]
    } else {
        sizes
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    for n in sizes {
        rt.block_on(run(n));
    }
}
