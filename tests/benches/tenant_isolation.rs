//! How much one tenant's hostile uploaded plugin slows another tenant's scans.
//!
//! Starts `lgp serve --demo` on loopback; tenant `bravo` scans the demo account `SCANS` times one
//! after another (the baseline), then tenant `hostile` uploads the `busy-rule` guest (it spins
//! until the invocation deadline on every S3 bucket) and scans in a loop while `bravo` scans
//! `SCANS` times again. Prints the p50 / p99 / max of bravo's scan durations (start request to
//! `completed`) in both phases and their ratio. The target is a p99 ratio of at most 2.
//!
//! `cargo bench -p lgp-e2e --bench tenant_isolation` (add `--profile dev` to reuse a test
//! build). `LGP_BENCH_SCANS` sets the number of scans per phase (default 20).

#[path = "../e2e/served.rs"]
#[allow(dead_code)]
mod served;

mod guests {
    include!(concat!(env!("OUT_DIR"), "/guests.rs"));
}

use served::{LGP, Server, token};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

fn summary(label: &str, mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    let (p50, p99) = (percentile(&samples, 50.0), percentile(&samples, 99.0));
    println!(
        "{label:<28} n={:<3} p50 {:>7.1} ms  p99 {:>7.1} ms  max {:>7.1} ms",
        samples.len(),
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        samples[samples.len() - 1].as_secs_f64() * 1e3
    );
    p99
}

async fn timed_scans(
    server: &Server,
    http: &reqwest::Client,
    token: &str,
    n: usize,
) -> Vec<Duration> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        let started = Instant::now();
        server.scan(http, token).await;
        out.push(started.elapsed());
    }
    out
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let scans: usize = std::env::var("LGP_BENCH_SCANS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20);
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(&dir.path().join("data"), &[]);
    let http = reqwest::Client::new();
    let (bravo, hostile) = (token("bravo", "analyst"), token("hostile", "admin"));

    // One scan each to warm the caches (compiled artifacts, connections), not measured.
    server.scan(&http, &bravo).await;
    let baseline = timed_scans(&server, &http, &bravo, scans).await;

    let upload = Command::new(LGP)
        .args([
            "plugin",
            "upload",
            guests::BUSY_RULE,
            "--server",
            &server.base,
        ])
        .env("LGP_TOKEN", &hostile)
        .output()
        .expect("lgp plugin upload");
    assert!(upload.status.success(), "{upload:?}");
    let stop = Arc::new(AtomicBool::new(false));
    let hostile_loop = {
        let (stop, http, base) = (stop.clone(), http.clone(), server.base.clone());
        tokio::spawn(async move {
            let mut started = 0u32;
            while !stop.load(Ordering::Relaxed) {
                // A new scan every few seconds without waiting for the last: its plugin's batches pile
                // up behind its quota, as a hostile tenant's would.
                let _ = http
                    .post(format!("{base}/v1/scans"))
                    .bearer_auth(&hostile)
                    .json(&serde_json::json!({ "account_id": "demo" }))
                    .send()
                    .await;
                started += 1;
                tokio::time::sleep(Duration::from_secs(3)).await;
            }
            started
        })
    };
    // Let the hostile plugin reach its first deadlines before measuring.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let under_attack = timed_scans(&server, &http, &bravo, scans).await;
    stop.store(true, Ordering::Relaxed);
    let hostile_scans = hostile_loop.await.expect("hostile loop");

    println!("tenant isolation: bravo's demo scans, {scans} per phase");
    let before = summary("baseline", baseline);
    let after = summary(
        &format!("with a spinning tenant ({hostile_scans} scans)"),
        under_attack,
    );
    println!(
        "p99 ratio {:.2} (target <= 2.0)",
        after.as_secs_f64() / before.as_secs_f64()
    );
}
