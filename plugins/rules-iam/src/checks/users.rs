//! IAM users (`aws:iam:user`): MFA, unused and unrotated credentials, direct permissions.

use super::{ACCESS_KEYS, LEAST_PRIVILEGE, UNUSED_CREDENTIALS, USER_MFA, meta};
use lgp_sdk::kinds::iam::{
    AccessKey, AttachedPolicy, InlinePolicy, MfaType, USER_KIND, UserMfaDevice, user,
};
use lgp_sdk::{Check, CheckError, CheckResult, Context, Outcome, Remediation, Resource, Severity};
use serde_json::json;

/// CIS 1.12 / IAM.22: credentials unused for this many days must be disabled.
const UNUSED_DAYS: i64 = 45;
/// CIS 1.14 / IAM.3: active access keys must be younger than this many days.
const ROTATION_DAYS: i64 = 90;

/// The passing outcome of a console-password check on user `u` when it has no console
/// password (the message goes on with `so_what`, e.g. `, so console MFA does not apply`);
/// `None` when it has one.
fn without_console_password(u: &Resource, so_what: &str) -> Result<Option<Outcome>, CheckError> {
    let password: bool = u.get(user::PASSWORD_ENABLED)?;
    Ok((!password).then(|| {
        Outcome::pass(format!("User {} has no console password{so_what}.", u.name))
            .evidence(user::PASSWORD_ENABLED, false)
    }))
}

/// `iam_user_mfa_enabled_console_access`: users with a console password have MFA.
pub fn mfa_enabled_console_access() -> Check {
    Check::new(
        meta("iam_user_mfa_enabled_console_access", "IAM user with console access has MFA", Severity::High, USER_KIND)
            .description("Checks that every IAM user with a console password has an MFA device; users without a console password pass.")
            .rationale("A console password alone can be phished or guessed; MFA stops a stolen password from being enough to sign in.")
            .remediation(
                Remediation::new("Assign an MFA device to the user, or remove the console password if the user does not need the console.")
                    .cli("aws iam create-virtual-mfa-device --virtual-mfa-device-name <user> --outfile qr.png --bootstrap-method QRCodePNG && aws iam enable-mfa-device --user-name <user> --serial-number arn:aws:iam::<account>:mfa/<user> --authentication-code1 <code1> --authentication-code2 <code2>")
                    .console("IAM > Users > <user> > Security credentials > Assign MFA device")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable.html"),
            )
            .reference("cis-aws-3.0", "1.10")
            .reference("cis-aws-7.0", "2.10")
            .reference("aws-fsbp", "IAM.5")
            .references(USER_MFA)
            .equivalent("prowler", "iam_user_mfa_enabled_console_access")
            .equivalent("security-hub", "IAM.5"),
        check_mfa_enabled_console_access,
    )
}

fn check_mfa_enabled_console_access(u: &Resource, _: &Context) -> CheckResult {
    if let Some(pass) = without_console_password(u, ", so console MFA does not apply")? {
        return Ok(pass);
    }
    let mfa: bool = u.get(user::MFA_ACTIVE)?;
    Ok(Outcome::pass_if(
        mfa,
        format!("User {} has a console password and MFA.", u.name),
        format!("User {} has a console password but no MFA device.", u.name),
    )
    .evidence(user::PASSWORD_ENABLED, true)
    .evidence(user::MFA_ACTIVE, mfa))
}

