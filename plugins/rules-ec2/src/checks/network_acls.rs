//! Network ACLs: no inbound allow from the internet to the remote administration ports or to
//! all traffic, and no ACL left unassociated.

use super::controls::{INTERNET_INGRESS, NETWORK_HYGIENE, PORTS_JUSTIFIED};
use super::{SECURITY_HUB_EC2_DOCS, meta};
use lgp_sdk::kinds::ec2::network_acl::{ALLOW, KIND, NetworkAcl, NetworkAclEntry, props};
use lgp_sdk::net::{Protocol, is_world_cidr};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// `ec2_networkacl_allow_ingress_tcp_port_22`.
pub fn no_ssh_ingress() -> Check {
    admin_port_check("ec2_networkacl_allow_ingress_tcp_port_22", 22, "SSH")
}

/// `ec2_networkacl_allow_ingress_tcp_port_3389`.
pub fn no_rdp_ingress() -> Check {
    admin_port_check("ec2_networkacl_allow_ingress_tcp_port_3389", 3389, "RDP")
}

/// CIS 5.1 names both ports in one control; Prowler splits it in two, and so do we, so each
/// finding says which port is open.
fn admin_port_check(id: &'static str, port: u16, service: &'static str) -> Check {
    Check::new(
        meta(
            id,
            &format!("Network ACL does not allow ingress from the internet to port {port} ({service})"),
            Severity::Medium,
            KIND,
        )
        .description(format!(
            "Checks, in rule-number order as AWS evaluates them, that the network ACL's inbound \
             entries for 0.0.0.0/0 and ::/0 do not allow TCP or UDP traffic to port {port} ({service}): the \
             lowest-numbered matching entry decides, so a lower-numbered deny for the port wins over \
             a later allow. Entries for narrower blocks are not considered."
        ))
        .rationale(
            "Network ACLs are the stateless first filter of a subnet; letting remote administration \
             in from anywhere leaves only the security groups between the internet and the instances.",
        )
        .remediation(
            Remediation::new(format!(
                "Add lower-numbered inbound deny entries for TCP and UDP port {port} from 0.0.0.0/0 and \
                 ::/0, or narrow the allow entry to known CIDR blocks."
            ))
            .cli(format!(
                "aws ec2 create-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number <n-below-the-allow> --protocol tcp --port-range From={port},To={port} --cidr-block 0.0.0.0/0 --rule-action deny"
            ))
            .console("VPC > Network ACLs > <acl> > Inbound rules > Edit inbound rules")
            .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("cis-aws-3.0", "5.1")
        .reference("cis-aws-7.0", "6.2")
        .reference("aws-fsbp", "EC2.21")
        .references(INTERNET_INGRESS)
        .equivalent("prowler", id)
        .equivalent("security-hub", "EC2.21"),
        move |acl, _| check_port(acl, port, service),
    )
}

/// `ec2_networkacl_allow_ingress_any_port`.
pub fn no_all_traffic_ingress() -> Check {
    Check::new(
        meta(
            "ec2_networkacl_allow_ingress_any_port",
            "Network ACL does not allow all traffic from the internet",
            Severity::High,
            KIND,
        )
        .description(
            "Checks, in rule-number order, that the network ACL's first inbound all-traffic \
             (protocol -1) entry for 0.0.0.0/0, and the first for ::/0, is not an allow. The VPC \
             default ACL, which allows everything, fails until it is tightened.",
        )
        .rationale(
            "An ACL that lets every protocol and port in from anywhere adds no protection at all: \
             the subnet's exposure is left to the security groups alone, including for remote \
             administration ports.",
        )
        .remediation(
            Remediation::new(
                "Replace the inbound allow-all entry from 0.0.0.0/0 or ::/0 with entries for the \
                 protocols and ports the subnet serves (and return traffic's ephemeral ports).",
            )
            .cli("aws ec2 replace-network-acl-entry --network-acl-id <acl-id> --ingress --rule-number <n> --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0 --rule-action allow")
            .console("VPC > Network ACLs > <acl> > Inbound rules > Edit inbound rules")
            .url("https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html"),
        )
        .reference("cis-aws-3.0", "5.1")
        .reference("cis-aws-7.0", "6.2")
        .references(INTERNET_INGRESS)
        .references(PORTS_JUSTIFIED)
        .equivalent("prowler", "ec2_networkacl_allow_ingress_any_port"),
        check_all_traffic,
    )
}

/// `ec2_networkacl_unused`.
pub fn used() -> Check {
    Check::new(
        meta(
            "ec2_networkacl_unused",
            "Network ACL is associated with a subnet",
            Severity::Low,
            KIND,
        )
        .description(
            "Checks that a non-default network ACL is associated with at least one subnet. A VPC's \
             default ACL passes: it cannot be deleted.",
        )
        .rationale(
            "Unassociated ACLs protect nothing, drift out of date, and can be associated later by \
             mistake; removing them keeps the network policy small enough to audit.",
        )
        .remediation(
            Remediation::new("Delete the network ACL if nothing needs it.")
                .cli("aws ec2 delete-network-acl --network-acl-id <acl-id>")
                .console("VPC > Network ACLs > <acl> > Actions > Delete network ACLs")
                .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("aws-fsbp", "EC2.16")
        .references(NETWORK_HYGIENE)
        .equivalent("prowler", "ec2_networkacl_unused")
        .equivalent("security-hub", "EC2.16"),
        check_used,
    )
}

/// The inbound entries for the whole internet, in rule-number order.
fn world_inbound(entries: &[NetworkAclEntry]) -> Vec<&NetworkAclEntry> {
    let mut world: Vec<&NetworkAclEntry> = entries
        .iter()
        .filter(|e| {
            !e.egress
                && [&e.cidr_block, &e.ipv6_cidr_block]
                    .into_iter()
                    .flatten()
                    .any(|c| is_world_cidr(c))
        })
        .collect();
    world.sort_by_key(|e| e.rule_number);
    world
}

fn check_all_traffic(acl: &Resource, _: &Context) -> CheckResult {
    let entries: Vec<NetworkAclEntry> = acl.get(props::ENTRIES)?;
    let world = world_inbound(&entries);
    // Per address family, the first all-traffic entry decides.
    let deciding: Vec<&NetworkAclEntry> = [
        |e: &NetworkAclEntry| e.cidr_block.is_some(),
        |e: &NetworkAclEntry| e.ipv6_cidr_block.is_some(),
    ]
    .into_iter()
    .filter_map(|family| {
        world
            .iter()
            .copied()
            .find(|e| family(e) && Protocol::parse(&e.protocol) == Some(Protocol::All))
    })
    .collect();
    let open: Vec<&NetworkAclEntry> = deciding
        .into_iter()
        .filter(|e| e.rule_action == ALLOW)
        .collect();
    let name = &acl.name;
    Ok(Outcome::pass_if(
        open.is_empty(),
        format!("Network ACL {name} does not allow all traffic from the internet."),
        format!(
            "Network ACL {name} allows all traffic from the internet (rule {}).",
            open.iter()
                .map(|e| e.rule_number.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ),
    )
    .evidence("allow_all_entries", &open)
    .evidence("world_inbound_entries", &world))
}

fn check_used(acl: &Resource, _: &Context) -> CheckResult {
    let is_default: bool = acl.get(props::IS_DEFAULT)?;
    let name = &acl.name;
    if is_default {
        return Ok(Outcome::pass(format!(
            "Network ACL {name} is a VPC's default ACL, which cannot be deleted."
        ))
        .evidence(props::IS_DEFAULT, true));
    }
    let subnets: Vec<String> = acl.get(props::SUBNET_IDS)?;
    Ok(Outcome::pass_if(
        !subnets.is_empty(),
        format!(
            "Network ACL {name} is associated with {} subnet(s).",
            subnets.len()
        ),
        format!("Network ACL {name} is not associated with any subnet."),
    )
    .evidence(props::IS_DEFAULT, false)
    .evidence(props::SUBNET_IDS, &subnets))
}

fn check_port(acl: &Resource, port: u16, service: &str) -> CheckResult {
    let entries: Vec<NetworkAclEntry> = acl.get(props::ENTRIES)?;
    let doc = NetworkAcl {
        entries,
        ..NetworkAcl::default()
    };
    // CIS 5.1 counts TCP, UDP and all-protocol entries.
    let open: Vec<&str> = [(Protocol::Tcp, "tcp"), (Protocol::Udp, "udp")]
        .into_iter()
        .filter(|&(p, _)| doc.allows_from_world(p, port))
        .map(|(_, name)| name)
        .collect();
    // The entries that decided: inbound ones for the whole internet.
    let world = world_inbound(&doc.entries);
    let name = &acl.name;
    Ok(Outcome::pass_if(
        open.is_empty(),
        format!("Network ACL {name} does not allow {service} (port {port}) from the internet."),
        format!(
            "Network ACL {name} allows {service} (port {port}, {}) from the internet.",
            open.join(" and ")
        ),
    )
    .evidence("open_protocols", &open)
    .evidence("world_inbound_entries", &world))
}

#[cfg(test)]
mod tests {
    use crate::Ec2Rules;
    use crate::test_support::network_acl;
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::{Value, json};

    const SSH: &str = "ec2_networkacl_allow_ingress_tcp_port_22";
    const RDP: &str = "ec2_networkacl_allow_ingress_tcp_port_3389";
    const V4: (&str, &str) = ("cidr_block", "0.0.0.0/0");
    const V6: (&str, &str) = ("ipv6_cidr_block", "::/0");

    fn entry(
        n: i64,
        proto: &str,
        action: &str,
        cidr: (&str, &str),
        ports: Option<(i64, i64)>,
    ) -> Value {
        let mut e = json!({"rule_number": n, "protocol": proto, "rule_action": action,
            "egress": false, "cidr_block": null, "ipv6_cidr_block": null,
            "port_range": ports.map(|(from, to)| json!({"from": from, "to": to}))});
        e[cidr.0] = json!(cidr.1);
        e
    }

    fn catch_all() -> Value {
        entry(32767, "-1", "deny", V4, None)
    }

    /// Asserts the (SSH, RDP) statuses of an ACL with `entries`.
    fn check(entries: Value, ssh: Status, rdp: Status) {
        let acl = network_acl("acl-1", json!({ "entries": entries.clone() }));
        let findings = run::<Ec2Rules>(std::slice::from_ref(&acl));
        for (id, want) in [(SSH, ssh), (RDP, rdp)] {
            let f = lgp_sdk::testing::finding(&findings, id, &acl.arn);
            assert_eq!(f.status, want, "{id} {entries}: {}", f.message);
        }
    }

    #[test]
    fn world_allows_to_admin_ports_fail_in_rule_order() {
        use Status::{Fail, Pass};
        check(json!([catch_all()]), Pass, Pass);
        // The AWS default ACL: allow all from anywhere.
        check(
            json!([entry(100, "-1", "allow", V4, None), catch_all()]),
            Fail,
            Fail,
        );
        check(
            json!([entry(100, "6", "allow", V4, Some((22, 22))), catch_all()]),
            Fail,
            Pass,
        );
        check(
            json!([
                entry(100, "6", "allow", V6, Some((3389, 3389))),
                catch_all()
            ]),
            Pass,
            Fail,
        );
        check(
            json!([
                entry(100, "6", "allow", V4, Some((1024, 65535))),
                catch_all()
            ]),
            Pass,
            Fail,
        );
        // A lower-numbered deny for the port wins, whatever the listing order...
        check(
            json!([
                entry(100, "-1", "allow", V4, None),
                entry(50, "6", "deny", V4, Some((22, 22))),
                entry(51, "17", "deny", V4, Some((22, 22))),
                catch_all()
            ]),
            Pass,
            Fail,
        );
        // ...for the protocols it names: denying TCP 22 alone leaves UDP 22 open.
        check(
            json!([
                entry(100, "-1", "allow", V4, None),
                entry(50, "6", "deny", V4, Some((22, 22))),
                catch_all()
            ]),
            Fail,
            Fail,
        );
        // A deny numbered after the allow does not.
        check(
            json!([
                entry(100, "-1", "allow", V4, None),
                entry(200, "6", "deny", V4, Some((22, 22)))
            ]),
            Fail,
            Fail,
        );
        // An IPv4 deny does not close IPv6.
        check(
            json!([
                entry(50, "-1", "deny", V4, None),
                entry(100, "-1", "allow", V6, None)
            ]),
            Fail,
            Fail,
        );
        // Allows for other ports, from narrower blocks, for ICMP, or outbound pass.
        check(
            json!([entry(100, "6", "allow", V4, Some((443, 443))), catch_all()]),
            Pass,
            Pass,
        );
        check(
            json!([
                entry(100, "-1", "allow", ("cidr_block", "10.0.0.0/8"), None),
                catch_all()
            ]),
            Pass,
            Pass,
        );
        check(
            json!([entry(100, "1", "allow", V4, None), catch_all()]),
            Pass,
            Pass,
        );
        // UDP counts too (CIS 5.1 names TCP, UDP and all protocols).
        check(
            json!([entry(100, "17", "allow", V4, Some((0, 65535))), catch_all()]),
            Fail,
            Fail,
        );
        check(
            json!([
                entry(100, "17", "allow", V6, Some((3389, 3389))),
                catch_all()
            ]),
            Pass,
            Fail,
        );
        let mut egress = entry(100, "-1", "allow", V4, None);
        egress["egress"] = json!(true);
        check(json!([egress, catch_all()]), Pass, Pass);
    }

    #[test]
    fn failure_names_acl_and_keeps_deciding_entries() {
        let acl = network_acl(
            "acl-1",
            json!({"entries": [entry(100, "-1", "allow", V4, None)]}),
        );
        let findings = run::<Ec2Rules>(std::slice::from_ref(&acl));
        let f = assert_status(&findings, SSH, &acl.arn, Status::Fail);
        assert!(
            f.message.contains("acl-1") && f.message.contains("SSH"),
            "{}",
            f.message
        );
        assert_eq!(f.evidence["world_inbound_entries"][0]["rule_number"], 100);
        assert_eq!(f.evidence["open_protocols"], json!(["tcp", "udp"]));
    }

    const ANY: &str = "ec2_networkacl_allow_ingress_any_port";
    const UNUSED: &str = "ec2_networkacl_unused";

    fn status(id: &str, overrides: Value) -> Status {
        let acl = network_acl("acl-1", overrides);
        let findings = run::<Ec2Rules>(std::slice::from_ref(&acl));
        let f = lgp_sdk::testing::finding(&findings, id, &acl.arn);
        if f.status != Status::Error {
            assert!(f.message.contains("acl-1"), "{}", f.message);
        }
        f.status
    }

    #[test]
    fn all_traffic_from_the_internet_fails_unless_denied_first() {
        use Status::{Fail, Pass};
        let any = |entries: Value| status(ANY, json!({ "entries": entries }));
        assert_eq!(any(json!([catch_all()])), Pass);
        assert_eq!(
            any(json!([entry(100, "-1", "allow", V4, None), catch_all()])),
            Fail
        );
        assert_eq!(any(json!([entry(100, "-1", "allow", V6, None)])), Fail);
        // A lower-numbered deny-all wins, per family.
        assert_eq!(
            any(json!([
                entry(100, "-1", "allow", V4, None),
                entry(10, "-1", "deny", V4, None)
            ])),
            Pass
        );
        assert_eq!(
            any(json!([
                entry(100, "-1", "allow", V6, None),
                entry(10, "-1", "deny", V4, None)
            ])),
            Fail
        );
        // Port-specific allows, narrower blocks and outbound entries are not "all traffic".
        assert_eq!(
            any(json!([entry(100, "6", "allow", V4, Some((0, 65535)))])),
            Pass
        );
        assert_eq!(
            any(json!([entry(
                100,
                "-1",
                "allow",
                ("cidr_block", "10.0.0.0/8"),
                None
            )])),
            Pass
        );
        let mut egress = entry(100, "-1", "allow", V4, None);
        egress["egress"] = json!(true);
        assert_eq!(any(json!([egress])), Pass);
        assert_eq!(any(json!(null)), Status::Error);
    }

    #[test]
    fn unassociated_non_default_acls_fail() {
        assert_eq!(
            status(UNUSED, json!({"subnet_ids": ["subnet-1"]})),
            Status::Pass
        );
        assert_eq!(status(UNUSED, json!({"subnet_ids": []})), Status::Fail);
        assert_eq!(
            status(UNUSED, json!({"subnet_ids": [], "is_default": true})),
            Status::Pass
        );
        assert_eq!(status(UNUSED, json!({"subnet_ids": null})), Status::Error);
    }

    #[test]
    fn uncollected_entries_are_an_error() {
        let acl = network_acl(
            "acl-1",
            json!({"entries": null, "errors": {"entries": {"code": "UnauthorizedOperation", "category": "access_denied"}}}),
        );
        let findings = run::<Ec2Rules>(std::slice::from_ref(&acl));
        for id in [SSH, RDP, ANY] {
            let f = assert_status(&findings, id, &acl.arn, Status::Error);
            assert!(f.message.contains("UnauthorizedOperation"), "{}", f.message);
        }
    }
}
