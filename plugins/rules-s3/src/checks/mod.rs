//! The checks, one module per topic. Each check is a plain function from one bucket to an
//! [`Outcome`](lgp_sdk::Outcome) plus its metadata; the SDK does the dispatch.

pub mod account;
pub mod acl;
pub mod cross_account;
pub mod encryption;
pub mod logging;
pub mod ownership;
pub mod public_access;
pub mod resilience;
pub mod transport;
pub mod versioning;

use lgp_sdk::kinds::s3;
use lgp_sdk::{CheckMeta, Severity};

/// Where the Security Hub documentation of the S3 controls lives.
pub(crate) const SECURITY_HUB_S3_DOCS: &str =
    "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html";

/// Metadata shared by every check of this plugin: service `s3`, kind `aws:s3:bucket`.
pub(crate) fn meta(id: &str, title: &str, severity: Severity) -> CheckMeta {
    CheckMeta::new(id, title, severity)
        .service("s3")
        .resource_kind(s3::KIND)
}

/// The controls every public-exposure check answers: PCI DSS 1.3.1 and 1.4.2 (inbound traffic
/// restricted), SOC 2 CC6.1 and CC6.6 (logical access, boundary protection), HIPAA access
/// control, NIST access enforcement and boundary protection, ISO access control and information
/// access restriction.
pub(crate) const PUBLIC_ACCESS: &[(&str, &str)] = &[
    ("pci-dss-4.0", "1.3.1"),
    ("pci-dss-4.0", "1.4.2"),
    ("soc2", "CC6.1"),
    ("soc2", "CC6.6"),
    ("hipaa", "164.312(a)(1)"),
    ("nist-800-53-r5", "AC-3"),
    ("nist-800-53-r5", "SC-7"),
    ("iso-27001-2022", "A.5.15"),
    ("iso-27001-2022", "A.8.3"),
];

/// [`PUBLIC_ACCESS`] for checks of public *write* access, which also threatens integrity
/// (HIPAA 164.312(c)(1), listed beside the other HIPAA control).
pub(crate) const PUBLIC_WRITE: &[(&str, &str)] = &[
    ("pci-dss-4.0", "1.3.1"),
    ("pci-dss-4.0", "1.4.2"),
    ("soc2", "CC6.1"),
    ("soc2", "CC6.6"),
    ("hipaa", "164.312(a)(1)"),
    ("hipaa", "164.312(c)(1)"),
    ("nist-800-53-r5", "AC-3"),
    ("nist-800-53-r5", "SC-7"),
    ("iso-27001-2022", "A.5.15"),
    ("iso-27001-2022", "A.8.3"),
];

/// The controls of checks about access granted to other AWS accounts: PCI DSS 7.2.1 (access
/// assigned by need), SOC 2 CC6.1 and CC6.3, HIPAA access control, NIST access enforcement and
/// least privilege, ISO access control.
pub(crate) const OTHER_ACCOUNTS: &[(&str, &str)] = &[
    ("pci-dss-4.0", "7.2.1"),
    ("soc2", "CC6.1"),
    ("soc2", "CC6.3"),
    ("hipaa", "164.312(a)(1)"),
    ("nist-800-53-r5", "AC-3"),
    ("nist-800-53-r5", "AC-6"),
    ("iso-27001-2022", "A.5.15"),
];