/// `iam_user_console_access_unused`: console passwords used within 45 days.
pub fn console_access_unused() -> Check {
    Check::new(
        meta("iam_user_console_access_unused", "IAM user console password used within 45 days", Severity::Medium, USER_KIND)
            .description(
                "Checks that a user's console password was used (or, if never used, set) within the last 45 days; \
                 users without a console password pass.",
            )
            .rationale("Unused passwords are attack surface nobody watches; CIS asks to disable credentials unused for 45 days.")
            .remediation(
                Remediation::new("Remove the user's console password (login profile) if it is no longer needed.")
                    .cli("aws iam delete-login-profile --user-name <user>")
                    .console("IAM > Users > <user> > Security credentials > Console sign-in > Disable")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html"),
            )
            .reference("cis-aws-3.0", "1.12")
            .reference("cis-aws-7.0", "2.11")
            .reference("aws-fsbp", "IAM.22")
            .reference("aws-fsbp", "IAM.8")
            .references(UNUSED_CREDENTIALS)
            .equivalent("prowler", "iam_user_console_access_unused")
            .equivalent("security-hub", "IAM.22"),
        check_console_access_unused,
    )
}

fn check_console_access_unused(u: &Resource, cx: &Context) -> CheckResult {
    if let Some(pass) = without_console_password(u, "")? {
        return Ok(pass);
    }
    let last_used: Option<String> = u.get(user::PASSWORD_LAST_USED)?;
    let when = match &last_used {
        Some(used) => used.clone(),
        // Never used: judge by when the password was set, so a new user is not flagged.
        None => {
            let changed: Option<String> = u.get(user::PASSWORD_LAST_CHANGED)?;
            changed.ok_or_else(|| {
                CheckError::new(format!(
                    "user {} has a console password but neither `password_last_used` nor `password_last_changed`",
                    u.name
                ))
            })?
        }
    };
    let age = cx.age_in_days(&when)?;
    let what = if last_used.is_some() {
        format!("was last used {age} days ago")
    } else {
        format!("was set {age} days ago and has never been used")
    };
    Ok(Outcome::pass_if(
        age < UNUSED_DAYS,
        format!("User {}'s console password {what}.", u.name),
        format!(
            "User {}'s console password {what} ({UNUSED_DAYS} days or more).",
            u.name
        ),
    )
    .evidence(user::PASSWORD_ENABLED, true)
    .evidence(user::PASSWORD_LAST_USED, &last_used)
    .evidence("judged_from", &when)
    .evidence("age_days", age))
}

/// The user's active access keys with their index in `access_keys`.
fn active_keys(u: &Resource) -> Result<Vec<(usize, AccessKey)>, CheckError> {
    let keys: Vec<AccessKey> = u.get(user::ACCESS_KEYS)?;
    Ok(keys
        .into_iter()
        .enumerate()
        .filter(|(_, k)| k.is_active())
        .collect())
}

/// `iam_user_accesskey_unused`: active access keys used within 45 days.
pub fn accesskey_unused() -> Check {
    Check::new(
        meta("iam_user_accesskey_unused", "IAM user active access keys used within 45 days", Severity::Medium, USER_KIND)
            .description(
                "Checks that every active access key of the user was used (or, if never used, created) within \
                 the last 45 days.",
            )
            .rationale("An active key nobody uses can only be used by someone who should not; CIS asks to disable credentials unused for 45 days.")
            .remediation(
                Remediation::new("Deactivate, then delete, access keys that are no longer used.")
                    .cli("aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive")
                    .console("IAM > Users > <user> > Security credentials > Access keys > Actions > Deactivate")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_finding-unused.html"),
            )
            .reference("cis-aws-3.0", "1.12")
            .reference("cis-aws-7.0", "2.11")
            .reference("aws-fsbp", "IAM.22")
            .reference("aws-fsbp", "IAM.8")
            .references(UNUSED_CREDENTIALS)
            .equivalent("prowler", "iam_user_accesskey_unused")
            .equivalent("security-hub", "IAM.22"),
        check_accesskey_unused,
    )
}

