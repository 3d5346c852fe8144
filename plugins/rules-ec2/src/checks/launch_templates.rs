//! Launch templates: IMDSv2 required and no public IP association as of the latest version, and
//! no secrets in the user data of any version.

use super::controls::{METADATA_SERVICE, NO_EMBEDDED_CREDENTIALS, PUBLIC_ADDRESS};
use super::{SECURITY_HUB_EC2_DOCS, meta};
use lgp_sdk::kinds::ec2::MetadataOptions;
use lgp_sdk::kinds::ec2::launch_template::{KIND, VersionUserData, props};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// `ec2_launch_template_imdsv2_required`.
pub fn imdsv2_required() -> Check {
    Check::new(
        meta(
            "ec2_launch_template_imdsv2_required",
            "EC2 launch template requires IMDSv2",
            Severity::High,
            KIND,
        )
        .description(
            "Checks that the latest version of the launch template sets `HttpTokens` to `required` \
             (or turns the metadata endpoint off). A version that sets no metadata options fails: \
             instances then launch with IMDSv1 allowed unless the AMI or account defaults say \
             otherwise.",
        )
        .rationale(
            "Every instance launched from the template inherits its metadata settings; requiring \
             IMDSv2 there keeps IMDSv1, and the credential theft it enables, out of whole fleets.",
        )
        .remediation(
            Remediation::new("Create a new template version that requires IMDSv2 and make it the default.")
                .cli(r#"aws ec2 create-launch-template-version --launch-template-id <template-id> --source-version '$Latest' --launch-template-data '{"MetadataOptions":{"HttpTokens":"required","HttpEndpoint":"enabled"}}'"#)
                .console("EC2 > Launch Templates > <template> > Actions > Modify template (Create new version) > Advanced details > Metadata version")
                .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("aws-fsbp", "EC2.170")
        .references(METADATA_SERVICE)
        .equivalent("prowler", "ec2_launch_template_imdsv2_required")
        .equivalent("security-hub", "EC2.170"),
        check_imdsv2,
    )
}

/// `ec2_launch_template_no_public_ip`.
pub fn no_public_ip() -> Check {
    Check::new(
        meta(
            "ec2_launch_template_no_public_ip",
            "EC2 launch template does not assign public IP addresses",
            Severity::High,
            KIND,
        )
        .description(
            "Checks that no network interface of the launch template's latest version asks for a \
             public IPv4 address (`AssociatePublicIpAddress`).",
        )
        .rationale(
            "Instances launched from a template that assigns public addresses are reachable from the \
             internet as soon as a security group or network ACL allows it.",
        )
        .remediation(
            Remediation::new("Create a new template version whose network interfaces do not associate a public IP address, and make it the default.")
                .cli(r#"aws ec2 create-launch-template-version --launch-template-id <template-id> --source-version '$Latest' --launch-template-data '{"NetworkInterfaces":[{"DeviceIndex":0,"AssociatePublicIpAddress":false}]}'"#)
                .console("EC2 > Launch Templates > <template> > Actions > Modify template (Create new version) > Network settings")
                .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("aws-fsbp", "EC2.25")
        .references(PUBLIC_ADDRESS)
        .equivalent("prowler", "ec2_launch_template_no_public_ip")
        .equivalent("security-hub", "EC2.25"),
        check_public_ip,
    )
}

/// `ec2_launch_template_no_secrets`.
pub fn no_secrets() -> Check {
    Check::new(
        meta(
            "ec2_launch_template_no_secrets",
            "EC2 launch template user data contains no secrets",
            Severity::High,
            KIND,
        )
        .description(
            "Checks that the user data of every version of the launch template holds no secrets \
             (AWS access keys, private keys, GitHub or Slack tokens, passwords in URLs, literal \
             values assigned to password, secret or token names): older versions stay launchable. \
             The collector searches the user data and keeps only the kind and line of what it \
             finds; gzip-compressed user data is reported for manual review.",
        )
        .rationale(
            "Every instance launched from the template receives the secrets, and anyone who can \
             describe launch template versions can read them.",
        )
        .remediation(
            Remediation::new(
                "Create a new template version whose user data reads its secrets from AWS Secrets \
                 Manager or SSM Parameter Store at boot, make it the default, delete the versions \
                 that held secrets, and rotate those secrets.",
            )
            .cli("aws ec2 delete-launch-template-versions --launch-template-id <template-id> --versions <version>")
            .console("EC2 > Launch Templates > <template> > Actions > Modify template (Create new version) > Advanced details > User data")
            .url("https://docs.aws.amazon.com/secretsmanager/latest/userguide/intro.html"),
        )
        .references(NO_EMBEDDED_CREDENTIALS)
        .equivalent("prowler", "ec2_launch_template_no_secrets"),
        check_secrets,
    )
}

fn check_secrets(template: &Resource, _: &Context) -> CheckResult {
    let versions: Vec<VersionUserData> = template.get(props::USER_DATA_BY_VERSION)?;
    let name = &template.name;
    let leaks: Vec<String> = versions
        .iter()
        .flat_map(|v| {
            v.user_data
                .secrets
                .iter()
                .map(move |d| format!("version {}: {} (line {})", v.version_number, d.kind, d.line))
        })
        .collect();
    let uninspected: Vec<i64> = versions
        .iter()
        .filter(|v| v.user_data.present && !v.user_data.inspected)
        .map(|v| v.version_number)
        .collect();
    let outcome = if !leaks.is_empty() {
        Outcome::fail(format!(
            "Launch template {name} has {} secret(s) in its user data: {}.",
            leaks.len(),
            leaks.join(", ")
        ))
    } else if !uninspected.is_empty() {
        Outcome::manual(format!(
            "Launch template {name} has user data that was not inspected (compressed or not base64) in version(s) {}; review it for secrets.",
            uninspected
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ))
    } else if versions.is_empty() {
        Outcome::pass(format!(
            "Launch template {name} has no user data in any version."
        ))
    } else {
        Outcome::pass(format!(
            "Launch template {name} has no secrets in the user data of its {} version(s) with user data.",
            versions.len()
        ))
    };
    Ok(outcome.evidence(props::USER_DATA_BY_VERSION, &versions))
}

fn check_imdsv2(template: &Resource, _: &Context) -> CheckResult {
    let options: Option<MetadataOptions> = template.get(props::METADATA_OPTIONS)?;
    let name = &template.name;
    let outcome = match &options {
        None => Outcome::fail(format!(
            "Launch template {name} sets no metadata options in its latest version, so IMDSv1 is allowed by default."
        )),
        Some(o) => Outcome::pass_if(
            !o.imdsv1_allowed(),
            format!("Launch template {name} requires IMDSv2 (or turns the metadata service off)."),
            format!(
                "Launch template {name} allows IMDSv1: http_tokens is {}.",
                o.http_tokens.as_deref().unwrap_or("unset (optional)")
            ),
        ),
    };
    Ok(outcome.evidence(props::METADATA_OPTIONS, &options))
}

fn check_public_ip(template: &Resource, _: &Context) -> CheckResult {
    let public: bool = template.get(props::ASSOCIATE_PUBLIC_IP_ADDRESS)?;
    let name = &template.name;
    Ok(Outcome::pass_if(
        !public,
        format!("Launch template {name} does not assign public IP addresses."),
        format!("Launch template {name} assigns public IP addresses to its network interfaces."),
    )
    .evidence(props::ASSOCIATE_PUBLIC_IP_ADDRESS, public))
}

#[cfg(test)]
mod tests {
    use crate::Ec2Rules;
    use crate::test_support::launch_template;
    use lgp_sdk::Status;
    use lgp_sdk::kinds::ec2::launch_template::props::FROM_VERSIONS;
    use lgp_sdk::testing::{finding, run};
    use serde_json::{Value, json};

    const IMDS: &str = "ec2_launch_template_imdsv2_required";
    const PUBLIC: &str = "ec2_launch_template_no_public_ip";

    fn status(id: &str, overrides: Value) -> Status {
        let t = launch_template("lt-1", overrides);
        let findings = run::<Ec2Rules>(std::slice::from_ref(&t));
        let f = finding(&findings, id, &t.arn);
        if f.status != Status::Error {
            assert!(f.message.contains("lt-1"), "{}", f.message);
        }
        f.status
    }

    #[test]
    fn imdsv2() {
        let opts = |tokens: Value| {
            json!({"metadata_options": {"http_tokens": tokens, "http_endpoint": "enabled",
                "http_put_response_hop_limit": null, "instance_metadata_tags": null}})
        };
        assert_eq!(status(IMDS, opts(json!("required"))), Status::Pass);
        assert_eq!(status(IMDS, opts(json!("optional"))), Status::Fail);
        assert_eq!(status(IMDS, opts(json!(null))), Status::Fail);
        // The version sets no metadata options at all.
        assert_eq!(
            status(IMDS, json!({"metadata_options": null})),
            Status::Fail
        );
    }

    #[test]
    fn public_ip() {
        assert_eq!(
            status(PUBLIC, json!({"associate_public_ip_address": false})),
            Status::Pass
        );
        assert_eq!(
            status(PUBLIC, json!({"associate_public_ip_address": true})),
            Status::Fail
        );
    }

    #[test]
    fn secrets_in_user_data() {
        const SECRETS: &str = "ec2_launch_template_no_secrets";
        let version = |n: i64, inspected: bool, secrets: Value| {
            json!({"version_number": n, "user_data": {"present": true, "inspected": inspected,
                "not_inspected_reason": if inspected { json!(null) } else { json!("compressed") },
                "secrets": secrets}})
        };
        let by_version = |versions: Value| json!({ "user_data_by_version": versions });
        assert_eq!(status(SECRETS, by_version(json!([]))), Status::Pass);
        assert_eq!(
            status(SECRETS, by_version(json!([version(3, true, json!([]))]))),
            Status::Pass
        );
        // A secret in an older version fails too.
        let leaky = by_version(json!([
            version(3, true, json!([])),
            version(1, true, json!([{"kind": "private_key", "line": 4}]))
        ]));
        assert_eq!(status(SECRETS, leaky.clone()), Status::Fail);
        let t = launch_template("lt-1", leaky);
        let findings = run::<Ec2Rules>(std::slice::from_ref(&t));
        let f = finding(&findings, SECRETS, &t.arn);
        assert!(
            f.message.contains("version 1: private_key (line 4)"),
            "{}",
            f.message
        );
        assert_eq!(
            status(SECRETS, by_version(json!([version(2, false, json!([]))]))),
            Status::Manual
        );
        // A found secret outweighs an uninspected version.
        assert_eq!(
            status(
                SECRETS,
                by_version(json!([
                    version(2, false, json!([])),
                    version(1, true, json!([{"kind": "github_token", "line": 1}]))
                ]))
            ),
            Status::Fail
        );
    }

    #[test]
    fn unreadable_latest_version_is_an_error() {
        let mut overrides = serde_json::Map::new();
        let mut errors = serde_json::Map::new();
        for p in FROM_VERSIONS {
            overrides.insert(p.into(), Value::Null);
            errors.insert(
                p.into(),
                json!({"code": "UnauthorizedOperation", "category": "access_denied"}),
            );
        }
        overrides.insert("errors".into(), Value::Object(errors));
        for id in [IMDS, PUBLIC, "ec2_launch_template_no_secrets"] {
            assert_eq!(
                status(id, Value::Object(overrides.clone())),
                Status::Error,
                "{id}"
            );
        }
    }
}
