//! IAM privilege escalation: the documented combinations of actions that let a principal give
//! itself (or a principal it controls) more permissions than it has, and which of them a policy
//! document grants.
//!
//! The combinations follow the public research on AWS privilege escalation (Rhino Security
//! Labs' "AWS IAM Privilege Escalation – Methods and Mitigation" and Bishop Fox's "Privilege
//! Escalation in AWS"): rewriting policies (`iam:CreatePolicyVersion`, `iam:Put*Policy`,
//! `iam:Attach*Policy`), taking over credentials (`iam:CreateAccessKey`,
//! `iam:CreateLoginProfile`, `iam:UpdateLoginProfile`), joining groups, rewriting trust
//! policies, and passing a powerful role to a service that runs code the caller controls
//! (`iam:PassRole` with EC2, Lambda, Glue, CloudFormation, Data Pipeline, SageMaker, ECS,
//! CodeBuild), or changing code an existing privileged function or endpoint runs.
//!
//! How a document is read: an action counts when an `Allow` statement covers it (wildcards such
//! as `iam:*` and `iam:Put*`, and `NotAction`, honoured) and no unconditional `Deny` on `"*"`
//! takes it away ([`PolicyDocument::grants`]). Resources and conditions of the `Allow` are not
//! weighed — which role may be passed or which user may be changed depends on what exists in the
//! account — except one case that is safe by construction: creating or changing one's *own*
//! access keys and password (`Resource` only `...:user/${aws:username}`) is self-service, not
//! escalation. What it deliberately does not do: chain policies of several principals, or look
//! at service control policies and permissions boundaries.
//!
//! ```
//! use lgp_sdk::policy::PolicyDocument;
//! use lgp_sdk::privilege::escalation_paths;
//!
//! let doc = PolicyDocument::from_json(r#"{"Statement": {"Effect": "Allow",
//!     "Action": ["iam:PassRole", "ec2:RunInstances"], "Resource": "*"}}"#).unwrap();
//! let ids: Vec<&str> = escalation_paths(&doc).iter().map(|p| p.id).collect();
//! assert_eq!(ids, ["PassRole+EC2RunInstances"]);
//! ```

use crate::policy::{PolicyDocument, Statement};

/// One way to escalate privileges: every action of `actions` together is enough.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationPath {
    /// A short stable name, e.g. `CreatePolicyVersion` or `PassRole+EC2RunInstances`.
    pub id: &'static str,
    /// The actions that together allow the escalation.
    pub actions: &'static [&'static str],
    /// How the escalation works, in one sentence.
    pub how: &'static str,
}

const fn path(
    id: &'static str,
    actions: &'static [&'static str],
    how: &'static str,
) -> EscalationPath {
    EscalationPath { id, actions, how }
}