fn check_accesskey_unused(u: &Resource, cx: &Context) -> CheckResult {
    let mut stale = Vec::new();
    let mut evidence = Vec::new();
    for (i, key) in active_keys(u)? {
        // A failed GetAccessKeyLastUsed is recorded per key; only then is last use unknown.
        u.ensure_collected(&format!("{}.{i}.last_used_date", user::ACCESS_KEYS))?;
        let when = match (&key.last_used_date, &key.create_date) {
            (Some(used), _) => used.clone(),
            (None, Some(created)) => created.clone(),
            (None, None) => {
                return Err(CheckError::new(format!(
                    "access key {} of user {} has neither a last-use nor a creation date",
                    key.id, u.name
                )));
            }
        };
        let age = cx.age_in_days(&when)?;
        evidence.push(json!({"id": key.id, "last_used_date": key.last_used_date,
            "create_date": key.create_date, "age_days": age}));
        if age >= UNUSED_DAYS {
            stale.push(key.id);
        }
    }
    Ok(Outcome::pass_if(
        stale.is_empty(),
        format!(
            "User {} has no active access key unused for {UNUSED_DAYS} days or more.",
            u.name
        ),
        format!(
            "User {} has active access keys unused for {UNUSED_DAYS} days or more: {}.",
            u.name,
            stale.join(", ")
        ),
    )
    .evidence("active_access_keys", evidence))
}

/// `iam_user_two_active_access_key`: at most one active access key.
pub fn two_active_access_key() -> Check {
    Check::new(
        meta("iam_user_two_active_access_key", "IAM user has at most one active access key", Severity::Medium, USER_KIND)
            .description("Checks that the user has no more than one active access key.")
            .rationale("A second active key is only needed briefly during rotation; two long-lived keys double the exposure.")
            .remediation(
                Remediation::new("Deactivate and delete the key that is no longer in use.")
                    .cli("aws iam update-access-key --user-name <user> --access-key-id <key-id> --status Inactive && aws iam delete-access-key --user-name <user> --access-key-id <key-id>")
                    .console("IAM > Users > <user> > Security credentials > Access keys")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"),
            )
            .reference("cis-aws-3.0", "1.13")
            .references(ACCESS_KEYS)
            .equivalent("prowler", "iam_user_two_active_access_key"),
        check_two_active_access_key,
    )
}

fn check_two_active_access_key(u: &Resource, _: &Context) -> CheckResult {
    let ids: Vec<String> = active_keys(u)?.into_iter().map(|(_, k)| k.id).collect();
    Ok(Outcome::pass_if(
        ids.len() <= 1,
        format!("User {} has {} active access key(s).", u.name, ids.len()),
        format!(
            "User {} has {} active access keys: {}.",
            u.name,
            ids.len(),
            ids.join(", ")
        ),
    )
    .evidence("active_access_key_ids", ids))
}

/// `iam_rotate_access_key_90_days`: active access keys are younger than 90 days.
pub fn rotate_access_key_90_days() -> Check {
    Check::new(
        meta("iam_rotate_access_key_90_days", "IAM user active access keys rotated within 90 days", Severity::Medium, USER_KIND)
            .description("Checks that every active access key of the user was created within the last 90 days.")
            .rationale("Rotating keys bounds how long a leaked key stays useful.")
            .remediation(
                Remediation::new("Create a new key, move the workload to it, then deactivate and delete the old key; better, replace long-lived keys with roles.")
                    .cli("aws iam create-access-key --user-name <user> && aws iam update-access-key --user-name <user> --access-key-id <old-key-id> --status Inactive")
                    .console("IAM > Users > <user> > Security credentials > Access keys > Create access key")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html#Using_RotateAccessKey"),
            )
            .reference("cis-aws-3.0", "1.14")
            .reference("cis-aws-7.0", "2.12")
            .reference("aws-fsbp", "IAM.3")
            .reference("pci-dss-4.0", "8.6.3")
            .references(ACCESS_KEYS)
            .equivalent("prowler", "iam_rotate_access_key_90_days")
            .equivalent("security-hub", "IAM.3"),
        check_rotate_access_key_90_days,
    )
}

