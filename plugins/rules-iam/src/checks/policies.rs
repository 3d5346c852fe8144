//! What policy documents grant: customer managed policies (`aws:iam:policy`, their default
//! version) and the inline policies of users, groups and roles — full administrative access,
//! full access to KMS or CloudTrail, privilege escalation, service-wide wildcards, assuming any
//! role. The policy logic itself (wildcards, `NotAction`, `Deny`) is the SDK's
//! [`lgp_sdk::policy`] and [`lgp_sdk::privilege`].
//!
//! Most questions are asked of both sources of documents: a [`PolicyCheck`] states one question
//! once and builds its customer managed check and its inline check from it.

mod admin;
mod grants;

pub use admin::{inline_policy_no_administrative_privileges, policy_no_administrative_privileges};
pub use grants::{
    CLOUDTRAIL_ACCESS, ESCALATION, KMS_ACCESS, MARKETPLACE,
    no_custom_policy_permissive_role_assumption, policy_no_wildcard_service_actions,
};

use super::{LEAST_PRIVILEGE, Refs, kind_noun, meta};
use lgp_sdk::kinds::iam::{GROUP_KIND, InlinePolicy, POLICY_KIND, ROLE_KIND, USER_KIND, user};
use lgp_sdk::policy::PolicyDocument;
use lgp_sdk::{
    Check, CheckError, CheckMeta, CheckResult, Outcome, Remediation, Resource, Severity,
};
use std::collections::BTreeMap;

/// What in a document makes it fail a question (statement labels, escalation paths); empty:
/// it passes.
type Find = fn(&PolicyDocument) -> Vec<String>;

/// A customer managed policy's default version, and how many principals it is attached to.
fn managed_document(p: &Resource) -> Result<(PolicyDocument, Option<i64>), CheckError> {
    let doc = PolicyDocument::from_value(p.value("document")?)?;
    Ok((doc, p.get_opt("attachment_count")?))
}

/// A question asked of the inline policies of one user, group or role.
struct InlineAnswers {
    /// How many inline policies the principal has.
    count: usize,
    /// The name of each failing policy and what was found in it, in the principal's order.
    failing: Vec<(String, Vec<String>)>,
}

/// Asks `find` of every inline policy of user, group or role `r`.
fn failing_inline(r: &Resource, find: Find) -> Result<InlineAnswers, CheckError> {
    // The property name is the same for users, groups and roles.
    let inline: Vec<InlinePolicy> = r.get(user::INLINE_POLICIES)?;
    let mut failing = Vec::new();
    for policy in &inline {
        let doc = PolicyDocument::from_value(&policy.document)
            .map_err(|e| CheckError::new(format!("inline policy {}: {e}", policy.name)))?;
        let found = find(&doc);
        if !found.is_empty() {
            failing.push((policy.name.clone(), found));
        }
    }
    Ok(InlineAnswers {
        count: inline.len(),
        failing,
    })
}

/// One question asked of policy documents, shared by the customer managed and the inline
/// variant of a check.
#[derive(Clone, Copy)]
pub(crate) struct Question {
    /// The verb of what a failing document does, e.g. `grant`.
    verb: &'static str,
    /// Its object, e.g. `full access to KMS (kms:* on *)`.
    object: &'static str,
    /// The evidence key of what was found in a customer managed policy.
    evidence: &'static str,
    /// What in the document makes it fail.
    find: Find,
}

/// Runs `q` on a customer managed policy's default version.
fn ask_managed(p: &Resource, q: &Question) -> CheckResult {
    let (doc, attachments) = managed_document(p)?;
    let found = (q.find)(&doc);
    Ok(Outcome::pass_if(
        found.is_empty(),
        format!("Policy {} does not {} {}.", p.name, q.verb, q.object),
        format!(
            "Policy {} {}s {}: {}.",
            p.name,
            q.verb,
            q.object,
            found.join("; ")
        ),
    )
    .evidence(q.evidence, found)
    .evidence("attachment_count", attachments))
}

