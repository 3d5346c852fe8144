//! Instances: IMDSv2 required, no public IPv4 address, an instance profile (and not on a public
//! instance), no secrets in user data, detailed monitoring, one network interface, and no
//! instance running or stopped for too long.

use super::controls::{INVENTORY, METADATA_SERVICE, NO_EMBEDDED_CREDENTIALS, PUBLIC_ADDRESS};
use super::{SECURITY_HUB_EC2_DOCS, meta};
use lgp_sdk::kinds::ec2::instance::{KIND, props};
use lgp_sdk::kinds::ec2::{MetadataOptions, UserData};
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
        .reference("cis-aws-7.0", "6.7")
        .reference("aws-fsbp", "EC2.8")
        .references(METADATA_SERVICE)
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
        .references(PUBLIC_ADDRESS)
        .equivalent("prowler", "ec2_instance_public_ip")
        .equivalent("security-hub", "EC2.9"),
        check_public_ip,
    )
}

/// `ec2_instance_profile_attached`.
pub fn profile_attached() -> Check {
    Check::new(
        meta(
            "ec2_instance_profile_attached",
            "EC2 instance has an IAM instance profile",
            Severity::Medium,
            KIND,
        )
        .description(
            "Checks that the instance has an IAM instance profile, so software on it gets \
             short-lived role credentials instead of long-term access keys. Terminated instances \
             pass.",
        )
        .rationale(
            "Without a role, applications that call AWS carry access keys on disk or in user data, \
             where they leak and are rarely rotated; role credentials rotate automatically.",
        )
        .remediation(
            Remediation::new("Attach an instance profile whose role grants only what the instance's software needs, and remove any access keys from the instance.")
                .cli("aws ec2 associate-iam-instance-profile --instance-id <instance-id> --iam-instance-profile Name=<profile-name>")
                .console("EC2 > Instances > <instance> > Actions > Security > Modify IAM role")
                .url("https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html"),
        )
        .reference("cis-aws-3.0", "1.18")
        .reference("cis-aws-7.0", "2.16")
        .references(NO_EMBEDDED_CREDENTIALS)
        .equivalent("prowler", "ec2_instance_profile_attached"),
        check_profile_attached,
    )
}

/// `ec2_instance_internet_facing_with_instance_profile`.
pub fn not_public_with_profile() -> Check {
    Check::new(
        meta(
            "ec2_instance_internet_facing_with_instance_profile",
            "EC2 instance with a public IP address has no instance profile",
            Severity::High,
            KIND,
        )
        .description(
            "Checks that an instance with a public IPv4 address has no IAM instance profile. \
             Private and terminated instances pass.",
        )
        .rationale(
            "An internet-facing instance is the likeliest to be compromised, and a compromised \
             instance hands its role's credentials to the attacker through the metadata service.",
        )
        .remediation(
            Remediation::new(
                "Move the instance behind a load balancer or NAT so it needs no public address, or \
                 detach the profile, or reduce its role to the least privilege the workload needs.",
            )
            .cli("aws ec2 disassociate-iam-instance-profile --association-id <association-id>")
            .console("EC2 > Instances > <instance> > Actions > Security > Modify IAM role")
            .url(
                "https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html",
            ),
        )
        .references(PUBLIC_ADDRESS)
        .reference("nist-800-53-r5", "AC-6")
        .equivalent(
            "prowler",
            "ec2_instance_internet_facing_with_instance_profile",
        ),
        check_public_with_profile,
    )
}