fn check_rotate_access_key_90_days(u: &Resource, cx: &Context) -> CheckResult {
    let mut old = Vec::new();
    let mut evidence = Vec::new();
    for (_, key) in active_keys(u)? {
        let created = key.create_date.as_deref().ok_or_else(|| {
            CheckError::new(format!(
                "active access key {} of user {} has no creation date",
                key.id, u.name
            ))
        })?;
        let age = cx.age_in_days(created)?;
        evidence.push(json!({"id": key.id, "create_date": created, "age_days": age}));
        if age > ROTATION_DAYS {
            old.push(key.id.clone());
        }
    }
    Ok(Outcome::pass_if(
        old.is_empty(),
        format!(
            "User {} has no active access key older than {ROTATION_DAYS} days.",
            u.name
        ),
        format!(
            "User {} has active access keys older than {ROTATION_DAYS} days: {}.",
            u.name,
            old.join(", ")
        ),
    )
    .evidence("active_access_keys", evidence))
}

/// `iam_policy_attached_only_to_group_or_roles`: users get permissions only through groups.
pub fn policy_attached_only_to_group_or_roles() -> Check {
    Check::new(
        meta("iam_policy_attached_only_to_group_or_roles", "IAM user has no directly attached or inline policies", Severity::Low, USER_KIND)
            .description("Checks that the user has no managed policies attached directly and no inline policies; permissions should come from groups or roles.")
            .rationale("Permissions granted through groups and roles are easier to review and revoke than ones scattered over individual users.")
            .remediation(
                Remediation::new("Put the user in a group that has the policy, then detach the policy from the user (and move inline policies to the group).")
                    .cli("aws iam add-user-to-group --user-name <user> --group-name <group> && aws iam detach-user-policy --user-name <user> --policy-arn <policy-arn> && aws iam delete-user-policy --user-name <user> --policy-name <inline-policy>")
                    .console("IAM > Users > <user> > Permissions > Remove")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_attach-policy.html"),
            )
            .reference("cis-aws-3.0", "1.15")
            .reference("cis-aws-7.0", "2.13")
            .reference("aws-fsbp", "IAM.2")
            .reference("nist-800-53-r5", "AC-2")
            .references(LEAST_PRIVILEGE)
            .equivalent("prowler", "iam_policy_attached_only_to_group_or_roles")
            .equivalent("security-hub", "IAM.2"),
        check_policy_attached_only_to_group_or_roles,
    )
}

fn check_policy_attached_only_to_group_or_roles(u: &Resource, _: &Context) -> CheckResult {
    let attached: Vec<AttachedPolicy> = u.get(user::ATTACHED_POLICIES)?;
    let inline: Vec<InlinePolicy> = u.get(user::INLINE_POLICIES)?;
    let attached: Vec<String> = attached.into_iter().map(|p| p.name).collect();
    let inline: Vec<String> = inline.into_iter().map(|p| p.name).collect();
    Ok(Outcome::pass_if(
        attached.is_empty() && inline.is_empty(),
        format!(
            "User {} has no directly attached or inline policies.",
            u.name
        ),
        format!(
            "User {} has policies of its own: attached [{}], inline [{}].",
            u.name,
            attached.join(", "),
            inline.join(", ")
        ),
    )
    .evidence("attached_policy_names", attached)
    .evidence("inline_policy_names", inline))
}

/// `iam_user_no_setup_initial_access_key`: console users have no active access key that was
/// never used.
pub fn no_setup_initial_access_key() -> Check {
    Check::new(
        meta("iam_user_no_setup_initial_access_key", "IAM user with console access has no unused access key from initial setup", Severity::Medium, USER_KIND)
            .description(
                "Checks that a user with a console password has no active access key that has never been used — the sign of a key created by default when the user was set up. Users without a console password pass.",
            )
            .rationale(
                "Access keys created \"just in case\" at user setup are long-lived credentials nobody needs or watches; people who work in the console should get keys only when a task requires them.",
            )
            .remediation(
                Remediation::new("Delete the access keys that were never used; create keys later only if the user needs programmatic access.")
                    .cli("aws iam delete-access-key --user-name <user> --access-key-id <key-id>")
                    .console("IAM > Users > <user> > Security credentials > Access keys > Actions > Delete")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html"),
            )
            .reference("cis-aws-3.0", "1.11")
            .references(ACCESS_KEYS)
            .equivalent("prowler", "iam_user_no_setup_initial_access_key"),
        check_no_setup_initial_access_key,
    )
}

