//! `lgp plugin`: the plugin author's tools: scaffold, build, validate, test on fixtures,
//! evaluate and list plugins; upload them to a server and manage the uploaded versions.

mod cargo;
mod fixtures;
mod remote;
mod scaffold;

use crate::args::{Format, Global, PluginArgs, PluginCommand};
use crate::host;
use anyhow::{Context, bail};
use comfy_table::Table;
use lgp_model::PluginKind;
use lgp_runtime::{EvaluationContext, Plugin, Runtime, Trust};
use std::path::{Path, PathBuf};
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
        PluginCommand::List {
            format,
            server: Some(server),
        } => remote::list(&crate::args::Remote { server }, format).await,
        PluginCommand::List {
            format,
            server: None,
        } => list(global, format).await,
        PluginCommand::New { name, kind } => {
            let dir = scaffold::create(Path::new(""), &name, kind)?;
            println!(
                "created {name} in {dir}/\n\
                 next: cd {dir} && cargo test && lgp plugin build (see {dir}/README.md)",
                dir = dir.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        PluginCommand::Build { dir, format } => build(global, &dir, format).await,
        PluginCommand::Test {
            plugin,
            fixtures,
            update,
        } => test(global, &plugin, &fixtures, update).await,
        PluginCommand::Upload {
            plugin,
            remote,
            name,
            version,
            format,
        } => {
            remote::upload(
                &plugin,
                &remote,
                name.as_deref(),
                version.as_deref(),
                format,
            )
            .await
        }
        PluginCommand::Enable(target) => remote::switch(&target, true).await,
        PluginCommand::Disable(target) => remote::switch(&target, false).await,
        PluginCommand::Delete(target) => remote::delete(&target).await,
    }
}

/// Validates structure and imports, then compiles in the capped sandbox, links and describes.
async fn validate(global: &Global, file: &Path, format: Format) -> anyhow::Result<ExitCode> {
    let runtime = host::runtime(global)?;
    Ok(exit_code(verdict(&runtime, file, format).await?))
}

fn exit_code(success: bool) -> ExitCode {
    if success {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Validates `file` as [`validate`] does, prints the verdict and says whether it is valid.
async fn verdict(runtime: &Runtime, file: &Path, format: Format) -> anyhow::Result<bool> {
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {}", file.display()))?;
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
    Ok(verdict.is_ok())
}

/// Builds the plugin crate in `dir` for the host, then validates each component it produced.
async fn build(global: &Global, dir: &Path, format: Format) -> anyhow::Result<ExitCode> {
    let components = build_components(dir).await?;
    let runtime = host::runtime(global)?;
    let mut valid = true;
    for component in &components {
        if format != Format::Json {
            println!("built {}", component.display());
        }
        valid &= verdict(&runtime, component, format).await?;
    }
    Ok(exit_code(valid))
}

/// Runs cargo for the crate in `dir` off the async workers (it takes seconds to minutes).
async fn build_components(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let dir = dir.to_path_buf();
    tokio::task::spawn_blocking(move || cargo::build(&dir))
        .await
        .context("the cargo build task failed")?
}

/// Runs a rule plugin on every fixture of `dir` and compares (or, with `update`, rewrites) the
/// expectations; fails when any result differs.
async fn test(global: &Global, spec: &str, dir: &Path, update: bool) -> anyhow::Result<ExitCode> {
    let fixtures = fixtures::list(dir)?;
    let runtime = host::runtime(global)?;
    let plugin = plugin_under_test(&runtime, spec).await?;
    if plugin.kind() != PluginKind::Rule {
        bail!(
            "lgp plugin test runs rule plugins on resource fixtures; {} is a {} plugin",
            plugin.name(),
            plugin.kind()
        );
    }
    let ctx = EvaluationContext {
        scan_id: fixtures::SCAN_ID.to_owned(),
        now_unix_seconds: fixtures::FIXED_NOW,
    };
    let mut failed = 0;
    for fixture in &fixtures {
        let text = std::fs::read_to_string(fixture)
            .with_context(|| format!("cannot read {}", fixture.display()))?;
        let resources = lgp_model::parse_resources(&text)
            .with_context(|| format!("cannot use {}", fixture.display()))?;
        let findings = plugin
            .evaluate(&ctx, &resources)
            .await
            .with_context(|| format!("{} failed on {}", plugin.name(), fixture.display()))?;
        let actual: Vec<fixtures::Expected> = findings.iter().map(Into::into).collect();
        let expectation = fixtures::expectation_path(fixture);
        if update {
            fixtures::write_expected(&expectation, &actual)?;
            println!(
                "updated {} ({} results)",
                expectation.display(),
                actual.len()
            );
            continue;
        }
        if !expectation.is_file() {
            failed += 1;
            println!(
                "FAIL {}: no expectation file {} (write it with --update)",
                fixture.display(),
                expectation.display()
            );
            continue;
        }
        let differences = fixtures::diff(&fixtures::read_expected(&expectation)?, &actual);
        if differences.is_empty() {
            println!(
                "ok   {}: {} results as expected",
                fixture.display(),
                actual.len()
            );
        } else {
            failed += 1;
            let plural = if differences.len() == 1 { "" } else { "s" };
            println!(
                "FAIL {}: {} difference{plural} from {}",
                fixture.display(),
                differences.len(),
                expectation.display()
            );
            for line in differences {
                println!("  {line}");
            }
        }
    }
    if failed > 0 {
        println!(
            "{failed} of {} fixtures differ; if the new results are right, accept them with --update",
            fixtures.len()
        );
    }
    Ok(exit_code(failed == 0))
}

/// The plugin `lgp plugin test` runs: a crate directory (built, and its one component loaded),
/// a built-in plugin's name or a `.wasm` file.
async fn plugin_under_test(runtime: &Runtime, spec: &str) -> anyhow::Result<Plugin> {
    let dir = Path::new(spec);
    if !dir.is_dir() {
        return host::plugin_by_name_or_path(runtime, spec).await;
    }
    let components = build_components(dir).await?;
    let [component] = components.as_slice() else {
        bail!(
            "{spec} built {} components; name the one to test: {}",
            components.len(),
            components
                .iter()
                .map(|c| c.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        );
    };
    let bytes =
        std::fs::read(component).with_context(|| format!("cannot read {}", component.display()))?;
    let label = component.display().to_string();
    Ok(runtime.load(&label, &bytes, Trust::Untrusted).await?)
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
