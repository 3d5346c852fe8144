//! EBS and AMIs: encryption by default per region, encrypted volumes and snapshots, no public
//! snapshots or AMIs.

use super::controls::{ENCRYPTION_AT_REST, NOT_SHARED_PUBLICLY};
use super::{SECURITY_HUB_EC2_DOCS, meta};
use lgp_sdk::kinds::ec2::{ebs_encryption_by_default, image, snapshot, volume};
use lgp_sdk::{Check, CheckResult, Context, Outcome, Remediation, Resource, Severity};

/// `ec2_ebs_default_encryption`.
pub fn default_encryption() -> Check {
    Check::new(
        meta(
            "ec2_ebs_default_encryption",
            "EBS encryption by default is enabled in the region",
            Severity::Medium,
            ebs_encryption_by_default::KIND,
        )
        .description(
            "Checks, for each region, that the account's EBS encryption by default setting is on, so \
             new volumes and snapshot copies are encrypted even when the request does not ask.",
        )
        .rationale(
            "Encryption by default removes the chance that a volume holding sensitive data is created \
             unencrypted by a template, script or person who forgot the flag.",
        )
        .remediation(
            Remediation::new("Enable EBS encryption by default in every region you use.")
                .cli("aws ec2 enable-ebs-encryption-by-default --region <region>")
                .console("EC2 > Settings (Account attributes) > Data protection and security > EBS encryption > Manage")
                .url("https://docs.aws.amazon.com/ebs/latest/userguide/encryption-by-default.html"),
        )
        .reference("cis-aws-3.0", "2.2.1")
        .reference("cis-aws-7.0", "6.1.1")
        .reference("aws-fsbp", "EC2.7")
        .references(ENCRYPTION_AT_REST)
        .equivalent("prowler", "ec2_ebs_default_encryption")
        .equivalent("security-hub", "EC2.7"),
        check_default_encryption,
    )
}