/// `ec2_instance_secrets_user_data`.
pub fn no_secrets_in_user_data() -> Check {
    Check::new(
        meta(
            "ec2_instance_secrets_user_data",
            "EC2 instance user data contains no secrets",
            Severity::High,
            KIND,
        )
        .description(
            "Checks that the instance's user data holds no secrets: AWS access keys, private keys, \
             GitHub or Slack tokens, passwords in URLs, or literal values assigned to password, \
             secret or token names. The collector searches the user data and keeps only the kind \
             and line of what it finds; gzip-compressed user data is not searched and reported for \
             manual review.",
        )
        .rationale(
            "User data is readable by anyone with ec2:DescribeInstanceAttribute and by every \
             process on the instance through the metadata service; secrets in it leak easily and \
             are never rotated.",
        )
        .remediation(
            Remediation::new(
                "Move the secrets to AWS Secrets Manager or SSM Parameter Store and read them at boot \
                 with the instance profile's role; rotate every secret that was in the user data, \
                 then replace the user data (the instance must be stopped).",
            )
            .cli("aws ec2 modify-instance-attribute --instance-id <instance-id> --attribute userData --value <new-base64-user-data>")
            .console("EC2 > Instances > <instance> > Actions > Instance settings > Edit user data")
            .url("https://docs.aws.amazon.com/secretsmanager/latest/userguide/intro.html"),
        )
        .references(NO_EMBEDDED_CREDENTIALS)
        .equivalent("prowler", "ec2_instance_secrets_user_data"),
        check_user_data,
    )
}

/// `ec2_instance_detailed_monitoring_enabled`.
pub fn detailed_monitoring() -> Check {
    Check::new(
        meta(
            "ec2_instance_detailed_monitoring_enabled",
            "EC2 instance has detailed monitoring enabled",
            Severity::Low,
            KIND,
        )
        .description(
            "Checks that detailed (one-minute) CloudWatch monitoring is enabled on the instance. \
             Terminated instances pass.",
        )
        .rationale(
            "Five-minute metrics smooth over short spikes; one-minute metrics let alarms and \
             investigations see resource abuse such as cryptomining or flooding as it happens.",
        )
        .remediation(
            Remediation::new("Enable detailed monitoring on the instance.")
                .cli("aws ec2 monitor-instances --instance-ids <instance-id>")
                .console("EC2 > Instances > <instance> > Actions > Monitor and troubleshoot > Manage detailed monitoring")
                .url("https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-detailed-monitoring.html"),
        )
        .reference("soc2", "CC7.2")
        .reference("nist-800-53-r5", "CA-7")
        .reference("nist-800-53-r5", "SI-4")
        .reference("iso-27001-2022", "A.8.16")
        .equivalent("prowler", "ec2_instance_detailed_monitoring_enabled"),
        check_detailed_monitoring,
    )
}

