//! Sandbox benchmark: instantiation from `InstancePre`, and rule evaluation throughput of the
//! built-in S3 rules as Wasm against the same crate compiled natively.
//!
//! `cargo bench -p lgp-runtime --bench sandbox` (release). Numbers go to docs/benchmarks.md; nothing
//! here asserts a speed.

use lgp_model::Resource;
use lgp_plugin_rules_s3::S3Rules;
use lgp_runtime::{EvaluationContext, Plugin, Runtime, RuntimeConfig, Trust};
use lgp_sdk::RulePlugin;
use lgp_sdk::resource::RawResource;
use std::time::{Duration, Instant};

const DEMO: &str = include_str!("../../../plugins/rules-s3/fixtures/buckets.json");

/// The demo buckets, replicated under unique ARNs to `n` resources.
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

fn raw(resources: &[Resource]) -> Vec<RawResource> {
    resources
        .iter()
        .map(|r| RawResource {
            arn: r.arn.clone(),
            kind: r.kind.clone(),
            account: r.account.clone(),
            region: r.region.clone(),
            name: r.name.clone(),
            tags: r.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            properties: r.properties.get().to_owned(),
        })
        .collect()
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn instantiation(plugin: &Plugin) {
    for _ in 0..200 {
        plugin.probe().await.expect("probe");
    }
    let mut samples: Vec<Duration> = (0..5_000).map(|_| Duration::ZERO).collect();
    for s in &mut samples {
        let t = Instant::now();
        plugin.probe().await.expect("probe");
        *s = t.elapsed();
    }
    samples.sort();
    println!(
        "instantiate (fresh store + InstancePre): p50 {:.1} µs, p99 {:.1} µs",
        percentile(&samples, 0.50).as_secs_f64() * 1e6,
        percentile(&samples, 0.99).as_secs_f64() * 1e6
    );
}

async fn throughput(plugin: &Plugin, batch: usize) {
    let ctx = EvaluationContext {
        scan_id: "bench".into(),
        now_unix_seconds: 1_767_225_600,
    };
    let sdk_ctx = lgp_sdk::Context::new("bench", 1_767_225_600);
    let resources = synthetic(batch);
    let total = 20_000usize.max(batch * 5);
    let rounds = total / batch;

    for _ in 0..rounds.min(20) {
        plugin.evaluate(&ctx, &resources).await.expect("evaluate");
    }
    let t = Instant::now();
    let mut findings = 0;
    for _ in 0..rounds {
        findings += plugin
            .evaluate(&ctx, &resources)
            .await
            .expect("evaluate")
            .len();
    }
    let wasm = t.elapsed();

    let t = Instant::now();
    let mut native_findings = 0;
    for _ in 0..rounds {
        let checks = S3Rules::checks();
        native_findings += lgp_sdk::rule::evaluate(&checks, &sdk_ctx, raw(&resources)).len();
    }
    let native = t.elapsed();
    assert_eq!(findings, native_findings, "Wasm and native disagree");

    let per = |d: Duration| (rounds * batch) as f64 / d.as_secs_f64();
    let checks = S3Rules::checks().len();
    println!(
        "batch {batch:>5}: wasm {:>9.0} resources/s ({:>10.0} check-evaluations/s), native {:>9.0} resources/s, wasm/native time {:.2}x",
        per(wasm),
        per(wasm) * checks as f64,
        per(native),
        wasm.as_secs_f64() / native.as_secs_f64()
    );
}

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
        let builtin = lgp_builtins::find("rules-s3").expect("rules-s3 is built in");
        let plugin = runtime
            .load(builtin.name, builtin.wasm, Trust::Trusted)
            .await
            .expect("load rules-s3");
        println!("component: rules-s3, {} bytes", builtin.wasm.len());
        instantiation(&plugin).await;
        for batch in [1, 100, 1_000] {
            throughput(&plugin, batch).await;
        }
    });
}
