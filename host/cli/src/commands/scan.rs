//! `lgp scan`: collect an account with the collector plugins (live, from a snapshot, or the
//! bundled demo snapshot), evaluate it through the event pipeline on the embedded platform,
//! print a summary and write the JSON report.

use crate::account::{self, Account};
use crate::args::{Format, Global, ScanArgs};
use crate::commands::not_yet;
use crate::platform::Platform;
use crate::report::{self, Report};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use lgp_events::TenantId;
use lgp_model::{CheckMeta, PluginKind};
use lgp_pipeline::{CollectingScan, Collection, DEFAULT_COLLECT_CONCURRENCY};
use lgp_store::{PageRequest, ResultFilter, ResultRecord, Scan, ScanStatus};
use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// How often the progress display reads the scan's counters.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// Runs `lgp scan`.
pub async fn run(global: &Global, args: ScanArgs) -> anyhow::Result<ExitCode> {
    if let Some(f) = args
        .format
        .iter()
        .find(|f| matches!(f, Format::Csv | Format::Html | Format::Ocsf))
    {
        return not_yet(&format!("the {f:?} report"), "the report plugin (issue #6)");
    }
    let tenant = TenantId::new(args.tenant.clone()).context("--tenant")?;
    let account = if args.demo {
        account::demo()?
    } else if let Some(path) = &args.snapshot {
        account::snapshot(path, &args.account.regions)?
    } else {
        account::live(&args.account).await?
    };
    let quiet = args.format.contains(&Format::Json) && !args.format.contains(&Format::Table);
    execute(global, &tenant, account, &args.out, quiet).await?;
    Ok(ExitCode::SUCCESS)
}

/// Scans `account` on the embedded platform, writes the JSON report to `out` and prints the
/// summary (or, when `quiet`, the report). Returns the finished scan.
pub async fn execute(
    global: &Global,
    tenant: &TenantId,
    account: Account,
    out: &Path,
    quiet: bool,
) -> anyhow::Result<Scan> {
    let platform = Platform::embedded(global).await?;
    let store = platform.services.store.clone();
    let collectors: Vec<_> = platform
        .plugins
        .iter()
        .filter(|p| p.kind() == PluginKind::Collector)
        .cloned()
        .collect();
    let started = platform
        .scanner()
        .run_collection(CollectingScan {
            tenant: tenant.clone(),
            account_id: account.account_id.clone(),
            source: account.source.into(),
            collection: Collection {
                collectors,
                aws: account.aws.clone(),
                regions: account.regions.clone(),
                concurrency: DEFAULT_COLLECT_CONCURRENCY,
            },
        })
        .await
        .context("the scan failed")?;
    let scan_id = started.scan_id;
    let scan = wait_for_completion(store.as_ref(), tenant, &scan_id, quiet).await?;
    let metas: Vec<CheckMeta> = platform
        .plugins
        .iter()
        .flat_map(|p| p.checks().iter().cloned())
        .collect();
    platform.shutdown().await;

    let results = all_results(store.as_ref(), tenant, &scan_id).await?;
    let checks: HashMap<&str, &CheckMeta> = metas.iter().map(|c| (c.id.as_str(), c)).collect();
    let rows = report::rows(&results, &checks);
    let report = Report {
        schema_version: report::REPORT_SCHEMA_VERSION,
        scan: &scan,
        totals: report::totals(&rows),
        muted: rows.iter().filter(|r| r.muted).count(),
        results: rows,
    };
    std::fs::create_dir_all(out).with_context(|| format!("cannot create {}", out.display()))?;
    let path = out.join(format!("scan-{scan_id}.json"));
    let json = serde_json::to_string_pretty(&report)?;
    std::fs::write(&path, &json).with_context(|| format!("cannot write {}", path.display()))?;
    if quiet {
        println!("{json}");
    } else {
        println!(
            "scan {scan_id} of account {} ({}, {} region(s): {}): {} resources, {} results, {} AWS calls\n{}",
            scan.account_id,
            account.source,
            account.regions.len(),
            account.regions.join(", "),
            scan.counters.resources,
            report.results.len(),
            started.calls.calls,
            report::summary_tables(&scan, &report.results)
        );
        for (invocation, error) in &started.collector_failures {
            println!("collector failure {invocation}: {error}");
        }
        println!("report written to {}", path.display());
    }
    Ok(scan)
}

/// Follows the scan's counters in the store until it completes.
async fn wait_for_completion(
    store: &dyn lgp_store::Store,
    tenant: &TenantId,
    scan_id: &str,
    quiet: bool,
) -> anyhow::Result<Scan> {
    let bar = if quiet {
        ProgressBar::hidden()
    } else {
        ProgressBar::new(0)
    };
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{bar:30}] {pos}/{len} evaluations")
            .context("progress template")?,
    );
    loop {
        let scan = store.get_scan(tenant, scan_id).await?;
        let c = &scan.counters;
        bar.set_length(c.evaluations_expected.max(c.batches_published));
        bar.set_position(c.evaluations_done);
        bar.set_message(format!("{} resources, {} results", c.resources, c.results));
        match scan.status {
            ScanStatus::Completed => {
                bar.finish_and_clear();
                return Ok(scan);
            }
            ScanStatus::Failed | ScanStatus::Cancelled => {
                bar.abandon();
                anyhow::bail!("scan {scan_id} ended as {:?}", scan.status);
            }
            ScanStatus::Pending | ScanStatus::Running => {
                tokio::time::sleep(PROGRESS_INTERVAL).await
            }
        }
    }
}

/// Every result last seen by the scan, page by page.
async fn all_results(
    store: &dyn lgp_store::Store,
    tenant: &TenantId,
    scan_id: &str,
) -> anyhow::Result<Vec<ResultRecord>> {
    let filter = ResultFilter {
        scan_id: Some(scan_id.to_owned()),
        ..ResultFilter::default()
    };
    let mut page = PageRequest::first(lgp_store::MAX_PAGE);
    let mut out = Vec::new();
    loop {
        let got = store.list_results(tenant, &filter, &page).await?;
        out.extend(got.items);
        match got.next {
            Some(cursor) => page.cursor = Some(cursor),
            None => return Ok(out),
        }
    }
}
