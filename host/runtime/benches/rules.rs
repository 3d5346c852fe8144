//! Rule evaluation on a 100,000-resource inventory (issue #5): the three built-in rule plugins
//! as Wasm against the same crates compiled natively, in check evaluations per second.
//!
//! The base set is the bundled demo account: its snapshot replayed through the built-in
//! collectors (Wasm), keeping the resources of every kind a rule plugin evaluates. It is
//! replicated under unique ARNs and names to 100,000 resources, keeping the demo's kind mix. Each
//! rule plugin is given only the resources of the kinds its checks cover, in batches (500, the
//! pipeline's batch size, unless sizes are given on the command line). Wasm: the built-in
//! component through [`Plugin::evaluate`], a fresh store per batch, the full host path. Native:
//! the same crate through the SDK's dispatcher, given the same wire-form resources. One pass of
//! the whole inventory per side after a short warm-up, the two sides alternating batch by batch.
//!
//! `cargo bench -p lgp-runtime --bench rules [-- 100 500 1000]` (release). Numbers go to
//! docs/benchmarks.md; nothing here asserts a speed.

use lgp_aws_api::{AwsApi, CallStats, PluginGate, Replay, Snapshot};
use lgp_model::{PluginKind, Resource};
use lgp_plugin_rules_ec2::Ec2Rules;
use lgp_plugin_rules_iam::IamRules;
use lgp_plugin_rules_s3::S3Rules;
use lgp_runtime::{EvaluationContext, Plugin, Runtime, RuntimeConfig, ScanScope, Trust};
use lgp_sdk::resource::RawResource;
use lgp_sdk::{Check, RulePlugin};
use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;
use std::time::{Duration, Instant};

const DEMO: &[u8] = include_bytes!("../../cli/demo/demo-account.snapshot.json.gz");
const INVENTORY: usize = 100_000;
const PIPELINE_BATCH: usize = 500;
/// Batches per plugin and side evaluated before timing.
const WARM_UP_BATCHES: usize = 10;
const NOW: i64 = 1_767_225_600;

/// A rule crate's checks, as its [`RulePlugin::checks`] builds them natively.
type NativeChecks = fn() -> Vec<Check>;

/// A built-in rule plugin: its Wasm component and its native crate.
struct Rules {
    name: &'static str,
    native: NativeChecks,
    wasm: Plugin,
    kinds: HashSet<String>,
}

/// One side's pass over a plugin's resources.
struct Pass {
    findings: usize,
    time: Duration,
}

/// The demo account's resources, as the built-in collectors normalize its snapshot.
async fn demo_resources(runtime: &Runtime) -> Vec<Resource> {
    let snapshot = Snapshot::from_slice(DEMO).expect("the demo snapshot parses");
    let aws: Arc<dyn AwsApi> = Arc::new(Replay::new(&snapshot));
    let stats = Arc::new(CallStats::new());
    let mut resources = Vec::new();
    for b in lgp_builtins::BUILTINS {
        let plugin = runtime
            .load(b.name, b.wasm, Trust::Trusted)
            .await
            .expect("loads");
        if plugin.kind() != PluginKind::Collector {
            continue;
        }
        for (i, region) in snapshot.regions.iter().enumerate() {
            let scope = ScanScope {
                scan_id: "bench".into(),
                account: snapshot.account.clone(),
                regions: vec![region.clone()],
                include_global: i == 0,
            };
            let gate = PluginGate::new(
                aws.clone(),
                plugin.name(),
                &plugin.info().capabilities,
                stats.clone(),
            );
            resources.extend(
                plugin
                    .collect(&scope, Arc::new(gate))
                    .await
                    .expect("collects"),
            );
        }
    }
    resources
}

/// `base` replicated under unique ARNs and names to `n` resources, in the base's order.
fn replicate(base: &[Resource], n: usize) -> impl Iterator<Item = Resource> + '_ {
    (0..n).map(|i| {
        let mut r = base[i % base.len()].clone();
        r.arn = format!("{}-{i}", r.arn);
        r.name = format!("{}-{i}", r.name);
        r
    })
}

/// The wire form a rule receives, as the SDK's native harness takes it.
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

/// Peak resident set size of this process (`VmHWM`), in MiB, where the kernel reports it.
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// Evaluates `batches` with both sides, alternating batch by batch so that the machine's load
/// (it is shared and noisy) falls on both alike. Returns the Wasm pass and the native pass.
async fn passes(rules: &Rules, batches: &[&[Resource]]) -> (Pass, Pass) {
    let wasm_ctx = EvaluationContext {
        scan_id: "bench".into(),
        now_unix_seconds: NOW,
    };
    let native_ctx = lgp_sdk::Context::new("bench", NOW);
    let mut wasm = Pass {
        findings: 0,
        time: Duration::ZERO,
    };
    let mut native = Pass {
        findings: 0,
        time: Duration::ZERO,
    };
    for batch in batches {
        let started = Instant::now();
        wasm.findings += rules
            .wasm
            .evaluate(&wasm_ctx, batch)
            .await
            .expect("evaluates")
            .len();
        wasm.time += started.elapsed();

        let started = Instant::now();
        // As the guest does per call: build the checks, then dispatch the wire-form batch.
        let checks = (rules.native)();
        native.findings += lgp_sdk::rule::evaluate(&checks, &native_ctx, raw(batch)).len();
        native.time += started.elapsed();
    }
    (wasm, native)
}

