//! Mute rules as people write them ([`MuteRuleSpec`]) and as they are stored ([`MuteRule`]).

use crate::{MutelistError, Pattern};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, Time};

/// A mute rule before validation: what a command line or an API request carries. Empty lists
/// mean "any"; every non-empty list must have one matching pattern, and every tag must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MuteRuleSpec {
    /// Check id patterns, e.g. `s3_bucket_*public*`.
    #[serde(default)]
    pub checks: Vec<String>,
    /// Account id patterns, e.g. `111122223333`.
    #[serde(default)]
    pub accounts: Vec<String>,
    /// Region patterns, e.g. `eu-*` or `global`.
    #[serde(default)]
    pub regions: Vec<String>,
    /// Resource ARN patterns, e.g. `arn:aws:s3:::www-*`.
    #[serde(default)]
    pub resources: Vec<String>,
    /// Tags the resource must carry: key → value pattern (`*` for any value).
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Why the results are accepted.
    pub reason: String,
    /// Who owns the decision (a person or a team).
    pub owner: String,
    /// When the rule stops applying; `None` keeps it until removed.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

/// A validated, stored mute rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MuteRule {
    /// Sortable unique id (ULID).
    pub id: String,
    /// Check id patterns (empty: any check).
    pub checks: Vec<Pattern>,
    /// Account id patterns (empty: any account).
    pub accounts: Vec<Pattern>,
    /// Region patterns (empty: any region).
    pub regions: Vec<Pattern>,
    /// Resource ARN patterns (empty: any resource).
    pub resources: Vec<Pattern>,
    /// Required tags: key → value pattern.
    pub tags: BTreeMap<String, Pattern>,
    /// Why the results are accepted.
    pub reason: String,
    /// Who owns the decision.
    pub owner: String,
    /// When it was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When it stops applying.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
}

impl MuteRule {
    /// Whether the rule applies at `now` (it has not expired).
    pub fn is_active(&self, now: OffsetDateTime) -> bool {
        self.expires_at.is_none_or(|at| now < at)
    }
}

/// Longest reason or owner kept: room for a ticket reference and a paragraph, not a document.
const MAX_TEXT: usize = 1_000;
/// Most patterns in one field: a rule is a targeted decision, not a second inventory.
const MAX_PATTERNS: usize = 100;

impl MuteRuleSpec {
    /// Validates the rule as of `now` and gives it an id: patterns compile and have their
    /// field's shape, reason and owner are present, the expiry is in the future, and the rule
    /// narrows at least one field (a rule muting everything is refused as a mistake).
    pub fn validate(self, now: OffsetDateTime) -> Result<MuteRule, MutelistError> {
        let reason = required("reason", &self.reason)?;
        let owner = required("owner", &self.owner)?;
        if let Some(at) = self.expires_at
            && at <= now
        {
            return Err(MutelistError::Invalid(format!(
                "it expires at {}, which is not in the future",
                at.format(&Rfc3339).unwrap_or_default()
            )));
        }
        let checks = patterns("check", &self.checks, |_| Ok(()))?;
        let accounts = patterns("account", &self.accounts, account_shape)?;
        let regions = patterns("region", &self.regions, |_| Ok(()))?;
        let resources = patterns("resource", &self.resources, arn_shape)?;
        let mut tags = BTreeMap::new();
        for (key, value) in &self.tags {
            if key.trim().is_empty() {
                return Err(MutelistError::Invalid("a tag key is empty".into()));
            }
            tags.insert(key.clone(), Pattern::new("tag", value)?);
        }
        let narrows = [&checks, &accounts, &regions, &resources]
            .iter()
            .any(|list| list.iter().any(|p| !p.is_match_all()))
            || !tags.is_empty();
        if !narrows {
            return Err(MutelistError::Invalid(
                "it would mute every result: name at least one check, account, region, resource or tag".into(),
            ));
        }
        Ok(MuteRule {
            id: ulid::Ulid::new().to_string(),
            checks,
            accounts,
            regions,
            resources,
            tags,
            reason,
            owner,
            created_at: now,
            expires_at: self.expires_at,
        })
    }
}

fn required(field: &str, value: &str) -> Result<String, MutelistError> {
    let value = value.trim();
    if value.is_empty() {
        return Err(MutelistError::Invalid(format!("the {field} is required")));
    }
    if value.chars().count() > MAX_TEXT {
        return Err(MutelistError::Invalid(format!(
            "the {field} is longer than {MAX_TEXT} characters"
        )));
    }
    Ok(value.to_owned())
}

fn patterns(
    field: &'static str,
    texts: &[String],
    shape: impl Fn(&str) -> Result<(), String>,
) -> Result<Vec<Pattern>, MutelistError> {
    if texts.len() > MAX_PATTERNS {
        return Err(MutelistError::Invalid(format!(
            "more than {MAX_PATTERNS} {field} patterns"
        )));
    }
    texts
        .iter()
        .map(|t| {
            shape(t).map_err(|reason| MutelistError::Pattern {
                field,
                pattern: t.clone(),
                reason,
            })?;
            Pattern::new(field, t)
        })
        .collect()
}

