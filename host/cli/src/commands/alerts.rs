//! `lgp alerts`: the tenant's alerts table — list alerts, acknowledge one.

use crate::args::{AlertState, AlertsArgs, AlertsCommand, Format, Global};
use crate::platform;
use anyhow::Context;
use comfy_table::Table;
use lgp_events::TenantId;
use lgp_store::{AlertRecord, MAX_PAGE, PageRequest};
use std::process::ExitCode;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Runs `lgp alerts`.
pub async fn run(global: &Global, args: AlertsArgs) -> anyhow::Result<ExitCode> {
    let tenant = TenantId::new(args.tenant.clone()).context("--tenant")?;
    let store = platform::open_store(global).await?;
    match args.command {
        AlertsCommand::List { state, format } => {
            let state = state.map(AlertState::as_str);
            let mut alerts: Vec<AlertRecord> = Vec::new();
            let mut page = PageRequest::first(MAX_PAGE);
            loop {
                let listed = store
                    .list_alerts(&tenant, state, &page)
                    .await
                    .with_context(|| format!("listing the alerts of tenant {tenant}"))?;
                alerts.extend(listed.items);
                match listed.next {
                    Some(cursor) => page.cursor = Some(cursor),
                    None => break,
                }
            }
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&alerts)?),
                Format::Table => println!("{}\n{} alert(s)", table(&alerts), alerts.len()),
                other => {
                    anyhow::bail!("lgp alerts list supports --format table or json, not {other:?}")
                }
            }
        }
        AlertsCommand::Ack { alert_id, by } => {
            let now = OffsetDateTime::now_utc();
            let alert = lgp_pipeline::acknowledge_alert(&*store, &tenant, &alert_id, &by, now)
                .await
                .with_context(|| format!("acknowledging alert {alert_id} of tenant {tenant}"))?;
            println!(
                "alert {} ({} on {}) acknowledged by {by}",
                alert.alert_id, alert.check_id, alert.resource_arn
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn table(alerts: &[AlertRecord]) -> Table {
    let when = |t: OffsetDateTime| t.format(&Rfc3339).unwrap_or_default();
    let mut t = Table::new();
    t.set_header([
        "alert",
        "state",
        "severity",
        "check",
        "resource",
        "opened",
        "updated",
        "acknowledged by",
    ]);
    for a in alerts {
        t.add_row([
            a.alert_id.clone(),
            a.state.clone(),
            a.severity.as_str().to_owned(),
            a.check_id.clone(),
            a.resource_arn.clone(),
            when(a.opened_at),
            when(a.updated_at),
            a.acknowledged_by.clone().unwrap_or_default(),
        ]);
    }
    t
}
