//! Unused resources: unassociated Elastic IPs and security groups no interface uses.

use super::controls::{INVENTORY, NETWORK_HYGIENE};
use super::{SECURITY_HUB_EC2_DOCS, meta};
use lgp_sdk::kinds::ec2::{elastic_ip, security_group};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// `ec2_elastic_ip_unassigned`.
pub fn elastic_ip_associated() -> Check {
    Check::new(
        meta(
            "ec2_elastic_ip_unassigned",
            "Elastic IP address is associated with a resource",
            Severity::Low,
            elastic_ip::KIND,
        )
        .description(
            "Checks that the Elastic IP address is associated with an instance or a network interface.",
        )
        .rationale(
            "An unassociated Elastic IP is billed, serves nothing, and is easy to attach to the wrong \
             resource later; releasing it keeps the inventory honest.",
        )
        .remediation(
            Remediation::new("Release the address if it is not needed, or associate it with the resource it is for.")
                .cli("aws ec2 release-address --allocation-id <allocation-id>")
                .console("EC2 > Network & Security > Elastic IPs > <address> > Actions > Release Elastic IP address")
                .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("aws-fsbp", "EC2.12")
        .references(INVENTORY)
        .equivalent("prowler", "ec2_elastic_ip_unassigned")
        .equivalent("security-hub", "EC2.12"),
        check_elastic_ip,
    )
}

/// `ec2_securitygroup_not_used`.
pub fn security_group_used() -> Check {
    Check::new(
        meta(
            "ec2_securitygroup_not_used",
            "Security group is attached to at least one network interface",
            Severity::Low,
            security_group::KIND,
        )
        .description(
            "Checks that a non-default security group is used by at least one network interface in \
             its region. Default groups pass: they cannot be deleted.",
        )
        .rationale(
            "Unused groups accumulate permissive rules nobody reviews and are attached by mistake \
             later; removing them keeps the network policy small enough to audit.",
        )
        .remediation(
            Remediation::new("Delete the security group if nothing needs it.")
                .cli("aws ec2 delete-security-group --group-id <group-id>")
                .console("EC2 > Network & Security > Security Groups > <group> > Actions > Delete security groups")
                .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("aws-fsbp", "EC2.22")
        .references(NETWORK_HYGIENE)
        .equivalent("prowler", "ec2_securitygroup_not_used")
        .equivalent("security-hub", "EC2.22"),
        check_security_group,
    )
}

fn check_elastic_ip(eip: &Resource, _: &Context) -> CheckResult {
    let associated: bool = eip.get(elastic_ip::props::ASSOCIATED)?;
    let name = &eip.name;
    Ok(Outcome::pass_if(
        associated,
        format!("Elastic IP {name} is associated."),
        format!("Elastic IP {name} is not associated with any instance or network interface."),
    )
    .evidence(elastic_ip::props::ASSOCIATED, associated))
}

fn check_security_group(sg: &Resource, _: &Context) -> CheckResult {
    use security_group::props;
    let name = &sg.name;
    let is_default: bool = sg.get(props::IS_DEFAULT)?;
    if is_default {
        return Ok(Outcome::pass(format!(
            "Security group {name} is a VPC's default group, which cannot be deleted."
        ))
        .evidence(props::IS_DEFAULT, true));
    }
    let count: u64 = sg.get(props::NETWORK_INTERFACE_COUNT)?;
    Ok(Outcome::pass_if(
        count > 0,
        format!("Security group {name} is used by {count} network interface(s)."),
        format!("Security group {name} is not used by any network interface."),
    )
    .evidence(props::IS_DEFAULT, false)
    .evidence(props::NETWORK_INTERFACE_COUNT, count))
}

#[cfg(test)]
mod tests {
    use crate::Ec2Rules;
    use crate::test_support::{elastic_ip, security_group};
    use lgp_sdk::testing::{assert_status, run};
    use lgp_sdk::{Resource, Status};
    use serde_json::json;

    const EIP: &str = "ec2_elastic_ip_unassigned";
    const SG: &str = "ec2_securitygroup_not_used";

    fn check(r: Resource, id: &str, want: Status) {
        let findings = run::<Ec2Rules>(std::slice::from_ref(&r));
        let f = assert_status(&findings, id, &r.arn, want);
        if want != Status::Error {
            assert!(f.message.contains(&r.name), "{}", f.message);
        }
    }

    #[test]
    fn elastic_ips() {
        check(
            elastic_ip("eipalloc-1", json!({"associated": true})),
            EIP,
            Status::Pass,
        );
        check(
            elastic_ip(
                "eipalloc-1",
                json!({"associated": false, "association_id": null, "instance_id": null,
                    "network_interface_id": null, "private_ip_address": null}),
            ),
            EIP,
            Status::Fail,
        );
        check(
            elastic_ip("eipalloc-1", json!({"associated": null})),
            EIP,
            Status::Error,
        );
    }

    #[test]
    fn unused_security_groups() {
        check(
            security_group("sg-1", json!({"network_interface_count": 2})),
            SG,
            Status::Pass,
        );
        check(
            security_group("sg-1", json!({"network_interface_count": 0})),
            SG,
            Status::Fail,
        );
        // The default group cannot be deleted, used or not.
        check(
            security_group(
                "sg-d",
                json!({"is_default": true, "group_name": "default", "network_interface_count": 0}),
            ),
            SG,
            Status::Pass,
        );
        // DescribeNetworkInterfaces failed: no guess.
        check(
            security_group(
                "sg-1",
                json!({"network_interface_count": null,
                    "errors": {"network_interface_count": {"code": "UnauthorizedOperation", "category": "access_denied"}}}),
            ),
            SG,
            Status::Error,
        );
    }
}