/// Runs `q` on every inline policy of a user, group or role.
fn ask_inline(r: &Resource, q: &Question) -> CheckResult {
    let InlineAnswers { count, failing } = failing_inline(r, q.find)?;
    let failing: BTreeMap<String, Vec<String>> = failing.into_iter().collect();
    let what = kind_noun(&r.kind);
    let listed: Vec<String> = failing
        .iter()
        .map(|(name, found)| format!("{name} ({})", found.join("; ")))
        .collect();
    Ok(Outcome::pass_if(
        failing.is_empty(),
        format!(
            "IAM {what} {} has no inline policy that {}s {}.",
            r.name, q.verb, q.object
        ),
        format!(
            "IAM {what} {} has inline policies that {} {}: {}.",
            r.name,
            q.verb,
            q.object,
            listed.join(", ")
        ),
    )
    .evidence("inline_policy_count", count)
    .evidence("failing_inline_policies", failing))
}

/// The metadata of an inline-policy check: it reads users, groups and roles.
fn inline_meta(id: &str, title: &str, severity: Severity) -> CheckMeta {
    meta(id, title, severity, USER_KIND)
        .resource_kind(GROUP_KIND)
        .resource_kind(ROLE_KIND)
}

/// The remediation of a customer managed policy that grants too much.
fn narrow_managed(what: &str) -> Remediation {
    Remediation::new(format!("Create a new default version of the policy that {what}, then delete the old versions."))
        .cli("aws iam create-policy-version --policy-arn <policy-arn> --policy-document file://least-privilege.json --set-as-default")
        .console("IAM > Policies > <policy> > Edit")
}

/// The remediation of an inline policy that grants too much.
fn narrow_inline(what: &str) -> Remediation {
    Remediation::new(format!("Rewrite the inline policy so that it {what}, or replace it with a reviewed managed policy."))
        .cli("aws iam put-role-policy --role-name <role> --policy-name <policy> --policy-document file://least-privilege.json  # or put-user-policy / put-group-policy")
        .console("IAM > Users / Groups / Roles > <name> > Permissions > <inline policy> > Edit")
}

/// The remediation URL for least-privilege policies.
const LEAST_PRIVILEGE_URL: &str =
    "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege";

/// A question asked of customer managed policies (`iam_policy_<name>`) and of inline policies
/// (`iam_inline_policy_<name>`): everything the two checks share.
pub struct PolicyCheck {
    /// The id after `iam_policy_` / `iam_inline_policy_`, e.g. `no_full_access_to_kms`.
    name: &'static str,
    /// The title after `Customer managed policy does not` / `Inline policies do not`.
    title: &'static str,
    /// The severity of the customer managed check and of the inline one.
    severity: (Severity, Severity),
    /// How the description says what a document must not do, for a customer managed policy
    /// (`does not allow`) and for "no inline policy" (`allows`).
    verbs: (&'static str, &'static str),
    /// The rest of the description, after the verb.
    description: &'static str,
    /// Why it matters.
    rationale: &'static str,
    /// What the fixed policy does, e.g. `allows only the KMS actions and keys needed`.
    fix: &'static str,
    /// The remediation's documentation link.
    url: &'static str,
    /// The controls the question answers beyond [`LEAST_PRIVILEGE`].
    references: Refs,
    /// The question itself.
    question: Question,
}

impl PolicyCheck {
    /// The check on customer managed policies' default versions.
    pub fn managed(&self) -> Check {
        let (verb, _) = self.verbs;
        self.finish(
            meta(
                &format!("iam_policy_{}", self.name),
                &format!("Customer managed policy does not {}", self.title),
                self.severity.0,
                POLICY_KIND,
            )
            .description(format!(
                "Checks that the default version of a customer managed policy {verb} {}",
                self.description
            ))
            .remediation(narrow_managed(self.fix).url(self.url)),
            ask_managed,
        )
    }

    /// The check on the inline policies of users, groups and roles.
    pub fn inline(&self) -> Check {
        let (_, verb) = self.verbs;
        self.finish(
            inline_meta(
                &format!("iam_inline_policy_{}", self.name),
                &format!("Inline policies do not {}", self.title),
                self.severity.1,
            )
            .description(format!(
                "Checks that no inline policy of an IAM user, group or role {verb} {}",
                self.description
            ))
            .remediation(narrow_inline(self.fix).url(self.url)),
            ask_inline,
        )
    }

    /// `meta` with what both variants share, and the check asking the question with `ask`.
    fn finish(&self, meta: CheckMeta, ask: fn(&Resource, &Question) -> CheckResult) -> Check {
        let id = meta.id.clone();
        let question = self.question;
        Check::new(
            meta.rationale(self.rationale)
                .references(self.references)
                .references(LEAST_PRIVILEGE)
                .equivalent("prowler", id),
            move |r, _| ask(r, &question),
        )
    }
}
