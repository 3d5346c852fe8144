//! Launch templates: IMDSv2 required and no public IP association, as of the latest version.

use super::{SECURITY_HUB_EC2_DOCS, meta};
use lgp_sdk::kinds::ec2::MetadataOptions;
use lgp_sdk::kinds::ec2::launch_template::{KIND, props};
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
        .equivalent("security-hub", "EC2.25"),
        check_public_ip,
    )
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
    use lgp_sdk::kinds::ec2::launch_template::props::LATEST_VERSION;
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
    fn unreadable_latest_version_is_an_error() {
        let mut overrides = serde_json::Map::new();
        let mut errors = serde_json::Map::new();
        for p in LATEST_VERSION {
            overrides.insert(p.into(), Value::Null);
            errors.insert(
                p.into(),
                json!({"code": "UnauthorizedOperation", "category": "access_denied"}),
            );
        }
        overrides.insert("errors".into(), Value::Object(errors));
        for id in [IMDS, PUBLIC] {
            assert_eq!(
                status(id, Value::Object(overrides.clone())),
                Status::Error,
                "{id}"
            );
        }
    }
}
