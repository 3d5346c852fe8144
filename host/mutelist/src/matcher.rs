//! Matching results against the active rules.

use crate::MuteRule;
use std::collections::BTreeMap;
use time::OffsetDateTime;

/// What a rule is matched against: one result's check and resource.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    /// The check.
    pub check_id: &'a str,
    /// The resource's ARN.
    pub resource_arn: &'a str,
    /// The resource's account.
    pub account_id: &'a str,
    /// The resource's region (`global` for global resources).
    pub region: &'a str,
    /// The resource's tags.
    pub tags: &'a BTreeMap<String, String>,
}

/// The rules of a tenant that apply at one moment: expired rules are left out when it is built.
#[derive(Debug, Clone, Default)]
pub struct Mutelist {
    rules: Vec<MuteRule>,
}

impl Mutelist {
    /// The rules of `rules` still active at `now`.
    pub fn active(rules: Vec<MuteRule>, now: OffsetDateTime) -> Self {
        Mutelist {
            rules: rules.into_iter().filter(|r| r.is_active(now)).collect(),
        }
    }

    /// Whether no rule applies.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The first rule (oldest id) that mutes `target`, if any.
    pub fn rule_for(&self, target: &Target<'_>) -> Option<&MuteRule> {
        self.rules.iter().find(|r| matches(r, target))
    }
}

fn matches(rule: &MuteRule, t: &Target<'_>) -> bool {
    let any = |patterns: &[crate::Pattern], value: &str| {
        patterns.is_empty() || patterns.iter().any(|p| p.matches(value))
    };
    any(&rule.checks, t.check_id)
        && any(&rule.accounts, t.account_id)
        && any(&rule.regions, t.region)
        && any(&rule.resources, t.resource_arn)
        && rule
            .tags
            .iter()
            .all(|(key, value)| t.tags.get(key).is_some_and(|v| value.matches(v)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::MuteRuleSpec;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

    fn rule(spec: MuteRuleSpec) -> MuteRule {
        MuteRuleSpec {
            reason: "accepted".into(),
            owner: "sec".into(),
            ..spec
        }
        .validate(NOW)
        .expect("valid")
    }

    fn target<'a>(check: &'a str, arn: &'a str, tags: &'a BTreeMap<String, String>) -> Target<'a> {
        Target {
            check_id: check,
            resource_arn: arn,
            account_id: "111122223333",
            region: "eu-west-1",
            tags,
        }
    }

    #[test]
    fn every_named_field_must_match() {
        let list = Mutelist::active(
            vec![rule(MuteRuleSpec {
                checks: vec!["s3_bucket_*public*".into()],
                accounts: vec!["111122223333".into()],
                regions: vec!["eu-*".into()],
                resources: vec!["arn:aws:s3:::www-*".into()],
                ..MuteRuleSpec::default()
            })],
            NOW,
        );
        let none = BTreeMap::new();
        assert!(
            list.rule_for(&target(
                "s3_bucket_policy_not_public",
                "arn:aws:s3:::www-a",
                &none
            ))
            .is_some()
        );
        assert!(
            list.rule_for(&target(
                "s3_bucket_versioning_enabled",
                "arn:aws:s3:::www-a",
                &none
            ))
            .is_none()
        );
        assert!(
            list.rule_for(&target(
                "s3_bucket_policy_not_public",
                "arn:aws:s3:::logs",
                &none
            ))
            .is_none()
        );
        let mut other_region = target("s3_bucket_policy_not_public", "arn:aws:s3:::www-a", &none);
        other_region.region = "us-east-1";
        assert!(list.rule_for(&other_region).is_none());
        let mut other_account = target("s3_bucket_policy_not_public", "arn:aws:s3:::www-a", &none);
        other_account.account_id = "444455556666";
        assert!(list.rule_for(&other_account).is_none());
    }

    #[test]
    fn tags_must_all_be_present_with_matching_values() {
        let list = Mutelist::active(
            vec![rule(MuteRuleSpec {
                tags: [
                    ("env".to_owned(), "sandbox-*".to_owned()),
                    ("owner".to_owned(), "*".to_owned()),
                ]
                .into_iter()
                .collect(),
                ..MuteRuleSpec::default()
            })],
            NOW,
        );
        let both: BTreeMap<String, String> = [("env", "sandbox-7"), ("owner", "ana")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let prod: BTreeMap<String, String> = [("env", "prod"), ("owner", "ana")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let one: BTreeMap<String, String> = [("env", "sandbox-7")]
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let arn = "arn:aws:ec2:eu-west-1:111122223333:volume/vol-1";
        assert!(
            list.rule_for(&target("ec2_ebs_volume_encryption", arn, &both))
                .is_some()
        );
        assert!(
            list.rule_for(&target("ec2_ebs_volume_encryption", arn, &prod))
                .is_none()
        );
        assert!(
            list.rule_for(&target("ec2_ebs_volume_encryption", arn, &one))
                .is_none()
        );
    }

    #[test]
    fn expired_rules_stop_applying_by_themselves() {
        let r = rule(MuteRuleSpec {
            checks: vec!["iam_*".into()],
            expires_at: Some(datetime!(2026-12-01 00:00 UTC)),
            ..MuteRuleSpec::default()
        });
        let none = BTreeMap::new();
        let t = target(
            "iam_root_mfa_enabled",
            "arn:aws:iam::111122223333:root",
            &none,
        );
        assert!(
            Mutelist::active(vec![r.clone()], NOW)
                .rule_for(&t)
                .is_some()
        );
        let later = Mutelist::active(vec![r], datetime!(2026-12-01 00:00:01 UTC));
        assert!(later.is_empty() && later.rule_for(&t).is_none());
    }
}
