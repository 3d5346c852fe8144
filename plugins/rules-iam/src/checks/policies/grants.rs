//! What else a policy grants too broadly: every action of KMS or CloudTrail, a privilege
//! escalation path, every action of a service, `sts:AssumeRole` on every role, and Marketplace
//! subscriptions to any product.

use super::{LEAST_PRIVILEGE_URL, PolicyCheck, Question, ask_managed, narrow_managed};
use crate::checks::{LEAST_PRIVILEGE, meta};
use lgp_sdk::kinds::iam::POLICY_KIND;
use lgp_sdk::policy::PolicyDocument;
use lgp_sdk::privilege::escalation_paths;
use lgp_sdk::{Check, Severity};

/// The statements granting every action of `service` on `*`, when no Deny trims the service.
fn full_service_access(doc: &PolicyDocument, service: &str) -> Vec<String> {
    if !doc.grants_full_service_access(service) {
        return Vec::new();
    }
    in_statements(doc.statement_labels(|s| s.grants_service_wildcard(service)))
}

/// The statements allowing `action` on every resource, when no unconditional Deny takes it back.
fn granted_on_all_resources(doc: &PolicyDocument, action: &str) -> Vec<String> {
    if !doc.grants_on_all_resources(action) {
        return Vec::new();
    }
    in_statements(doc.statement_labels(|s| s.allows(action) && s.covers_all_resources()))
}

/// `statement <label>` for each label.
fn in_statements(labels: Vec<String>) -> Vec<String> {
    labels
        .into_iter()
        .map(|label| format!("statement {label}"))
        .collect()
}

/// `iam_policy_no_full_access_to_kms` and `iam_inline_policy_no_full_access_to_kms`: no
/// `kms:*` on `*`.
pub const KMS_ACCESS: PolicyCheck = PolicyCheck {
    name: "no_full_access_to_kms",
    title: "grant full access to KMS",
    severity: (Severity::Medium, Severity::Medium),
    verbs: ("does not allow", "allows"),
    description: "every KMS action (`kms:*`, `*`, or a NotAction that spares KMS) on every resource, \
         unless a Deny statement takes some KMS action back.",
    rationale: "kms:* on every key lets a principal decrypt any data protected by KMS, change key \
         policies, and schedule keys for deletion — destroying the data they protect; KMS permissions \
         should name the keys and the few actions needed.",
    fix: "allows only the KMS actions and keys needed",
    url: LEAST_PRIVILEGE_URL,
    references: &[
        ("nist-800-53-r5", "SC-12"),
        ("pci-dss-4.0", "3.6.1"),
        ("iso-27001-2022", "A.8.24"),
    ],
    question: Question {
        verb: "grant",
        object: "full access to KMS (kms:* on *)",
        evidence: "full_access_statements",
        find: |doc| full_service_access(doc, "kms"),
    },
};

/// `iam_policy_no_full_access_to_cloudtrail` and
/// `iam_inline_policy_no_full_access_to_cloudtrail`: no `cloudtrail:*` on `*`.
pub const CLOUDTRAIL_ACCESS: PolicyCheck = PolicyCheck {
    name: "no_full_access_to_cloudtrail",
    title: "grant full access to CloudTrail",
    severity: (Severity::Medium, Severity::High),
    verbs: ("does not allow", "allows"),
    description: "every CloudTrail action (`cloudtrail:*`, `*`, or a NotAction that spares \
         CloudTrail) on every resource, unless a Deny statement takes some CloudTrail action back.",
    rationale: "cloudtrail:* lets a principal stop, delete or redirect the account's audit trails and \
         so act unseen; only the few people who administer logging need more than read access.",
    fix: "allows only the CloudTrail actions needed (for most, cloudtrail:Describe*, Get*, List* and LookupEvents)",
    url: LEAST_PRIVILEGE_URL,
    references: &[
        ("nist-800-53-r5", "AU-9"),
        ("pci-dss-4.0", "10.3.2"),
        ("hipaa", "164.312(b)"),
        ("iso-27001-2022", "A.8.15"),
    ],
    question: Question {
        verb: "grant",
        object: "full access to CloudTrail (cloudtrail:* on *)",
        evidence: "full_access_statements",
        find: |doc| full_service_access(doc, "cloudtrail"),
    },
};