fn row(name: &str, resources: usize, wasm: &Pass, native: &Pass) {
    let rate = |p: &Pass| p.findings as f64 / p.time.as_secs_f64();
    println!(
        "{name:<10} {resources:>9} {:>12} {:>9.2} {:>13.0} {:>9.2} {:>13.0} {:>7.2}x",
        wasm.findings,
        wasm.time.as_secs_f64(),
        rate(wasm),
        native.time.as_secs_f64(),
        rate(native),
        wasm.time.as_secs_f64() / native.time.as_secs_f64()
    );
}

async fn measure(all: &[Rules], inventories: &[Vec<Resource>], batch: usize) {
    println!(
        "\nbatch {batch}\n{:<10} {:>9} {:>12} {:>9} {:>13} {:>9} {:>13} {:>8}",
        "plugin",
        "resources",
        "check evals",
        "wasm s",
        "wasm evals/s",
        "native s",
        "native evals/s",
        "wasm/nat"
    );
    let (mut wasm_total, mut native_total, mut resources_total) = (
        Pass {
            findings: 0,
            time: Duration::ZERO,
        },
        Pass {
            findings: 0,
            time: Duration::ZERO,
        },
        0,
    );
    for (rules, resources) in all.iter().zip(inventories) {
        let batches: Vec<&[Resource]> = resources.chunks(batch).collect();
        let warm = &batches[..batches.len().min(WARM_UP_BATCHES)];
        passes(rules, warm).await;
        let (wasm, native) = passes(rules, &batches).await;
        assert_eq!(
            wasm.findings, native.findings,
            "{}: Wasm and native disagree",
            rules.name
        );
        row(rules.name, resources.len(), &wasm, &native);
        wasm_total.findings += wasm.findings;
        wasm_total.time += wasm.time;
        native_total.findings += native.findings;
        native_total.time += native.time;
        resources_total += resources.len();
    }
    row("total", resources_total, &wasm_total, &native_total);
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .filter(|&n| n > 0)
        .collect();
    let sizes = if sizes.is_empty() {
        vec![PIPELINE_BATCH]
    } else {
        sizes
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    rt.block_on(async {
        let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
        let natives: [(&str, NativeChecks); 3] = [
            ("rules-s3", S3Rules::checks),
            ("rules-ec2", Ec2Rules::checks),
            ("rules-iam", IamRules::checks),
        ];
        let mut all = Vec::new();
        for (name, native) in natives {
            let builtin = lgp_builtins::find(name).expect("a built-in rule plugin");
            let wasm = runtime
                .load(builtin.name, builtin.wasm, Trust::Trusted)
                .await
                .expect("loads");
            let kinds = wasm
                .checks()
                .iter()
                .flat_map(|c| c.resource_kinds.iter().cloned())
                .collect();
            println!(
                "{name}: {} checks, component {} bytes",
                wasm.checks().len(),
                builtin.wasm.len()
            );
            all.push(Rules {
                name,
                native,
                wasm,
                kinds,
            });
        }

        let base: Vec<Resource> = demo_resources(&runtime)
            .await
            .into_iter()
            .filter(|r| all.iter().any(|p| p.kinds.contains(&r.kind)))
            .collect();
        let mut mix: BTreeMap<&str, usize> = BTreeMap::new();
        for r in &base {
            *mix.entry(r.kind.as_str()).or_default() += 1;
        }
        let bytes: usize = base.iter().map(|r| r.properties.get().len()).sum();
        println!(
            "base set: {} resources of the demo account, {} bytes of properties on average",
            base.len(),
            bytes / base.len().max(1)
        );
        for (kind, n) in &mix {
            println!("  {kind:<40} {n:>4}");
        }

        // Each plugin's share of the inventory (a resource two plugins cover goes to both).
        let mut inventories: Vec<Vec<Resource>> = all.iter().map(|_| Vec::new()).collect();
        for r in replicate(&base, INVENTORY) {
            let covering: Vec<usize> = (0..all.len())
                .filter(|&i| all[i].kinds.contains(&r.kind))
                .collect();
            if let Some((&last, rest)) = covering.split_last() {
                for &i in rest {
                    inventories[i].push(r.clone());
                }
                inventories[last].push(r);
            }
        }
        println!("inventory: {INVENTORY} resources");

        for batch in sizes {
            measure(&all, &inventories, batch).await;
        }
        if let Some(mib) = peak_rss_mib() {
            println!("\npeak RSS (VmHWM): {mib:.0} MiB");
        }
    });
}
