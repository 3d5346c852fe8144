//! {{name}}: an LG-Protect rule plugin.
//!
//! A rule is pure: the host hands it a batch of resources (their JSON shape is documented per
//! kind in LG-Protect's `docs/resources/`) and it answers one finding per check and resource of
//! a kind the check applies to. No I/O, no clock but the [`Context`]'s, no randomness.
//!
//! The example check encodes a house rule no generic tool knows: buckets tagged
//! `data-classification=confidential` must be encrypted with a KMS key, not only SSE-S3.
//!
//! - `cargo test` runs the tests below natively, through the SDK's harness
//!   ([`lgp_sdk::testing`]), exactly as the host dispatches.
//! - `lgp plugin build` builds the component and validates it as the host would.
//! - `lgp plugin test . --fixtures fixtures` runs it in the real host runtime on
//!   `fixtures/resources.json` and compares with `fixtures/resources.expected.json`
//!   (`--update` rewrites that file after an intended change).

use lgp_sdk::kinds::s3::{self, Encryption};
use lgp_sdk::{
    Check, CheckMeta, CheckResult, Context, Outcome, PluginInfo, Remediation, Resource, RulePlugin,
    Severity,
};

/// The tag that carries a resource's data classification.
pub const CLASSIFICATION_TAG: &str = "data-classification";
/// The classification that requires KMS encryption.
pub const CONFIDENTIAL: &str = "confidential";

/// The plugin.
pub struct Rules;

impl RulePlugin for Rules {
    fn info() -> PluginInfo {
        PluginInfo::rule(
            "{{name}}",
            env!("CARGO_PKG_VERSION"),
            "{{description}}",
        )
    }

    fn checks() -> Vec<Check> {
        vec![confidential_bucket_kms()]
    }
}

lgp_sdk::export_rule!(Rules);

/// `{{ident}}_s3_confidential_bucket_kms`: confidential buckets are encrypted with a KMS key.
pub fn confidential_bucket_kms() -> Check {
    Check::new(
        CheckMeta::new(
            "{{ident}}_s3_confidential_bucket_kms",
            "S3 bucket classified confidential is encrypted with a KMS key",
            Severity::Medium,
        )
        .description(
            "Checks that every S3 bucket tagged data-classification=confidential has default \
             encryption with an AWS KMS key (SSE-KMS or DSSE-KMS) rather than S3-managed keys.",
        )
        .rationale(
            "With a KMS key, reading an object also needs kms:Decrypt on the key: the key policy \
             is a second, audited gate (every use is in CloudTrail) that a bucket policy mistake \
             alone cannot open, and disabling the key cuts access at once.",
        )
        .service("s3")
        .resource_kind(s3::KIND)
        .remediation(
            Remediation::new(
                "Set the bucket's default encryption to SSE-KMS with a customer managed key, then \
                 re-encrypt existing objects (for example with an S3 Batch Operations copy).",
            )
            .cli(
                r#"aws s3api put-bucket-encryption --bucket <bucket> --server-side-encryption-configuration '{"Rules":[{"ApplyServerSideEncryptionByDefault":{"SSEAlgorithm":"aws:kms","KMSMasterKeyID":"<key-arn>"},"BucketKeyEnabled":true}]}'"#,
            )
            .console("S3 > Buckets > <bucket> > Properties > Default encryption > Edit")
            .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingKMSEncryption.html"),
        )
        .reference("nist-800-53-r5", "SC-12")
        .reference("iso-27001-2022", "A.8.24"),
        check_confidential_bucket_kms,
    )
}

fn check_confidential_bucket_kms(bucket: &Resource, _cx: &Context) -> CheckResult {
    let name = &bucket.name;
    let classification = bucket.tags.get(CLASSIFICATION_TAG).map(String::as_str);
    if classification != Some(CONFIDENTIAL) {
        return Ok(Outcome::pass(format!(
            "Bucket {name} is not classified {CONFIDENTIAL}, so S3-managed keys are enough."
        ))
        .evidence("tags", &bucket.tags));
    }
    // A property the collector could not read, or that is missing or ill-typed, returns an
    // error here: the SDK turns it into an `error` finding, never a guess.
    let encryption: Encryption = bucket.get(s3::props::ENCRYPTION)?;
    let algorithm = encryption
        .algorithm
        .as_deref()
        .unwrap_or("no default encryption");
    Ok(Outcome::pass_if(
        encryption.is_kms(),
        format!("Bucket {name} is classified {CONFIDENTIAL} and encrypted with a KMS key ({algorithm})."),
        format!("Bucket {name} is classified {CONFIDENTIAL} but encrypted with {algorithm}, not a KMS key."),
    )
    .evidence(s3::props::ENCRYPTION, encryption))
}

#[cfg(test)]
mod tests {
    use super::*;
    use lgp_sdk::Status;
    use lgp_sdk::serde_json::json;
    use lgp_sdk::testing::{self, assert_status};

    const CHECK: &str = "{{ident}}_s3_confidential_bucket_kms";

    fn bucket(
        name: &str,
        classification: &str,
        encryption: lgp_sdk::serde_json::Value,
    ) -> Resource {
        Resource::new(
            format!("arn:aws:s3:::{name}"),
            s3::KIND,
            "111122223333",
            "us-east-1",
            name,
        )
        .with_tag(CLASSIFICATION_TAG, classification)
        .with_properties(json!({ "encryption": encryption, "errors": {} }))
    }

    #[test]
    fn metadata_is_complete() {
        testing::assert_plugin_valid::<Rules>();
    }

    #[test]
    fn confidential_buckets_need_kms() {
        let kms = json!({"status": "enabled", "algorithm": "aws:kms", "kms_key_id": null});
        let sse_s3 = json!({"status": "enabled", "algorithm": "AES256"});
        let findings = testing::run::<Rules>(&[
            bucket("a", CONFIDENTIAL, kms),
            bucket("b", CONFIDENTIAL, sse_s3.clone()),
            bucket("c", "public", sse_s3),
            bucket("d", CONFIDENTIAL, json!("not an object")),
        ]);
        assert_status(&findings, CHECK, "arn:aws:s3:::a", Status::Pass);
        let b = assert_status(&findings, CHECK, "arn:aws:s3:::b", Status::Fail);
        assert_eq!(
            b.message,
            "Bucket b is classified confidential but encrypted with AES256, not a KMS key."
        );
        assert_status(&findings, CHECK, "arn:aws:s3:::c", Status::Pass);
        assert_status(&findings, CHECK, "arn:aws:s3:::d", Status::Error);
    }

    /// The fixtures `lgp plugin test` runs in the host give the same results natively (the
    /// expectation file also holds the messages, which this comparison leaves out). After an
    /// intended change, rewrite it with `lgp plugin test . --fixtures fixtures --update`.
    #[test]
    fn fixtures_match_their_expectations() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
        let findings = testing::run::<Rules>(&testing::load_resources(dir.join("resources.json")));
        testing::assert_snapshot(&findings, dir.join("resources.expected.json"));
    }
}
