//! IAM server certificates (`aws:iam:server-certificate`).

use super::meta;
use lgp_sdk::kinds::iam::SERVER_CERTIFICATE_KIND;
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// `iam_no_expired_server_certificates_stored`: expired certificates are removed.
pub fn no_expired_server_certificates_stored() -> Check {
    Check::new(
        meta("iam_no_expired_server_certificates_stored", "IAM server certificate has not expired", Severity::Medium, SERVER_CERTIFICATE_KIND)
            .description("Checks that the server certificate's expiration is after the scan's reference time.")
            .rationale(
                "An expired certificate still deployed to a load balancer or CloudFront breaks TLS for clients \
                 or pushes them to click through warnings; stored expired certificates invite accidental reuse.",
            )
            .remediation(
                Remediation::new("Delete the expired certificate (after replacing it wherever it is used).")
                    .cli("aws iam delete-server-certificate --server-certificate-name <name>")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_server-certs.html"),
            )
            .reference("cis-aws-3.0", "1.19")
            .reference("cis-aws-7.0", "2.17")
            .reference("aws-fsbp", "IAM.26")
            .references(&[
                ("nist-800-53-r5", "SC-17"),
                ("pci-dss-4.0", "4.2.1"),
                ("soc2", "CC6.7"),
                ("hipaa", "164.312(e)(1)"),
                ("iso-27001-2022", "A.8.24"),
            ])
            .equivalent("prowler", "iam_no_expired_server_certificates_stored")
            .equivalent("security-hub", "IAM.26"),
        check_no_expired_server_certificates_stored,
    )
}

fn check_no_expired_server_certificates_stored(c: &Resource, cx: &Context) -> CheckResult {
    let expiration: &str = c.get("expiration")?;
    // Whole days rounded down: 0 or more means the expiration is at or before the scan time.
    let days_since = cx.age_in_days(expiration)?;
    Ok(Outcome::pass_if(
        days_since < 0,
        format!("Server certificate {} expires on {expiration}.", c.name),
        format!("Server certificate {} expired on {expiration}.", c.name),
    )
    .evidence("expiration", expiration))
}

#[cfg(test)]
mod tests {
    use crate::IamRules;
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, context, run_with};
    use lgp_sdk::{Context, Resource};
    use serde_json::json;

    const ID: &str = "iam_no_expired_server_certificates_stored";
    const ARN: &str = "arn:aws:iam::111122223333:server-certificate/www";

    fn cert(expiration: serde_json::Value) -> Resource {
        Resource::new(
            ARN,
            "aws:iam:server-certificate",
            "111122223333",
            "global",
            "www",
        )
        .with_properties(
            json!({"name": "www", "id": "ASCAEXAMPLE", "arn": ARN, "path": "/",
                "upload_date": "2023-01-10T09:00:00Z", "expiration": expiration}),
        )
    }

    #[test]
    fn expiry_against_the_scan_clock() {
        let cx = context(); // 2025-01-01T00:00:00Z
        let cases = [
            (json!("2026-01-10T09:00:00Z"), Status::Pass),
            (json!("2025-01-01T06:00:00Z"), Status::Pass),
            (json!("2024-12-31T18:00:00Z"), Status::Fail),
            (json!("2024-01-10T09:00:00Z"), Status::Fail),
            (json!(null), Status::Error),
            (json!("soon"), Status::Error),
        ];
        for (exp, status) in cases {
            let f = run_with::<IamRules>(&cx, &[cert(exp.clone())]);
            assert_status(&f, ID, ARN, status);
        }
        // The same certificate, scanned a year later, has expired.
        let later = Context::new("s", cx.now_unix_seconds + 400 * 86_400);
        let f = run_with::<IamRules>(&later, &[cert(json!("2026-01-10T09:00:00Z"))]);
        assert_status(&f, ID, ARN, Status::Fail);
    }
}
