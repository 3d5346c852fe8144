//! The account-level Block Public Access settings (`aws:s3:account-public-access-block`).

use super::PUBLIC_ACCESS;
use lgp_sdk::kinds::s3::{ACCOUNT_PUBLIC_ACCESS_BLOCK_KIND, PublicAccessBlock};
use lgp_sdk::{Check, CheckMeta, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// `s3_account_level_public_access_blocks`: all four account-level settings are on.
pub fn account_level_public_access_blocks() -> Check {
    Check::new(
        CheckMeta::new("s3_account_level_public_access_blocks", "S3 account-level Block Public Access has all four settings enabled", Severity::High)
            .service("s3")
            .resource_kind(ACCOUNT_PUBLIC_ACCESS_BLOCK_KIND)
            .description(
                "Checks that the account has an S3 Block Public Access configuration enabling \
                 BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy and RestrictPublicBuckets, which then \
                 apply to every bucket of the account, present and future.",
            )
            .rationale(
                "The account-level settings are one guard for every bucket: a bucket created later, or one \
                 whose own settings are switched off by mistake, still cannot be made public by an ACL or a \
                 policy.",
            )
            .remediation(
                Remediation::new("Enable all four Block Public Access settings for the account (serve intentionally public content through CloudFront with origin access control instead).")
                    .cli("aws s3control put-public-access-block --account-id <account> --public-access-block-configuration BlockPublicAcls=true,IgnorePublicAcls=true,BlockPublicPolicy=true,RestrictPublicBuckets=true")
                    .console("S3 > Block Public Access settings for this account > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/configuring-block-public-access-account.html"),
            )
            .reference("cis-aws-3.0", "2.1.4")
            .reference("cis-aws-7.0", "3.1.4")
            .reference("aws-fsbp", "S3.1")
            .references(PUBLIC_ACCESS)
            .equivalent("prowler", "s3_account_level_public_access_blocks")
            .equivalent("security-hub", "S3.1"),
        check_account_level_public_access_blocks,
    )
}

fn check_account_level_public_access_blocks(account: &Resource, _: &Context) -> CheckResult {
    let id = &account.account;
    // `null` means "not collected" here (the collector records why in `errors`).
    let configured: bool = account.get("configured")?;
    if !configured {
        return Ok(Outcome::fail(format!(
            "Account {id} has no account-level S3 Block Public Access configuration."
        ))
        .evidence("configured", false));
    }
    let settings = PublicAccessBlock {
        block_public_acls: account.get("block_public_acls")?,
        ignore_public_acls: account.get("ignore_public_acls")?,
        block_public_policy: account.get("block_public_policy")?,
        restrict_public_buckets: account.get("restrict_public_buckets")?,
    };
    let off = settings.disabled_settings();
    Ok(Outcome::pass_if(
        off.is_empty(),
        format!("Account {id} enables all four account-level S3 Block Public Access settings."),
        format!(
            "Account {id} has account-level S3 Block Public Access settings off: {}.",
            off.join(", ")
        ),
    )
    .evidence("configured", true)
    .evidence("settings", settings))
}

#[cfg(test)]
mod tests {
    use crate::S3Rules;
    use lgp_sdk::kinds::s3::{
        ACCOUNT_PUBLIC_ACCESS_BLOCK_KIND, AccountPublicAccessBlock, PublicAccessBlock,
        account_public_access_block_arn,
    };
    use lgp_sdk::testing::{finding, run};
    use lgp_sdk::{Resource, Status};
    use serde_json::{Value, json};

    const ID: &str = "s3_account_level_public_access_blocks";

    fn account(properties: Value) -> Resource {
        Resource::new(
            account_public_access_block_arn("111122223333"),
            ACCOUNT_PUBLIC_ACCESS_BLOCK_KIND,
            "111122223333",
            "global",
            "111122223333",
        )
        .with_properties(properties)
    }

    fn status(properties: Value) -> (Status, String) {
        let findings = run::<S3Rules>(&[account(properties)]);
        assert_eq!(findings.len(), 1, "only the account check applies");
        let arn = account_public_access_block_arn("111122223333");
        let f = finding(&findings, ID, &arn);
        (f.status, f.message.clone())
    }

    fn settings(all: bool) -> Value {
        let pab = PublicAccessBlock {
            block_public_acls: true,
            ignore_public_acls: true,
            block_public_policy: all,
            restrict_public_buckets: true,
        };
        serde_json::to_value(AccountPublicAccessBlock::from_settings(Some(pab))).expect("json")
    }

    #[test]
    fn all_four_settings() {
        assert_eq!(status(settings(true)).0, Status::Pass);
        let (s, message) = status(settings(false));
        assert_eq!(s, Status::Fail);
        assert!(
            message.contains("111122223333") && message.contains("block_public_policy"),
            "{message}"
        );
        let none =
            serde_json::to_value(AccountPublicAccessBlock::from_settings(None)).expect("json");
        let (s, message) = status(none);
        assert_eq!(s, Status::Fail);
        assert!(message.contains("no account-level"), "{message}");
    }

    #[test]
    fn uncollected_or_malformed_settings_are_errors() {
        let failed = json!({"configured": null, "block_public_acls": null, "ignore_public_acls": null,
            "block_public_policy": null, "restrict_public_buckets": null,
            "errors": {"*": {"code": "AccessDenied", "category": "access_denied"}}});
        let (s, message) = status(failed);
        assert_eq!(s, Status::Error);
        assert!(message.contains("AccessDenied"), "{message}");
        let partial = json!({"configured": true, "block_public_acls": true, "ignore_public_acls": null,
            "block_public_policy": true, "restrict_public_buckets": true, "errors": {}});
        assert_eq!(status(partial).0, Status::Error);
        assert_eq!(status(json!({"errors": {}})).0, Status::Error);
    }
}
