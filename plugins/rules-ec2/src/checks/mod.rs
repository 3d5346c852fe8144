//! The checks, one module per topic. Each check is a plain function from one resource to an
//! [`Outcome`](lgp_sdk::Outcome) plus its metadata; the SDK does the dispatch by kind.

pub mod ebs;
pub mod instances;
pub mod launch_templates;
pub mod network_acls;
pub mod security_groups;
pub mod unused;

use lgp_sdk::{CheckMeta, Severity};

/// Where the Security Hub documentation of the EC2 controls lives.
pub(crate) const SECURITY_HUB_EC2_DOCS: &str =
    "https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html";

/// Metadata shared by every check of this plugin: service `ec2` and the one kind it reads.
pub(crate) fn meta(id: &str, title: &str, severity: Severity, kind: &str) -> CheckMeta {
    CheckMeta::new(id, title, severity)
        .service("ec2")
        .resource_kind(kind)
}