/// `iam_policy_allows_privilege_escalation` and
/// `iam_inline_policy_allows_privilege_escalation`: no privilege escalation path.
pub const ESCALATION: PolicyCheck = PolicyCheck {
    name: "allows_privilege_escalation",
    title: "allow privilege escalation",
    severity: (Severity::High, Severity::High),
    verbs: ("grants no", "grants a"),
    description: "combination of actions known to allow privilege escalation. Every action of a \
         documented escalation path must be granted (wildcards such as iam:* and iam:Put*, and \
         NotAction, honoured; an unconditional Deny on * takes an action back): rewriting or attaching \
         policies (iam:CreatePolicyVersion, iam:SetDefaultPolicyVersion, iam:Attach*Policy, \
         iam:Put*Policy), iam:AddUserToGroup, taking over credentials (iam:CreateAccessKey, \
         iam:CreateLoginProfile, iam:UpdateLoginProfile, except on the caller's own user), \
         iam:UpdateAssumeRolePolicy with sts:AssumeRole, iam:PassRole with a service that runs code \
         (ec2:RunInstances, lambda:CreateFunction + InvokeFunction or CreateEventSourceMapping, \
         glue:CreateDevEndpoint, cloudformation:CreateStack, Data Pipeline, SageMaker notebooks, ECS \
         tasks, CodeBuild), or changing code that already runs with a role (lambda:UpdateFunctionCode, \
         glue:UpdateDevEndpoint). Resources and conditions of the Allow are not weighed.",
    rationale: "A principal that can escalate its privileges effectively has every permission it can \
         grant itself, usually full administrator; least privilege means nothing if the boundary can \
         be rewritten by the one it bounds.",
    fix: "grants none of the escalation actions, or scopes them to resources that cannot raise privileges",
    url: "https://rhinosecuritylabs.com/aws/aws-privilege-escalation-methods-mitigation/",
    references: &[("nist-800-53-r5", "AC-6(10)")],
    question: Question {
        verb: "allow",
        object: "privilege escalation",
        evidence: "escalation_paths",
        find: |doc| {
            escalation_paths(doc)
                .iter()
                .map(|p| format!("{} ({})", p.id, p.actions.join(" + ")))
                .collect()
        },
    },
};

/// `iam_policy_no_wildcard_marketplace_subscribe` and
/// `iam_inline_policy_no_wildcard_marketplace_subscribe`: no subscribing to any Marketplace
/// product.
pub const MARKETPLACE: PolicyCheck = PolicyCheck {
    name: "no_wildcard_marketplace_subscribe",
    title: "allow subscribing to any Marketplace product",
    severity: (Severity::Medium, Severity::Medium),
    verbs: ("never allows", "allows"),
    description: "`aws-marketplace:Subscribe` (directly or through a wildcard or NotAction) on every \
         resource, unless an unconditional Deny takes it back; conditions on the Allow do not narrow it.",
    rationale: "Subscribing to any AWS Marketplace product — Amazon Bedrock foundation models \
         included — commits the account to the product's charges and terms; subscriptions should be \
         limited to approved product ARNs.",
    fix: "allows aws-marketplace:Subscribe only on the approved product ARNs",
    url: "https://docs.aws.amazon.com/marketplace/latest/buyerguide/buyer-iam-users-groups-policies.html",
    references: &[],
    question: Question {
        verb: "allow",
        object: "aws-marketplace:Subscribe on every product (Resource *)",
        evidence: "subscribe_statements",
        find: |doc| granted_on_all_resources(doc, "aws-marketplace:Subscribe"),
    },
};

fn service_wildcards(doc: &PolicyDocument) -> Vec<String> {
    doc.statements
        .iter()
        .enumerate()
        .filter_map(|(i, s)| {
            let wildcards = s.service_wildcard_actions();
            (!wildcards.is_empty())
                .then(|| format!("statement {}: {}", s.label(i), wildcards.join(", ")))
        })
        .collect()
}

const SERVICE_WILDCARDS: Question = Question {
    verb: "allow",
    object: "every action of a service (Service:*)",
    evidence: "wildcard_statements",
    find: service_wildcards,
};

/// `iam_policy_no_wildcard_service_actions`: customer managed policies name actions, not
/// `Service:*`.
pub fn policy_no_wildcard_service_actions() -> Check {
    Check::new(
        meta("iam_policy_no_wildcard_service_actions", "Customer managed policy does not allow wildcard actions for services", Severity::Low, POLICY_KIND)
            .description(
                "Checks that no Allow statement of a customer managed policy's default version grants all actions of \
                 a service (`\"Action\": \"s3:*\"`) or of every service (`\"*\"`), whatever its resources.",
            )
            .rationale(
                "A service-wide wildcard grants today's and tomorrow's actions of the service, including destructive \
                 and permission-changing ones nobody meant to grant; naming the actions keeps the policy what it was \
                 reviewed to be.",
            )
            .remediation(narrow_managed("lists the actions needed instead of Service:*").url(LEAST_PRIVILEGE_URL))
            .reference("aws-fsbp", "IAM.21")
            .references(LEAST_PRIVILEGE)
            .equivalent("security-hub", "IAM.21"),
        |p, _| ask_managed(p, &SERVICE_WILDCARDS),
    )
}

