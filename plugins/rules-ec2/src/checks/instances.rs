//! Instances: IMDSv2 required and no public IPv4 address.

use super::{SECURITY_HUB_EC2_DOCS, meta};
use lgp_sdk::kinds::ec2::MetadataOptions;
use lgp_sdk::kinds::ec2::instance::{KIND, props};
use lgp_sdk::{Check, CheckError, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// The state of an instance AWS still lists for a while after it is gone.
const TERMINATED: &str = "terminated";

/// `ec2_instance_imdsv2_enabled`.
pub fn imdsv2_enabled() -> Check {
    Check::new(
        meta(
            "ec2_instance_imdsv2_enabled",
            "EC2 instance requires IMDSv2",
            Severity::High,
            KIND,
        )
        .description(
            "Checks that the instance's metadata service requires session tokens (IMDSv2, \
             `HttpTokens` = `required`) or is turned off. Terminated instances pass.",
        )
        .rationale(
            "IMDSv1 answers plain GET requests, so a server-side request forgery or an open proxy on \
             the instance hands out the role credentials of its instance profile; IMDSv2's \
             PUT-obtained session token blocks those attacks.",
        )
        .remediation(
            Remediation::new("Require IMDSv2 on the instance (after checking that its software uses a current AWS SDK).")
                .cli("aws ec2 modify-instance-metadata-options --instance-id <instance-id> --http-tokens required --http-endpoint enabled")
                .console("EC2 > Instances > <instance> > Actions > Instance settings > Modify instance metadata options")
                .url("https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/configuring-instance-metadata-options.html"),
        )
        .reference("cis-aws-3.0", "5.6")
        .reference("aws-fsbp", "EC2.8")
        .reference("nist-800-53-r5", "AC-3")
        .equivalent("prowler", "ec2_instance_imdsv2_enabled")
        .equivalent("security-hub", "EC2.8"),
        check_imdsv2,
    )
}

/// `ec2_instance_public_ip`.
pub fn no_public_ip() -> Check {
    Check::new(
        meta(
            "ec2_instance_public_ip",
            "EC2 instance has no public IPv4 address",
            Severity::Medium,
            KIND,
        )
        .description(
            "Checks that the instance has no public IPv4 address (auto-assigned or Elastic IP). \
             Terminated instances pass.",
        )
        .rationale(
            "An instance with a public address is reachable from the internet whenever a security \
             group or network ACL allows it; instances behind load balancers, NAT or private \
             endpoints need none.",
        )
        .remediation(
            Remediation::new(
                "Move the instance to a private subnet behind a load balancer or NAT gateway, release \
                 any Elastic IP, and turn off public IP auto-assignment on its subnet.",
            )
            .cli("aws ec2 disassociate-address --association-id <association-id>; aws ec2 modify-subnet-attribute --subnet-id <subnet-id> --no-map-public-ip-on-launch")
            .console("EC2 > Instances > <instance> > Networking")
            .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("aws-fsbp", "EC2.9")
        .reference("nist-800-53-r5", "SC-7")
        .equivalent("prowler", "ec2_instance_public_ip")
        .equivalent("security-hub", "EC2.9"),
        check_public_ip,
    )
}

/// Whether the instance is terminated (and so no longer worth a verdict).
fn terminated(instance: &Resource) -> Result<bool, CheckError> {
    Ok(instance.get::<Option<&str>>(props::STATE)? == Some(TERMINATED))
}

fn check_imdsv2(instance: &Resource, _: &Context) -> CheckResult {
    let name = &instance.name;
    if terminated(instance)? {
        return Ok(Outcome::pass(format!("Instance {name} is terminated."))
            .evidence(props::STATE, TERMINATED));
    }
    let options: Option<MetadataOptions> = instance.get(props::METADATA_OPTIONS)?;
    let Some(options) = options else {
        return Err(CheckError::new(format!(
            "property `{}` is null: AWS did not report the instance's metadata options",
            props::METADATA_OPTIONS
        )));
    };
    Ok(Outcome::pass_if(
        !options.imdsv1_allowed(),
        format!("Instance {name} requires IMDSv2 (or has the metadata service off)."),
        format!(
            "Instance {name} allows IMDSv1: http_tokens is {}.",
            options.http_tokens.as_deref().unwrap_or("unset (optional)")
        ),
    )
    .evidence(props::METADATA_OPTIONS, &options))
}

fn check_public_ip(instance: &Resource, _: &Context) -> CheckResult {
    let name = &instance.name;
    if terminated(instance)? {
        return Ok(Outcome::pass(format!("Instance {name} is terminated."))
            .evidence(props::STATE, TERMINATED));
    }
    let ip: Option<&str> = instance.get(props::PUBLIC_IP_ADDRESS)?;
    Ok(match ip {
        None => Outcome::pass(format!("Instance {name} has no public IPv4 address.")),
        Some(ip) => Outcome::fail(format!("Instance {name} has the public IPv4 address {ip}.")),
    }
    .evidence(props::PUBLIC_IP_ADDRESS, ip))
}

#[cfg(test)]
mod tests {
    use crate::Ec2Rules;
    use crate::test_support::instance;
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::{Value, json};

    const IMDS: &str = "ec2_instance_imdsv2_enabled";
    const PUBLIC: &str = "ec2_instance_public_ip";

    fn status(id: &str, overrides: Value) -> Status {
        let i = instance("i-1", overrides.clone());
        let findings = run::<Ec2Rules>(std::slice::from_ref(&i));
        let f = lgp_sdk::testing::finding(&findings, id, &i.arn);
        assert!(f.message.contains("i-1"), "{}", f.message);
        f.status
    }

    fn imds(tokens: Value, endpoint: Value) -> Value {
        json!({"metadata_options": {"http_tokens": tokens, "http_endpoint": endpoint,
            "http_put_response_hop_limit": 1, "instance_metadata_tags": "disabled"}})
    }

    #[test]
    fn imdsv2() {
        assert_eq!(
            status(IMDS, imds(json!("required"), json!("enabled"))),
            Status::Pass
        );
        assert_eq!(
            status(IMDS, imds(json!("optional"), json!("enabled"))),
            Status::Fail
        );
        assert_eq!(
            status(IMDS, imds(json!(null), json!("enabled"))),
            Status::Fail
        );
        assert_eq!(
            status(IMDS, imds(json!("optional"), json!("disabled"))),
            Status::Pass
        );
        // Not reported by AWS: no guess.
        assert_eq!(
            status(IMDS, json!({"metadata_options": null})),
            Status::Error
        );
        let mut terminated = imds(json!("optional"), json!("enabled"));
        terminated["state"] = json!("terminated");
        assert_eq!(status(IMDS, terminated), Status::Pass);
    }

    #[test]
    fn imdsv2_failure_has_evidence() {
        let i = instance("i-1", imds(json!("optional"), json!("enabled")));
        let findings = run::<Ec2Rules>(std::slice::from_ref(&i));
        let f = assert_status(&findings, IMDS, &i.arn, Status::Fail);
        assert_eq!(f.evidence["metadata_options"]["http_tokens"], "optional");
    }

    #[test]
    fn public_ip() {
        assert_eq!(
            status(PUBLIC, json!({"public_ip_address": null})),
            Status::Pass
        );
        assert_eq!(
            status(PUBLIC, json!({"public_ip_address": "54.1.2.3"})),
            Status::Fail
        );
        assert_eq!(
            status(
                PUBLIC,
                json!({"public_ip_address": "54.1.2.3", "state": "terminated"})
            ),
            Status::Pass
        );
        assert_eq!(
            status(PUBLIC, json!({"public_ip_address": 5})),
            Status::Error
        );
    }

    #[test]
    fn whole_instance_not_collected_is_an_error() {
        let i = instance(
            "i-1",
            json!({"errors": {"*": {"code": "UnauthorizedOperation", "category": "access_denied"}}}),
        );
        let findings = run::<Ec2Rules>(std::slice::from_ref(&i));
        for id in [IMDS, PUBLIC] {
            assert_status(&findings, id, &i.arn, Status::Error);
        }
    }
}
