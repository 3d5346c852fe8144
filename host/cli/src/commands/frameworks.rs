//! `lgp frameworks`: the framework catalogue and how the built-in checks cover its controls.

use crate::args::{Format, FrameworksArgs, Global};
use crate::host;
use comfy_table::Table;
use lgp_frameworks::{Catalogue, FrameworkCoverage, UnknownReference};
use lgp_model::CheckMeta;
use serde::Serialize;
use std::process::ExitCode;

/// What `--format json` prints.
#[derive(Serialize)]
struct Report<'a> {
    /// Every framework (or the one asked for) with every control's coverage.
    frameworks: Vec<FrameworkCoverage<'a>>,
    /// References of built-in checks that point outside the catalogue.
    unknown_references: Vec<UnknownReference>,
}

/// Runs `lgp frameworks`.
pub async fn run(global: &Global, args: FrameworksArgs) -> anyhow::Result<ExitCode> {
    let catalogue = Catalogue::builtin();
    // Refuse an unknown id before the plugins load: the error lists the known ones.
    if let Some(id) = &args.framework {
        catalogue.framework(id)?;
    }
    let runtime = host::runtime(global)?;
    let plugins = host::builtins(&runtime).await?;
    let checks: Vec<CheckMeta> = plugins.iter().flat_map(|p| p.checks()).cloned().collect();
    let mut frameworks = catalogue.coverage(&checks);
    if let Some(id) = &args.framework {
        frameworks.retain(|f| f.id == id.as_str());
    }
    let unknown_references = catalogue.unknown_references(&checks);
    match args.format {
        Format::Json => {
            let report = Report {
                frameworks,
                unknown_references,
            };
            println!("{}", serde_json::to_string_pretty(&report)?);
        }
        Format::Table => {
            match frameworks.as_slice() {
                [one] if args.framework.is_some() => print_controls(one),
                all => print_frameworks(all),
            }
            for unknown in &unknown_references {
                eprintln!("warning: {unknown}");
            }
        }
        other => anyhow::bail!("lgp frameworks supports --format table or json, not {other:?}"),
    }
    Ok(ExitCode::SUCCESS)
}

/// One row per framework with its control counts.
fn print_frameworks(frameworks: &[FrameworkCoverage<'_>]) {
    let mut table = Table::new();
    table.set_header([
        "framework",
        "name",
        "version",
        "controls",
        "automated",
        "manual",
    ]);
    for f in frameworks {
        table.add_row([
            f.id.to_owned(),
            f.name.to_owned(),
            f.version.to_owned(),
            f.controls.len().to_string(),
            f.automated.to_string(),
            f.manual.to_string(),
        ]);
    }
    println!("{table}");
    println!(
        "automated: at least one built-in check answers the control; manual: none does, \
         a person reviews it. `lgp frameworks --framework ID` lists the controls."
    );
}

/// The framework's controls, each with its checks (one a line) or `manual`.
fn print_controls(framework: &FrameworkCoverage<'_>) {
    println!(
        "{} {} ({})",
        framework.name, framework.version, framework.publisher
    );
    println!("scope: {}", framework.scope);
    let mut table = Table::new();
    table.set_header(["control", "section", "title", "checks"]);
    for c in &framework.controls {
        let checks = if c.checks.is_empty() {
            c.coverage.as_str().to_owned()
        } else {
            c.checks.join("\n")
        };
        table.add_row([c.id, c.section, c.title, checks.as_str()]);
    }
    println!("{table}");
    println!(
        "{} controls: {} automated, {} manual",
        framework.controls.len(),
        framework.automated,
        framework.manual
    );
}