/// The escalation paths, most direct first.
pub const ESCALATION_PATHS: &[EscalationPath] = &[
    path(
        "CreatePolicyVersion",
        &["iam:CreatePolicyVersion"],
        "write a new default version of a managed policy the caller has, granting anything",
    ),
    path(
        "SetDefaultPolicyVersion",
        &["iam:SetDefaultPolicyVersion"],
        "make an older, more permissive version of a policy the default",
    ),
    path(
        "AttachUserPolicy",
        &["iam:AttachUserPolicy"],
        "attach AdministratorAccess to the caller's own user",
    ),
    path(
        "AttachGroupPolicy",
        &["iam:AttachGroupPolicy"],
        "attach AdministratorAccess to a group the caller is in",
    ),
    path(
        "AttachRolePolicy",
        &["iam:AttachRolePolicy"],
        "attach AdministratorAccess to the caller's role or a role it can assume",
    ),
    path(
        "PutUserPolicy",
        &["iam:PutUserPolicy"],
        "write an administrator inline policy into the caller's own user",
    ),
    path(
        "PutGroupPolicy",
        &["iam:PutGroupPolicy"],
        "write an administrator inline policy into a group the caller is in",
    ),
    path(
        "PutRolePolicy",
        &["iam:PutRolePolicy"],
        "write an administrator inline policy into the caller's role or a role it can assume",
    ),
    path(
        "AddUserToGroup",
        &["iam:AddUserToGroup"],
        "add the caller to a more privileged group",
    ),
    path(
        "CreateAccessKey",
        &["iam:CreateAccessKey"],
        "create an access key for a more privileged user",
    ),
    path(
        "CreateLoginProfile",
        &["iam:CreateLoginProfile"],
        "give a more privileged user a console password the caller chooses",
    ),
    path(
        "UpdateLoginProfile",
        &["iam:UpdateLoginProfile"],
        "reset a more privileged user's console password",
    ),
    path(
        "UpdateAssumeRolePolicy",
        &["iam:UpdateAssumeRolePolicy", "sts:AssumeRole"],
        "rewrite a privileged role's trust policy to trust the caller, then assume it",
    ),
    path(
        "PassRole+EC2RunInstances",
        &["iam:PassRole", "ec2:RunInstances"],
        "launch an instance with a privileged instance profile and read its credentials",
    ),
    path(
        "PassRole+LambdaInvoke",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:InvokeFunction",
        ],
        "create a function that runs as a privileged role, then invoke it",
    ),
    path(
        "PassRole+LambdaEventSource",
        &[
            "iam:PassRole",
            "lambda:CreateFunction",
            "lambda:CreateEventSourceMapping",
        ],
        "create a function that runs as a privileged role and trigger it from an event source",
    ),
    path(
        "LambdaUpdateFunctionCode",
        &["lambda:UpdateFunctionCode"],
        "replace the code of an existing function that runs as a privileged role",
    ),
    path(
        "PassRole+GlueDevEndpoint",
        &["iam:PassRole", "glue:CreateDevEndpoint"],
        "create a Glue development endpoint with a privileged role and log in to it",
    ),
    path(
        "GlueUpdateDevEndpoint",
        &["glue:UpdateDevEndpoint"],
        "add the caller's SSH key to an existing privileged Glue development endpoint",
    ),
    path(
        "PassRole+CloudFormation",
        &["iam:PassRole", "cloudformation:CreateStack"],
        "create a stack that a privileged role deploys, with resources the caller defines",
    ),
    path(
        "PassRole+DataPipeline",
        &[
            "iam:PassRole",
            "datapipeline:CreatePipeline",
            "datapipeline:PutPipelineDefinition",
        ],
        "run a pipeline that executes commands as a privileged role",
    ),
    path(
        "PassRole+SageMakerNotebook",
        &[
            "iam:PassRole",
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ],
        "create a notebook with a privileged role and open it",
    ),
    path(
        "PassRole+ECSRunTask",
        &["iam:PassRole", "ecs:RegisterTaskDefinition", "ecs:RunTask"],
        "run a task with a privileged task role and a command the caller chooses",
    ),
    path(
        "PassRole+CodeBuild",
        &[
            "iam:PassRole",
            "codebuild:CreateProject",
            "codebuild:StartBuild",
        ],
        "run a build with a privileged service role and a buildspec the caller writes",
    ),
];

/// Actions that are self-service, not escalation, when a statement limits them to the caller's
/// own user (`${aws:username}`): a user managing its own keys and password gains nothing.
const SELF_SERVICE_ACTIONS: &[&str] = &[
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
];

/// Whether every `Resource` of the statement is the caller's own user, and nothing else.
fn only_own_user(statement: &Statement) -> bool {
    statement.not_resource.is_empty()
        && !statement.resource.is_empty()
        && statement
            .resource
            .iter()
            .all(|r| r.to_ascii_lowercase().ends_with(":user/${aws:username}"))
}

/// Whether `doc` grants `action` for the purpose of escalation (see the module docs).
pub fn grants_for_escalation(doc: &PolicyDocument, action: &str) -> bool {
    let self_service = SELF_SERVICE_ACTIONS
        .iter()
        .any(|a| a.eq_ignore_ascii_case(action));
    doc.statements
        .iter()
        .any(|s| s.allows(action) && !(self_service && only_own_user(s)))
        && !doc.blocks(action)
}

