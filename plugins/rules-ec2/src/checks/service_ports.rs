//! Security groups exposing a well-known service's ports to the whole internet: one table of
//! services, one evaluation. A rule fails a service when its peer is `0.0.0.0/0` or `::/0` and
//! it carries one of the service's protocols to one of its ports, by naming the port, by a range
//! containing it, or by allowing all traffic — so a group open on everything fails every row.

use super::controls::{INTERNET_INGRESS, PORTS_JUSTIFIED};
use super::{Control, SECURITY_HUB_EC2_DOCS, meta};
use lgp_sdk::kinds::ec2::security_group::{KIND, SecurityGroupRule, props};
use lgp_sdk::net::Protocol;
use lgp_sdk::{Check, CheckResult, Outcome, PropertyError, Remediation, Resource, Severity};

/// TCP only: what the service listens on.
const TCP: &[Protocol] = &[Protocol::Tcp];
/// TCP and UDP: services whose UDP side is itself an attack surface (amplification, ticket
/// and directory queries).
const TCP_UDP: &[Protocol] = &[Protocol::Tcp, Protocol::Udp];

/// One service whose ports must not be open to the internet.
pub struct Service {
    /// The check id (Prowler's where Prowler has the check).
    pub id: &'static str,
    /// The service's name, for titles and messages.
    pub name: &'static str,
    /// Its well-known ports.
    pub ports: &'static [u16],
    /// The protocols counted.
    pub protocols: &'static [Protocol],
    /// Whether Prowler has the same check under the same id.
    pub in_prowler: bool,
    /// References of this service beyond the shared internet-ingress ones.
    pub controls: &'static [Control],
    /// The Security Hub control it matches, if any.
    pub security_hub: Option<&'static str>,
}

/// Security Hub EC2.19's high-risk ports (its default list).
const HIGH_RISK_PORTS: &[u16] = &[
    20, 21, 22, 23, 25, 110, 135, 143, 445, 1433, 1434, 3000, 3306, 3389, 4333, 5000, 5432, 5500,
    5601, 8080, 8088, 8888, 9200, 9300,
];

/// The services, one check each.
pub const SERVICES: &[Service] = &[
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_ftp_20_21",
        name: "FTP",
        ports: &[20, 21],
        protocols: TCP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_telnet_23",
        name: "Telnet",
        ports: &[23],
        protocols: TCP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mysql_3306",
        name: "MySQL",
        ports: &[3306],
        protocols: TCP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_postgres_5432",
        name: "PostgreSQL",
        ports: &[5432],
        protocols: TCP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_oracle_1521_2483",
        name: "Oracle Database",
        ports: &[1521, 2483, 2484],
        protocols: TCP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_sql_server_1433_1434",
        name: "Microsoft SQL Server",
        ports: &[1433, 1434],
        protocols: TCP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_mongodb_27017_27018",
        name: "MongoDB",
        ports: &[27017, 27018],
        protocols: TCP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_cassandra_7199_9160_8888",
        name: "Cassandra",
        ports: &[7199, 9160, 8888],
        protocols: TCP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_redis_6379",
        name: "Redis",
        ports: &[6379],
        protocols: TCP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_memcached_11211",
        name: "Memcached",
        ports: &[11211],
        protocols: TCP_UDP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_kafka_9092",
        name: "Kafka",
        ports: &[9092],
        protocols: TCP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_tcp_port_elasticsearch_kibana_9200_9300_5601",
        name: "Elasticsearch/Kibana",
        ports: &[9200, 9300, 5601],
        protocols: TCP,
        in_prowler: true,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_port_ldap_389_636",
        name: "LDAP",
        ports: &[389, 636],
        protocols: TCP_UDP,
        in_prowler: false,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_port_kerberos_88_464_749_750",
        name: "Kerberos",
        ports: &[88, 464, 749, 750],
        protocols: TCP_UDP,
        in_prowler: false,
        controls: &[],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_port_cifs_139_445",
        name: "CIFS/SMB",
        ports: &[139, 445],
        protocols: TCP_UDP,
        in_prowler: false,
        controls: &[("cis-aws-7.0", "6.1.2")],
        security_hub: None,
    },
    Service {
        id: "ec2_securitygroup_allow_ingress_from_internet_to_high_risk_tcp_ports",
        name: "high-risk",
        ports: HIGH_RISK_PORTS,
        protocols: TCP,
        in_prowler: true,
        controls: &[("aws-fsbp", "EC2.19")],
        security_hub: Some("EC2.19"),
    },
];

