//! The checks, one module per topic. Each check is a plain function from one resource to an
//! [`Outcome`](lgp_sdk::Outcome) plus its metadata; the SDK does the dispatch by kind.
//!
//! Framework references that several checks share are named sets (the `controls` module), so
//! a control that answers "is this reachable from the internet" is spelled once for every check
//! that answers it.

pub mod ebs;
pub mod instances;
pub mod launch_templates;
pub mod network_acls;
pub mod security_groups;
pub mod service_ports;
pub mod unused;
pub mod vpcs;

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

/// One framework control: (framework id, control id), as [`CheckMeta::reference`] takes them;
/// a set of them is added with [`CheckMeta::references`].
pub(crate) type Control = (&'static str, &'static str);

/// Framework controls shared by several checks, beyond each check's own CIS and AWS FSBP ids.
pub(crate) mod controls {
    use super::Control;

    /// Inbound traffic from the internet restricted to what is needed: PCI DSS 1.3.1 (inbound
    /// to the CDE) and 1.4.2 (from untrusted networks), SOC 2 CC6.6 (boundary protection),
    /// HIPAA transmission security, NIST information-flow and boundary protection, ISO network
    /// security and segregation.
    pub const INTERNET_INGRESS: &[Control] = &[
        ("pci-dss-4.0", "1.3.1"),
        ("pci-dss-4.0", "1.4.2"),
        ("soc2", "CC6.6"),
        ("hipaa", "164.312(e)(1)"),
        ("nist-800-53-r5", "AC-4"),
        ("nist-800-53-r5", "SC-7"),
        ("iso-27001-2022", "A.8.20"),
        ("iso-27001-2022", "A.8.22"),
    ];

    /// Every allowed service, protocol and port identified and justified (PCI DSS 1.2.5),
    /// least functionality (NIST CM-7): for checks about which ports are open at all.
    pub const PORTS_JUSTIFIED: &[Control] = &[("pci-dss-4.0", "1.2.5"), ("nist-800-53-r5", "CM-7")];

    /// Systems not directly reachable from untrusted networks: PCI DSS 1.4.4, boundary
    /// protection (SOC 2, NIST), ISO network security.
    pub const PUBLIC_ADDRESS: &[Control] = &[
        ("pci-dss-4.0", "1.4.4"),
        ("soc2", "CC6.6"),
        ("hipaa", "164.312(e)(1)"),
        ("nist-800-53-r5", "AC-4"),
        ("nist-800-53-r5", "SC-7"),
        ("iso-27001-2022", "A.8.20"),
        ("iso-27001-2022", "A.8.22"),
    ];

    /// Network security controls kept small, current and reviewed: PCI DSS 1.2.7 (rule sets
    /// reviewed, unneeded ones removed), NIST least functionality and boundary protection.
    pub const NETWORK_HYGIENE: &[Control] = &[
        ("pci-dss-4.0", "1.2.7"),
        ("soc2", "CC6.6"),
        ("nist-800-53-r5", "CM-7"),
        ("nist-800-53-r5", "SC-7"),
        ("iso-27001-2022", "A.8.20"),
    ];

    /// Stored data encrypted: PCI DSS 3.5.1, SOC 2 CC6.1, HIPAA encryption at rest, NIST
    /// SC-28 and SC-28(1), ISO use of cryptography.
    pub const ENCRYPTION_AT_REST: &[Control] = &[
        ("pci-dss-4.0", "3.5.1"),
        ("soc2", "CC6.1"),
        ("hipaa", "164.312(a)(2)(iv)"),
        ("nist-800-53-r5", "SC-28"),
        ("nist-800-53-r5", "SC-28(1)"),
        ("iso-27001-2022", "A.8.24"),
    ];

    /// Data not shared with everyone: access control (PCI DSS 7.2.1, SOC 2 CC6.1, HIPAA
    /// 164.312(a)(1), NIST AC-3, information sharing AC-21, ISO access control and
    /// information access restriction).
    pub const NOT_SHARED_PUBLICLY: &[Control] = &[
        ("pci-dss-4.0", "7.2.1"),
        ("soc2", "CC6.1"),
        ("hipaa", "164.312(a)(1)"),
        ("nist-800-53-r5", "AC-3"),
        ("nist-800-53-r5", "AC-21"),
        ("iso-27001-2022", "A.5.15"),
        ("iso-27001-2022", "A.8.3"),
    ];

    /// The instance metadata service hardened against credential theft: secure configuration
    /// (PCI DSS 2.2.1, ISO A.8.9), access enforcement (SOC 2 CC6.1, HIPAA, NIST AC-3, AC-6).
    pub const METADATA_SERVICE: &[Control] = &[
        ("pci-dss-4.0", "2.2.1"),
        ("soc2", "CC6.1"),
        ("hipaa", "164.312(a)(1)"),
        ("nist-800-53-r5", "AC-3"),
        ("nist-800-53-r5", "AC-6"),
        ("iso-27001-2022", "A.8.9"),
    ];

    /// No credentials embedded in scripts or configuration: PCI DSS 8.6.2 (not hard coded),
    /// NIST IA-5(7) (no embedded unencrypted static authenticators), authentication (SOC 2
    /// CC6.1, HIPAA 164.312(d)), ISO authentication information.
    pub const NO_EMBEDDED_CREDENTIALS: &[Control] = &[
        ("pci-dss-4.0", "8.6.2"),
        ("soc2", "CC6.1"),
        ("hipaa", "164.312(d)"),
        ("nist-800-53-r5", "IA-5(7)"),
        ("iso-27001-2022", "A.5.17"),
    ];

    /// Network traffic logged: PCI DSS 10.2.1, SOC 2 CC7.2, HIPAA audit controls, NIST event
    /// logging and system monitoring, ISO logging and monitoring.
    pub const TRAFFIC_LOGGING: &[Control] = &[
        ("pci-dss-4.0", "10.2.1"),
        ("soc2", "CC7.2"),
        ("hipaa", "164.312(b)"),
        ("nist-800-53-r5", "AU-12"),
        ("nist-800-53-r5", "SI-4"),
        ("iso-27001-2022", "A.8.15"),
        ("iso-27001-2022", "A.8.16"),
    ];

    /// Resources inventoried and idle ones removed: NIST CM-8, SOC 2 CC6.1 (inventory of
    /// information assets), ISO inventory of assets.
    pub const INVENTORY: &[Control] = &[
        ("soc2", "CC6.1"),
        ("nist-800-53-r5", "CM-8"),
        ("iso-27001-2022", "A.5.9"),
    ];
}