/// The escalation paths whose every action `doc` grants, in [`ESCALATION_PATHS`] order.
pub fn escalation_paths(doc: &PolicyDocument) -> Vec<&'static EscalationPath> {
    ESCALATION_PATHS
        .iter()
        .filter(|p| p.actions.iter().all(|a| grants_for_escalation(doc, a)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    fn ids(statement: Value) -> Vec<&'static str> {
        let doc = PolicyDocument::from_value(&json!({"Statement": statement})).expect("valid");
        escalation_paths(&doc).iter().map(|p| p.id).collect()
    }

    #[test]
    fn single_actions_and_combinations() {
        assert_eq!(
            ids(json!({"Effect": "Allow", "Action": "iam:CreatePolicyVersion", "Resource": "*"})),
            ["CreatePolicyVersion"]
        );
        // PassRole alone, or RunInstances alone, is not enough.
        assert!(
            ids(json!({"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"})).is_empty()
        );
        assert!(
            ids(json!({"Effect": "Allow", "Action": "ec2:RunInstances", "Resource": "*"}))
                .is_empty()
        );
        // Spread over two statements, the combination still counts.
        assert_eq!(
            ids(json!([
                {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/*"},
                {"Effect": "Allow", "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"], "Resource": "*"}])),
            ["PassRole+LambdaInvoke"]
        );
        assert!(
            ids(json!({"Effect": "Allow", "Action": ["s3:*", "ec2:Describe*"], "Resource": "*"}))
                .is_empty()
        );
    }

    #[test]
    fn wildcards_and_not_action() {
        let put = ids(json!({"Effect": "Allow", "Action": "iam:Put*", "Resource": "*"}));
        assert_eq!(put, ["PutUserPolicy", "PutGroupPolicy", "PutRolePolicy"]);
        let all_iam = ids(json!({"Effect": "Allow", "Action": "iam:*", "Resource": "*"}));
        assert!(all_iam.contains(&"CreatePolicyVersion") && all_iam.contains(&"AddUserToGroup"));
        // UpdateAssumeRolePolicy also needs sts:AssumeRole.
        assert!(!all_iam.contains(&"UpdateAssumeRolePolicy"));
        let everything = ids(json!({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"}));
        assert_eq!(everything.len(), ESCALATION_PATHS.len());
        let not_iam =
            ids(json!({"Effect": "Allow", "NotAction": ["iam:*", "lambda:*"], "Resource": "*"}));
        assert_eq!(not_iam, ["GlueUpdateDevEndpoint"]);
    }

    #[test]
    fn deny_statements() {
        // An unconditional Deny on "*" takes the action away.
        assert!(
            ids(json!([
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "NotAction": ["iam:Get*", "iam:List*"], "Resource": "*"}]))
            .is_empty()
        );
        // A conditional Deny, or one on a single resource, does not.
        let conditional = ids(json!([
            {"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]));
        assert_eq!(conditional, ["CreateAccessKey"]);
        let one = ids(json!([
            {"Effect": "Allow", "Action": "iam:CreateAccessKey", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "arn:aws:iam::111122223333:user/admin"}]));
        assert_eq!(one, ["CreateAccessKey"]);
    }

    #[test]
    fn own_credentials_are_self_service() {
        let own = json!({"Effect": "Allow",
            "Action": ["iam:CreateAccessKey", "iam:UpdateLoginProfile", "iam:PutUserPolicy"],
            "Resource": "arn:aws:iam::*:user/${aws:username}"});
        // Putting an inline policy into one's own user is still escalation.
        assert_eq!(ids(own), ["PutUserPolicy"]);
        let others = json!({"Effect": "Allow", "Action": "iam:CreateAccessKey",
            "Resource": ["arn:aws:iam::*:user/${aws:username}", "arn:aws:iam::*:user/admin"]});
        assert_eq!(ids(others), ["CreateAccessKey"]);
    }
}
