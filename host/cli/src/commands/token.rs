//! `lgp token`: a development token, HS256 with `LGP_JWT_SECRET` (and the issuer and audience
//! of `LGP_JWT_ISSUER` / `LGP_JWT_AUDIENCE` when set), printed on stdout.

use crate::args::TokenArgs;
use anyhow::Context;
use lgp_events::TenantId;
use lgp_tenant::{AuthConfig, Minter};
use std::process::ExitCode;
use std::time::Duration;

/// Runs `lgp token`.
pub fn run(args: TokenArgs) -> anyhow::Result<ExitCode> {
    let tenant = TenantId::new(args.tenant).context("--tenant")?;
    let minter =
        Minter::from_config(&AuthConfig::from_env()).context("cannot mint a development token")?;
    let token = minter
        .mint(&tenant, args.role, &args.subject, args.ttl)
        .context("--ttl")?;
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}

/// Parses a lifetime such as `90s`, `30m`, `1h` or `1d`.
pub fn parse_ttl(text: &str) -> Result<Duration, String> {
    let invalid = || format!("invalid lifetime {text:?}: use a number with s, m, h or d, e.g. 1h");
    let split = text.len().checked_sub(1).ok_or_else(invalid)?;
    let (number, unit) = text.split_at_checked(split).ok_or_else(invalid)?;
    let number: u64 = number.parse().map_err(|_| invalid())?;
    let unit = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 60 * 60,
        "d" => 24 * 60 * 60,
        _ => return Err(invalid()),
    };
    number
        .checked_mul(unit)
        .map(Duration::from_secs)
        .ok_or_else(invalid)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetimes_parse_with_their_unit() {
        assert_eq!(parse_ttl("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_ttl("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_ttl("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_ttl("1d"), Ok(Duration::from_secs(86_400)));
        for bad in ["", "h", "1", "1w", "-1h", "1.5h", "é"] {
            assert!(parse_ttl(bad).is_err(), "{bad:?} accepted");
        }
    }
}
