//! LG-Protect's built-in rules for S3 buckets (`aws:s3:bucket`).
//!
//! A pure rule plugin: it reads the bucket properties the S3 collector emits (and the account's
//! Block Public Access settings, `aws:s3:account-public-access-block`) and answers twenty-four
//! checks; it has no I/O and no clock. Built for `wasm32-wasip2` it is a component exporting
//! `lg-protect:plugin/evaluate@0.1.0`; built natively its unit tests run through the SDK's
//! harness ([`lgp_sdk::testing`]).
//!
//! # Checks
//!
//! Every check also names the PCI DSS 4.0, SOC 2, HIPAA, NIST 800-53 r5 and ISO 27001:2022
//! controls it supports (`lgp checks --format json`); the table shows CIS and FSBP.
//!
//! | id | severity | CIS 3.0 / 7.0, FSBP | Prowler | Security Hub |
//! |---|---|---|---|---|
//! | `s3_bucket_default_encryption` | medium | — | `s3_bucket_default_encryption` | — |
//! | `s3_bucket_kms_encryption` | medium | S3.17 | `s3_bucket_kms_encryption` | S3.17 |
//! | `s3_bucket_kms_cmk_encryption` | medium | — | — | — |
//! | `s3_bucket_level_public_access_block` | high | 2.1.4 / 3.1.4, S3.8 | `s3_bucket_level_public_access_block` | S3.8 |
//! | `s3_bucket_acl_not_public` | critical | S3.2, S3.3 | `s3_bucket_public_access` | S3.2, S3.3 |
//! | `s3_bucket_policy_not_public` | critical | — / 2.21, S3.2, S3.3 | `s3_bucket_public_access` | S3.2, S3.3 |
//! | `s3_bucket_policy_no_public_write` | critical | — / 2.21, S3.3 | `s3_bucket_policy_public_write_access` | S3.3 |
//! | `s3_bucket_policy_no_public_list` | critical | — / 2.21, S3.2 | — | S3.2 |
//! | `s3_bucket_public_list_acl` | critical | S3.2 | `s3_bucket_public_list_acl` | S3.2 |
//! | `s3_bucket_public_write_acl` | critical | S3.3 | `s3_bucket_public_write_acl` | S3.3 |
//! | `s3_bucket_acl_no_cross_account_grants` | medium | — | — | — |
//! | `s3_bucket_cross_account_access` | high | — | `s3_bucket_cross_account_access` | — |
//! | `s3_bucket_cross_account_sensitive_actions` | high | S3.6 | — | S3.6 |
//! | `s3_account_level_public_access_blocks` (account kind) | high | 2.1.4 / 3.1.4, S3.1 | `s3_account_level_public_access_blocks` | S3.1 |
//! | `s3_bucket_secure_transport_policy` | medium | 2.1.1 / 3.1.1, S3.5 | `s3_bucket_secure_transport_policy` | S3.5 |
//! | `s3_bucket_versioning_enabled` | medium | S3.14 | `s3_bucket_object_versioning` | S3.14 |
//! | `s3_bucket_mfa_delete_enabled` | medium | 2.1.2 / 3.1.2, S3.20 | `s3_bucket_no_mfa_delete` | S3.20 |
//! | `s3_bucket_lifecycle_enabled` | low | S3.13 | `s3_bucket_lifecycle_enabled` | S3.13 |
//! | `s3_bucket_versioned_lifecycle_configured` | medium | S3.10 | — | S3.10 |
//! | `s3_bucket_cross_region_replication` | low | S3.7 | `s3_bucket_cross_region_replication` | S3.7 |
//! | `s3_bucket_object_lock` | low | S3.15 | `s3_bucket_object_lock` | S3.15 |
//! | `s3_bucket_server_access_logging_enabled` | medium | S3.9 | `s3_bucket_server_access_logging_enabled` | S3.9 |
//! | `s3_bucket_event_notifications_enabled` | low | S3.11 | `s3_bucket_event_notifications_enabled` | S3.11 |
//! | `s3_bucket_acl_disabled` | medium | S3.12 | `s3_bucket_acl_prohibited` | S3.12 |
//!
//! Default encryption follows AWS rather than Prowler: since January 2023 AWS applies SSE-S3 to
//! every bucket, so a bucket without an explicit rule (`encryption.status` = `not_configured`,
//! which emulators still report) passes with a message saying so; only explicitly disabled
//! encryption fails. Security Hub retired its default-encryption control (S3.4) for the same
//! reason, so the check names no FSBP control.
//!
//! Cross-account checks take the bucket owner from the resource's `account`; a statement
//! confined by `aws:PrincipalOrgID`, or by `aws:SourceAccount` / `aws:SourceArn` of the owner's
//! account, is not cross-account. Cross-region replication knows a destination's region only
//! when the destination is a bucket of the same account (the collector's
//! `replication.rules[].destination_region`); otherwise it answers `manual`.
//!
//! # Input: the `aws:s3:bucket` properties
//!
//! The schema is defined once, as typed structs in [`lgp_sdk::kinds::s3`], and documented in
//! `docs/resources/aws-s3-bucket.md`. In short:
//!
//! | property | type | `null` means |
//! |---|---|---|
//! | `creation_date` | RFC 3339 string | unknown |
//! | `encryption` | `{status: "enabled"\|"not_configured"\|"disabled", algorithm, kms_key_id, bucket_key_enabled}` | — |
//! | `public_access_block` | `{block_public_acls, ignore_public_acls, block_public_policy, restrict_public_buckets}` | not configured |
//! | `account_public_access_block` | same four booleans (may be absent) | not configured |
//! | `policy` | policy document (object, or a string holding one) | no policy |
//! | `policy_status` | `{is_public}` | no policy |
//! | `acl` | `{owner_id, grants: [{grantee_type, grantee_uri, grantee_id, permission}]}` | — |
//! | `ownership` | `"BucketOwnerEnforced"` \| `"BucketOwnerPreferred"` \| `"ObjectWriter"` | not configured (ACLs on) |
//! | `versioning` | `{status: "enabled"\|"suspended"\|"disabled", mfa_delete}` | — |
//! | `logging` | `{enabled, target_bucket, target_prefix}` | — |
//! | `lifecycle` | `{rules: [{id, status, has_expiration, …}]}` | no lifecycle configuration |
//! | `replication` | `{role, rules: [{id, status, destination_bucket, destination_region}]}` | no replication |
//! | `object_lock` | `{enabled, mode, days, years}` | Object Lock never enabled |
//! | `notifications` | `{topics, queues, lambda_functions, event_bridge}` | — |
//! | `errors` | `{<property>: {code, category, message?}}` | — |
//!
//! A check whose input is listed in `errors` (the collector could not read it), is absent, or is
//! ill-typed reports `error` with the reason, never pass or fail. Block Public Access settings
//! are read only when a public grant or statement makes them matter.

