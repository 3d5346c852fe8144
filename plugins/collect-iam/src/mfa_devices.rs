//! `aws:iam:mfa-device`: the account's virtual MFA devices (ListVirtualMFADevices with
//! `AssignmentStatus` `Any`), assigned or not, and how to tell a virtual device from a hardware
//! one.

use crate::json::{last_segment, list, text};
use lgp_sdk::collector::tags_from_aws;
use lgp_sdk::kinds::iam::{MfaDevice, MfaType, ROOT_USER};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

/// Whether `serial` is a virtual device's: an `arn:<partition>:iam::<account>:mfa/<name>` ARN
/// (hardware TOTP tokens have serials like `GAHT12345678`, FIDO keys `...:u2f/...` ARNs).
pub fn is_virtual_serial(serial: &str) -> bool {
    let parts: Vec<&str> = serial.splitn(6, ':').collect();
    matches!(parts.as_slice(), ["arn", _, "iam", "", _, resource] if resource.starts_with("mfa/"))
}

/// A user's device type: virtual when ListVirtualMFADevices listed it or its serial says so.
pub fn mfa_type(serial: &str, virtual_serials: &BTreeSet<String>) -> MfaType {
    if virtual_serials.contains(serial) || is_virtual_serial(serial) {
        MfaType::Virtual
    } else {
        MfaType::Hardware
    }
}

/// The serial numbers in ListVirtualMFADevices' answer.
pub fn virtual_serials(answer: &Value) -> BTreeSet<String> {
    list(answer, "VirtualMFADevices")
        .iter()
        .filter_map(|d| text(d, "SerialNumber"))
        .collect()
}

/// One device of the listing as a resource's parts: name, tags and properties.
pub fn build(device: &Value) -> Option<(String, BTreeMap<String, String>, MfaDevice)> {
    let serial_number = text(device, "SerialNumber")?;
    let user = device.get("User");
    let user_arn = user.and_then(|u| text(u, "Arn"));
    let user_name = match (&user_arn, user) {
        (Some(arn), _) if is_root(arn) => Some(ROOT_USER.to_owned()),
        (_, Some(u)) => {
            text(u, "UserName").or_else(|| user_arn.as_deref().map(|a| last_segment(a).to_owned()))
        }
        (_, None) => None,
    };
    let props = MfaDevice {
        assigned: user.is_some(),
        user: user_name,
        user_arn,
        enable_date: text(device, "EnableDate"),
        errors: BTreeMap::new(),
        serial_number: serial_number.clone(),
    };
    Some((
        last_segment(&serial_number).to_owned(),
        tags_from_aws(device.get("Tags")),
        props,
    ))
}

/// Whether `arn` is an account's root user (`arn:aws:iam::<account>:root`).
fn is_root(arn: &str) -> bool {
    arn.starts_with("arn:") && arn.ends_with(":root")
}

/// Whether a virtual device of the listing is assigned to the root user.
pub fn root_has_virtual_device(answer: &Value) -> bool {
    list(answer, "VirtualMFADevices")
        .iter()
        .filter_map(|d| d.get("User").and_then(|u| text(u, "Arn")))
        .any(|arn| is_root(&arn))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn virtual_and_hardware_serials() {
        assert!(is_virtual_serial("arn:aws:iam::123456789012:mfa/alice"));
        assert!(is_virtual_serial(
            "arn:aws-cn:iam::123456789012:mfa/team/alice"
        ));
        assert!(!is_virtual_serial("GAHT12345678"));
        assert!(!is_virtual_serial(
            "arn:aws:iam::123456789012:u2f/user/alice/key-1"
        ));
        let listed = BTreeSet::from(["odd-serial".to_owned()]);
        assert_eq!(mfa_type("odd-serial", &listed), MfaType::Virtual);
        assert_eq!(mfa_type("GAHT12345678", &listed), MfaType::Hardware);
    }

    #[test]
    fn devices_of_users_root_and_nobody() {
        let answer = json!({"VirtualMFADevices": [
            {"SerialNumber": "arn:aws:iam::1:mfa/alice", "EnableDate": "2024-01-01T00:00:00Z",
             "User": {"UserName": "alice", "Arn": "arn:aws:iam::1:user/alice"},
             "Tags": [{"Key": "k", "Value": "v"}]},
            {"SerialNumber": "arn:aws:iam::1:mfa/root-account-mfa-device",
             "User": {"Arn": "arn:aws:iam::1:root", "UserId": "1"}},
            {"SerialNumber": "arn:aws:iam::1:mfa/spare"}
        ]});
        let devices: Vec<_> = list(&answer, "VirtualMFADevices")
            .iter()
            .filter_map(build)
            .collect();
        assert_eq!(devices[0].0, "alice");
        assert_eq!(devices[0].1["k"], "v");
        assert_eq!(devices[0].2.user.as_deref(), Some("alice"));
        assert!(devices[0].2.assigned);
        assert_eq!(devices[1].2.user.as_deref(), Some("root"));
        assert_eq!(devices[2].2.user, None);
        assert!(!devices[2].2.assigned);
        assert!(root_has_virtual_device(&answer));
        assert_eq!(virtual_serials(&answer).len(), 3);
        assert!(!root_has_virtual_device(
            &json!({"VirtualMFADevices": [answer["VirtualMFADevices"][0]]})
        ));
    }
}
