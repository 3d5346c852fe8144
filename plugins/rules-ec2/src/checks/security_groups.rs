//! Security groups: no administration port, whole port range or unauthorized port open to the
//! internet, no wide public blocks, the default group restricts all traffic, and groups stay
//! few-ruled and deliberately made. Service ports other than SSH and RDP are in
//! [`super::service_ports`].

use super::controls::{INTERNET_INGRESS, NETWORK_HYGIENE, PORTS_JUSTIFIED};
use super::service_ports::world_exposure;
use super::{SECURITY_HUB_EC2_DOCS, meta};
use lgp_sdk::kinds::ec2::security_group::{KIND, SecurityGroupRule, props};
use lgp_sdk::net::{Cidr, Protocol};
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
        .reference("cis-aws-7.0", "6.3")
        .reference("cis-aws-7.0", "6.4")
        .reference("aws-fsbp", "EC2.13")
        .references(INTERNET_INGRESS)
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
        .reference("cis-aws-7.0", "6.3")
        .reference("cis-aws-7.0", "6.4")
        .reference("aws-fsbp", "EC2.14")
        .references(INTERNET_INGRESS)
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
        .reference("cis-aws-7.0", "6.3")
        .reference("cis-aws-7.0", "6.4")
        .reference("aws-fsbp", "EC2.18")
        .references(INTERNET_INGRESS)
        .references(PORTS_JUSTIFIED)
        .equivalent("prowler", "ec2_securitygroup_allow_ingress_from_internet_to_all_ports"),
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
        .reference("cis-aws-7.0", "6.5")
        .reference("aws-fsbp", "EC2.2")
        .references(INTERNET_INGRESS)
        .equivalent("prowler", "ec2_securitygroup_default_restrict_traffic")
        .equivalent("security-hub", "EC2.2"),
        check_default_restricts,
    )
}

/// Ports Security Hub EC2.18 authorizes by default for unrestricted inbound traffic (TCP).
const AUTHORIZED_PUBLIC_PORTS: [u16; 2] = [80, 443];

