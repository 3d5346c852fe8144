//! `aws:iam:role`: GetAccountAuthorizationDetails' `RoleDetailList` (trust policy, policies,
//! instance profiles, last use, tags) and ListRoles for `MaxSessionDuration`, which the details
//! lack.

use crate::json::{
    attached_policies, document, inline_policies, list, permissions_boundary, text, text_or_empty,
};
use lgp_sdk::collector::{AwsError, tags_from_aws};
use lgp_sdk::kinds::iam::{Role, RoleLastUsed, SERVICE_LINKED_ROLE_PATH, role as props};
use serde_json::Value;
use std::collections::BTreeMap;

/// Role name → `MaxSessionDuration`, from ListRoles' answer.
pub fn max_session_durations(answer: &Value) -> BTreeMap<String, i64> {
    list(answer, "Roles")
        .iter()
        .filter_map(|r| Some((text(r, "RoleName")?, r.get("MaxSessionDuration")?.as_i64()?)))
        .collect()
}

/// The role's properties from its `RoleDetailList` entry and ListRoles' durations.
pub fn build(detail: &Value, durations: &Result<BTreeMap<String, i64>, AwsError>) -> Role {
    let name = text_or_empty(detail, "RoleName");
    let path = text(detail, "Path").unwrap_or_else(|| "/".into());
    let last_used = detail.get("RoleLastUsed");
    let mut role = Role {
        id: text_or_empty(detail, "RoleId"),
        arn: text_or_empty(detail, "Arn"),
        service_linked: path.starts_with(SERVICE_LINKED_ROLE_PATH),
        path,
        create_date: text(detail, "CreateDate"),
        trust_policy: document(detail.get("AssumeRolePolicyDocument")),
        attached_policies: attached_policies(detail),
        inline_policies: inline_policies(detail, "RolePolicyList"),
        instance_profiles: list(detail, "InstanceProfileList")
            .iter()
            .filter_map(|p| text(p, "Arn"))
            .collect(),
        last_used: Some(RoleLastUsed {
            date: last_used.and_then(|u| text(u, "LastUsedDate")),
            region: last_used.and_then(|u| text(u, "Region")),
        }),
        permissions_boundary: permissions_boundary(detail),
        tags: tags_from_aws(detail.get("Tags")),
        ..Role::default()
    };
    match durations {
        Ok(by_name) => role.max_session_duration = by_name.get(&name).copied(),
        Err(e) => {
            role.errors
                .insert(props::MAX_SESSION_DURATION.into(), e.to_collection_error());
        }
    }
    role.name = name;
    role
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_role_from_details_and_listing() {
        let detail = json!({
            "RoleName": "r", "RoleId": "AROA1", "Arn": "arn:aws:iam::1:role/aws-service-role/x/r",
            "Path": "/aws-service-role/x/",
            "AssumeRolePolicyDocument": "{\"Statement\": [{\"Effect\": \"Allow\"}]}",
            "InstanceProfileList": [{"Arn": "arn:aws:iam::1:instance-profile/p"}],
            "RoleLastUsed": {"LastUsedDate": "2024-01-01T00:00:00Z", "Region": "eu-west-1"},
            "Tags": [{"Key": "k", "Value": "v"}]
        });
        let durations = Ok(max_session_durations(
            &json!({"Roles": [{"RoleName": "r", "MaxSessionDuration": 7200}]}),
        ));
        let role = build(&detail, &durations);
        assert!(role.service_linked);
        assert_eq!(role.trust_policy["Statement"][0]["Effect"], "Allow");
        assert_eq!(
            role.instance_profiles,
            ["arn:aws:iam::1:instance-profile/p"]
        );
        assert_eq!(role.max_session_duration, Some(7200));
        let used = role.last_used.expect("last used");
        assert_eq!(used.region.as_deref(), Some("eu-west-1"));
        assert!(role.errors.is_empty());

        let never = build(
            &json!({"RoleName": "n", "Path": "/", "RoleLastUsed": {}}),
            &Err(AwsError::BadOutput("x".into())),
        );
        assert!(!never.service_linked);
        assert_eq!(never.last_used, Some(RoleLastUsed::default()));
        assert_eq!(never.max_session_duration, None);
        assert!(never.errors.contains_key("max_session_duration"));
    }
}