fn check_no_setup_initial_access_key(u: &Resource, _: &Context) -> CheckResult {
    if let Some(pass) =
        without_console_password(u, ", so keys from console user setup do not apply")?
    {
        return Ok(pass);
    }
    let mut never_used = Vec::new();
    for (i, key) in active_keys(u)? {
        // Without a successful GetAccessKeyLastUsed, "never used" cannot be told from "unknown".
        u.ensure_collected(&format!("{}.{i}.last_used_date", user::ACCESS_KEYS))?;
        if key.last_used_date.is_none() {
            never_used.push(key.id);
        }
    }
    Ok(Outcome::pass_if(
        never_used.is_empty(),
        format!(
            "User {} has a console password and no active access key that was never used.",
            u.name
        ),
        format!(
            "User {} has a console password and active access keys that were never used: {}.",
            u.name,
            never_used.join(", ")
        ),
    )
    .evidence(user::PASSWORD_ENABLED, true)
    .evidence("never_used_active_access_keys", never_used))
}

/// `iam_user_hardware_mfa_enabled`: every MFA device of the user is a hardware one.
pub fn hardware_mfa_enabled() -> Check {
    Check::new(
        meta("iam_user_hardware_mfa_enabled", "IAM user has hardware MFA", Severity::High, USER_KIND)
            .description(
                "Checks that the user has at least one MFA device and that none is virtual (an authenticator app):                  only hardware TOTP tokens and FIDO security keys pass.",
            )
            .rationale(
                "Hardware tokens and FIDO keys cannot be copied off a phone or laptop, and FIDO keys also resist                  phishing; a virtual device is only as safe as the device it lives on.",
            )
            .remediation(
                Remediation::new("Assign a FIDO security key or a hardware TOTP token to the user, then remove the virtual device.")
                    .cli("aws iam deactivate-mfa-device --user-name <user> --serial-number <virtual-device-arn>  # after the hardware device is enabled")
                    .console("IAM > Users > <user> > Security credentials > Assign MFA device > Security key / Hardware TOTP token")
                    .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_physical.html"),
            )
            .references(USER_MFA)
            .equivalent("prowler", "iam_user_hardware_mfa_enabled"),
        check_hardware_mfa_enabled,
    )
}

fn check_hardware_mfa_enabled(u: &Resource, _: &Context) -> CheckResult {
    let devices: Vec<UserMfaDevice> = u.get(user::MFA_DEVICES)?;
    let virtual_devices: Vec<String> = devices
        .iter()
        .filter(|d| d.mfa_type == MfaType::Virtual)
        .map(|d| d.serial_number.clone())
        .collect();
    let outcome = if devices.is_empty() {
        Outcome::fail(format!("User {} has no MFA device at all.", u.name))
    } else {
        Outcome::pass_if(
            virtual_devices.is_empty(),
            format!("User {}'s MFA devices are all hardware devices.", u.name),
            format!(
                "User {} has virtual MFA devices instead of hardware ones: {}.",
                u.name,
                virtual_devices.join(", ")
            ),
        )
    };
    Ok(outcome
        .evidence("mfa_device_count", devices.len())
        .evidence("virtual_mfa_devices", virtual_devices))
}

#[cfg(test)]
mod tests {
    use crate::IamRules;
    use crate::test_support::{user, user_arn};
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::json;

    fn key(id: &str, status: &str, created: &str, used: Option<&str>) -> serde_json::Value {
        json!({"id": id, "status": status, "create_date": created, "last_used_date": used,
            "last_used_service": used.map(|_| "s3"), "last_used_region": used.map(|_| "us-east-1")})
    }

