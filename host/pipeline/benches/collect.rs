//! Collection throughput on replay: the built-in collectors (Wasm) normalizing a recorded
//! snapshot, with no network. The bundled demo snapshot (about 290 resources in two regions) is
//! widened to N regions by copying its us-east-1 answers under synthetic region names, which is
//! how a large account looks to the collectors (EC2 is regional; IAM and S3 are collected once).
//!
//! `cargo bench -p lgp-pipeline --bench collect -- 10000`; prints resources normalized per second
//! and the wall time. Numbers go to docs/benchmarks.md.

use lgp_aws_api::{AwsApi, CallStats, PluginGate, Replay, Snapshot, SnapshotCall};
use lgp_model::PluginKind;
use lgp_runtime::{Runtime, RuntimeConfig, Trust};
use std::sync::Arc;
use std::time::Instant;

const DEMO: &[u8] = include_bytes!("../../cli/demo/demo-account.snapshot.json.gz");
const TEMPLATE_REGION: &str = "us-east-1";

/// The demo snapshot with the template region's answers copied to `extra` more regions.
fn widened(extra: usize) -> Snapshot {
    let demo = Snapshot::from_slice(DEMO).expect("the demo snapshot parses");
    let mut calls = demo.calls.clone();
    let mut regions = demo.regions.clone();
    for i in 0..extra {
        let region = format!("bench-{i}");
        calls.extend(
            demo.calls
                .iter()
                .filter(|c| c.request.region == TEMPLATE_REGION && c.request.service == "ec2")
                .map(|c| {
                    let mut copy: SnapshotCall = c.clone();
                    copy.request.region = region.clone();
                    copy
                }),
        );
        regions.push(region);
    }
    Snapshot::new(demo.account, regions, demo.recorded_at, calls)
}

async fn collect(runtime: &Runtime, snapshot: &Snapshot) -> (usize, f64) {
    let aws: Arc<dyn AwsApi> = Arc::new(Replay::new(snapshot));
    let mut collectors = Vec::new();
    for b in lgp_builtins::BUILTINS {
        let plugin = runtime
            .load(b.name, b.wasm, Trust::Trusted)
            .await
            .expect("loads");
        if plugin.kind() == PluginKind::Collector {
            collectors.push(plugin);
        }
    }
    let stats = Arc::new(CallStats::new());
    let started = Instant::now();
    let mut jobs = Vec::new();
    let scopes = lgp_pipeline::scan_scopes("bench", &snapshot.account, &snapshot.regions);
    for plugin in &collectors {
        for scope in &scopes {
            let gate = PluginGate::new(
                aws.clone(),
                plugin.name(),
                &plugin.info().capabilities,
                stats.clone(),
            );
            let (plugin, scope) = (plugin.clone(), scope.clone());
            jobs.push(tokio::spawn(async move {
                plugin
                    .collect(&scope, Arc::new(gate))
                    .await
                    .expect("collects")
                    .len()
            }));
        }
    }
    let mut total = 0;
    for job in jobs {
        total += job.await.expect("joins");
    }
    (total, started.elapsed().as_secs_f64())
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let targets: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let targets = if targets.is_empty() {
        vec![10_000]
    } else {
        targets
    };
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let (base, _) = collect(&runtime, &widened(0)).await;
    let (with_one, _) = collect(&runtime, &widened(1)).await;
    let per_region = (with_one - base).max(1);
    for target in targets {
        let extra = target.saturating_sub(base).div_ceil(per_region);
        let snapshot = widened(extra);
        let (n, secs) = collect(&runtime, &snapshot).await;
        println!(
            "collect (replay) {n} resources in {} regions: {secs:.2} s, {:.0} resources/s",
            snapshot.regions.len(),
            n as f64 / secs
        );
    }
}
