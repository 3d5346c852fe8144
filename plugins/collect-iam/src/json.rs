//! Reading IAM's answers: the JSON shapes of the AWS API reference (PascalCase fields), with the
//! absent-or-wrong-type cases folded into `None` / empty, because a missing optional field is
//! normal in AWS answers and never a reason to drop a resource.

use lgp_sdk::kinds::iam::{AttachedPolicy, InlinePolicy};
use serde_json::Value;

pub use lgp_sdk::fields::{document, list, text};

/// The string field `key` of `v`, or the empty string.
pub fn text_or_empty(v: &Value, key: &str) -> String {
    text(v, key).unwrap_or_default()
}

/// The last `/`-separated segment of an ARN: the name of a user, role, policy, provider…
pub fn last_segment(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// `AttachedManagedPolicies` (`[{PolicyName, PolicyArn}]`) of a user, group or role detail.
pub fn attached_policies(detail: &Value) -> Vec<AttachedPolicy> {
    list(detail, "AttachedManagedPolicies")
        .iter()
        .filter_map(|p| {
            let arn = text(p, "PolicyArn")?;
            let name = text(p, "PolicyName").unwrap_or_else(|| last_segment(&arn).to_owned());
            Some(AttachedPolicy { name, arn })
        })
        .collect()
}

/// The inline policies under `key` (`UserPolicyList`, `GroupPolicyList`, `RolePolicyList`:
/// `[{PolicyName, PolicyDocument}]`), documents parsed.
pub fn inline_policies(detail: &Value, key: &str) -> Vec<InlinePolicy> {
    list(detail, key)
        .iter()
        .filter_map(|p| {
            Some(InlinePolicy {
                name: text(p, "PolicyName")?,
                document: document(p.get("PolicyDocument")),
            })
        })
        .collect()
}

/// The ARN of a `PermissionsBoundary` object, if one is set.
pub fn permissions_boundary(detail: &Value) -> Option<String> {
    detail
        .get("PermissionsBoundary")
        .and_then(|b| text(b, "PermissionsBoundaryArn"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn policies_of_a_detail() {
        let detail = json!({
            "AttachedManagedPolicies": [{"PolicyName": "A", "PolicyArn": "arn:aws:iam::aws:policy/A"},
                                        {"PolicyArn": "arn:aws:iam::1:policy/team/B"}, {"PolicyName": "no arn"}],
            "RolePolicyList": [{"PolicyName": "i", "PolicyDocument": "{\"Version\": \"2012-10-17\"}"}],
            "PermissionsBoundary": {"PermissionsBoundaryType": "Policy",
                                    "PermissionsBoundaryArn": "arn:aws:iam::1:policy/pb"}
        });
        let attached = attached_policies(&detail);
        assert_eq!(attached.len(), 2);
        assert_eq!(attached[1].name, "B");
        let inline = inline_policies(&detail, "RolePolicyList");
        assert_eq!(inline[0].document, json!({"Version": "2012-10-17"}));
        assert!(inline_policies(&detail, "UserPolicyList").is_empty());
        assert_eq!(
            permissions_boundary(&detail).as_deref(),
            Some("arn:aws:iam::1:policy/pb")
        );
        assert_eq!(last_segment("arn:aws:iam::1:saml-provider/okta"), "okta");
    }
}
