//! `lgp scan`: collect an account with the collector plugins (live, from a snapshot, or the
//! bundled demo snapshot), evaluate it through the event pipeline on the embedded platform,
//! print a summary and write the reports the report plugin rendered.

use crate::account::{self, Account};
use crate::args::{Format, Global, ScanArgs};
use crate::platform::Platform;
use crate::report::{self, ReportFormat};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use lgp_events::{EventType, TenantId};
use lgp_model::PluginKind;
use lgp_pipeline::{CollectingScan, Collection, DEFAULT_COLLECT_CONCURRENCY};
use lgp_store::{EventFilter, PageRequest, ResultFilter, ResultRecord, Scan, ScanStatus};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

/// How often the progress display reads the scan's counters.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// Runs `lgp scan`.
pub async fn run(global: &Global, args: ScanArgs) -> anyhow::Result<ExitCode> {
    let tenant = TenantId::new(args.tenant.clone()).context("--tenant")?;
    let account = if args.demo {
        account::demo()?
    } else if let Some(path) = &args.snapshot {
        account::snapshot(path, &args.account.regions)?
    } else {
        account::live(&args.account).await?
    };
    let quiet = args.format.contains(&Format::Json) && !args.format.contains(&Format::Table);
    let mut formats = vec![ReportFormat::Json];
    for f in &args.format {
        let extra = match f {
            Format::Csv => ReportFormat::Csv,
            Format::Html => ReportFormat::Html,
            Format::Ocsf => ReportFormat::Ocsf,
            Format::Table | Format::Json => continue,
        };
        if !formats.contains(&extra) {
            formats.push(extra);
        }
    }
    execute(global, &tenant, account, &args.out, &formats, quiet).await?;
    Ok(ExitCode::SUCCESS)
}

/// Scans `account` on the embedded platform, writes the reports in `formats` to `out` and
/// prints the summary (or, when `quiet`, the JSON report). Returns the finished scan.
pub async fn execute(
    global: &Global,
    tenant: &TenantId,
    account: Account,
    out: &Path,
    formats: &[ReportFormat],
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
    // The report plugin renders on `compliance.scan.completed`, published just after the scan is
    // marked completed: once the audit trail holds it, every consumer group has it, and draining
    // lets the report plugin finish.
    wait_for_event(
        store.as_ref(),
        tenant,
        &scan_id,
        EventType::ComplianceScanCompleted,
    )
    .await?;
    platform.shutdown().await;

    let results = all_results(store.as_ref(), tenant, &scan_id).await?;
    let written = report::write_reports(store.as_ref(), tenant, &scan_id, formats, out).await?;
    if quiet {
        if let Some((_, json)) = written.iter().find(|(f, _)| *f == ReportFormat::Json) {
            let mut report = std::fs::File::open(json)
                .with_context(|| format!("cannot read {}", json.display()))?;
            std::io::copy(&mut report, &mut std::io::stdout().lock())
                .context("cannot print the report")?;
            println!();
        }
    } else {
        println!(
            "scan {scan_id} of account {} ({}, {} region(s): {}): {} resources, {} results, {} AWS calls\n{}",
            scan.account_id,
            account.source,
            account.regions.len(),
            account.regions.join(", "),
            scan.counters.resources,
            results.len(),
            started.calls.calls,
            report::summary_tables(&scan, &results)
        );
        for (invocation, error) in &started.collector_failures {
            println!("collector failure {invocation}: {error}");
        }
        for (format, path) in &written {
            println!("{} report written to {}", format.name(), path.display());
        }
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

/// How long `lgp scan` waits for an event of a completed scan to reach the audit trail.
const EVENT_PATIENCE: Duration = Duration::from_secs(30);

/// Waits until the audit trail holds the scan's event of type `event_type`.
async fn wait_for_event(
    store: &dyn lgp_store::Store,
    tenant: &TenantId,
    scan_id: &str,
    event_type: EventType,
) -> anyhow::Result<()> {
    let filter = EventFilter {
        event_type: Some(event_type),
        correlation_id: Some(scan_id.to_owned()),
        since: None,
    };
    let waiting = async {
        loop {
            let page = store
                .list_events(tenant, &filter, &PageRequest::first(1))
                .await?;
            if !page.items.is_empty() {
                return Ok::<(), lgp_store::StoreError>(());
            }
            tokio::time::sleep(PROGRESS_INTERVAL).await;
        }
    };
    tokio::time::timeout(EVENT_PATIENCE, waiting)
        .await
        .with_context(|| format!("{event_type} of scan {scan_id} never reached the audit trail"))?
        .context("cannot read the audit trail")
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
