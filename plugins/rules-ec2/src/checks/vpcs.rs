//! VPCs: flow logging on, for rejected traffic at least.

use super::controls::TRAFFIC_LOGGING;
use super::meta;
use lgp_sdk::kinds::ec2::vpc::{KIND, VpcFlowLog, props};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// `vpc_flow_logs_enabled`.
pub fn flow_logs_enabled() -> Check {
    Check::new(
        meta(
            "vpc_flow_logs_enabled",
            "VPC flow logging is enabled",
            Severity::Medium,
            KIND,
        )
        .description(
            "Checks that the VPC has at least one active flow log that records rejected traffic \
             (traffic type `REJECT` or `ALL`), as CIS and Security Hub EC2.6 require. Flow logs of \
             the VPC's subnets or interfaces alone do not count.",
        )
        .rationale(
            "Flow logs are the record of who talked to what inside the network; without them, \
             reconnaissance, blocked intrusion attempts and data exfiltration leave no trace to \
             investigate.",
        )
        .remediation(
            Remediation::new(
                "Create a flow log for the VPC capturing at least rejected traffic, delivered to \
                 CloudWatch Logs or S3.",
            )
            .cli("aws ec2 create-flow-logs --resource-type VPC --resource-ids <vpc-id> --traffic-type REJECT --log-destination-type s3 --log-destination arn:aws:s3:::<bucket>")
            .console("VPC > Your VPCs > <vpc> > Flow logs > Create flow log")
            .url("https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs.html"),
        )
        .reference("cis-aws-3.0", "3.7")
        .reference("cis-aws-7.0", "4.7")
        .reference("aws-fsbp", "EC2.6")
        .references(TRAFFIC_LOGGING)
        .equivalent("prowler", "vpc_flow_logs_enabled")
        .equivalent("security-hub", "EC2.6"),
        check_flow_logs,
    )
}

/// Whether the flow log is active and records rejected traffic.
fn logs_rejects(log: &VpcFlowLog) -> bool {
    let active = log
        .status
        .as_deref()
        .is_none_or(|s| s.eq_ignore_ascii_case("ACTIVE"));
    let rejects = log
        .traffic_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("REJECT") || t.eq_ignore_ascii_case("ALL"));
    active && rejects
}

fn check_flow_logs(vpc: &Resource, _: &Context) -> CheckResult {
    let logs: Vec<VpcFlowLog> = vpc.get(props::FLOW_LOGS)?;
    let name = &vpc.name;
    let good: Vec<&str> = logs
        .iter()
        .filter(|l| logs_rejects(l))
        .map(|l| l.flow_log_id.as_str())
        .collect();
    let outcome = if !good.is_empty() {
        Outcome::pass(format!(
            "VPC {name} has flow logging of rejected traffic ({}).",
            good.join(", ")
        ))
    } else if logs.is_empty() {
        Outcome::fail(format!("VPC {name} has no flow log."))
    } else {
        Outcome::fail(format!(
            "VPC {name} has {} flow log(s), none active and recording rejected traffic.",
            logs.len()
        ))
    };
    Ok(outcome.evidence(props::FLOW_LOGS, &logs))
}

#[cfg(test)]
mod tests {
    use crate::Ec2Rules;
    use crate::test_support::vpc;
    use lgp_sdk::Status;
    use lgp_sdk::testing::{finding, run};
    use serde_json::{Value, json};

    const ID: &str = "vpc_flow_logs_enabled";

    fn status(flow_logs: Value) -> Status {
        let v = vpc("vpc-1", json!({ "flow_logs": flow_logs }));
        let findings = run::<Ec2Rules>(std::slice::from_ref(&v));
        let f = finding(&findings, ID, &v.arn);
        if f.status != Status::Error {
            assert!(f.message.contains("vpc-1"), "{}", f.message);
        }
        f.status
    }

    fn log(status: Option<&str>, traffic: Option<&str>) -> Value {
        json!({"flow_log_id": "fl-1", "status": status, "traffic_type": traffic,
            "destination_type": "s3", "destination": "arn:aws:s3:::logs"})
    }

    #[test]
    fn an_active_log_of_rejected_traffic_is_needed() {
        assert_eq!(
            status(json!([log(Some("ACTIVE"), Some("ALL"))])),
            Status::Pass
        );
        assert_eq!(
            status(json!([log(Some("ACTIVE"), Some("REJECT"))])),
            Status::Pass
        );
        assert_eq!(status(json!([])), Status::Fail);
        // Accepted traffic only does not show what was blocked.
        assert_eq!(
            status(json!([log(Some("ACTIVE"), Some("ACCEPT"))])),
            Status::Fail
        );
        assert_eq!(
            status(json!([log(Some("DELETED"), Some("ALL"))])),
            Status::Fail
        );
        assert_eq!(
            status(json!([
                log(Some("ACTIVE"), Some("ACCEPT")),
                log(None, Some("ALL"))
            ])),
            Status::Pass
        );
    }

    #[test]
    fn unreadable_flow_logs_are_an_error() {
        let v = vpc(
            "vpc-1",
            json!({"flow_logs": null, "errors": {"flow_logs": {"code": "UnauthorizedOperation", "category": "access_denied"}}}),
        );
        let findings = run::<Ec2Rules>(std::slice::from_ref(&v));
        let f = finding(&findings, ID, &v.arn);
        assert_eq!(f.status, Status::Error);
        assert!(f.message.contains("UnauthorizedOperation"), "{}", f.message);
    }
}
