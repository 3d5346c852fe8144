//! The classification: which checks guard a data store, and what their failure exposes.
//!
//! One declarative [`TABLE`], check id → classification, exposure, data-store kind. A check that
//! is not in it is none of this plugin's business.

use lgp_sdk::Severity;
use lgp_sdk::kinds::{ec2, s3};
use serde::Serialize;

/// How bad a data store's exposure is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// The data is reachable by anyone: `security.threat`.
    Threat,
    /// The data store is configured weakly: `security.misconfiguration`.
    Misconfiguration,
}

impl Classification {
    /// The event type that reports a failure of this classification.
    pub fn event_type(self) -> &'static str {
        match self {
            Classification::Threat => "security.threat",
            Classification::Misconfiguration => "security.misconfiguration",
        }
    }

    /// The wire name, as in the payloads.
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Threat => "threat",
            Classification::Misconfiguration => "misconfiguration",
        }
    }
}

/// What a failing check exposes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Exposure {
    /// A public ACL grant or bucket policy statement lets anyone use what it allows (reading,
    /// listing or more: the violation does not say which).
    PublicAccess,
    /// Anyone can list the bucket's objects.
    PublicList,
    /// Anyone can write, overwrite or delete data.
    PublicWrite,
    /// Any AWS account can create a volume from the snapshot.
    PublicSnapshot,
    /// Any AWS account can launch the machine image and read its disks.
    PublicImage,
    /// Other AWS accounts are granted access.
    CrossAccount,
    /// Data is stored without encryption.
    UnencryptedAtRest,
    /// Requests over plain HTTP are not refused.
    InsecureTransport,
    /// Block Public Access does not stop a future public grant or policy.
    MissingPublicAccessBlock,
}

impl Exposure {
    /// What the exposure means for the data, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Exposure::PublicAccess => {
                "a public ACL grant or bucket policy lets anyone reach the data"
            }
            Exposure::PublicList => "anyone can list the bucket's objects",
            Exposure::PublicWrite => "anyone can write, overwrite or delete data",
            Exposure::PublicSnapshot => "any AWS account can copy the disk snapshot",
            Exposure::PublicImage => {
                "any AWS account can launch the machine image and read its disks"
            }
            Exposure::CrossAccount => "other AWS accounts are granted access",
            Exposure::UnencryptedAtRest => "data is stored without encryption",
            Exposure::InsecureTransport => "requests over plain HTTP are not refused",
            Exposure::MissingPublicAccessBlock => {
                "Block Public Access does not stop a future public grant or policy"
            }
        }
    }
}

/// One row of the [`TABLE`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Classified {
    /// The rule's check id.
    pub check_id: &'static str,
    /// Threat or misconfiguration.
    pub classification: Classification,
    /// What the failure exposes.
    pub exposure: Exposure,
    /// The resource kind of the data store, or of the account setting that guards it.
    pub data_store: &'static str,
}

impl Classified {
    /// The severity of the security event, from the rule's: a threat is at least high, and
    /// critical when strangers can write or copy a whole disk; a misconfiguration keeps the
    /// rule's.
    pub fn severity(&self, rule: Severity) -> Severity {
        match (self.classification, self.exposure) {
            (Classification::Threat, Exposure::PublicWrite | Exposure::PublicSnapshot) => {
                Severity::Critical
            }
            (Classification::Threat, _) => rule.max(Severity::High),
            (Classification::Misconfiguration, _) => rule,
        }
    }
}

const fn row(
    check_id: &'static str,
    classification: Classification,
    exposure: Exposure,
    data_store: &'static str,
) -> Classified {
    Classified {
        check_id,
        classification,
        exposure,
        data_store,
    }
}

use Classification::{Misconfiguration, Threat};
use Exposure::*;

/// Every check this plugin classifies.
#[rustfmt::skip]
pub const TABLE: &[Classified] = &[
    // Data reachable by anyone.
    row("s3_bucket_acl_not_public",              Threat,           PublicAccess,             s3::KIND),
    row("s3_bucket_policy_not_public",           Threat,           PublicAccess,             s3::KIND),
    row("s3_bucket_policy_no_public_write",      Threat,           PublicWrite,              s3::KIND),
    row("s3_bucket_public_list_acl",             Threat,           PublicList,               s3::KIND),
    row("s3_bucket_public_write_acl",            Threat,           PublicWrite,              s3::KIND),
    row("ec2_ebs_public_snapshot",               Threat,           PublicSnapshot,           ec2::snapshot::KIND),
    row("ec2_ami_public",                        Threat,           PublicImage,              ec2::image::KIND),
    // Weak configuration.
    row("s3_bucket_cross_account_access",        Misconfiguration, CrossAccount,             s3::KIND),
    row("s3_bucket_default_encryption",          Misconfiguration, UnencryptedAtRest,        s3::KIND),
    row("ec2_ebs_volume_encryption",             Misconfiguration, UnencryptedAtRest,        ec2::volume::KIND),
    row("ec2_ebs_snapshots_encrypted",           Misconfiguration, UnencryptedAtRest,        ec2::snapshot::KIND),
    row("ec2_ebs_default_encryption",            Misconfiguration, UnencryptedAtRest,        ec2::ebs_encryption_by_default::KIND),
    row("s3_bucket_level_public_access_block",   Misconfiguration, MissingPublicAccessBlock, s3::KIND),
    row("s3_account_level_public_access_blocks", Misconfiguration, MissingPublicAccessBlock, s3::ACCOUNT_PUBLIC_ACCESS_BLOCK_KIND),
    row("s3_bucket_secure_transport_policy",     Misconfiguration, InsecureTransport,        s3::KIND),
];

/// The row of `check_id`, if this plugin classifies it.
pub fn classify(check_id: &str) -> Option<&'static Classified> {
    TABLE.iter().find(|c| c.check_id == check_id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn check_ids_are_unique() {
        let ids: BTreeSet<_> = TABLE.iter().map(|c| c.check_id).collect();
        assert_eq!(ids.len(), TABLE.len());
    }

    #[test]
    fn threats_are_public_exposures() {
        for c in TABLE {
            let public = matches!(
                c.exposure,
                PublicAccess | PublicList | PublicWrite | PublicSnapshot | PublicImage
            );
            assert_eq!(c.classification == Threat, public, "{}", c.check_id);
        }
    }

    #[test]
    fn severities() {
        let of = |id: &str, rule| classify(id).map(|c| c.severity(rule));
        // Threats: at least high, critical for public write and public snapshots.
        assert_eq!(
            of("s3_bucket_public_list_acl", Severity::Medium),
            Some(Severity::High)
        );
        assert_eq!(
            of("ec2_ami_public", Severity::Critical),
            Some(Severity::Critical)
        );
        assert_eq!(
            of("s3_bucket_public_write_acl", Severity::High),
            Some(Severity::Critical)
        );
        assert_eq!(
            of("ec2_ebs_public_snapshot", Severity::Low),
            Some(Severity::Critical)
        );
        // Misconfigurations keep the rule's severity.
        assert_eq!(
            of("ec2_ebs_volume_encryption", Severity::Low),
            Some(Severity::Low)
        );
        assert_eq!(
            of("s3_bucket_level_public_access_block", Severity::High),
            Some(Severity::High)
        );
        assert_eq!(of("s3_bucket_versioning_enabled", Severity::High), None);
    }

    #[test]
    fn classification_wire_names_match_serde() {
        for c in TABLE {
            assert_eq!(
                serde_json::to_value(c.classification).ok(),
                Some(c.classification.as_str().into())
            );
        }
    }
}
