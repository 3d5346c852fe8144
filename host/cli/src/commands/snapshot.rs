//! `lgp snapshot record`: a live scan with every AWS answer recorded, so the same scan can be
//! replayed later with `lgp scan --snapshot FILE` and no network.

use crate::account;
use crate::args::{Global, SnapshotArgs, SnapshotCommand};
use crate::commands::scan;
use anyhow::Context;
use lgp_aws_api::Recorder;
use lgp_events::TenantId;
use std::process::ExitCode;
use std::sync::Arc;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Runs `lgp snapshot`.
pub async fn run(global: &Global, args: SnapshotArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        SnapshotCommand::Record {
            out,
            account,
            tenant,
            reports,
        } => {
            let tenant = TenantId::new(tenant).context("--tenant")?;
            let mut live = account::live(&account).await?;
            let recorder = Arc::new(Recorder::new(live.aws.clone()));
            live.aws = recorder.clone();
            let account_id = live.account_id.clone();
            let regions = live.regions.clone();
            scan::execute(
                global,
                &tenant,
                live,
                &reports,
                &[crate::report::ReportFormat::Json],
                false,
            )
            .await?;
            let recorded_at = OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .context("formatting the recording time")?;
            let snapshot = recorder.snapshot(account_id, regions, recorded_at);
            snapshot.write(&out)?;
            println!(
                "snapshot of account {} ({} calls, {} region(s)) written to {}",
                snapshot.account,
                snapshot.calls.len(),
                snapshot.regions.len(),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}
