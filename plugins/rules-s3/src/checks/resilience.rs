//! Data lifecycle and resilience: lifecycle rules, cross-region replication, Object Lock.

use super::meta;
use lgp_sdk::kinds::s3::{
    Lifecycle, ObjectLock, Replication, ReplicationRule, Versioning, VersioningStatus, props,
};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};
use serde_json::Value;

/// The ids of the enabled rules of `lifecycle`, `#<index>` for a rule without one.
fn enabled_lifecycle_rules(lifecycle: &Lifecycle) -> Vec<String> {
    lifecycle
        .rules
        .iter()
        .enumerate()
        .filter(|(_, r)| r.is_enabled())
        .map(|(i, r)| r.id.clone().unwrap_or_else(|| format!("#{i}")))
        .collect()
}

/// `s3_bucket_lifecycle_enabled`: at least one lifecycle rule is enabled.
pub fn lifecycle_enabled() -> Check {
    Check::new(
        meta("s3_bucket_lifecycle_enabled", "S3 bucket has an enabled lifecycle rule", Severity::Low)
            .description(
                "Checks that the bucket has a lifecycle configuration with at least one rule whose status is \
                 Enabled (expiring objects, moving them to cheaper storage classes, or cleaning up \
                 noncurrent versions and incomplete uploads).",
            )
            .rationale(
                "Data kept forever is data that can leak forever and costs money forever; lifecycle rules \
                 enforce the retention period the data's owner decided on.",
            )
            .remediation(
                Remediation::new("Add a lifecycle rule matching the data's retention requirements (expiration, transitions, noncurrent version expiration, abort incomplete multipart uploads).")
                    .cli(r#"aws s3api put-bucket-lifecycle-configuration --bucket <bucket> --lifecycle-configuration '{"Rules":[{"ID":"retention","Status":"Enabled","Filter":{},"Expiration":{"Days":365},"AbortIncompleteMultipartUpload":{"DaysAfterInitiation":7}}]}'"#)
                    .console("S3 > Buckets > <bucket> > Management > Lifecycle rules > Create lifecycle rule")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lifecycle-mgmt.html"),
            )
            .reference("aws-fsbp", "S3.13")
            .reference("pci-dss-4.0", "3.2.1")
            .reference("soc2", "C1.2")
            .reference("nist-800-53-r5", "SI-12")
            .reference("iso-27001-2022", "A.8.10")
            .equivalent("prowler", "s3_bucket_lifecycle_enabled")
            .equivalent("security-hub", "S3.13"),
        check_lifecycle_enabled,
    )
}

fn check_lifecycle_enabled(bucket: &Resource, _: &Context) -> CheckResult {
    let name = &bucket.name;
    let Some(lifecycle) = bucket.get::<Option<Lifecycle>>(props::LIFECYCLE)? else {
        return Ok(
            Outcome::fail(format!("Bucket {name} has no lifecycle configuration."))
                .evidence(props::LIFECYCLE, Value::Null),
        );
    };
    let enabled = enabled_lifecycle_rules(&lifecycle);
    Ok(Outcome::pass_if(
        !enabled.is_empty(),
        format!(
            "Bucket {name} has enabled lifecycle rules: {}.",
            enabled.join(", ")
        ),
        format!(
            "Bucket {name} has a lifecycle configuration, but none of its {} rules is enabled.",
            lifecycle.rules.len()
        ),
    )
    .evidence("enabled_rules", enabled)
    .evidence(props::LIFECYCLE, lifecycle))
}

/// `s3_bucket_versioned_lifecycle_configured`: a versioned bucket has a lifecycle rule.
pub fn versioned_lifecycle_configured() -> Check {
    Check::new(
        meta("s3_bucket_versioned_lifecycle_configured", "S3 bucket with versioning has an enabled lifecycle rule", Severity::Medium)
            .description(
                "Checks that a bucket whose versioning is enabled or suspended has at least one enabled \
                 lifecycle rule. Buckets that never had versioning pass: this check is about the versions \
                 versioning keeps.",
            )
            .rationale(
                "Versioning keeps every overwritten and deleted object as a noncurrent version; without a \
                 lifecycle rule they pile up forever, with their cost and their data.",
            )
            .remediation(
                Remediation::new("Add a lifecycle rule that expires noncurrent versions after the recovery window you need (and removes expired delete markers).")
                    .cli(r#"aws s3api put-bucket-lifecycle-configuration --bucket <bucket> --lifecycle-configuration '{"Rules":[{"ID":"noncurrent","Status":"Enabled","Filter":{},"NoncurrentVersionExpiration":{"NoncurrentDays":90},"Expiration":{"ExpiredObjectDeleteMarker":true}}]}'"#)
                    .console("S3 > Buckets > <bucket> > Management > Lifecycle rules > Create lifecycle rule")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/lifecycle-configuration-examples.html"),
            )
            .reference("aws-fsbp", "S3.10")
            .reference("pci-dss-4.0", "3.2.1")
            .reference("soc2", "C1.2")
            .reference("nist-800-53-r5", "SI-12")
            .reference("iso-27001-2022", "A.8.10")
            .equivalent("security-hub", "S3.10"),
        check_versioned_lifecycle_configured,
    )
}

fn check_versioned_lifecycle_configured(bucket: &Resource, _: &Context) -> CheckResult {
    let name = &bucket.name;
    let versioning: Versioning = bucket.get(props::VERSIONING)?;
    if versioning.status == VersioningStatus::Disabled {
        return Ok(Outcome::pass(format!(
            "Bucket {name} has never had versioning, so it keeps no noncurrent versions."
        ))
        .evidence(props::VERSIONING, versioning));
    }
    let lifecycle: Option<Lifecycle> = bucket.get(props::LIFECYCLE)?;
    let enabled = lifecycle
        .as_ref()
        .map(enabled_lifecycle_rules)
        .unwrap_or_default();
    Ok(Outcome::pass_if(
        !enabled.is_empty(),
        format!(
            "Bucket {name} is versioned and has enabled lifecycle rules: {}.",
            enabled.join(", ")
        ),
        format!("Bucket {name} is versioned but has no enabled lifecycle rule."),
    )
    .evidence(props::VERSIONING, versioning)
    .evidence("enabled_rules", enabled))
}

/// `s3_bucket_cross_region_replication`: an enabled rule replicates to another region.
pub fn cross_region_replication() -> Check {
    Check::new(
        meta("s3_bucket_cross_region_replication", "S3 bucket replicates to a bucket in another region", Severity::Low)
            .description(
                "Checks that the bucket has an enabled replication rule whose destination bucket is in \
                 another region. The destination's region is known when it is a bucket of the same \
                 account; an enabled rule to a bucket of another account is reported as manual, since its \
                 region cannot be read.",
            )
            .rationale(
                "A copy in another region keeps the data available through a regional outage and, with a \
                 separate account or Object Lock, out of reach of a compromise of the source.",
            )
            .remediation(
                Remediation::new("Enable versioning on both buckets and add a replication rule to a bucket in another region (ideally in a separate backup account).")
                    .cli("aws s3api put-bucket-replication --bucket <bucket> --replication-configuration file://replication.json")
                    .console("S3 > Buckets > <bucket> > Management > Replication rules > Create replication rule")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html"),
            )
            .reference("aws-fsbp", "S3.7")
            .reference("soc2", "A1.2")
            .reference("hipaa", "164.308(a)(7)(ii)(A)")
            .reference("hipaa", "164.308(a)(7)(ii)(B)")
            .reference("nist-800-53-r5", "CP-6")
            .reference("nist-800-53-r5", "CP-9")
            .reference("iso-27001-2022", "A.8.13")
            .reference("iso-27001-2022", "A.8.14")
            .equivalent("prowler", "s3_bucket_cross_region_replication")
            .equivalent("security-hub", "S3.7"),
        check_cross_region_replication,
    )
}

fn check_cross_region_replication(bucket: &Resource, _: &Context) -> CheckResult {
    let name = &bucket.name;
    let Some(replication) = bucket.get::<Option<Replication>>(props::REPLICATION)? else {
        return Ok(
            Outcome::fail(format!("Bucket {name} has no replication configuration."))
                .evidence(props::REPLICATION, Value::Null),
        );
    };
    let here = bucket.region.as_str();
    let enabled: Vec<&ReplicationRule> = replication
        .rules
        .iter()
        .filter(|r| r.is_enabled())
        .collect();
    let elsewhere = enabled
        .iter()
        .find(|r| r.destination_region.as_deref().is_some_and(|d| d != here));
    let unknown: Vec<&str> = enabled
        .iter()
        .filter(|r| r.destination_region.is_none())
        .map(|r| r.destination_bucket.as_str())
        .collect();
    let outcome = match (elsewhere, enabled.is_empty(), unknown.is_empty()) {
        (Some(rule), _, _) => Outcome::pass(format!(
            "Bucket {name} replicates to {} in {}.",
            rule.destination_bucket,
            rule.destination_region.as_deref().unwrap_or_default()
        )),
        (None, true, _) => Outcome::fail(format!(
            "Bucket {name} has a replication configuration, but no rule is enabled."
        )),
        (None, false, true) => Outcome::fail(format!(
            "Bucket {name} replicates only within its own region {here}."
        )),
        (None, false, false) => Outcome::manual(format!(
            "Bucket {name} replicates to {}, whose region is unknown (not a bucket of this account); confirm it is outside {here}.",
            unknown.join(", ")
        )),
    };
    Ok(outcome
        .evidence("bucket_region", here)
        .evidence(props::REPLICATION, &replication))
}

/// `s3_bucket_object_lock`: Object Lock is enabled.
pub fn object_lock() -> Check {
    Check::new(
        meta("s3_bucket_object_lock", "S3 bucket has Object Lock enabled", Severity::Low)
            .description(
                "Checks that Object Lock is enabled on the bucket, so object versions can be protected \
                 from deletion and overwrite for a retention period (write once, read many).",
            )
            .rationale(
                "Object Lock stops ransomware, a compromised administrator or a faulty job from destroying \
                 protected versions before their retention ends, and meets record-keeping rules that \
                 demand immutable storage.",
            )
            .remediation(
                Remediation::new("Enable Object Lock (versioning must be on) and set a default retention mode and period that fits the data.")
                    .cli(r#"aws s3api put-object-lock-configuration --bucket <bucket> --object-lock-configuration '{"ObjectLockEnabled":"Enabled","Rule":{"DefaultRetention":{"Mode":"GOVERNANCE","Days":30}}}'"#)
                    .console("S3 > Buckets > <bucket> > Properties > Object Lock > Edit")
                    .url("https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html"),
            )
            .reference("aws-fsbp", "S3.15")
            .reference("soc2", "A1.2")
            .reference("hipaa", "164.312(c)(1)")
            .reference("nist-800-53-r5", "CP-9")
            .reference("nist-800-53-r5", "SI-7")
            .reference("iso-27001-2022", "A.8.13")
            .equivalent("prowler", "s3_bucket_object_lock")
            .equivalent("security-hub", "S3.15"),
        check_object_lock,
    )
}

fn check_object_lock(bucket: &Resource, _: &Context) -> CheckResult {
    let name = &bucket.name;
    let lock: Option<ObjectLock> = bucket.get(props::OBJECT_LOCK)?;
    let outcome = match &lock {
        None => Outcome::fail(format!("Bucket {name} has Object Lock disabled.")),
        Some(lock) if !lock.enabled => {
            Outcome::fail(format!("Bucket {name} has Object Lock disabled."))
        }
        Some(ObjectLock {
            mode: Some(mode), ..
        }) => Outcome::pass(format!(
            "Bucket {name} has Object Lock enabled with default {mode} retention."
        )),
        Some(_) => Outcome::pass(format!(
            "Bucket {name} has Object Lock enabled (no default retention: only objects given a retention are protected)."
        )),
    };
    Ok(outcome.evidence(props::OBJECT_LOCK, lock))
}

#[cfg(test)]
mod tests {
    use crate::S3Rules;
    use crate::test_support::{ARN, bucket};
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, finding, run};
    use serde_json::{Value, json};

    const LIFECYCLE: &str = "s3_bucket_lifecycle_enabled";
    const VERSIONED: &str = "s3_bucket_versioned_lifecycle_configured";
    const REPLICATION: &str = "s3_bucket_cross_region_replication";
    const LOCK: &str = "s3_bucket_object_lock";

    fn status(props: Value, check: &str) -> Status {
        finding(&run::<S3Rules>(&[bucket("b", props)]), check, ARN).status
    }

    fn rule(status: &str) -> Value {
        json!({"id": "r", "status": status, "has_expiration": true, "has_transitions": false,
            "has_noncurrent_version_expiration": false, "has_abort_incomplete_multipart_upload": false})
    }

    #[test]
    fn lifecycle_rules() {
        let enabled = json!({"lifecycle": {"rules": [rule("Disabled"), rule("Enabled")]}});
        assert_eq!(status(enabled, LIFECYCLE), Status::Pass);
        let disabled = json!({"lifecycle": {"rules": [rule("Disabled")]}});
        assert_eq!(status(disabled.clone(), LIFECYCLE), Status::Fail);
        assert_eq!(status(json!({"lifecycle": null}), LIFECYCLE), Status::Fail);
        assert_eq!(
            status(json!({"lifecycle": {"rules": "none"}}), LIFECYCLE),
            Status::Error
        );
        let denied = json!({"lifecycle": null, "errors": {"lifecycle": {"code": "AccessDenied", "category": "access_denied"}}});
        assert_eq!(status(denied.clone(), LIFECYCLE), Status::Error);
        assert_eq!(status(denied, VERSIONED), Status::Error);
        // Versioned (the base bucket is) without an enabled rule.
        assert_eq!(status(disabled, VERSIONED), Status::Fail);
    }

    #[test]
    fn versioned_lifecycle_depends_on_versioning() {
        let never =
            json!({"lifecycle": null, "versioning": {"status": "disabled", "mfa_delete": false}});
        assert_eq!(status(never, VERSIONED), Status::Pass);
        let suspended =
            json!({"lifecycle": null, "versioning": {"status": "suspended", "mfa_delete": false}});
        assert_eq!(status(suspended, VERSIONED), Status::Fail);
        let unknown = json!({"versioning": null, "errors": {"versioning": {"code": "AccessDenied", "category": "access_denied"}}});
        assert_eq!(status(unknown, VERSIONED), Status::Error);
    }

    fn replication(rules: Value) -> Value {
        json!({"replication": {"role": "arn:aws:iam::111122223333:role/replication", "rules": rules}})
    }

    fn to(region: Value, status: &str) -> Value {
        json!({"id": "to", "status": status, "destination_bucket": "arn:aws:s3:::replica",
            "destination_region": region})
    }

    #[test]
    fn replication_destinations() {
        // The base bucket is in us-east-1.
        let cases = [
            (json!([to(json!("eu-west-1"), "Enabled")]), Status::Pass),
            (json!([to(json!("us-east-1"), "Enabled")]), Status::Fail),
            (json!([to(json!("eu-west-1"), "Disabled")]), Status::Fail),
            (
                json!([
                    to(json!("us-east-1"), "Enabled"),
                    to(json!("eu-west-1"), "Enabled")
                ]),
                Status::Pass,
            ),
            (json!([to(Value::Null, "Enabled")]), Status::Manual),
            (
                json!([
                    to(Value::Null, "Enabled"),
                    to(json!("us-east-1"), "Enabled")
                ]),
                Status::Manual,
            ),
            (json!([]), Status::Fail),
        ];
        for (rules, expected) in cases {
            assert_eq!(
                status(replication(rules.clone()), REPLICATION),
                expected,
                "{rules}"
            );
        }
        // Documents of collectors that did not locate destinations read as unknown.
        let old = json!([{"id": "to", "status": "Enabled", "destination_bucket": "arn:aws:s3:::replica"}]);
        assert_eq!(status(replication(old), REPLICATION), Status::Manual);
        assert_eq!(
            status(json!({"replication": null}), REPLICATION),
            Status::Fail
        );
        let denied = json!({"replication": null, "errors": {"replication": {"code": "AccessDenied", "category": "access_denied"}}});
        assert_eq!(status(denied, REPLICATION), Status::Error);
        let findings = run::<S3Rules>(&[bucket(
            "b",
            replication(json!([to(json!("us-east-1"), "Enabled")])),
        )]);
        let f = assert_status(&findings, REPLICATION, ARN, Status::Fail);
        assert!(f.message.contains("own region us-east-1"), "{}", f.message);
    }

    #[test]
    fn object_lock_states() {
        let lock = |v: Value| status(json!({ "object_lock": v }), LOCK);
        assert_eq!(
            lock(json!({"enabled": true, "mode": "COMPLIANCE", "days": null, "years": 7})),
            Status::Pass
        );
        assert_eq!(
            lock(json!({"enabled": true, "mode": null, "days": null, "years": null})),
            Status::Pass
        );
        assert_eq!(
            lock(json!({"enabled": false, "mode": null, "days": null, "years": null})),
            Status::Fail
        );
        assert_eq!(lock(Value::Null), Status::Fail);
        assert_eq!(lock(json!({"mode": "GOVERNANCE"})), Status::Error);
        let denied = json!({"object_lock": null, "errors": {"object_lock": {"code": "AccessDenied", "category": "access_denied"}}});
        assert_eq!(status(denied, LOCK), Status::Error);
    }
}
