//! `aws:iam:group`: GetAccountAuthorizationDetails' `GroupDetailList`; members are the users whose
//! `GroupList` names the group, so no GetGroup call per group is needed.

use crate::json::{attached_policies, inline_policies, list, text, text_or_empty};
use lgp_sdk::kinds::iam::Group;
use serde_json::Value;
use std::collections::BTreeMap;

/// Group name → member user names, from the `UserDetailList`.
pub fn members_by_group(users: &[Value]) -> BTreeMap<String, Vec<String>> {
    let mut members: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for user in users {
        let Some(name) = text(user, "UserName") else {
            continue;
        };
        for group in list(user, "GroupList").iter().filter_map(Value::as_str) {
            members
                .entry(group.to_owned())
                .or_default()
                .push(name.clone());
        }
    }
    members
}

/// The group's properties from its `GroupDetailList` entry.
pub fn build(detail: &Value, members: &BTreeMap<String, Vec<String>>) -> Group {
    let name = text_or_empty(detail, "GroupName");
    Group {
        members: members.get(&name).cloned().unwrap_or_default(),
        id: text_or_empty(detail, "GroupId"),
        arn: text_or_empty(detail, "Arn"),
        path: text(detail, "Path").unwrap_or_else(|| "/".into()),
        create_date: text(detail, "CreateDate"),
        attached_policies: attached_policies(detail),
        inline_policies: inline_policies(detail, "GroupPolicyList"),
        errors: BTreeMap::new(),
        name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn members_come_from_the_users() {
        let users = [
            json!({"UserName": "a", "GroupList": ["admins", "devs"]}),
            json!({"UserName": "b", "GroupList": ["devs"]}),
            json!({"UserName": "c"}),
        ];
        let members = members_by_group(&users);
        let group = build(
            &json!({"GroupName": "devs", "GroupId": "AGPA1", "Arn": "arn:aws:iam::1:group/devs",
                    "GroupPolicyList": [{"PolicyName": "x", "PolicyDocument": "{}"}]}),
            &members,
        );
        assert_eq!(group.members, ["a", "b"]);
        assert_eq!(group.path, "/");
        assert_eq!(group.inline_policies[0].document, json!({}));
        let empty = build(&json!({"GroupName": "empty"}), &members);
        assert!(empty.members.is_empty());
    }
}