/// One check per row of [`SERVICES`].
pub fn checks() -> Vec<Check> {
    SERVICES.iter().map(check).collect()
}

fn port_list(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn protocol_names(protocols: &[Protocol]) -> &'static str {
    if protocols.contains(&Protocol::Udp) {
        "TCP or UDP"
    } else {
        "TCP"
    }
}

fn check(service: &'static Service) -> Check {
    let ports = port_list(service.ports);
    let protocols = protocol_names(service.protocols);
    let name = service.name;
    let mut m = meta(
        service.id,
        &format!("Security group does not allow ingress from the internet to {name} ports ({ports})"),
        Severity::High,
        KIND,
    )
    .description(format!(
        "Checks that no inbound rule of the security group lets {protocols} traffic from 0.0.0.0/0 \
         or ::/0 reach the {name} ports {ports}, whether by a rule for the port, a port range \
         containing it, or an all-traffic rule."
    ))
    .rationale(format!(
        "{name} services reachable from the whole internet are found by mass scanners within \
         hours and are a common target for brute force, data theft and exploitation of known \
         vulnerabilities; they should be reachable only from the networks that use them."
    ))
    .remediation(
        Remediation::new(format!(
            "Remove the inbound rules that open {ports} to 0.0.0.0/0 or ::/0; allow the service only \
             from known CIDR blocks, security groups or a VPN, or put it behind a load balancer or \
             private endpoint."
        ))
        .cli("aws ec2 revoke-security-group-ingress --group-id <group-id> --security-group-rule-ids <rule-id>")
        .console("EC2 > Security Groups > <group> > Inbound rules > Edit inbound rules")
        .url(SECURITY_HUB_EC2_DOCS),
    )
    .references(service.controls)
    .references(INTERNET_INGRESS);
    if service.security_hub.is_some() {
        m = m.references(PORTS_JUSTIFIED);
    }
    if service.in_prowler {
        m = m.equivalent("prowler", service.id);
    }
    if let Some(control) = service.security_hub {
        m = m.equivalent("security-hub", control);
    }
    Check::new(m, move |sg, _| check_service(sg, service))
}

/// The world-open inbound rules of `sg` that carry one of `protocols` to one of `ports`, and
/// the ports they open, in `ports` order.
pub(crate) fn world_exposure(
    sg: &Resource,
    ports: &[u16],
    protocols: &[Protocol],
) -> Result<(Vec<u16>, Vec<SecurityGroupRule>), PropertyError> {
    let ingress: Vec<SecurityGroupRule> = sg.get(props::INGRESS)?;
    let exposes = |r: &SecurityGroupRule, port: u16| {
        r.is_world() && protocols.iter().any(|&p| r.exposes(p, port))
    };
    let open_ports = ports
        .iter()
        .copied()
        .filter(|&port| ingress.iter().any(|r| exposes(r, port)))
        .collect();
    let open_rules = ingress
        .into_iter()
        .filter(|r| ports.iter().any(|&port| exposes(r, port)))
        .collect();
    Ok((open_ports, open_rules))
}

fn check_service(sg: &Resource, service: &Service) -> CheckResult {
    let (open_ports, open_rules) = world_exposure(sg, service.ports, service.protocols)?;
    let (group, name) = (&sg.name, service.name);
    Ok(Outcome::pass_if(
        open_ports.is_empty(),
        format!("Security group {group} does not allow {name} ports from the internet."),
        format!(
            "Security group {group} allows {name} port(s) {} from the internet in {} inbound rule(s).",
            port_list(&open_ports),
            open_rules.len()
        ),
    )
    .evidence("open_ports", &open_ports)
    .evidence("open_rules", &open_rules))
}

