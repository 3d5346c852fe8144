//! Security groups: no administration port or whole port range open to the internet, and the
//! default group restricts all traffic.

use super::{SECURITY_HUB_EC2_DOCS, meta};
use lgp_sdk::kinds::ec2::security_group::{KIND, SecurityGroupRule, props};
use lgp_sdk::net::Protocol;
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// SSH.
const SSH: u16 = 22;
/// Remote Desktop.
const RDP: u16 = 3389;

/// `ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22`.
pub fn ingress_ssh() -> Check {
    Check::new(
        meta(
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22",
            "Security group does not allow ingress from the internet to port 22 (SSH)",
            Severity::High,
            KIND,
        )
        .description(
            "Checks that no inbound rule of the security group lets TCP or UDP traffic from 0.0.0.0/0 \
             or ::/0 reach port 22, whether by a rule for port 22, a port range containing it, or \
             an all-traffic rule (CIS counts TCP, UDP and all protocols; Prowler only TCP).",
        )
        .rationale(
            "SSH open to the whole internet is scanned and brute-forced within minutes of exposure; \
             administration should come from known networks, a bastion or Session Manager.",
        )
        .remediation(
            Remediation::new(
                "Remove the inbound rule that opens port 22 to 0.0.0.0/0 or ::/0; allow SSH only from \
                 known CIDR blocks or use AWS Systems Manager Session Manager.",
            )
            .cli("aws ec2 revoke-security-group-ingress --group-id <group-id> --security-group-rule-ids <rule-id>")
            .console("EC2 > Security Groups > <group> > Inbound rules > Edit inbound rules")
            .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("cis-aws-3.0", "5.2")
        .reference("cis-aws-3.0", "5.3")
        .reference("aws-fsbp", "EC2.13")
        .reference("nist-800-53-r5", "AC-4")
        .reference("nist-800-53-r5", "SC-7")
        .equivalent("prowler", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22")
        .equivalent("security-hub", "EC2.13"),
        |sg, _| check_port(sg, SSH, "SSH"),
    )
}

/// `ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389`.
pub fn ingress_rdp() -> Check {
    Check::new(
        meta(
            "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389",
            "Security group does not allow ingress from the internet to port 3389 (RDP)",
            Severity::High,
            KIND,
        )
        .description(
            "Checks that no inbound rule of the security group lets TCP or UDP traffic from 0.0.0.0/0 \
             or ::/0 reach port 3389, whether by a rule for port 3389, a port range containing it, or \
             an all-traffic rule (CIS counts TCP, UDP and all protocols; Prowler only TCP).",
        )
        .rationale(
            "Remote Desktop open to the whole internet is a common ransomware entry point; \
             administration should come from known networks or a bastion.",
        )
        .remediation(
            Remediation::new(
                "Remove the inbound rule that opens port 3389 to 0.0.0.0/0 or ::/0; allow RDP only from \
                 known CIDR blocks or use Fleet Manager / a bastion.",
            )
            .cli("aws ec2 revoke-security-group-ingress --group-id <group-id> --security-group-rule-ids <rule-id>")
            .console("EC2 > Security Groups > <group> > Inbound rules > Edit inbound rules")
            .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("cis-aws-3.0", "5.2")
        .reference("cis-aws-3.0", "5.3")
        .reference("aws-fsbp", "EC2.14")
        .reference("nist-800-53-r5", "AC-4")
        .reference("nist-800-53-r5", "SC-7")
        .equivalent("prowler", "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389")
        .equivalent("security-hub", "EC2.14"),
        |sg, _| check_port(sg, RDP, "RDP"),
    )
}

/// `ec2_securitygroup_allow_ingress_from_internet_to_all_ports`.
pub fn ingress_all_ports() -> Check {
    Check::new(
        meta(
            "ec2_securitygroup_allow_ingress_from_internet_to_all_ports",
            "Security group does not allow ingress from the internet to all ports",
            Severity::Critical,
            KIND,
        )
        .description(
            "Checks that no inbound rule of the security group from 0.0.0.0/0 or ::/0 allows all \
             traffic (protocol -1) or every TCP or UDP port (0-65535).",
        )
        .rationale(
            "A group open on every port to the internet exposes every service listening on its \
             instances, including ones never meant to be reachable.",
        )
        .remediation(
            Remediation::new(
                "Replace the all-ports rule from 0.0.0.0/0 or ::/0 with rules for the specific ports and \
                 sources the workload needs.",
            )
            .cli("aws ec2 revoke-security-group-ingress --group-id <group-id> --security-group-rule-ids <rule-id>")
            .console("EC2 > Security Groups > <group> > Inbound rules > Edit inbound rules")
            .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("cis-aws-3.0", "5.2")
        .reference("cis-aws-3.0", "5.3")
        .reference("aws-fsbp", "EC2.18")
        .reference("nist-800-53-r5", "AC-4")
        .reference("nist-800-53-r5", "SC-7")
        .equivalent("prowler", "ec2_securitygroup_allow_ingress_from_internet_to_all_ports")
        .equivalent("security-hub", "EC2.18"),
        check_all_ports,
    )
}

/// `ec2_securitygroup_default_restrict_traffic`.
pub fn default_restricts_traffic() -> Check {
    Check::new(
        meta(
            "ec2_securitygroup_default_restrict_traffic",
            "Default security group of a VPC restricts all traffic",
            Severity::High,
            KIND,
        )
        .description(
            "Checks that every VPC's default security group has no inbound and no outbound rules. \
             Groups other than the default pass.",
        )
        .rationale(
            "Resources launched without an explicit group land in the default group; with no rules \
             it denies all traffic, so nothing is exposed by accident and least-privilege groups \
             must be designed deliberately.",
        )
        .remediation(
            Remediation::new(
                "Remove every inbound and outbound rule of the default security group and attach \
                 purpose-built groups to resources instead.",
            )
            .cli("aws ec2 revoke-security-group-ingress --group-id <default-group-id> --ip-permissions \"$(aws ec2 describe-security-groups --group-ids <default-group-id> --query 'SecurityGroups[0].IpPermissions')\" && aws ec2 revoke-security-group-egress --group-id <default-group-id> --ip-permissions \"$(aws ec2 describe-security-groups --group-ids <default-group-id> --query 'SecurityGroups[0].IpPermissionsEgress')\"")
            .console("VPC > Security groups > default > Inbound rules / Outbound rules > Edit")
            .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("cis-aws-3.0", "5.4")
        .reference("aws-fsbp", "EC2.2")
        .reference("nist-800-53-r5", "AC-4")
        .reference("nist-800-53-r5", "SC-7")
        .equivalent("prowler", "ec2_securitygroup_default_restrict_traffic")
        .equivalent("security-hub", "EC2.2"),
        check_default_restricts,
    )
}

/// The inbound rules from the whole internet that satisfy `bad`.
fn world_ingress(
    sg: &Resource,
    bad: impl Fn(&SecurityGroupRule) -> bool,
) -> Result<Vec<SecurityGroupRule>, lgp_sdk::PropertyError> {
    let ingress: Vec<SecurityGroupRule> = sg.get(props::INGRESS)?;
    Ok(ingress
        .into_iter()
        .filter(|r| r.is_world() && bad(r))
        .collect())
}

fn check_port(sg: &Resource, port: u16, service: &str) -> CheckResult {
    // CIS 5.2/5.3 count TCP, UDP and all-traffic rules.
    let open = world_ingress(sg, |r| {
        r.exposes(Protocol::Tcp, port) || r.exposes(Protocol::Udp, port)
    })?;
    let name = &sg.name;
    Ok(Outcome::pass_if(
        open.is_empty(),
        format!("Security group {name} does not allow {service} (port {port}) from the internet."),
        format!(
            "Security group {name} allows {service} (port {port}) from the internet in {} inbound rule(s).",
            open.len()
        ),
    )
    .evidence("open_rules", &open))
}

/// Whether the rule carries all traffic or every TCP/UDP port. ICMP's "all types" is not a port
/// range and does not count.
fn is_all_ports(rule: &SecurityGroupRule) -> bool {
    match Protocol::parse(&rule.protocol) {
        Some(Protocol::All) => true,
        Some(Protocol::Tcp | Protocol::Udp) => rule.port_range().is_all(),
        _ => false,
    }
}

fn check_all_ports(sg: &Resource, _: &Context) -> CheckResult {
    let open = world_ingress(sg, is_all_ports)?;
    let name = &sg.name;
    Ok(Outcome::pass_if(
        open.is_empty(),
        format!("Security group {name} does not allow all ports from the internet."),
        format!(
            "Security group {name} allows all ports from the internet in {} inbound rule(s).",
            open.len()
        ),
    )
    .evidence("open_rules", &open))
}

fn check_default_restricts(sg: &Resource, _: &Context) -> CheckResult {
    let is_default: bool = sg.get(props::IS_DEFAULT)?;
    let name = &sg.name;
    if !is_default {
        return Ok(Outcome::pass(format!(
            "Security group {name} is not a VPC's default security group."
        ))
        .evidence(props::IS_DEFAULT, false));
    }
    let ingress: Vec<SecurityGroupRule> = sg.get(props::INGRESS)?;
    let egress: Vec<SecurityGroupRule> = sg.get(props::EGRESS)?;
    Ok(Outcome::pass_if(
        ingress.is_empty() && egress.is_empty(),
        format!("Default security group {name} has no inbound or outbound rules."),
        format!(
            "Default security group {name} has {} inbound and {} outbound rule(s); it should have none.",
            ingress.len(),
            egress.len()
        ),
    )
    .evidence(props::IS_DEFAULT, true)
    .evidence(props::INGRESS, &ingress)
    .evidence(props::EGRESS, &egress))
}

#[cfg(test)]
mod tests {
    use crate::Ec2Rules;
    use crate::test_support::security_group;
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::{Value, json};

    const SSH: &str = "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_22";
    const RDP: &str = "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_3389";
    const ALL: &str = "ec2_securitygroup_allow_ingress_from_internet_to_all_ports";
    const DEFAULT: &str = "ec2_securitygroup_default_restrict_traffic";

    fn rule(protocol: &str, from: Option<i64>, to: Option<i64>, peer: (&str, &str)) -> Value {
        let mut r = json!({"protocol": protocol, "from_port": from, "to_port": to,
            "cidr_ipv4": null, "cidr_ipv6": null, "security_group_id": null,
            "prefix_list_id": null, "description": null});
        r[peer.0] = json!(peer.1);
        r
    }

    /// (ssh, rdp, all) statuses of a non-default group with `ingress`.
    fn statuses(ingress: Value) -> (Status, Status, Status) {
        let sg = security_group("sg-1", json!({"ingress": ingress}));
        let findings = run::<Ec2Rules>(std::slice::from_ref(&sg));
        let get = |id: &str| {
            findings
                .iter()
                .find(|f| f.check_id == id && f.resource_arn == sg.arn)
                .map(|f| f.status)
                .unwrap_or_else(|| panic!("no finding of {id}"))
        };
        (get(SSH), get(RDP), get(ALL))
    }

    #[test]
    fn ssh_rdp_and_all_ports() {
        use Status::{Fail, Pass};
        let world4 = ("cidr_ipv4", "0.0.0.0/0");
        let world6 = ("cidr_ipv6", "::/0");
        let cases = [
            (json!([]), (Pass, Pass, Pass)),
            (
                json!([rule("tcp", Some(443), Some(443), world4)]),
                (Pass, Pass, Pass),
            ),
            (
                json!([rule("tcp", Some(22), Some(22), world4)]),
                (Fail, Pass, Pass),
            ),
            // ::/0 counts like 0.0.0.0/0.
            (
                json!([rule("tcp", Some(22), Some(22), world6)]),
                (Fail, Pass, Pass),
            ),
            (
                json!([rule("6", Some(3389), Some(3389), world6)]),
                (Pass, Fail, Pass),
            ),
            // A range containing the port.
            (
                json!([rule("tcp", Some(20), Some(25), world4)]),
                (Fail, Pass, Pass),
            ),
            (
                json!([rule("tcp", Some(1024), Some(4000), world4)]),
                (Pass, Fail, Pass),
            ),
            // All traffic, or every TCP port, also fails the 22 and 3389 checks.
            (json!([rule("-1", None, None, world4)]), (Fail, Fail, Fail)),
            (
                json!([rule("tcp", Some(0), Some(65535), world6)]),
                (Fail, Fail, Fail),
            ),
            // UDP counts too (CIS 5.2/5.3 name TCP, UDP and all protocols).
            (
                json!([rule("udp", Some(0), Some(65535), world4)]),
                (Fail, Fail, Fail),
            ),
            (
                json!([rule("17", Some(22), Some(22), world6)]),
                (Fail, Pass, Pass),
            ),
            // Another protocol number with its "ports" is not these services.
            (json!([rule("47", None, None, world4)]), (Pass, Pass, Pass)),
            // ICMP "all types" is not all ports.
            (
                json!([rule("icmp", None, None, world4)]),
                (Pass, Pass, Pass),
            ),
            // A group peer, a /32 or a private block passes.
            (
                json!([rule("-1", None, None, ("security_group_id", "sg-2"))]),
                (Pass, Pass, Pass),
            ),
            (
                json!([rule(
                    "tcp",
                    Some(22),
                    Some(22),
                    ("cidr_ipv4", "203.0.113.7/32")
                )]),
                (Pass, Pass, Pass),
            ),
            (
                json!([rule("-1", None, None, ("cidr_ipv4", "10.0.0.0/8"))]),
                (Pass, Pass, Pass),
            ),
            (
                json!([rule("-1", None, None, ("prefix_list_id", "pl-1"))]),
                (Pass, Pass, Pass),
            ),
        ];
        for (ingress, want) in cases {
            assert_eq!(statuses(ingress.clone()), want, "{ingress}");
        }
    }

    #[test]
    fn failure_names_group_and_rules() {
        let sg = security_group(
            "sg-1",
            json!({"ingress": [rule("tcp", Some(22), Some(22), ("cidr_ipv4", "0.0.0.0/0"))]}),
        );
        let findings = run::<Ec2Rules>(std::slice::from_ref(&sg));
        let f = assert_status(&findings, SSH, &sg.arn, Status::Fail);
        assert!(f.message.contains("sg-1"), "{}", f.message);
        assert_eq!(f.evidence["open_rules"][0]["cidr_ipv4"], "0.0.0.0/0");
    }

    #[test]
    fn default_group_must_have_no_rules() {
        let any = rule("-1", None, None, ("cidr_ipv4", "0.0.0.0/0"));
        let own = rule("-1", None, None, ("security_group_id", "sg-d"));
        let cases = [
            (
                json!({"is_default": true, "ingress": [], "egress": []}),
                Status::Pass,
            ),
            (
                json!({"is_default": true, "ingress": [own], "egress": []}),
                Status::Fail,
            ),
            (
                json!({"is_default": true, "ingress": [], "egress": [any.clone()]}),
                Status::Fail,
            ),
            // A non-default group with rules is not this check's business.
            (
                json!({"is_default": false, "ingress": [], "egress": [any]}),
                Status::Pass,
            ),
        ];
        for (overrides, want) in cases {
            let sg = security_group("sg-d", overrides.clone());
            let findings = run::<Ec2Rules>(std::slice::from_ref(&sg));
            assert_status(&findings, DEFAULT, &sg.arn, want);
        }
    }

    #[test]
    fn uncollected_or_missing_rules_are_errors() {
        // A default group, so that every check needs the rules.
        let mut sg = security_group("sg-1", json!({"ingress": null, "is_default": true}));
        sg.properties["errors"] =
            json!({"ingress": {"code": "AccessDenied", "category": "access_denied"}});
        let findings = run::<Ec2Rules>(std::slice::from_ref(&sg));
        for id in [SSH, RDP, ALL, DEFAULT] {
            let f = assert_status(&findings, id, &sg.arn, Status::Error);
            assert!(f.message.contains("AccessDenied"), "{id}: {}", f.message);
        }
        // A non-default group needs no rules to pass the default-group check.
        sg.properties["is_default"] = json!(false);
        let findings = run::<Ec2Rules>(std::slice::from_ref(&sg));
        assert_status(&findings, DEFAULT, &sg.arn, Status::Pass);
        let mut sg = security_group("sg-2", json!({}));
        if let Some(o) = sg.properties.as_object_mut() {
            o.remove("ingress");
        }
        let findings = run::<Ec2Rules>(std::slice::from_ref(&sg));
        assert_status(&findings, SSH, &sg.arn, Status::Error);
    }
}
