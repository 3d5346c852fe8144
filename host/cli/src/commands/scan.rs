//! `lgp scan`: evaluate an account's resources with every built-in rule plugin.
//!
//! For now the resources come from the bundled demo account; live collection, the event
//! pipeline and the other report formats arrive with their issues and say so.

use crate::args::{Format, Global, ScanArgs};
use crate::commands::not_yet;
use crate::host;
use crate::report::{self, Report};
use anyhow::Context;
use lgp_model::{CheckMeta, Finding, PluginKind, Resource};
use lgp_runtime::{EvaluationContext, Plugin};
use std::collections::{HashMap, HashSet};
use std::process::ExitCode;
use tokio::task::JoinSet;

/// The bundled demo account: a deliberately mixed compliant / non-compliant inventory.
const DEMO_ACCOUNT: &str = include_str!("../../demo/account.json");

/// Resources per rule invocation: large enough to amortize instantiation (about 10 µs) and
/// reach the batch-size regime where Wasm runs close to native, small enough to spread a scan
/// across cores.
const BATCH: usize = 500;

/// Runs `lgp scan`.
pub async fn run(global: &Global, args: ScanArgs) -> anyhow::Result<ExitCode> {
    if !args.demo {
        return not_yet("lgp scan of a live account", "the AWS collectors (issue #4); try `lgp scan --demo`");
    }
    if let Some(f) = args.format.iter().find(|f| matches!(f, Format::Csv | Format::Html | Format::Ocsf)) {
        return not_yet(&format!("the {f:?} report"), "the report plugin (issue #6)");
    }
    let resources = lgp_model::parse_resources(DEMO_ACCOUNT).context("the bundled demo account is invalid")?;
    let runtime = host::runtime(global)?;
    let plugins = host::builtins(&runtime).await?;
    let scan_id = ulid::Ulid::new().to_string();
    let now = time::OffsetDateTime::now_utc();
    let started_at = now.format(&time::format_description::well_known::Rfc3339)?;
    let ctx = EvaluationContext {
        scan_id: scan_id.clone(),
        now_unix_seconds: now.unix_timestamp(),
    };
    let findings = evaluate_all(&plugins, &resources, &ctx).await?;

    let checks: HashMap<&str, &CheckMeta> = plugins
        .iter()
        .flat_map(|p| p.checks())
        .map(|c| (c.id.as_str(), c))
        .collect();
    let by_arn: HashMap<&str, &Resource> = resources.iter().map(|r| (r.arn.as_str(), r)).collect();
    let rows = report::rows(&findings, &checks, &by_arn);
    let report = Report {
        schema_version: report::REPORT_SCHEMA_VERSION,
        scan_id: &scan_id,
        started_at: &started_at,
        source: "demo",
        totals: report::totals(&rows),
        results: rows,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let path = args.out.join(format!("scan-{scan_id}.json"));
    let json = serde_json::to_string_pretty(&report)?;
    std::fs::write(&path, &json).with_context(|| format!("cannot write {}", path.display()))?;
    if args.format.contains(&Format::Json) && !args.format.contains(&Format::Table) {
        println!("{json}");
    } else {
        println!(
            "scan {scan_id} of the demo account: {} resources, {} results\n{}",
            resources.len(),
            report.results.len(),
            report::summary_tables(&report.results)
        );
        println!("report written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
}

/// Evaluates every rule plugin on the resources of the kinds its checks apply to, in batches,
/// concurrently.
async fn evaluate_all(
    plugins: &[Plugin],
    resources: &[Resource],
    ctx: &EvaluationContext,
) -> anyhow::Result<Vec<Finding>> {
    let mut tasks = JoinSet::new();
    for plugin in plugins.iter().filter(|p| p.kind() == PluginKind::Rule) {
        let kinds: HashSet<&str> = plugin
            .checks()
            .iter()
            .flat_map(|c| c.resource_kinds.iter().map(String::as_str))
            .collect();
        let applicable: Vec<Resource> = resources
            .iter()
            .filter(|r| kinds.contains(r.kind.as_str()))
            .cloned()
            .collect();
        for batch in applicable.chunks(BATCH) {
            let (plugin, ctx, batch) = (plugin.clone(), ctx.clone(), batch.to_vec());
            tasks.spawn(async move { plugin.evaluate(&ctx, &batch).await });
        }
    }
    let mut findings = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        findings.extend(joined.context("an evaluation task panicked")??);
    }
    Ok(findings)
}