#[cfg(test)]
mod tests {
    use super::SERVICES;
    use crate::Ec2Rules;
    use crate::test_support::security_group;
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, finding, run};
    use serde_json::{Value, json};

    fn rule(protocol: &str, from: Option<i64>, to: Option<i64>, peer: (&str, &str)) -> Value {
        let mut r = json!({"protocol": protocol, "from_port": from, "to_port": to,
            "cidr_ipv4": null, "cidr_ipv6": null, "security_group_id": null,
            "prefix_list_id": null, "description": null});
        r[peer.0] = json!(peer.1);
        r
    }

    const WORLD4: (&str, &str) = ("cidr_ipv4", "0.0.0.0/0");
    const WORLD6: (&str, &str) = ("cidr_ipv6", "::/0");

    /// The status of every service check on a group with `ingress`, by id.
    fn statuses(ingress: Value) -> Vec<(&'static str, Status)> {
        let sg = security_group("sg-1", json!({ "ingress": ingress }));
        let findings = run::<Ec2Rules>(std::slice::from_ref(&sg));
        SERVICES
            .iter()
            .map(|s| (s.id, finding(&findings, s.id, &sg.arn).status))
            .collect()
    }

    fn failing(ingress: Value) -> Vec<&'static str> {
        statuses(ingress)
            .into_iter()
            .filter(|&(_, s)| s == Status::Fail)
            .map(|(id, _)| id)
            .collect()
    }

    fn id(fragment: &str) -> &'static str {
        SERVICES
            .iter()
            .find(|s| s.id.contains(fragment))
            .map(|s| s.id)
            .unwrap_or_else(|| panic!("no service {fragment}"))
    }

    #[test]
    fn every_port_of_every_service_fails_its_check_from_either_world_block() {
        for service in SERVICES {
            for &port in service.ports {
                for peer in [WORLD4, WORLD6] {
                    let p = i64::from(port);
                    let bad = failing(json!([rule("tcp", Some(p), Some(p), peer)]));
                    assert!(bad.contains(&service.id), "{} {port} {peer:?}", service.id);
                }
            }
        }
    }

    #[test]
    fn all_traffic_and_covering_ranges_fail_every_service() {
        let all = SERVICES.len();
        assert_eq!(failing(json!([rule("-1", None, None, WORLD4)])).len(), all);
        assert_eq!(
            failing(json!([rule("tcp", Some(0), Some(65535), WORLD6)])).len(),
            all
        );
        // A range covering some services' ports.
        let bad = failing(json!([rule("tcp", Some(3000), Some(3400), WORLD4)]));
        assert!(bad.contains(&id("mysql")) && bad.contains(&id("high_risk")));
        assert!(!bad.contains(&id("postgres")));
    }

    #[test]
    fn udp_counts_only_for_services_with_a_udp_side() {
        let bad = failing(json!([rule("udp", Some(11211), Some(11211), WORLD4)]));
        assert_eq!(bad, vec![id("memcached")]);
        let bad = failing(json!([rule("17", Some(445), Some(445), WORLD4)]));
        assert_eq!(bad, vec![id("cifs")]);
        // TCP-only services ignore UDP.
        assert!(failing(json!([rule("udp", Some(3306), Some(3306), WORLD4)])).is_empty());
    }

    #[test]
    fn narrower_peers_and_other_ports_pass() {
        for ingress in [
            json!([]),
            json!([rule("tcp", Some(443), Some(443), WORLD4)]),
            json!([rule(
                "tcp",
                Some(3306),
                Some(3306),
                ("cidr_ipv4", "10.0.0.0/8")
            )]),
            json!([rule("-1", None, None, ("security_group_id", "sg-2"))]),
            json!([rule("-1", None, None, ("prefix_list_id", "pl-1"))]),
            json!([rule("icmp", None, None, WORLD4)]),
        ] {
            assert!(failing(ingress.clone()).is_empty(), "{ingress}");
        }
    }

    #[test]
    fn failure_names_group_ports_and_rules() {
        let sg = security_group(
            "sg-1",
            json!({"ingress": [rule("tcp", Some(27017), Some(27018), WORLD6)]}),
        );
        let findings = run::<Ec2Rules>(std::slice::from_ref(&sg));
        let f = assert_status(&findings, id("mongodb"), &sg.arn, Status::Fail);
        assert!(
            f.message.contains("sg-1") && f.message.contains("27017, 27018"),
            "{}",
            f.message
        );
        assert_eq!(f.evidence["open_ports"], json!([27017, 27018]));
        assert_eq!(f.evidence["open_rules"][0]["cidr_ipv6"], "::/0");
    }

    #[test]
    fn unreadable_rules_are_errors() {
        let sg = security_group(
            "sg-1",
            json!({"ingress": null, "errors": {"ingress": {"code": "AccessDenied", "category": "access_denied"}}}),
        );
        let findings = run::<Ec2Rules>(std::slice::from_ref(&sg));
        for s in SERVICES {
            assert_status(&findings, s.id, &sg.arn, Status::Error);
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut ids: Vec<&str> = SERVICES.iter().map(|s| s.id).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), SERVICES.len());
    }
}