    #[test]
    fn console_mfa() {
        let arn = user_arn("u");
        let f = run::<IamRules>(&[user("u", json!({"mfa_active": false, "mfa_devices": []}))]);
        let r = assert_status(
            &f,
            "iam_user_mfa_enabled_console_access",
            &arn,
            Status::Fail,
        );
        assert_eq!(
            r.evidence,
            json!({"password_enabled": true, "mfa_active": false})
        );
        let f = run::<IamRules>(&[user("u", json!({}))]);
        assert_status(
            &f,
            "iam_user_mfa_enabled_console_access",
            &arn,
            Status::Pass,
        );
    }

    #[test]
    fn users_without_console_password_pass_console_checks() {
        let arn = user_arn("svc");
        let f = run::<IamRules>(&[user(
            "svc",
            json!({"password_enabled": false,
            "password_last_used": null, "password_last_changed": null,
            "mfa_active": false, "mfa_devices": []}),
        )]);
        let r = assert_status(
            &f,
            "iam_user_mfa_enabled_console_access",
            &arn,
            Status::Pass,
        );
        assert!(r.message.contains("no console password"), "{}", r.message);
        assert_status(&f, "iam_user_console_access_unused", &arn, Status::Pass);
    }

    #[test]
    fn uncollected_password_is_an_error_not_a_pass() {
        let arn = user_arn("u");
        let f = run::<IamRules>(&[user(
            "u",
            json!({"password_enabled": null,
            "errors": {"password_enabled": {"code": "ReportInProgress", "category": "service_unavailable"}}}),
        )]);
        assert_status(
            &f,
            "iam_user_mfa_enabled_console_access",
            &arn,
            Status::Error,
        );
        assert_status(&f, "iam_user_console_access_unused", &arn, Status::Error);
        assert_status(&f, "iam_rotate_access_key_90_days", &arn, Status::Pass);
    }

    #[test]
    fn console_password_unused() {
        let arn = user_arn("u");
        // FIXED_NOW is 2025-01-01.
        let cases = [
            (
                json!("2024-12-01T00:00:00Z"),
                json!("2024-01-01T00:00:00Z"),
                Status::Pass,
            ),
            (
                json!("2024-11-01T00:00:00Z"),
                json!("2024-01-01T00:00:00Z"),
                Status::Fail,
            ),
            // Never used: judged by when it was set.
            (json!(null), json!("2024-12-20T00:00:00Z"), Status::Pass),
            (json!(null), json!("2024-01-01T00:00:00Z"), Status::Fail),
            (json!(null), json!(null), Status::Error),
            (json!("yesterday"), json!(null), Status::Error),
        ];
        for (used, changed, status) in cases {
            let f = run::<IamRules>(&[user(
                "u",
                json!({"password_last_used": used,
                "password_last_changed": changed}),
            )]);
            assert_status(&f, "iam_user_console_access_unused", &arn, status);
        }
    }

    #[test]
    fn access_keys_unused_two_active_and_rotation() {
        let arn = user_arn("u");
        let keys = json!([
            key(
                "AKIAOLD",
                "Active",
                "2024-01-01T00:00:00Z",
                Some("2024-12-30T00:00:00Z")
            ),
            key("AKIAIDLE", "Active", "2024-12-01T00:00:00Z", None),
            key("AKIASTALE", "Inactive", "2020-01-01T00:00:00Z", None),
        ]);
        let f = run::<IamRules>(&[user("u", json!({"access_keys": keys}))]);
        // Both active keys were used (or created) recently; the inactive one is ignored.
        assert_status(&f, "iam_user_accesskey_unused", &arn, Status::Pass);
        let two = assert_status(&f, "iam_user_two_active_access_key", &arn, Status::Fail);
        assert_eq!(
            two.evidence,
            json!({"active_access_key_ids": ["AKIAOLD", "AKIAIDLE"]})
        );
        let rot = assert_status(&f, "iam_rotate_access_key_90_days", &arn, Status::Fail);
        assert!(
            rot.message.contains("AKIAOLD") && !rot.message.contains("AKIAIDLE"),
            "{}",
            rot.message
        );

        let keys = json!([key(
            "AKIAUNUSED",
            "Active",
            "2024-10-01T00:00:00Z",
            Some("2024-10-02T00:00:00Z")
        )]);
        let f = run::<IamRules>(&[user("u", json!({"access_keys": keys}))]);
        assert_status(&f, "iam_user_accesskey_unused", &arn, Status::Fail);
        assert_status(&f, "iam_user_two_active_access_key", &arn, Status::Pass);
        assert_status(&f, "iam_rotate_access_key_90_days", &arn, Status::Fail);

        let keys = json!([key("AKIANEVER", "Active", "2024-10-01T00:00:00Z", None)]);
        let f = run::<IamRules>(&[user("u", json!({"access_keys": keys}))]);
        assert_status(&f, "iam_user_accesskey_unused", &arn, Status::Fail);
    }

