//! `lgp scan`: a scan through the event pipeline on the embedded platform.
//!
//! The resources come from the bundled demo account for now; live collection and the other
//! report formats arrive with their issues and say so.

use crate::args::{Format, Global, ScanArgs};
use crate::commands::not_yet;
use crate::platform::Platform;
use crate::report::{self, Report};
use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use lgp_events::TenantId;
use lgp_model::CheckMeta;
use lgp_pipeline::ScanRequest;
use lgp_store::{PageRequest, ResultFilter, ResultRecord, Scan, ScanStatus};
use std::collections::HashMap;
use std::process::ExitCode;
use std::time::Duration;

/// The bundled demo account: a deliberately mixed compliant / non-compliant inventory.
const DEMO_ACCOUNT: &str = include_str!("../../demo/account.json");

/// How often the progress display reads the scan's counters.
const PROGRESS_INTERVAL: Duration = Duration::from_millis(50);

/// Runs `lgp scan`.
pub async fn run(global: &Global, args: ScanArgs) -> anyhow::Result<ExitCode> {
    if !args.demo {
        return not_yet(
            "lgp scan of a live account",
            "the AWS collectors (issue #4); try `lgp scan --demo`",
        );
    }
    if let Some(f) = args
        .format
        .iter()
        .find(|f| matches!(f, Format::Csv | Format::Html | Format::Ocsf))
    {
        return not_yet(&format!("the {f:?} report"), "the report plugin (issue #6)");
    }
    let tenant = TenantId::new(args.tenant.clone()).context("--tenant")?;
    let resources =
        lgp_model::parse_resources(DEMO_ACCOUNT).context("the bundled demo account is invalid")?;
    let account_id = resources
        .first()
        .map(|r| r.account.clone())
        .unwrap_or_default();
    let quiet = args.format.contains(&Format::Json) && !args.format.contains(&Format::Table);

    let platform = Platform::embedded(global).await?;
    let store = platform.services.store.clone();
    let scan_id = platform
        .scanner()
        .run(ScanRequest {
            tenant: tenant.clone(),
            account_id,
            source: "demo".into(),
            resources,
        })
        .await
        .context("the scan failed to start")?;
    let scan = wait_for_completion(store.as_ref(), &tenant, &scan_id, quiet).await?;
    let metas: Vec<CheckMeta> = platform
        .plugins
        .iter()
        .flat_map(|p| p.checks().iter().cloned())
        .collect();
    platform.shutdown().await;

    let results = all_results(store.as_ref(), &tenant, &scan_id).await?;
    let checks: HashMap<&str, &CheckMeta> = metas.iter().map(|c| (c.id.as_str(), c)).collect();
    let rows = report::rows(&results, &checks);
    let report = Report {
        schema_version: report::REPORT_SCHEMA_VERSION,
        scan: &scan,
        totals: report::totals(&rows),
        results: rows,
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create {}", args.out.display()))?;
    let path = args.out.join(format!("scan-{scan_id}.json"));
    let json = serde_json::to_string_pretty(&report)?;
    std::fs::write(&path, &json).with_context(|| format!("cannot write {}", path.display()))?;
    if quiet {
        println!("{json}");
    } else {
        println!(
            "scan {scan_id} of the demo account ({}): {} resources, {} results\n{}",
            scan.account_id,
            scan.counters.resources,
            report.results.len(),
            report::summary_tables(&scan, &report.results)
        );
        println!("report written to {}", path.display());
    }
    Ok(ExitCode::SUCCESS)
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