/// `ec2_securitygroup_allow_ingress_from_internet_to_any_port`.
pub fn ingress_any_port() -> Check {
    Check::new(
        meta(
            "ec2_securitygroup_allow_ingress_from_internet_to_any_port",
            "Security group allows ingress from the internet only to authorized ports (80, 443)",
            Severity::High,
            KIND,
        )
        .description(
            "Checks that every inbound rule of the security group from 0.0.0.0/0 or ::/0 is limited \
             to TCP ports 80 and 443, the ports Security Hub EC2.18 authorizes by default (ICMP, \
             which has no ports, is not counted). Any other port, protocol, range or all-traffic \
             rule from the internet fails (Prowler, whose id \
             this is, fails port 80 and 443 too, unless the group only serves load balancers or \
             endpoints).",
        )
        .rationale(
            "Each port open to the whole internet is attack surface; only the public web ports \
             should be, and everything else should be reachable from known networks only.",
        )
        .remediation(
            Remediation::new(
                "Narrow the source of every inbound rule from 0.0.0.0/0 or ::/0 that is not TCP 80 or \
                 443 to known CIDR blocks or security groups, or remove it.",
            )
            .cli("aws ec2 revoke-security-group-ingress --group-id <group-id> --security-group-rule-ids <rule-id>")
            .console("EC2 > Security Groups > <group> > Inbound rules > Edit inbound rules")
            .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("aws-fsbp", "EC2.18")
        .references(INTERNET_INGRESS)
        .references(PORTS_JUSTIFIED)
        .equivalent("prowler", "ec2_securitygroup_allow_ingress_from_internet_to_any_port")
        .equivalent("security-hub", "EC2.18"),
        check_any_port,
    )
}

/// `ec2_securitygroup_allow_wide_open_public_ipv4`.
pub fn wide_open_public_ipv4() -> Check {
    Check::new(
        meta(
            "ec2_securitygroup_allow_wide_open_public_ipv4",
            "Security group has no rules for wide public IPv4 blocks (/1 to /23)",
            Severity::High,
            KIND,
        )
        .description(
            "Checks that no inbound or outbound rule of the security group names a public (non \
             RFC 1918, non-reserved) IPv4 block with a prefix from /1 to /23: more than 512 \
             addresses someone else owns. 0.0.0.0/0 is the other checks' business.",
        )
        .rationale(
            "A wide public block is usually a mistake for a narrower one (a /16 typed for a /32) and \
             trusts thousands of addresses of other organizations or clouds.",
        )
        .remediation(
            Remediation::new(
                "Replace the wide public block with the exact addresses (/24 or narrower) of the \
                 partner, office or service that needs access.",
            )
            .cli("aws ec2 modify-security-group-rules --group-id <group-id> --security-group-rules SecurityGroupRuleId=<rule-id>,SecurityGroupRule={IpProtocol=tcp,FromPort=<port>,ToPort=<port>,CidrIpv4=<narrow-block>}")
            .console("EC2 > Security Groups > <group> > Inbound rules / Outbound rules > Edit")
            .url("https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html"),
        )
        .references(NETWORK_HYGIENE)
        .equivalent("prowler", "ec2_securitygroup_allow_wide_open_public_ipv4"),
        check_wide_open_public_ipv4,
    )
}

/// Most rules per direction before a group is too big to review (Prowler's default).
const MAX_RULES_PER_DIRECTION: usize = 50;

/// `ec2_securitygroup_with_many_ingress_egress_rules`.
pub fn few_rules() -> Check {
    Check::new(
        meta(
            "ec2_securitygroup_with_many_ingress_egress_rules",
            "Security group has at most 50 inbound and 50 outbound rules",
            Severity::Medium,
            KIND,
        )
        .description(format!(
            "Checks that the security group has at most {MAX_RULES_PER_DIRECTION} inbound and \
             {MAX_RULES_PER_DIRECTION} outbound rules (one rule per peer, as \
             DescribeSecurityGroupRules counts them)."
        ))
        .rationale(
            "A group with many rules cannot be reviewed with confidence, accumulates stale access \
             and often hides an overly broad rule among narrow ones.",
        )
        .remediation(
            Remediation::new(
                "Split the group by purpose, replace lists of addresses with managed prefix lists, \
                 and remove rules nobody needs.",
            )
            .cli("aws ec2 describe-security-group-rules --filters Name=group-id,Values=<group-id>")
            .console("EC2 > Security Groups > <group> > Inbound rules / Outbound rules")
            .url("https://docs.aws.amazon.com/vpc/latest/userguide/managed-prefix-lists.html"),
        )
        .references(NETWORK_HYGIENE)
        .equivalent(
            "prowler",
            "ec2_securitygroup_with_many_ingress_egress_rules",
        ),
        check_few_rules,
    )
}

/// The name prefix the EC2 launch wizard gives the groups it creates.
const LAUNCH_WIZARD_PREFIX: &str = "launch-wizard-";

/// `ec2_securitygroup_from_launch_wizard`.
pub fn not_from_launch_wizard() -> Check {
    Check::new(
        meta(
            "ec2_securitygroup_from_launch_wizard",
            "Security group was not created by the EC2 launch wizard",
            Severity::Medium,
            KIND,
        )
        .description(
            "Checks that the security group's name does not start with `launch-wizard-`, the name \
             the EC2 console's launch wizard gives the groups it creates.",
        )
        .rationale(
            "Launch wizard groups are created in a hurry, usually open SSH or RDP to 0.0.0.0/0, and \
             are then reused; purpose-built groups are reviewed and named for what they allow.",
        )
        .remediation(
            Remediation::new(
                "Create a purpose-built security group with only the rules the workload needs, attach \
                 it in place of the launch wizard group, then delete the wizard group.",
            )
            .cli("aws ec2 modify-instance-attribute --instance-id <instance-id> --groups <new-group-id> && aws ec2 delete-security-group --group-id <wizard-group-id>")
            .console("EC2 > Security Groups > Create security group")
            .url("https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/creating-security-group.html"),
        )
        .references(NETWORK_HYGIENE)
        .equivalent("prowler", "ec2_securitygroup_from_launch_wizard"),
        check_not_from_launch_wizard,
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
    let (_, open) = world_exposure(sg, &[port], &[Protocol::Tcp, Protocol::Udp])?;
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

/// Whether a world-open rule needs no authorization: TCP to exactly port 80 or 443, or ICMP,
/// which has no ports (EC2.18 is about ports).
fn is_authorized(rule: &SecurityGroupRule) -> bool {
    match Protocol::parse(&rule.protocol) {
        Some(Protocol::Tcp) => {
            let range = rule.port_range();
            range.from == range.to && AUTHORIZED_PUBLIC_PORTS.contains(&range.from)
        }
        Some(Protocol::Icmp | Protocol::Icmpv6) => true,
        _ => false,
    }
}

fn check_any_port(sg: &Resource, _: &Context) -> CheckResult {
    let open = world_ingress(sg, |r| !is_authorized(r))?;
    let name = &sg.name;
    Ok(Outcome::pass_if(
        open.is_empty(),
        format!("Security group {name} allows only TCP 80 and 443, if anything, from the internet."),
        format!(
            "Security group {name} allows unauthorized ports from the internet in {} inbound rule(s).",
            open.len()
        ),
    )
    .evidence("open_rules", &open))
}

/// Whether `block` is a public IPv4 block wider than a /24 but not the whole internet.
fn is_wide_public_ipv4(block: &str) -> bool {
    block
        .parse::<Cidr>()
        .is_ok_and(|c| (1..24).contains(&c.prefix()) && !c.is_private())
}

fn check_wide_open_public_ipv4(sg: &Resource, _: &Context) -> CheckResult {
    let ingress: Vec<SecurityGroupRule> = sg.get(props::INGRESS)?;
    let egress: Vec<SecurityGroupRule> = sg.get(props::EGRESS)?;
    let wide = |rules: Vec<SecurityGroupRule>| -> Vec<SecurityGroupRule> {
        rules
            .into_iter()
            .filter(|r| r.cidr_ipv4.as_deref().is_some_and(is_wide_public_ipv4))
            .collect()
    };
    let (wide_in, wide_out) = (wide(ingress), wide(egress));
    let name = &sg.name;
    Ok(Outcome::pass_if(
        wide_in.is_empty() && wide_out.is_empty(),
        format!("Security group {name} names no public IPv4 block wider than /24."),
        format!(
            "Security group {name} names public IPv4 blocks wider than /24 in {} inbound and {} outbound rule(s).",
            wide_in.len(),
            wide_out.len()
        ),
    )
    .evidence("wide_ingress_rules", &wide_in)
    .evidence("wide_egress_rules", &wide_out))
}

fn check_few_rules(sg: &Resource, _: &Context) -> CheckResult {
    let ingress: Vec<SecurityGroupRule> = sg.get(props::INGRESS)?;
    let egress: Vec<SecurityGroupRule> = sg.get(props::EGRESS)?;
    let (inbound, outbound) = (ingress.len(), egress.len());
    let name = &sg.name;
    Ok(Outcome::pass_if(
        inbound <= MAX_RULES_PER_DIRECTION && outbound <= MAX_RULES_PER_DIRECTION,
        format!("Security group {name} has {inbound} inbound and {outbound} outbound rule(s)."),
        format!(
            "Security group {name} has {inbound} inbound and {outbound} outbound rules; more than {MAX_RULES_PER_DIRECTION} in a direction is too many to review."
        ),
    )
    .evidence("ingress_rule_count", inbound)
    .evidence("egress_rule_count", outbound)
    .evidence("max_rules_per_direction", MAX_RULES_PER_DIRECTION))
}

fn check_not_from_launch_wizard(sg: &Resource, _: &Context) -> CheckResult {
    let group_name: &str = sg.get(props::GROUP_NAME)?;
    let name = &sg.name;
    Ok(Outcome::pass_if(
        !group_name.starts_with(LAUNCH_WIZARD_PREFIX),
        format!("Security group {name} was not created by the launch wizard."),
        format!("Security group {name} ({group_name}) was created by the EC2 launch wizard."),
    )
    .evidence(props::GROUP_NAME, group_name))
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
    const ANY: &str = "ec2_securitygroup_allow_ingress_from_internet_to_any_port";
    const WIDE: &str = "ec2_securitygroup_allow_wide_open_public_ipv4";
    const MANY: &str = "ec2_securitygroup_with_many_ingress_egress_rules";
    const WIZARD: &str = "ec2_securitygroup_from_launch_wizard";

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

    /// The status of check `id` on a group with `overrides`.
    fn status(id: &str, overrides: Value) -> Status {
        let sg = security_group("sg-1", overrides);
        let findings = run::<Ec2Rules>(std::slice::from_ref(&sg));
        let f = lgp_sdk::testing::finding(&findings, id, &sg.arn);
        if f.status != Status::Error {
            assert!(f.message.contains("sg-1"), "{}", f.message);
        }
        f.status
    }

    #[test]
    fn only_web_ports_may_be_open_to_the_internet() {
        use Status::{Fail, Pass};
        let world4 = ("cidr_ipv4", "0.0.0.0/0");
        let world6 = ("cidr_ipv6", "::/0");
        let cases = [
            (json!([]), Pass),
            (json!([rule("tcp", Some(443), Some(443), world4)]), Pass),
            (json!([rule("6", Some(80), Some(80), world6)]), Pass),
            (json!([rule("tcp", Some(8080), Some(8080), world4)]), Fail),
            (json!([rule("tcp", Some(80), Some(443), world4)]), Fail),
            (json!([rule("udp", Some(443), Some(443), world6)]), Fail),
            (json!([rule("-1", None, None, world4)]), Fail),
            (json!([rule("47", None, None, world4)]), Fail),
            // ICMP has no ports; known peers may use any port.
            (json!([rule("icmp", None, None, world4)]), Pass),
            (
                json!([rule(
                    "tcp",
                    Some(22),
                    Some(22),
                    ("cidr_ipv4", "198.51.100.0/24")
                )]),
                Pass,
            ),
        ];
        for (ingress, want) in cases {
            assert_eq!(
                status(ANY, json!({ "ingress": ingress.clone() })),
                want,
                "{ingress}"
            );
        }
    }

    #[test]
    fn wide_public_ipv4_blocks_fail_in_either_direction() {
        use Status::{Fail, Pass};
        let r = |cidr: &str| rule("tcp", Some(443), Some(443), ("cidr_ipv4", cidr));
        for (cidr, want) in [
            ("203.0.0.0/16", Fail),
            ("8.0.0.0/1", Fail),
            ("198.51.100.0/23", Fail),
            ("198.51.100.0/24", Pass),
            ("203.0.113.7/32", Pass),
            ("10.0.0.0/8", Pass),
            ("172.16.0.0/12", Pass),
            ("0.0.0.0/0", Pass),
        ] {
            assert_eq!(
                status(WIDE, json!({"ingress": [r(cidr)]})),
                want,
                "in {cidr}"
            );
            assert_eq!(
                status(WIDE, json!({"ingress": [], "egress": [r(cidr)]})),
                want,
                "out {cidr}"
            );
        }
    }

    #[test]
    fn rule_counts_and_launch_wizard_names() {
        let many = |n: usize| {
            let rules: Vec<Value> = (0..n)
                .map(|i| {
                    rule(
                        "tcp",
                        Some(443),
                        Some(443),
                        ("cidr_ipv4", &format!("10.0.{i}.0/24")),
                    )
                })
                .collect();
            Value::Array(rules)
        };
        assert_eq!(status(MANY, json!({"ingress": many(50)})), Status::Pass);
        assert_eq!(status(MANY, json!({"ingress": many(51)})), Status::Fail);
        assert_eq!(status(MANY, json!({"egress": many(51)})), Status::Fail);
        assert_eq!(status(MANY, json!({"egress": null})), Status::Error);
        assert_eq!(status(WIZARD, json!({"group_name": "web"})), Status::Pass);
        assert_eq!(
            status(WIZARD, json!({"group_name": "launch-wizard-3"})),
            Status::Fail
        );
        assert_eq!(status(WIZARD, json!({"group_name": null})), Status::Error);
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
        for id in [SSH, RDP, ALL, DEFAULT, ANY, WIDE, MANY] {
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