pub mod checks;

use lgp_sdk::{Check, PluginInfo, RulePlugin};

/// The S3 rule plugin.
pub struct S3Rules;

impl RulePlugin for S3Rules {
    fn info() -> PluginInfo {
        PluginInfo::rule(
            "rules-s3",
            env!("CARGO_PKG_VERSION"),
            "Checks S3 buckets and the account's S3 Block Public Access for encryption, public and cross-account exposure, transport security, versioning, lifecycle, replication, Object Lock, logging, notifications and ACL use.",
        )
    }

    fn checks() -> Vec<Check> {
        use checks::*;
        vec![
            encryption::default_encryption(),
            encryption::kms_encryption(),
            encryption::kms_cmk_encryption(),
            public_access::level_public_access_block(),
            public_access::acl_not_public(),
            public_access::policy_not_public(),
            public_access::policy_no_public_write(),
            public_access::policy_no_public_list(),
            acl::public_list_acl(),
            acl::public_write_acl(),
            acl::acl_no_cross_account_grants(),
            cross_account::cross_account_access(),
            cross_account::cross_account_sensitive_actions(),
            account::account_level_public_access_blocks(),
            transport::secure_transport_policy(),
            versioning::versioning_enabled(),
            versioning::mfa_delete_enabled(),
            resilience::lifecycle_enabled(),
            resilience::versioned_lifecycle_configured(),
            resilience::cross_region_replication(),
            resilience::object_lock(),
            logging::server_access_logging_enabled(),
            logging::event_notifications_enabled(),
            ownership::acl_disabled(),
        ]
    }
}

lgp_sdk::export_rule!(S3Rules);

#[cfg(test)]
mod test_support {
    use lgp_sdk::Resource;
    use serde_json::{Value, json};

    /// The ARN of the bucket named `b`.
    pub const ARN: &str = "arn:aws:s3:::b";

    /// How many checks apply to a bucket (all but the account-level one).
    pub const BUCKET_CHECKS: usize = 23;