const ASSUME_ANY_ROLE: Question = Question {
    verb: "allow",
    object: "sts:AssumeRole on every role (Resource *)",
    evidence: "assume_role_statements",
    find: |doc| granted_on_all_resources(doc, "sts:AssumeRole"),
};

/// `iam_no_custom_policy_permissive_role_assumption`: customer managed policies do not allow
/// assuming every role.
pub fn no_custom_policy_permissive_role_assumption() -> Check {
    Check::new(
        meta("iam_no_custom_policy_permissive_role_assumption", "Customer managed policy does not allow assuming any role", Severity::High, POLICY_KIND)
            .description(
                "Checks that the default version of a customer managed policy does not allow `sts:AssumeRole` \
                 (directly, or through `sts:*`, `*` or a NotAction) on every resource, unless an unconditional Deny \
                 takes it back.",
            )
            .rationale(
                "With sts:AssumeRole on *, a principal can assume every role whose trust policy lets its account in — \
                 including roles trusting the whole account — and so collect their permissions; name the roles it needs.",
            )
            .remediation(narrow_managed("allows sts:AssumeRole only on the ARNs of the roles needed")
                .url("https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_permissions-to-switch.html"))
            .references(LEAST_PRIVILEGE)
            .equivalent("prowler", "iam_no_custom_policy_permissive_role_assumption"),
        |p, _| ask_managed(p, &ASSUME_ANY_ROLE),
    )
}
#[cfg(test)]
mod tests {
    use crate::IamRules;
    use crate::test_support::{group, managed_policy, policy_arn, role, user, user_arn};
    use lgp_sdk::Status;
    use lgp_sdk::testing::{assert_status, run};
    use serde_json::{Value, json};

    const KMS: &str = "iam_policy_no_full_access_to_kms";
    const KMS_INLINE: &str = "iam_inline_policy_no_full_access_to_kms";
    const TRAIL: &str = "iam_policy_no_full_access_to_cloudtrail";
    const TRAIL_INLINE: &str = "iam_inline_policy_no_full_access_to_cloudtrail";
    const ESCALATION: &str = "iam_policy_allows_privilege_escalation";
    const ESCALATION_INLINE: &str = "iam_inline_policy_allows_privilege_escalation";
    const WILDCARD: &str = "iam_policy_no_wildcard_service_actions";
    const ASSUME: &str = "iam_no_custom_policy_permissive_role_assumption";

    /// The finding of `check` on a customer managed policy whose statements are `statements`.
    fn managed(check: &str, statements: Value) -> (Status, lgp_sdk::Finding) {
        let f = run::<IamRules>(&[managed_policy("p", json!({"Statement": statements}))]);
        let r = lgp_sdk::testing::finding(&f, check, &policy_arn("p")).clone();
        (r.status, r)
    }

    fn status_of(check: &str, statements: Value) -> Status {
        managed(check, statements).0
    }

