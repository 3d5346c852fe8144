//! `lgp checks`: the checks of every built-in rule plugin, filtered.

use crate::args::{ChecksArgs, Format, Global};
use crate::host;
use comfy_table::Table;
use lgp_model::CheckMeta;
use std::process::ExitCode;

/// Runs `lgp checks`.
pub async fn run(global: &Global, args: ChecksArgs) -> anyhow::Result<ExitCode> {
    // An id outside the catalogue would silently match nothing: refuse it, naming the known ids.
    if let Some(id) = &args.framework {
        lgp_frameworks::Catalogue::builtin().framework(id)?;
    }
    let runtime = host::runtime(global)?;
    let plugins = host::builtins(&runtime).await?;
    let mut checks: Vec<&CheckMeta> = plugins
        .iter()
        .flat_map(|p| p.checks())
        .filter(|c| {
            args.service
                .as_ref()
                .is_none_or(|s| c.service.eq_ignore_ascii_case(s))
        })
        .filter(|c| {
            args.severity
                .as_ref()
                .is_none_or(|s| c.severity.as_str().eq_ignore_ascii_case(s))
        })
        .filter(|c| {
            args.framework
                .as_ref()
                .is_none_or(|f| c.references.iter().any(|r| r.framework == *f))
        })
        .collect();
    checks.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.id.cmp(&b.id)));
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&checks)?),
        Format::Table => {
            let mut table = Table::new();
            table.set_header(["check", "severity", "service", "title", "frameworks"]);
            for c in &checks {
                let refs: Vec<String> = c
                    .references
                    .iter()
                    .map(|r| format!("{}:{}", r.framework, r.control))
                    .collect();
                table.add_row([
                    c.id.as_str(),
                    c.severity.as_str(),
                    c.service.as_str(),
                    c.title.as_str(),
                    &refs.join(" "),
                ]);
            }
            println!("{table}\n{} checks", checks.len());
        }
        other => anyhow::bail!("lgp checks supports --format table or json, not {other:?}"),
    }
    Ok(ExitCode::SUCCESS)
}