/// An account pattern is digits and wildcards: a name or an alias would never match.
fn account_shape(text: &str) -> Result<(), String> {
    if text
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '*' | '?' | '[' | ']' | '{' | '}' | ',' | '-'))
    {
        Ok(())
    } else {
        Err("an account is a 12-digit id (wildcards allowed)".into())
    }
}

/// A resource pattern is an ARN pattern: a bucket name alone would never match.
fn arn_shape(text: &str) -> Result<(), String> {
    if text.starts_with("arn:") || text.chars().all(|c| c == '*') {
        Ok(())
    } else {
        Err("a resource is an ARN pattern starting with `arn:` (e.g. arn:aws:s3:::www-*)".into())
    }
}

/// Parses an expiry as people write it: an RFC 3339 time, or a date meaning the end of that
/// day in UTC (a rule "until 2026-12-31" still applies on the 31st).
pub fn parse_expiry(text: &str) -> Result<OffsetDateTime, MutelistError> {
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(at);
    }
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let date = Date::parse(text, &format).map_err(|_| MutelistError::Expiry(text.to_owned()))?;
    let next = date
        .next_day()
        .ok_or_else(|| MutelistError::Expiry(text.to_owned()))?;
    Ok(next.with_time(Time::MIDNIGHT).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

    fn spec() -> MuteRuleSpec {
        MuteRuleSpec {
            checks: vec!["ec2_securitygroup_*".into()],
            reason: "bastion".into(),
            owner: "ops".into(),
            ..MuteRuleSpec::default()
        }
    }

    #[test]
    fn a_valid_rule_gets_an_id_and_keeps_its_fields() {
        let rule = spec().validate(NOW).expect("valid");
        assert_eq!(rule.id.len(), 26);
        assert_eq!(rule.checks[0].as_str(), "ec2_securitygroup_*");
        assert_eq!(
            (rule.reason.as_str(), rule.owner.as_str()),
            ("bastion", "ops")
        );
        assert_eq!(rule.created_at, NOW);
        let back: MuteRule =
            serde_json::from_str(&serde_json::to_string(&rule).expect("json")).expect("parse");
        assert_eq!(back, rule);
    }

    #[test]
    fn reason_and_owner_are_required() {
        for (reason, owner, field) in [("", "ops", "reason"), ("why", "  ", "owner")] {
            let err = MuteRuleSpec {
                reason: reason.into(),
                owner: owner.into(),
                ..spec()
            }
            .validate(NOW)
            .expect_err("refused")
            .to_string();
            assert!(err.contains(&format!("the {field} is required")), "{err}");
        }
    }

    #[test]
    fn a_rule_muting_everything_is_refused() {
        let err = MuteRuleSpec {
            checks: vec!["*".into()],
            resources: vec!["*".into()],
            ..spec()
        }
        .validate(NOW)
        .expect_err("refused")
        .to_string();
        assert!(err.contains("would mute every result"), "{err}");
    }

    #[test]
    fn field_shapes_are_checked() {
        let err = MuteRuleSpec {
            resources: vec!["www-bucket".into()],
            ..spec()
        }
        .validate(NOW)
        .expect_err("refused")
        .to_string();
        assert!(
            err.contains("invalid resource pattern \"www-bucket\""),
            "{err}"
        );
        assert!(err.contains("starting with `arn:`"), "{err}");
        let err = MuteRuleSpec {
            accounts: vec!["prod".into()],
            ..spec()
        }
        .validate(NOW)
        .expect_err("refused")
        .to_string();
        assert!(err.contains("invalid account pattern \"prod\""), "{err}");
        let err = MuteRuleSpec {
            checks: vec!["s3_[".into()],
            ..spec()
        }
        .validate(NOW)
        .expect_err("refused")
        .to_string();
        assert!(err.contains("invalid check pattern \"s3_[\""), "{err}");
    }

    #[test]
    fn expiry_must_be_in_the_future() {
        let err = MuteRuleSpec {
            expires_at: Some(datetime!(2026-11-30 11:59 UTC)),
            ..spec()
        }
        .validate(NOW)
        .expect_err("refused")
        .to_string();
        assert!(err.contains("not in the future"), "{err}");
    }

    #[test]
    fn expiry_parses_times_and_whole_days() {
        assert_eq!(
            parse_expiry("2026-12-31").expect("date"),
            datetime!(2027-01-01 00:00 UTC)
        );
        assert_eq!(
            parse_expiry("2026-12-31T18:00:00+02:00").expect("time"),
            datetime!(2026-12-31 16:00 UTC)
        );
        let err = parse_expiry("next week").expect_err("refused").to_string();
        assert!(err.contains("invalid expiry \"next week\""), "{err}");
    }

    #[test]
    fn activity_follows_the_expiry() {
        let rule = MuteRuleSpec {
            expires_at: Some(datetime!(2026-12-01 00:00 UTC)),
            ..spec()
        }
        .validate(NOW)
        .expect("valid");
        assert!(rule.is_active(NOW));
        assert!(!rule.is_active(datetime!(2026-12-01 00:00 UTC)));
    }
}
