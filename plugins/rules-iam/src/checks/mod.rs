//! The checks, one module per topic. Each check is a plain function from one IAM resource to an
//! [`Outcome`](lgp_sdk::Outcome) plus its metadata; the SDK does the dispatch.

pub mod account;
pub mod attachments;
pub mod certificates;
pub mod password_policy;
pub mod policies;
pub mod roles;
pub mod users;

use lgp_sdk::{CheckMeta, Severity};

/// What an IAM kind names in messages: `user`, `group`, `role`… (the kind's last part).
pub(crate) fn kind_noun(kind: &str) -> &str {
    kind.rsplit(':').next().unwrap_or("principal")
}

/// Metadata shared by every check of this plugin: service `iam` and the kind it reads.
pub(crate) fn meta(id: &str, title: &str, severity: Severity, kind: &str) -> CheckMeta {
    CheckMeta::new(id, title, severity)
        .service("iam")
        .resource_kind(kind)
}

/// Framework references `(framework, control)` that every check of one theme shares. The CIS
/// recommendation and the Security Hub control a check implements are named by the check itself;
/// these are the broader controls (NIST, PCI DSS, SOC 2, HIPAA, ISO 27001) the theme serves,
/// added with [`CheckMeta::references`].
pub(crate) type Refs = &'static [(&'static str, &'static str)];

/// Strong authentication of the root user: MFA, hardware MFA.
pub(crate) const ROOT_MFA: Refs = &[
    ("nist-800-53-r5", "IA-2(1)"),
    ("pci-dss-4.0", "8.4.1"),
    ("soc2", "CC6.1"),
    ("hipaa", "164.312(d)"),
    ("iso-27001-2022", "A.8.5"),
];

/// Strong authentication of IAM users.
pub(crate) const USER_MFA: Refs = &[
    ("nist-800-53-r5", "IA-2(1)"),
    ("pci-dss-4.0", "8.4.2"),
    ("soc2", "CC6.1"),
    ("hipaa", "164.312(d)"),
    ("iso-27001-2022", "A.8.5"),
];

/// The root user is a shared, all-powerful identity: no keys, no daily use.
pub(crate) const ROOT_USE: Refs = &[
    ("nist-800-53-r5", "AC-6(2)"),
    ("pci-dss-4.0", "8.2.2"),
    ("soc2", "CC6.1"),
    ("hipaa", "164.312(a)(2)(i)"),
    ("iso-27001-2022", "A.8.2"),
];

/// Password rules (PCI's requirement differs per rule and is added by each check).
pub(crate) const PASSWORDS: Refs = &[
    ("nist-800-53-r5", "IA-5(1)"),
    ("soc2", "CC6.1"),
    ("hipaa", "164.308(a)(5)(ii)(D)"),
    ("iso-27001-2022", "A.5.17"),
];

/// Credentials nobody uses are disabled.
pub(crate) const UNUSED_CREDENTIALS: Refs = &[
    ("nist-800-53-r5", "AC-2(3)"),
    ("pci-dss-4.0", "8.2.6"),
    ("soc2", "CC6.2"),
    ("hipaa", "164.308(a)(4)(ii)(C)"),
    ("iso-27001-2022", "A.5.18"),
];

/// Access keys are few, needed and rotated.
pub(crate) const ACCESS_KEYS: Refs = &[
    ("nist-800-53-r5", "IA-5"),
    ("soc2", "CC6.1"),
    ("hipaa", "164.308(a)(5)(ii)(D)"),
    ("iso-27001-2022", "A.5.17"),
];

/// Least privilege: no more permissions than a job needs.
pub(crate) const LEAST_PRIVILEGE: Refs = &[
    ("nist-800-53-r5", "AC-6"),
    ("pci-dss-4.0", "7.2.2"),
    ("soc2", "CC6.3"),
    ("hipaa", "164.308(a)(4)(ii)(B)"),
    ("iso-27001-2022", "A.8.2"),
];

/// Who may assume a role.
pub(crate) const ROLE_TRUST: Refs = &[
    ("nist-800-53-r5", "AC-3"),
    ("soc2", "CC6.1"),
    ("hipaa", "164.312(a)(1)"),
    ("iso-27001-2022", "A.5.15"),
];