/// `ec2_instance_uses_single_eni`.
pub fn single_network_interface() -> Check {
    Check::new(
        meta(
            "ec2_instance_uses_single_eni",
            "EC2 instance uses a single network interface",
            Severity::Low,
            KIND,
        )
        .description(
            "Checks that the instance has at most one network interface attached. Terminated \
             instances pass.",
        )
        .rationale(
            "Several interfaces can bridge subnets and security boundaries that were meant to stay \
             apart, and make the instance's real exposure hard to read.",
        )
        .remediation(
            Remediation::new("Detach the extra network interfaces unless the workload (an appliance, a dual-homed bastion) truly needs them.")
                .cli("aws ec2 detach-network-interface --attachment-id <attachment-id>")
                .console("EC2 > Instances > <instance> > Actions > Networking > Detach network interface")
                .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("aws-fsbp", "EC2.17")
        .reference("nist-800-53-r5", "AC-4")
        .reference("nist-800-53-r5", "SC-7")
        .reference("iso-27001-2022", "A.8.22")
        .equivalent("prowler", "ec2_instance_uses_single_eni")
        .equivalent("security-hub", "EC2.17"),
        check_single_interface,
    )
}

/// How old a running instance may be before it should be rebuilt (Prowler's default).
const MAX_INSTANCE_AGE_DAYS: i64 = 180;

/// `ec2_instance_older_than_specific_days`.
pub fn not_too_old() -> Check {
    Check::new(
        meta(
            "ec2_instance_older_than_specific_days",
            "Running EC2 instance was launched less than 180 days ago",
            Severity::Medium,
            KIND,
        )
        .description(format!(
            "Checks that a running instance was launched at most {MAX_INSTANCE_AGE_DAYS} days \
             before the scan. Instances in any other state pass."
        ))
        .rationale(
            "Long-lived instances drift from their image, miss the patches baked into newer AMIs \
             and accumulate manual changes; regularly replaced instances stay reproducible.",
        )
        .remediation(
            Remediation::new("Rebuild the instance from a current, patched AMI (or an Auto Scaling group's instance refresh) and retire the old one.")
                .cli("aws autoscaling start-instance-refresh --auto-scaling-group-name <group>")
                .console("EC2 > Instances > <instance> > Details > Launch time")
                .url("https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-instance-refresh.html"),
        )
        .reference("soc2", "CC7.1")
        .reference("nist-800-53-r5", "CM-2")
        .reference("nist-800-53-r5", "SI-2")
        .reference("iso-27001-2022", "A.8.8")
        .equivalent("prowler", "ec2_instance_older_than_specific_days"),
        check_age,
    )
}

/// How long an instance may stay stopped before it should be removed (Security Hub EC2.4's
/// and Prowler's default).
const MAX_STOPPED_DAYS: i64 = 30;

/// `ec2_instance_stopped_older_than_specific_days`.
pub fn not_stopped_for_long() -> Check {
    Check::new(
        meta(
            "ec2_instance_stopped_older_than_specific_days",
            "EC2 instance has not been stopped for more than 30 days",
            Severity::Low,
            KIND,
        )
        .description(format!(
            "Checks that a stopped instance was stopped at most {MAX_STOPPED_DAYS} days before the \
             scan, as dated by AWS's state transition reason. Instances in any other state pass; a \
             stopped instance whose stop AWS does not date is an error."
        ))
        .rationale(
            "Long-stopped instances are forgotten: their software goes unpatched, and starting one \
             later brings an outdated, unmonitored machine back onto the network.",
        )
        .remediation(
            Remediation::new("Terminate the instance if it is no longer needed (snapshot its volumes first if their data must be kept).")
                .cli("aws ec2 terminate-instances --instance-ids <instance-id>")
                .console("EC2 > Instances > <instance> > Instance state > Terminate instance")
                .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("aws-fsbp", "EC2.4")
        .references(INVENTORY)
        .reference("nist-800-53-r5", "CM-2")
        .equivalent("prowler", "ec2_instance_stopped_older_than_specific_days")
        .equivalent("security-hub", "EC2.4"),
        check_stopped,
    )
}

/// Whether the instance is terminated (and so no longer worth a verdict).
fn terminated(instance: &Resource) -> Result<bool, CheckError> {
    Ok(instance.get::<Option<&str>>(props::STATE)? == Some(TERMINATED))
}

/// The pass of a terminated instance.
fn terminated_pass(instance: &Resource) -> Outcome {
    Outcome::pass(format!("Instance {} is terminated.", instance.name))
        .evidence(props::STATE, TERMINATED)
}

fn check_user_data(instance: &Resource, _: &Context) -> CheckResult {
    if terminated(instance)? {
        return Ok(terminated_pass(instance));
    }
    let user_data: Option<UserData> = instance.get(props::USER_DATA)?;
    let Some(user_data) = user_data else {
        return Err(CheckError::new(format!(
            "property `{}` is null: the user data was not inspected",
            props::USER_DATA
        )));
    };
    let name = &instance.name;
    let outcome = if !user_data.present {
        Outcome::pass(format!("Instance {name} has no user data."))
    } else if !user_data.secrets.is_empty() {
        let found: Vec<String> = user_data
            .secrets
            .iter()
            .map(|d| format!("{} (line {})", d.kind, d.line))
            .collect();
        Outcome::fail(format!(
            "Instance {name} has {} secret(s) in its user data: {}.",
            found.len(),
            found.join(", ")
        ))
    } else if user_data.inspected {
        Outcome::pass(format!("Instance {name} has no secrets in its user data."))
    } else {
        Outcome::manual(format!(
            "Instance {name} has user data that was not inspected ({}); review it for secrets.",
            user_data
                .not_inspected_reason
                .as_deref()
                .unwrap_or("unknown reason")
        ))
    };
    Ok(outcome.evidence(props::USER_DATA, &user_data))
}

fn check_profile_attached(instance: &Resource, _: &Context) -> CheckResult {
    if terminated(instance)? {
        return Ok(terminated_pass(instance));
    }
    let profile: Option<&str> = instance.get(props::IAM_INSTANCE_PROFILE_ARN)?;
    let name = &instance.name;
    Ok(match profile {
        Some(arn) => Outcome::pass(format!("Instance {name} has the instance profile {arn}.")),
        None => Outcome::fail(format!("Instance {name} has no IAM instance profile.")),
    }
    .evidence(props::IAM_INSTANCE_PROFILE_ARN, profile))
}

fn check_public_with_profile(instance: &Resource, _: &Context) -> CheckResult {
    if terminated(instance)? {
        return Ok(terminated_pass(instance));
    }
    let ip: Option<&str> = instance.get(props::PUBLIC_IP_ADDRESS)?;
    let profile: Option<&str> = instance.get(props::IAM_INSTANCE_PROFILE_ARN)?;
    let name = &instance.name;
    let outcome = match (ip, profile) {
        (Some(ip), Some(arn)) => Outcome::fail(format!(
            "Instance {name} is internet-facing ({ip}) with the instance profile {arn}."
        )),
        (None, _) => Outcome::pass(format!("Instance {name} has no public IPv4 address.")),
        (Some(_), None) => Outcome::pass(format!(
            "Instance {name} is internet-facing but has no instance profile."
        )),
    };
    Ok(outcome
        .evidence(props::PUBLIC_IP_ADDRESS, ip)
        .evidence(props::IAM_INSTANCE_PROFILE_ARN, profile))
}

fn check_detailed_monitoring(instance: &Resource, _: &Context) -> CheckResult {
    if terminated(instance)? {
        return Ok(terminated_pass(instance));
    }
    let state: Option<&str> = instance.get(props::MONITORING_STATE)?;
    let Some(state) = state else {
        return Err(CheckError::new(format!(
            "property `{}` is null: AWS did not report the instance's monitoring",
            props::MONITORING_STATE
        )));
    };
    let name = &instance.name;
    Ok(Outcome::pass_if(
        state == "enabled",
        format!("Instance {name} has detailed monitoring enabled."),
        format!("Instance {name} has detailed monitoring {state}."),
    )
    .evidence(props::MONITORING_STATE, state))
}

fn check_single_interface(instance: &Resource, _: &Context) -> CheckResult {
    if terminated(instance)? {
        return Ok(terminated_pass(instance));
    }
    let interfaces: Vec<String> = instance.get(props::NETWORK_INTERFACE_IDS)?;
    let name = &instance.name;
    Ok(Outcome::pass_if(
        interfaces.len() <= 1,
        format!(
            "Instance {name} has {} network interface(s).",
            interfaces.len()
        ),
        format!(
            "Instance {name} has {} network interfaces attached.",
            interfaces.len()
        ),
    )
    .evidence(props::NETWORK_INTERFACE_IDS, &interfaces))
}

fn check_age(instance: &Resource, cx: &Context) -> CheckResult {
    let state: Option<&str> = instance.get(props::STATE)?;
    let name = &instance.name;
    if state != Some("running") {
        return Ok(Outcome::pass(format!(
            "Instance {name} is not running ({}).",
            state.unwrap_or("state unknown")
        ))
        .evidence(props::STATE, state));
    }
    let launched: &str = instance.get(props::LAUNCH_TIME)?;
    let age = cx.age_in_days(launched)?;
    Ok(Outcome::pass_if(
        age <= MAX_INSTANCE_AGE_DAYS,
        format!("Instance {name} was launched {age} day(s) ago."),
        format!(
            "Instance {name} has been running since {launched}, {age} days (more than {MAX_INSTANCE_AGE_DAYS})."
        ),
    )
    .evidence(props::LAUNCH_TIME, launched)
    .evidence("age_days", age)
    .evidence("max_age_days", MAX_INSTANCE_AGE_DAYS))
}

fn check_stopped(instance: &Resource, cx: &Context) -> CheckResult {
    let state: Option<&str> = instance.get(props::STATE)?;
    let name = &instance.name;
    if state != Some("stopped") {
        return Ok(Outcome::pass(format!(
            "Instance {name} is not stopped ({}).",
            state.unwrap_or("state unknown")
        ))
        .evidence(props::STATE, state));
    }
    let since: Option<&str> = instance.get(props::STATE_TRANSITION_TIME)?;
    let Some(since) = since else {
        return Err(CheckError::new(format!(
            "property `{}` is null: AWS did not date the instance's stop",
            props::STATE_TRANSITION_TIME
        )));
    };
    let days = cx.age_in_days(since)?;
    Ok(Outcome::pass_if(
        days <= MAX_STOPPED_DAYS,
        format!("Instance {name} was stopped {days} day(s) ago."),
        format!(
            "Instance {name} has been stopped since {since}, {days} days (more than {MAX_STOPPED_DAYS})."
        ),
    )
    .evidence(props::STATE, "stopped")
    .evidence(props::STATE_TRANSITION_TIME, since)
    .evidence("stopped_days", days)
    .evidence("max_stopped_days", MAX_STOPPED_DAYS))
}

fn check_imdsv2(instance: &Resource, _: &Context) -> CheckResult {
    let name = &instance.name;
    if terminated(instance)? {
        return Ok(terminated_pass(instance));
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
        return Ok(terminated_pass(instance));
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

    const PROFILE: &str = "ec2_instance_profile_attached";
    const PUBLIC_PROFILE: &str = "ec2_instance_internet_facing_with_instance_profile";
    const SECRETS: &str = "ec2_instance_secrets_user_data";
    const MONITORING: &str = "ec2_instance_detailed_monitoring_enabled";
    const SINGLE_ENI: &str = "ec2_instance_uses_single_eni";
    const OLD: &str = "ec2_instance_older_than_specific_days";
    const STOPPED: &str = "ec2_instance_stopped_older_than_specific_days";
    const ALL: [&str; 9] = [
        IMDS,
        PUBLIC,
        PROFILE,
        PUBLIC_PROFILE,
        SECRETS,
        MONITORING,
        SINGLE_ENI,
        OLD,
        STOPPED,
    ];

    #[test]
    fn instance_profiles() {
        let arn = "arn:aws:iam::111122223333:instance-profile/app";
        assert_eq!(status(PROFILE, json!({})), Status::Pass);
        assert_eq!(
            status(PROFILE, json!({"iam_instance_profile_arn": null})),
            Status::Fail
        );
        assert_eq!(
            status(
                PROFILE,
                json!({"iam_instance_profile_arn": null, "state": "terminated"})
            ),
            Status::Pass
        );
        let cases = [
            (
                json!({"public_ip_address": null, "iam_instance_profile_arn": arn}),
                Status::Pass,
            ),
            (
                json!({"public_ip_address": "54.1.2.3", "iam_instance_profile_arn": null}),
                Status::Pass,
            ),
            (
                json!({"public_ip_address": "54.1.2.3", "iam_instance_profile_arn": arn}),
                Status::Fail,
            ),
            (
                json!({"public_ip_address": "54.1.2.3", "iam_instance_profile_arn": 7}),
                Status::Error,
            ),
        ];
        for (overrides, want) in cases {
            assert_eq!(
                status(PUBLIC_PROFILE, overrides.clone()),
                want,
                "{overrides}"
            );
        }
    }

    fn user_data(present: bool, inspected: bool, secrets: Value) -> Value {
        json!({"user_data": {"present": present, "inspected": inspected,
            "not_inspected_reason": if present && !inspected { json!("compressed") } else { json!(null) },
            "secrets": secrets}})
    }

    #[test]
    fn secrets_in_user_data() {
        assert_eq!(
            status(SECRETS, user_data(false, false, json!([]))),
            Status::Pass
        );
        assert_eq!(
            status(SECRETS, user_data(true, true, json!([]))),
            Status::Pass
        );
        assert_eq!(
            status(SECRETS, user_data(true, false, json!([]))),
            Status::Manual
        );
        let leaky = user_data(
            true,
            true,
            json!([{"kind": "aws_secret_access_key", "line": 2}, {"kind": "aws_access_key_id", "line": 3}]),
        );
        let i = instance("i-1", leaky);
        let findings = run::<Ec2Rules>(std::slice::from_ref(&i));
        let f = assert_status(&findings, SECRETS, &i.arn, Status::Fail);
        assert!(
            f.message.contains("i-1") && f.message.contains("aws_access_key_id (line 3)"),
            "{}",
            f.message
        );
        assert_eq!(f.evidence["user_data"]["secrets"][0]["line"], 2);
        // Not collected, or not reported: no guess.
        assert_eq!(
            status(
                SECRETS,
                json!({"user_data": null, "errors": {"user_data": {"code": "UnauthorizedOperation", "category": "access_denied"}}})
            ),
            Status::Error
        );
        assert_eq!(status(SECRETS, json!({"user_data": null})), Status::Error);
    }

    #[test]
    fn monitoring_and_interfaces() {
        assert_eq!(
            status(MONITORING, json!({"monitoring_state": "enabled"})),
            Status::Pass
        );
        assert_eq!(
            status(MONITORING, json!({"monitoring_state": "disabled"})),
            Status::Fail
        );
        assert_eq!(
            status(MONITORING, json!({"monitoring_state": "pending"})),
            Status::Fail
        );
        assert_eq!(
            status(MONITORING, json!({"monitoring_state": null})),
            Status::Error
        );
        assert_eq!(
            status(SINGLE_ENI, json!({"network_interface_ids": []})),
            Status::Pass
        );
        assert_eq!(
            status(
                SINGLE_ENI,
                json!({"network_interface_ids": ["eni-1", "eni-2"]})
            ),
            Status::Fail
        );
    }

    #[test]
    fn ages_against_the_scan_clock() {
        // The harness's clock is 2025-01-01T00:00:00Z.
        let running = |launched: &str| json!({"state": "running", "launch_time": launched});
        assert_eq!(status(OLD, running("2024-12-01T00:00:00Z")), Status::Pass);
        assert_eq!(status(OLD, running("2024-07-05T00:00:00Z")), Status::Pass);
        assert_eq!(status(OLD, running("2024-07-01T00:00:00Z")), Status::Fail);
        assert_eq!(
            status(
                OLD,
                json!({"state": "stopped", "launch_time": "2020-01-01T00:00:00Z"})
            ),
            Status::Pass
        );
        assert_eq!(status(OLD, running("yesterday")), Status::Error);
        assert_eq!(status(OLD, json!({"launch_time": null})), Status::Error);

        let stopped = |since: Value| json!({"state": "stopped", "state_transition_time": since});
        assert_eq!(
            status(STOPPED, stopped(json!("2024-12-15T00:00:00Z"))),
            Status::Pass
        );
        assert_eq!(
            status(STOPPED, stopped(json!("2024-11-01T00:00:00Z"))),
            Status::Fail
        );
        // Stopped but undated: no guess.
        assert_eq!(status(STOPPED, stopped(json!(null))), Status::Error);
        assert_eq!(
            status(
                STOPPED,
                json!({"state": "running", "state_transition_time": null})
            ),
            Status::Pass
        );
    }

    #[test]
    fn whole_instance_not_collected_is_an_error() {
        let i = instance(
            "i-1",
            json!({"errors": {"*": {"code": "UnauthorizedOperation", "category": "access_denied"}}}),
        );
        let findings = run::<Ec2Rules>(std::slice::from_ref(&i));
        for id in ALL {
            assert_status(&findings, id, &i.arn, Status::Error);
        }
    }
}