    #[test]
    fn thresholds_are_90_and_45_days() {
        let arn = user_arn("u");
        // FIXED_NOW is 2025-01-01T00:00:00Z: 2024-10-03 is 90 days before, 2024-10-02 is 91.
        for (created, rotation) in [
            ("2024-10-03T00:00:00Z", Status::Pass),
            ("2024-10-02T00:00:00Z", Status::Fail),
        ] {
            let keys = json!([key(
                "AKIA1",
                "Active",
                created,
                Some("2024-12-31T00:00:00Z")
            )]);
            let f = run::<IamRules>(&[user("u", json!({"access_keys": keys}))]);
            assert_status(&f, "iam_rotate_access_key_90_days", &arn, rotation);
        }
        // 2024-11-18 is 44 days before, 2024-11-17 is 45.
        for (used, unused) in [
            ("2024-11-18T00:00:00Z", Status::Pass),
            ("2024-11-17T00:00:00Z", Status::Fail),
        ] {
            let keys = json!([key("AKIA1", "Active", "2024-11-01T00:00:00Z", Some(used))]);
            let f = run::<IamRules>(&[user(
                "u",
                json!({"access_keys": keys, "password_last_used": used}),
            )]);
            assert_status(&f, "iam_user_accesskey_unused", &arn, unused);
            assert_status(&f, "iam_user_console_access_unused", &arn, unused);
        }
    }

    #[test]
    fn failed_last_use_lookup_is_an_error_for_that_check_only() {
        let arn = user_arn("u");
        let keys = json!([key("AKIA1", "Active", "2024-12-01T00:00:00Z", None)]);
        let f = run::<IamRules>(&[user(
            "u",
            json!({"access_keys": keys, "errors":
            {"access_keys.0.last_used_date": {"code": "AccessDenied", "category": "access_denied"}}}),
        )]);
        assert_status(&f, "iam_user_accesskey_unused", &arn, Status::Error);
        assert_status(&f, "iam_rotate_access_key_90_days", &arn, Status::Pass);

        let f = run::<IamRules>(&[user(
            "u",
            json!({"access_keys": null, "errors":
            {"access_keys": {"code": "AccessDenied", "category": "access_denied"}}}),
        )]);
        for id in [
            "iam_user_accesskey_unused",
            "iam_user_two_active_access_key",
            "iam_rotate_access_key_90_days",
        ] {
            assert_status(&f, id, &arn, Status::Error);
        }
    }