/// `ec2_ebs_volume_encryption`.
pub fn volume_encrypted() -> Check {
    Check::new(
        meta(
            "ec2_ebs_volume_encryption",
            "EBS volume is encrypted at rest",
            Severity::Medium,
            volume::KIND,
        )
        .description(
            "Checks that the EBS volume is encrypted. Attached and unattached volumes are both \
             checked (Security Hub EC2.3 looks at attached ones only).",
        )
        .rationale(
            "An unencrypted volume, and every snapshot taken of it, exposes its data to anyone who \
             obtains a copy; encryption ties access to a KMS key whose use is logged.",
        )
        .remediation(
            Remediation::new(
                "Volumes cannot be encrypted in place: snapshot the volume, copy the snapshot with \
                 encryption, create a new volume from the copy and swap it in; then enable EBS \
                 encryption by default.",
            )
            .cli("aws ec2 copy-snapshot --source-region <region> --source-snapshot-id <snapshot-id> --encrypted --kms-key-id <key-id>")
            .console("EC2 > Elastic Block Store > Volumes")
            .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("aws-fsbp", "EC2.3")
        .references(ENCRYPTION_AT_REST)
        .equivalent("prowler", "ec2_ebs_volume_encryption")
        .equivalent("security-hub", "EC2.3"),
        check_volume_encrypted,
    )
}

/// `ec2_ebs_public_snapshot`.
pub fn snapshot_not_public() -> Check {
    Check::new(
        meta(
            "ec2_ebs_public_snapshot",
            "EBS snapshot is not publicly restorable",
            Severity::Critical,
            snapshot::KIND,
        )
        .description(
            "Checks that the snapshot has no `createVolumePermission` for group `all`, which lets any \
             AWS account create a volume from it.",
        )
        .rationale(
            "A public snapshot gives every AWS customer a full copy of the disk, including any \
             credentials, keys and data on it.",
        )
        .remediation(
            Remediation::new("Remove the public create-volume permission from the snapshot.")
                .cli("aws ec2 modify-snapshot-attribute --snapshot-id <snapshot-id> --attribute createVolumePermission --operation-type remove --group-names all")
                .console("EC2 > Elastic Block Store > Snapshots > <snapshot> > Actions > Modify permissions > Private")
                .url(SECURITY_HUB_EC2_DOCS),
        )
        .reference("aws-fsbp", "EC2.1")
        .references(NOT_SHARED_PUBLICLY)
        .equivalent("prowler", "ec2_ebs_public_snapshot")
        .equivalent("security-hub", "EC2.1"),
        check_snapshot_not_public,
    )
}

/// `ec2_ebs_snapshots_encrypted`.
pub fn snapshot_encrypted() -> Check {
    Check::new(
        meta(
            "ec2_ebs_snapshots_encrypted",
            "EBS snapshot is encrypted",
            Severity::Medium,
            snapshot::KIND,
        )
        .description("Checks that the EBS snapshot is encrypted.")
        .rationale(
            "Snapshots outlive their volumes and are shared and copied across accounts and regions; \
             an unencrypted one carries its data unprotected wherever it goes.",
        )
        .remediation(
            Remediation::new(
                "Copy the snapshot with encryption enabled, delete the unencrypted original, and enable \
                 EBS encryption by default.",
            )
            .cli("aws ec2 copy-snapshot --source-region <region> --source-snapshot-id <snapshot-id> --encrypted --kms-key-id <key-id>")
            .console("EC2 > Elastic Block Store > Snapshots > <snapshot> > Actions > Copy snapshot > Encrypt this snapshot")
            .url("https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html"),
        )
        .references(ENCRYPTION_AT_REST)
        .equivalent("prowler", "ec2_ebs_snapshots_encrypted"),
        check_snapshot_encrypted,
    )
}

/// `ec2_ami_public`.
pub fn ami_not_public() -> Check {
    Check::new(
        meta(
            "ec2_ami_public",
            "AMI is not public",
            Severity::Critical,
            image::KIND,
        )
        .description(
            "Checks that the account's AMI is not public (no launch permission for group `all`).",
        )
        .rationale(
            "A public AMI lets every AWS customer launch a copy of the machine image, with whatever \
             software, configuration, keys and data were baked into it.",
        )
        .remediation(
            Remediation::new("Make the AMI private; share it with specific accounts if it must be shared.")
                .cli("aws ec2 modify-image-attribute --image-id <image-id> --launch-permission \"Remove=[{Group=all}]\"")
                .console("EC2 > Images > AMIs > <ami> > Actions > Edit AMI permissions > Private")
                .url("https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/sharingamis-intro.html"),
        )
        .references(NOT_SHARED_PUBLICLY)
        .equivalent("prowler", "ec2_ami_public"),
        check_ami_not_public,
    )
}

fn check_default_encryption(setting: &Resource, _: &Context) -> CheckResult {
    let enabled: bool = setting.get(ebs_encryption_by_default::props::ENABLED)?;
    let region = &setting.region;
    Ok(Outcome::pass_if(
        enabled,
        format!("EBS encryption by default is enabled in {region}."),
        format!("EBS encryption by default is disabled in {region}."),
    )
    .evidence(ebs_encryption_by_default::props::ENABLED, enabled))
}

fn check_volume_encrypted(vol: &Resource, _: &Context) -> CheckResult {
    let encrypted: bool = vol.get(volume::props::ENCRYPTED)?;
    let name = &vol.name;
    Ok(Outcome::pass_if(
        encrypted,
        format!("Volume {name} is encrypted."),
        format!("Volume {name} is not encrypted."),
    )
    .evidence(volume::props::ENCRYPTED, encrypted))
}

fn check_snapshot_not_public(snap: &Resource, _: &Context) -> CheckResult {
    let public: bool = snap.get(snapshot::props::PUBLIC)?;
    let name = &snap.name;
    Ok(Outcome::pass_if(
        !public,
        format!("Snapshot {name} is not public."),
        format!("Snapshot {name} is public: any AWS account can create a volume from it."),
    )
    .evidence(snapshot::props::PUBLIC, public))
}

fn check_snapshot_encrypted(snap: &Resource, _: &Context) -> CheckResult {
    let encrypted: bool = snap.get(snapshot::props::ENCRYPTED)?;
    let name = &snap.name;
    Ok(Outcome::pass_if(
        encrypted,
        format!("Snapshot {name} is encrypted."),
        format!("Snapshot {name} is not encrypted."),
    )
    .evidence(snapshot::props::ENCRYPTED, encrypted))
}

fn check_ami_not_public(ami: &Resource, _: &Context) -> CheckResult {
    let public: bool = ami.get(image::props::PUBLIC)?;
    let name = &ami.name;
    Ok(Outcome::pass_if(
        !public,
        format!("AMI {name} is not public."),
        format!("AMI {name} is public: any AWS account can launch it."),
    )
    .evidence(image::props::PUBLIC, public))
}

#[cfg(test)]
mod tests {
    use crate::Ec2Rules;
    use crate::test_support::{ebs_default, image, snapshot, volume};
    use lgp_sdk::testing::{assert_status, run};
    use lgp_sdk::{Resource, Status};
    use serde_json::json;

    fn check(r: Resource, id: &str, want: Status) {
        let findings = run::<Ec2Rules>(std::slice::from_ref(&r));
        let f = assert_status(&findings, id, &r.arn, want);
        if want != Status::Error {
            assert!(
                f.message.contains(&r.name) || f.message.contains(&r.region),
                "{}",
                f.message
            );
            assert!(!f.evidence.as_object().is_none_or(|e| e.is_empty()));
        }
    }

    fn denied(property: &str) -> serde_json::Value {
        json!({ property: null, "errors": { property: {"code": "UnauthorizedOperation", "category": "access_denied"}}})
    }

    #[test]
    fn default_encryption_per_region() {
        let id = "ec2_ebs_default_encryption";
        check(ebs_default(json!({"enabled": true})), id, Status::Pass);
        check(ebs_default(json!({"enabled": false})), id, Status::Fail);
        check(ebs_default(denied("enabled")), id, Status::Error);
        check(
            ebs_default(
                json!({"errors": {"*": {"code": "UnauthorizedOperation", "category": "access_denied"}}}),
            ),
            id,
            Status::Error,
        );
    }

    #[test]
    fn volumes_encrypted() {
        let id = "ec2_ebs_volume_encryption";
        check(
            volume("vol-1", json!({"encrypted": true})),
            id,
            Status::Pass,
        );
        check(
            volume("vol-1", json!({"encrypted": false})),
            id,
            Status::Fail,
        );
        check(
            volume("vol-1", json!({"encrypted": "yes"})),
            id,
            Status::Error,
        );
    }

    #[test]
    fn snapshots_private_and_encrypted() {
        let public = "ec2_ebs_public_snapshot";
        let enc = "ec2_ebs_snapshots_encrypted";
        check(
            snapshot("snap-1", json!({"public": false})),
            public,
            Status::Pass,
        );
        check(
            snapshot("snap-1", json!({"public": true})),
            public,
            Status::Fail,
        );
        // Shared with one account is not public.
        check(
            snapshot(
                "snap-1",
                json!({"public": false, "shared_with_accounts": ["999988887777"]}),
            ),
            public,
            Status::Pass,
        );
        // The attribute could not be read: public is unknown, encryption still known.
        let r = snapshot("snap-1", denied("public"));
        check(r.clone(), public, Status::Error);
        check(r, enc, Status::Pass);
        check(
            snapshot("snap-1", json!({"encrypted": false})),
            enc,
            Status::Fail,
        );
    }

    #[test]
    fn amis_not_public() {
        let id = "ec2_ami_public";
        check(image("ami-1", json!({"public": false})), id, Status::Pass);
        check(image("ami-1", json!({"public": true})), id, Status::Fail);
        check(image("ami-1", json!({"public": null})), id, Status::Error);
    }
}
