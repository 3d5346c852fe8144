//! `aws:iam:policy`: the customer managed policies of GetAccountAuthorizationDetails' `Policies`,
//! with the default version's document from its `PolicyVersionList`. AWS managed policies are
//! never emitted (they are AWS's, not the account's); attachments to them show in the users',
//! groups' and roles' `attached_policies`.

use crate::json::{document, last_segment, list, text, text_or_empty};
use lgp_sdk::CollectionError;
use lgp_sdk::kinds::iam::{Policy, is_aws_managed_policy};
use serde_json::Value;

/// The policy's properties, or `None` for an AWS managed policy.
pub fn build(detail: &Value) -> Option<Policy> {
    let arn = text(detail, "Arn")?;
    if is_aws_managed_policy(&arn) {
        return None;
    }
    let default_version_id = text(detail, "DefaultVersionId");
    let versions = list(detail, "PolicyVersionList");
    let default = versions.iter().find(|v| {
        v.get("IsDefaultVersion").and_then(Value::as_bool) == Some(true)
            || (default_version_id.is_some() && text(v, "VersionId") == default_version_id)
    });
    let mut policy = Policy {
        // emulators may leave out the name; the ARN always ends with it
        name: text(detail, "PolicyName").unwrap_or_else(|| last_segment(&arn).to_owned()),
        id: text(detail, "PolicyId"),
        path: text(detail, "Path").unwrap_or_else(|| "/".into()),
        description: text(detail, "Description"),
        document: document(default.and_then(|v| v.get("Document"))),
        attachment_count: detail.get("AttachmentCount").and_then(Value::as_i64),
        permissions_boundary_usage_count: detail
            .get("PermissionsBoundaryUsageCount")
            .and_then(Value::as_i64),
        is_attachable: detail.get("IsAttachable").and_then(Value::as_bool),
        version_count: versions.len(),
        create_date: text(detail, "CreateDate"),
        update_date: text(detail, "UpdateDate"),
        default_version_id,
        arn,
        ..Policy::default()
    };
    if default.is_none() {
        policy.errors.insert(
            "document".into(),
            CollectionError {
                code: "DefaultVersionMissing".into(),
                category: "other".into(),
                message: Some(format!(
                    "the policy's versions do not include its default version {}",
                    text_or_empty(detail, "DefaultVersionId")
                )),
            },
        );
    }
    Some(policy)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn customer_managed_policies_with_their_default_document() {
        let detail = json!({
            "Arn": "arn:aws:iam::1:policy/team/ci-deploy", "Path": "/team/",
            "DefaultVersionId": "v2", "AttachmentCount": 2, "IsAttachable": true,
            "PolicyVersionList": [
                {"VersionId": "v1", "IsDefaultVersion": false, "Document": "{\"v\": 1}"},
                {"VersionId": "v2", "IsDefaultVersion": true, "Document": "{\"v\": 2}"}
            ]
        });
        let policy = build(&detail).expect("customer managed");
        assert_eq!(policy.name, "ci-deploy");
        assert_eq!(policy.document, json!({"v": 2}));
        assert_eq!(policy.version_count, 2);
        assert_eq!(policy.attachment_count, Some(2));
        assert!(policy.errors.is_empty());

        assert!(build(&json!({"Arn": "arn:aws:iam::aws:policy/ReadOnlyAccess"})).is_none());
        let lost = build(&json!({"Arn": "arn:aws:iam::1:policy/x", "DefaultVersionId": "v3"}))
            .expect("customer managed");
        assert_eq!(lost.document, Value::Null);
        assert_eq!(lost.errors["document"].code, "DefaultVersionMissing");
    }
}