    #[test]
    fn full_access_to_kms_and_cloudtrail() {
        let kms = json!({"Sid": "Keys", "Effect": "Allow", "Action": "kms:*", "Resource": "*"});
        let (status, r) = managed(KMS, json!([kms.clone()]));
        assert_eq!(status, Status::Fail);
        assert_eq!(
            r.evidence["full_access_statements"],
            json!(["statement Keys"])
        );
        assert!(
            r.message.contains("Policy p grants full access to KMS"),
            "{}",
            r.message
        );
        assert_eq!(status_of(TRAIL, json!([kms.clone()])), Status::Pass);
        // Action as a plain string or in a list, and the all-services wildcard.
        assert_eq!(
            status_of(
                TRAIL,
                json!({"Effect": "Allow", "Action": ["s3:GetObject", "cloudtrail:*"], "Resource": ["*"]})
            ),
            Status::Fail
        );
        assert_eq!(
            status_of(
                KMS,
                json!({"Effect": "Allow", "Action": "*", "Resource": "*"})
            ),
            Status::Fail
        );
        // NotAction that spares the service grants all of it; one that names it does not.
        assert_eq!(
            status_of(
                KMS,
                json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
            ),
            Status::Fail
        );
        assert_eq!(
            status_of(
                KMS,
                json!({"Effect": "Allow", "NotAction": "kms:Delete*", "Resource": "*"})
            ),
            Status::Pass
        );
        // Some actions, or one key, are not full access.
        assert_eq!(
            status_of(
                KMS,
                json!({"Effect": "Allow", "Action": ["kms:Decrypt", "kms:Encrypt"], "Resource": "*"})
            ),
            Status::Pass
        );
        assert_eq!(
            status_of(
                KMS,
                json!({"Effect": "Allow", "Action": "kms:*",
            "Resource": "arn:aws:kms:us-east-1:111122223333:key/k"})
            ),
            Status::Pass
        );
        // A Deny of part of the service overrides full access.
        assert_eq!(
            status_of(
                KMS,
                json!([kms, {"Effect": "Deny",
            "Action": ["kms:ScheduleKeyDeletion", "kms:DisableKey"], "Resource": "*"}])
            ),
            Status::Pass
        );
        // Conditions on the Allow do not make it partial.
        assert_eq!(
            status_of(
                TRAIL,
                json!({"Effect": "Allow", "Action": "cloudtrail:*", "Resource": "*",
            "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}})
            ),
            Status::Fail
        );
    }

    #[test]
    fn inline_full_access_on_users_groups_and_roles() {
        let doc = json!({"Statement": [{"Effect": "Allow", "Action": ["kms:*", "cloudtrail:*"], "Resource": "*"}]});
        let inline = json!({"inline_policies": [{"name": "keys-and-trails", "document": doc},
            {"name": "read", "document": {"Statement": {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}}}]});
        let f = run::<IamRules>(&[
            user("u", inline.clone()),
            group("g", inline.clone()),
            role("r", inline),
        ]);
        for arn in [
            user_arn("u"),
            "arn:aws:iam::111122223333:group/g".into(),
            "arn:aws:iam::111122223333:role/r".into(),
        ] {
            let r = assert_status(&f, KMS_INLINE, &arn, Status::Fail);
            assert_eq!(
                r.evidence["failing_inline_policies"],
                json!({"keys-and-trails": ["statement #0"]})
            );
            assert!(
                r.message
                    .contains("inline policies that grant full access to KMS"),
                "{}",
                r.message
            );
            assert_status(&f, TRAIL_INLINE, &arn, Status::Fail);
        }
        let f = run::<IamRules>(&[role("r", json!({}))]);
        assert_status(
            &f,
            KMS_INLINE,
            "arn:aws:iam::111122223333:role/r",
            Status::Pass,
        );
        let f = run::<IamRules>(&[user(
            "u",
            json!({"inline_policies": [{"name": "bad", "document": "{oops"}]}),
        )]);
        let r = assert_status(&f, TRAIL_INLINE, &user_arn("u"), Status::Error);
        assert!(r.message.contains("inline policy bad"), "{}", r.message);
    }

    #[test]
    fn privilege_escalation_in_managed_policies() {
        let (status, r) = managed(
            ESCALATION,
            json!({"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "*"}),
        );
        assert_eq!(status, Status::Fail);
        assert_eq!(
            r.evidence["escalation_paths"],
            json!(["CreatePolicyVersion (iam:CreatePolicyVersion)"])
        );
        // A combination spread over statements, with Action as a string and as a list.
        assert_eq!(
            status_of(
                ESCALATION,
                json!([
            {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
            {"Effect": "Allow", "Action": ["ec2:RunInstances"], "Resource": "*"}])
            ),
            Status::Fail
        );
        assert_eq!(
            status_of(
                ESCALATION,
                json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})
            ),
            Status::Pass
        );
        // iam:Put* and NotAction cover the escalation actions.
        assert_eq!(
            status_of(
                ESCALATION,
                json!({"Effect": "Allow", "Action": "iam:Put*", "Resource": "*"})
            ),
            Status::Fail
        );
        assert_eq!(
            status_of(
                ESCALATION,
                json!({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})
            ),
            Status::Fail
        );
        // An unconditional Deny takes the actions back; a conditional one does not.
        let all_iam = json!({"Effect": "Allow", "Action": "iam:*", "Resource": "*"});
        assert_eq!(
            status_of(
                ESCALATION,
                json!([all_iam.clone(),
            {"Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*"], "Resource": "*"}])
            ),
            Status::Pass
        );
        assert_eq!(
            status_of(
                ESCALATION,
                json!([all_iam,
            {"Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*"], "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}])
            ),
            Status::Fail
        );
        // A condition on the Allow is not weighed.
        assert_eq!(
            status_of(
                ESCALATION,
                json!({"Effect": "Allow", "Action": "iam:AttachUserPolicy", "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}})
            ),
            Status::Fail
        );
        // Managing one's own keys is self-service.
        assert_eq!(
            status_of(
                ESCALATION,
                json!({"Effect": "Allow", "Action": ["iam:CreateAccessKey", "iam:UpdateLoginProfile"],
            "Resource": "arn:aws:iam::*:user/${aws:username}"})
            ),
            Status::Pass
        );
        assert_eq!(
            status_of(
                ESCALATION,
                json!({"Effect": "Allow", "Action": ["s3:*", "iam:Get*", "iam:List*"], "Resource": "*"})
            ),
            Status::Pass
        );
    }

    #[test]
    fn privilege_escalation_in_inline_policies() {
        let inline = json!({"inline_policies": [{"name": "deploy", "document": {"Statement": [
            {"Effect": "Allow", "Action": ["iam:PassRole", "lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}]}}]});
        let f = run::<IamRules>(&[role("r", inline)]);
        let r = assert_status(
            &f,
            ESCALATION_INLINE,
            "arn:aws:iam::111122223333:role/r",
            Status::Fail,
        );
        assert!(
            r.message.contains("deploy (PassRole+LambdaInvoke"),
            "{}",
            r.message
        );
        let f = run::<IamRules>(&[group("g", json!({}))]);
        assert_status(
            &f,
            ESCALATION_INLINE,
            "arn:aws:iam::111122223333:group/g",
            Status::Pass,
        );
    }

    #[test]
    fn service_wildcards_and_role_assumption() {
        let (status, r) = managed(
            WILDCARD,
            json!({"Sid": "S3", "Effect": "Allow", "Action": ["s3:*", "ec2:Describe*"],
            "Resource": "arn:aws:s3:::b/*"}),
        );
        assert_eq!(status, Status::Fail);
        assert_eq!(
            r.evidence["wildcard_statements"],
            json!(["statement S3: s3:*"])
        );
        assert_eq!(
            status_of(
                WILDCARD,
                json!({"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"})
            ),
            Status::Pass
        );
        assert_eq!(
            status_of(
                WILDCARD,
                json!({"Effect": "Deny", "Action": "s3:*", "Resource": "*"})
            ),
            Status::Pass
        );

        assert_eq!(
            status_of(
                ASSUME,
                json!({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})
            ),
            Status::Fail
        );
        assert_eq!(
            status_of(
                ASSUME,
                json!({"Effect": "Allow", "Action": ["sts:*"], "Resource": ["*"]})
            ),
            Status::Fail
        );
        assert_eq!(
            status_of(
                ASSUME,
                json!({"Effect": "Allow", "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::111122223333:role/deployer"})
            ),
            Status::Pass
        );
        assert_eq!(
            status_of(
                ASSUME,
                json!([{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
            {"Effect": "Deny", "Action": "sts:*", "Resource": "*"}])
            ),
            Status::Pass
        );
        let f = run::<IamRules>(&[managed_policy("p", json!("{not json"))]);
        for id in [KMS, TRAIL, ESCALATION, WILDCARD, ASSUME] {
            assert_status(&f, id, &policy_arn("p"), Status::Error);
        }
    }

    #[test]
    fn marketplace_subscribe_on_every_product() {
        const MARKET: &str = "iam_policy_no_wildcard_marketplace_subscribe";
        const MARKET_INLINE: &str = "iam_inline_policy_no_wildcard_marketplace_subscribe";
        let any = json!({"Effect": "Allow", "Action": "aws-marketplace:Subscribe", "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}});
        assert_eq!(status_of(MARKET, any.clone()), Status::Fail);
        assert_eq!(
            status_of(
                MARKET,
                json!({"Effect": "Allow", "Action": "aws-marketplace:*", "Resource": "*"})
            ),
            Status::Fail
        );
        assert_eq!(
            status_of(
                MARKET,
                json!({"Effect": "Allow", "Action": "aws-marketplace:Subscribe",
            "Resource": "arn:aws:aws-marketplace::111122223333:product/approved"})
            ),
            Status::Pass
        );
        assert_eq!(
            status_of(
                MARKET,
                json!([any.clone(),
            {"Effect": "Deny", "Action": "aws-marketplace:Subscribe", "Resource": "*"}])
            ),
            Status::Pass
        );
        let f = run::<IamRules>(&[role(
            "r",
            json!({"inline_policies": [{"name": "bedrock",
            "document": {"Statement": [any]}}]}),
        )]);
        let r = assert_status(
            &f,
            MARKET_INLINE,
            "arn:aws:iam::111122223333:role/r",
            Status::Fail,
        );
        assert!(
            r.message.contains("bedrock (statement #0)"),
            "{}",
            r.message
        );
    }
}
