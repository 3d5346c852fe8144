//! `lgp mute`: the tenant's mutelist — add, list and remove rules.

use crate::args::{Format, Global, MuteArgs, MuteCommand};
use crate::{host, platform};
use anyhow::Context;
use comfy_table::Table;
use lgp_events::TenantId;
use lgp_mutelist::{MuteRule, MuteRuleSpec, Pattern, parse_expiry, persist};
use std::collections::BTreeMap;
use std::process::ExitCode;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// Runs `lgp mute`.
pub async fn run(global: &Global, args: MuteArgs) -> anyhow::Result<ExitCode> {
    let tenant = TenantId::new(args.tenant.clone()).context("--tenant")?;
    let store = platform::open_store(global).await?;
    let now = OffsetDateTime::now_utc();
    match args.command {
        MuteCommand::Add {
            checks,
            accounts,
            regions,
            resources,
            tags,
            reason,
            owner,
            expires,
            format,
        } => {
            let spec = MuteRuleSpec {
                checks,
                accounts,
                regions,
                resources,
                tags: parse_tags(&tags)?,
                reason,
                owner,
                expires_at: expires.as_deref().map(parse_expiry).transpose()?,
            };
            let rule = spec.validate(now)?;
            warn_unknown_checks(global, &rule.checks).await;
            persist::add(&*store, &tenant, &rule).await?;
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&rule)?),
                _ => println!(
                    "mute rule {} added for tenant {tenant}; it applies from the next scan",
                    rule.id
                ),
            }
        }
        MuteCommand::List { all, format } => {
            let rules: Vec<MuteRule> = persist::list(&*store, &tenant)
                .await?
                .into_iter()
                .filter(|r| all || r.is_active(now))
                .collect();
            match format {
                Format::Json => println!("{}", serde_json::to_string_pretty(&rules)?),
                _ => println!("{}\n{} rule(s)", table(&rules, now), rules.len()),
            }
        }
        MuteCommand::Remove { id } => {
            let rule = persist::remove(&*store, &tenant, &id).await?;
            println!(
                "mute rule {} removed; its results count again from the next scan",
                rule.id
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `KEY=VALUE` pairs into a map; a pair without `=` is refused.
fn parse_tags(pairs: &[String]) -> anyhow::Result<BTreeMap<String, String>> {
    pairs
        .iter()
        .map(|pair| {
            pair.split_once('=')
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .with_context(|| format!("--tag {pair:?} is not KEY=VALUE-PATTERN"))
        })
        .collect()
}

/// Warns about check patterns no built-in check matches: most likely a typo, though a tenant's
/// own plugin may define such a check, so it is no error.
async fn warn_unknown_checks(global: &Global, patterns: &[Pattern]) {
    let Ok(runtime) = host::runtime(global) else {
        return;
    };
    let Ok(plugins) = host::builtins(&runtime).await else {
        return;
    };
    for p in patterns {
        let known = plugins
            .iter()
            .flat_map(|plugin| plugin.checks())
            .any(|c| p.matches(&c.id));
        if !known {
            eprintln!(
                "warning: check pattern {:?} matches no built-in check (fine for a check of your own plugin)",
                p.as_str()
            );
        }
    }
}

fn table(rules: &[MuteRule], now: OffsetDateTime) -> Table {
    let join = |ps: &[Pattern]| {
        if ps.is_empty() {
            "any".to_owned()
        } else {
            ps.iter().map(Pattern::as_str).collect::<Vec<_>>().join(" ")
        }
    };
    let mut t = Table::new();
    t.set_header([
        "id",
        "checks",
        "accounts",
        "regions",
        "resources",
        "tags",
        "reason",
        "owner",
        "expires",
    ]);
    for r in rules {
        let tags: Vec<String> = r
            .tags
            .iter()
            .map(|(k, v)| format!("{k}={}", v.as_str()))
            .collect();
        let expires = match r.expires_at {
            None => "never".to_owned(),
            Some(at) => {
                let when = at.format(&Rfc3339).unwrap_or_default();
                if r.is_active(now) {
                    when
                } else {
                    format!("{when} (expired)")
                }
            }
        };
        t.add_row([
            r.id.clone(),
            join(&r.checks),
            join(&r.accounts),
            join(&r.regions),
            join(&r.resources),
            if tags.is_empty() {
                "any".to_owned()
            } else {
                tags.join(" ")
            },
            r.reason.clone(),
            r.owner.clone(),
            expires,
        ]);
    }
    t
}