    #[test]
    fn direct_policies() {
        let arn = user_arn("u");
        let f = run::<IamRules>(&[user(
            "u",
            json!({"attached_policies":
            [{"name": "ReadOnlyAccess", "arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"}]}),
        )]);
        assert_status(
            &f,
            "iam_policy_attached_only_to_group_or_roles",
            &arn,
            Status::Fail,
        );
        let f = run::<IamRules>(&[user(
            "u",
            json!({"inline_policies": [{"name": "p",
            "document": {"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}}]}),
        )]);
        let r = assert_status(
            &f,
            "iam_policy_attached_only_to_group_or_roles",
            &arn,
            Status::Fail,
        );
        assert_eq!(r.evidence["inline_policy_names"], json!(["p"]));
        let f = run::<IamRules>(&[user("u", json!({}))]);
        assert_status(
            &f,
            "iam_policy_attached_only_to_group_or_roles",
            &arn,
            Status::Pass,
        );
    }

    const SETUP: &str = "iam_user_no_setup_initial_access_key";
    const HARDWARE: &str = "iam_user_hardware_mfa_enabled";

    #[test]
    fn access_keys_never_used_by_console_users() {
        let arn = user_arn("u");
        let keys = json!([
            key(
                "AKIAUSED",
                "Active",
                "2024-01-01T00:00:00Z",
                Some("2024-12-30T00:00:00Z")
            ),
            key("AKIANEVER", "Active", "2024-12-20T00:00:00Z", None),
            key("AKIAOFF", "Inactive", "2024-01-01T00:00:00Z", None),
        ]);
        let f = run::<IamRules>(&[user("u", json!({"access_keys": keys.clone()}))]);
        let r = assert_status(&f, SETUP, &arn, Status::Fail);
        assert_eq!(
            r.evidence["never_used_active_access_keys"],
            json!(["AKIANEVER"])
        );
        assert!(
            r.message.contains("User u") && r.message.contains("AKIANEVER"),
            "{}",
            r.message
        );
        // Without a console password the recommendation does not apply.
        let f = run::<IamRules>(&[user(
            "u",
            json!({"access_keys": keys, "password_enabled": false,
            "password_last_used": null, "password_last_changed": null}),
        )]);
        let r = assert_status(&f, SETUP, &arn, Status::Pass);
        assert!(r.message.contains("no console password"), "{}", r.message);
        // Only inactive keys never used: pass.
        let keys = json!([key("AKIAOFF", "Inactive", "2024-01-01T00:00:00Z", None)]);
        let f = run::<IamRules>(&[user("u", json!({"access_keys": keys}))]);
        assert_status(&f, SETUP, &arn, Status::Pass);
    }

    #[test]
    fn unknown_last_use_or_password_is_an_error_for_initial_keys() {
        let arn = user_arn("u");
        let keys = json!([key("AKIA1", "Active", "2024-12-01T00:00:00Z", None)]);
        let f = run::<IamRules>(&[user(
            "u",
            json!({"access_keys": keys, "errors":
            {"access_keys.0.last_used_date": {"code": "AccessDenied", "category": "access_denied"}}}),
        )]);
        assert_status(&f, SETUP, &arn, Status::Error);
        let f = run::<IamRules>(&[user(
            "u",
            json!({"password_enabled": null,
            "errors": {"password_enabled": {"code": "ReportInProgress", "category": "service_unavailable"}}}),
        )]);
        assert_status(&f, SETUP, &arn, Status::Error);
    }

    #[test]
    fn hardware_mfa() {
        let arn = user_arn("u");
        let device = |serial: &str, kind: &str| json!({"serial_number": serial, "type": kind, "enable_date": "2024-01-01T00:00:00Z"});
        let virt = device("arn:aws:iam::111122223333:mfa/u", "virtual");
        let hard = device("GAHT12345678", "hardware");
        let cases = [
            (json!([hard.clone()]), Status::Pass),
            (json!([virt.clone()]), Status::Fail),
            (json!([hard, virt]), Status::Fail),
            (json!([]), Status::Fail),
        ];
        for (devices, status) in cases {
            let f = run::<IamRules>(&[user("u", json!({"mfa_devices": devices}))]);
            let r = assert_status(&f, HARDWARE, &arn, status);
            assert!(r.message.contains("User u"), "{}", r.message);
        }
        let f = run::<IamRules>(&[user(
            "u",
            json!({"mfa_devices": null,
            "errors": {"mfa_devices": {"code": "AccessDenied", "category": "access_denied"}}}),
        )]);
        assert_status(&f, HARDWARE, &arn, Status::Error);
    }
}
