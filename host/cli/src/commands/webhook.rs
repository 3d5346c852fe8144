//! `lgp webhook`: the tenant's webhook endpoints — add, list and remove. Secrets are never
//! printed back in full.

use crate::args::{Format, Global, WebhookArgs, WebhookCommand, WebhookFormat};
use crate::platform;
use anyhow::Context;
use comfy_table::Table;
use lgp_events::TenantId;
use lgp_notify::{Webhook, WebhookSpec, persist};
use serde_json::json;
use std::process::ExitCode;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Runs `lgp webhook`.
pub async fn run(global: &Global, args: WebhookArgs) -> anyhow::Result<ExitCode> {
    let tenant = TenantId::new(args.tenant.clone()).context("--tenant")?;
    let store = platform::open_store(global).await?;
    match args.command {
        WebhookCommand::Add {
            url,
            secret,
            format,
            events,
        } => {
            let spec = WebhookSpec {
                url,
                secret,
                format: match format {
                    WebhookFormat::Json => lgp_notify::Format::Json,
                    WebhookFormat::Slack => lgp_notify::Format::Slack,
                },
                events,
            };
            let hook = spec.validate(OffsetDateTime::now_utc())?;
            if hook.url.starts_with("http://") {
                eprintln!(
                    "warning: {} is plain http: bodies travel unencrypted (use https in production)",
                    hook.url
                );
            }
            persist::add(&*store, &tenant, &hook).await?;
            println!(
                "webhook {} added for tenant {tenant}: {} gets {} as {}",
                hook.id,
                hook.url,
                hook.events.join(", "),
                hook.format
            );
        }
        WebhookCommand::List { format } => {
            let hooks = persist::list(&*store, &tenant).await?;
            match format {
                Format::Json => {
                    let shown: Vec<_> = hooks.iter().map(shown).collect();
                    println!("{}", serde_json::to_string_pretty(&shown)?);
                }
                _ => println!("{}\n{} webhook(s)", table(&hooks), hooks.len()),
            }
        }
        WebhookCommand::Remove { id } => {
            let hook = persist::remove(&*store, &tenant, &id).await?;
            println!("webhook {} ({}) removed", hook.id, hook.url);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// A webhook as it may be shown: the secret masked.
fn shown(w: &Webhook) -> serde_json::Value {
    json!({
        "id": w.id,
        "url": w.url,
        "secret": w.masked_secret(),
        "format": w.format,
        "events": w.events,
        "created_at": w.created_at.format(&Rfc3339).unwrap_or_default(),
    })
}

fn table(hooks: &[Webhook]) -> Table {
    let mut t = Table::new();
    t.set_header(["id", "url", "format", "events", "secret", "created"]);
    for w in hooks {
        t.add_row([
            w.id.clone(),
            w.url.clone(),
            w.format.to_string(),
            w.events.join(" "),
            w.masked_secret(),
            w.created_at.format(&Rfc3339).unwrap_or_default(),
        ]);
    }
    t
}
