//! Who may use a snapshot or an AMI: `createVolumePermission` (DescribeSnapshotAttribute) and
//! `launchPermission` (DescribeImageAttribute) lists, which share one shape.

use crate::json::text;
use serde_json::Value;

/// The group AWS names for "everyone" in these permission lists.
const GROUP_ALL: &str = "all";

/// What a permission list grants.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Sharing {
    /// A permission for group `all`: anyone may use it.
    pub public: bool,
    /// The accounts named by their ids, sorted.
    pub accounts: Vec<String>,
}

/// Reads the permission list at `key` of an attribute answer (absent: nothing granted).
pub fn sharing(answer: &Value, key: &str) -> Sharing {
    let permissions = crate::json::list(answer, key);
    let mut accounts: Vec<String> = permissions
        .iter()
        .filter_map(|p| text(p, "UserId"))
        .collect();
    accounts.sort_unstable();
    accounts.dedup();
    Sharing {
        public: permissions
            .iter()
            .any(|p| text(p, "Group").as_deref() == Some(GROUP_ALL)),
        accounts,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn group_all_is_public_and_user_ids_are_accounts() {
        let answer = json!({"CreateVolumePermissions": [{"Group": "all"}, {"UserId": "2"}, {"UserId": "1"}]});
        let s = sharing(&answer, "CreateVolumePermissions");
        assert!(s.public);
        assert_eq!(s.accounts, ["1", "2"]);
        assert_eq!(
            sharing(&json!({"ImageId": "ami-1"}), "LaunchPermissions"),
            Sharing::default()
        );
    }
}