    /// A bucket that passes every check, with the top-level properties in `overrides` replaced.
    pub fn bucket(name: &str, overrides: Value) -> Resource {
        let props = json!({
            "creation_date": "2023-04-01T10:00:00Z",
            "encryption": {"status": "enabled", "algorithm": "aws:kms",
                "kms_key_id": "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab",
                "bucket_key_enabled": true},
            "public_access_block": {"block_public_acls": true, "ignore_public_acls": true,
                "block_public_policy": true, "restrict_public_buckets": true},
            "account_public_access_block": null,
            "policy": {"Version": "2012-10-17", "Statement": [{"Sid": "DenyInsecureTransport",
                "Effect": "Deny", "Principal": "*", "Action": "s3:*",
                "Resource": [format!("arn:aws:s3:::{name}"), format!("arn:aws:s3:::{name}/*")],
                "Condition": {"Bool": {"aws:SecureTransport": "false"}}}]},
            "policy_status": {"is_public": false},
            "acl": {"owner_id": "owner", "grants": [{"grantee_type": "CanonicalUser",
                "grantee_id": "owner", "grantee_uri": null, "permission": "FULL_CONTROL"}]},
            "ownership": "BucketOwnerEnforced",
            "versioning": {"status": "enabled", "mfa_delete": true},
            "logging": {"enabled": true, "target_bucket": "central-logs", "target_prefix": format!("{name}/")},
            "lifecycle": {"rules": [{"id": "noncurrent", "status": "Enabled", "has_expiration": true,
                "has_transitions": false, "has_noncurrent_version_expiration": true,
                "has_abort_incomplete_multipart_upload": true}]},
            "replication": {"role": "arn:aws:iam::111122223333:role/s3-replication", "rules": [
                {"id": "to-eu", "status": "Enabled", "destination_bucket": format!("arn:aws:s3:::{name}-replica"),
                 "destination_region": "eu-west-1"}]},
            "object_lock": {"enabled": true, "mode": "GOVERNANCE", "days": 30, "years": null},
            "notifications": {"topics": [], "queues": [], "lambda_functions": [], "event_bridge": true},
            "errors": {}
        });
        Resource::new(
            format!("arn:aws:s3:::{name}"),
            "aws:s3:bucket",
            "111122223333",
            "us-east-1",
            name,
        )
        .with_properties(lgp_sdk::testing::with_overrides(props, overrides))
    }
}

#[cfg(test)]
mod tests {
    use super::S3Rules;
    use super::test_support::{ARN, BUCKET_CHECKS, bucket};
    use lgp_sdk::testing::{self, assert_status, run, run_raw};
    use lgp_sdk::{RawResource, Resource, RulePlugin, Status};
    use serde_json::json;
    use std::path::Path;

    #[test]
    fn metadata_is_complete() {
        testing::assert_plugin_valid::<S3Rules>();
        assert_eq!(S3Rules::checks().len(), 24);
    }

    #[test]
    fn compliant_bucket_passes_everything() {
        let findings = run::<S3Rules>(&[bucket("b", json!({}))]);
        assert_eq!(findings.len(), BUCKET_CHECKS);
        for f in &findings {
            assert_eq!(f.status, Status::Pass, "{}: {}", f.check_id, f.message);
            assert!(f.evidence.is_object());
        }
    }

    #[test]
    fn unreadable_properties_give_errors_for_every_check() {
        let good = RawResource::from(&bucket("b", json!({})));
        for bad in ["{not json", "[]", "null"] {
            let raw = RawResource {
                properties: bad.into(),
                ..good.clone()
            };
            let findings = run_raw::<S3Rules>(&testing::context(), vec![raw]);
            assert_eq!(findings.len(), BUCKET_CHECKS, "{bad}");
            for f in &findings {
                assert_eq!(f.status, Status::Error, "{bad}: {}", f.check_id);
            }
        }
    }

    #[test]
    fn other_kinds_are_skipped() {
        let user = Resource::new(
            "arn:aws:iam::111122223333:user/u",
            "aws:iam:user",
            "111122223333",
            "global",
            "u",
        );
        let findings = run::<S3Rules>(&[user, bucket("b", json!({}))]);
        assert_eq!(findings.len(), BUCKET_CHECKS);
        assert!(findings.iter().all(|f| f.resource_arn == ARN));
    }

    #[test]
    fn one_uncollected_property_only_affects_its_checks() {
        let r = bucket(
            "b",
            json!({"logging": null,
            "errors": {"logging": {"code": "AccessDenied", "category": "permission"}}}),
        );
        let findings = run::<S3Rules>(&[r]);
        let f = assert_status(
            &findings,
            "s3_bucket_server_access_logging_enabled",
            ARN,
            Status::Error,
        );
        assert_eq!(
            f.evidence,
            json!({"error": "property `logging` could not be collected: AccessDenied (permission)"})
        );
        assert_eq!(
            findings
                .iter()
                .filter(|f| f.status == Status::Error)
                .count(),
            1
        );
    }

    /// `fixtures/expected.json` is what the plugin says about `fixtures/buckets.json`; the demo
    /// and the host's tests rely on both. Regenerate with `LGP_UPDATE_SNAPSHOTS=1 cargo test`.
    #[test]
    fn fixtures_match_expected_findings() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let resources = testing::load_resources(dir.join("buckets.json"));
        assert!(resources.len() >= 12);
        let findings = run::<S3Rules>(&resources);
        assert_eq!(findings.len(), resources.len() * BUCKET_CHECKS);
        testing::assert_snapshot(&findings, dir.join("expected.json"));
    }
}
