//! `lgp plugin`: validate, evaluate and list plugins.

use crate::args::{Format, Global, PluginArgs, PluginCommand};
use crate::commands::not_yet;
use crate::host;
use anyhow::Context;
use comfy_table::Table;
use lgp_runtime::{EvaluationContext, Trust};
use std::path::Path;
use std::process::ExitCode;

/// Runs `lgp plugin …`.
pub async fn run(global: &Global, args: PluginArgs) -> anyhow::Result<ExitCode> {
    match args.command {
        PluginCommand::Validate { file, format } => validate(global, &file, format).await,
        PluginCommand::Eval {
            plugin,
            resources,
            format,
        } => eval(global, &plugin, &resources, format).await,
        PluginCommand::List { format } => list(global, format).await,
        PluginCommand::New { .. } => {
            not_yet("lgp plugin new", "the plugin author's tools (issue #9)")
        }
        PluginCommand::Test { .. } => {
            not_yet("lgp plugin test", "the plugin author's tools (issue #9)")
        }
        PluginCommand::Upload { .. } => not_yet("lgp plugin upload", "the API gateway (issue #8)"),
    }
}

/// Validates structure and imports, then compiles in the capped sandbox, links and describes.
async fn validate(global: &Global, file: &Path, format: Format) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
    let runtime = host::runtime(global)?;
    let label = file.display().to_string();
    let verdict = runtime.load(&label, &bytes, Trust::Untrusted).await;
    match (&verdict, format) {
        (Ok(p), Format::Json) => println!(
            "{}",
            serde_json::json!({
                "valid": true, "file": label, "info": p.info(), "checks": p.checks().len(),
                "sha256": p.content_hash(), "size": bytes.len(),
            })
        ),
        (Err(e), Format::Json) => println!(
            "{}",
            serde_json::json!({ "valid": false, "file": label, "error": chain(e) })
        ),
        (Ok(p), _) => {
            let info = p.info();
            println!(
                "valid: {} {} ({} plugin, {} checks, {} bytes, sha256 {})",
                info.name,
                info.version,
                info.kind,
                p.checks().len(),
                bytes.len(),
                p.content_hash()
            );
        }
        (Err(e), _) => eprintln!("invalid: {}", chain(e)),
    }
    Ok(if verdict.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// An error with its causes, `outer: inner: innermost`.
fn chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        text.push_str(": ");
        text.push_str(&c.to_string());
        cause = c.source();
    }
    text
}

/// Evaluates one rule plugin on a resource file and prints its findings.
async fn eval(
    global: &Global,
    spec: &str,
    resources: &Path,
    format: Format,
) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(resources)
        .with_context(|| format!("cannot read {}", resources.display()))?;
    let resources = lgp_model::parse_resources(&text)
        .with_context(|| format!("cannot use {}", resources.display()))?;
    let runtime = host::runtime(global)?;
    let plugin = host::plugin_by_name_or_path(&runtime, spec).await?;
    let ctx = EvaluationContext {
        scan_id: ulid::Ulid::new().to_string(),
        now_unix_seconds: time::OffsetDateTime::now_utc().unix_timestamp(),
    };
    let findings = plugin.evaluate(&ctx, &resources).await?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&findings)?),
        Format::Table => {
            let mut table = Table::new();
            table.set_header(["status", "severity", "check", "resource", "message"]);
            for f in &findings {
                table.add_row([
                    f.status.as_str(),
                    f.severity.as_str(),
                    &f.check_id,
                    &f.resource_arn,
                    &f.message,
                ]);
            }
            println!("{table}\n{} findings", findings.len());
        }
        other => anyhow::bail!("lgp plugin eval supports --format table or json, not {other:?}"),
    }
    Ok(ExitCode::SUCCESS)
}

async fn list(global: &Global, format: Format) -> anyhow::Result<ExitCode> {
    let runtime = host::runtime(global)?;
    let plugins = host::builtins(&runtime).await?;
    match format {
        Format::Json => {
            let infos: Vec<_> = plugins.iter().map(|p| p.info()).collect();
            println!("{}", serde_json::to_string_pretty(&infos)?);
        }
        _ => {
            let mut table = Table::new();
            table.set_header(["plugin", "version", "kind", "checks", "description"]);
            for p in &plugins {
                let i = p.info();
                table.add_row([
                    i.name.as_str(),
                    i.version.as_str(),
                    i.kind.as_str(),
                    &p.checks().len().to_string(),
                    i.description.as_str(),
                ]);
            }
            println!("{table}");
        }
    }
    Ok(ExitCode::SUCCESS)
}
