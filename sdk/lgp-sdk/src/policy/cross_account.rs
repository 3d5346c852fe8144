//! Whether a statement reaches outside an account: the principals of other accounts it lets
//! in, and the conditions that confine callers to one account or organization.

use super::{Effect, Principal, Statement};

/// Condition keys naming an AWS Organizations boundary: a positive match on any specific value
/// keeps the callers inside one organization (which organization cannot be told from the
/// policy alone, so any is accepted as the trust boundary).
const ORGANIZATION_KEYS: &[&str] = &[
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
];

/// Condition keys whose values are account ids: they confine callers to an account only when
/// every value is that account.
const ACCOUNT_KEYS: &[&str] = &[
    "aws:principalaccount",
    "aws:sourceaccount",
    "aws:sourceowner",
];

/// Condition keys whose values are ARNs: they confine callers to an account only when every
/// value's account field is that account (an ARN without one, such as a bucket's, does not).
const ARN_KEYS: &[&str] = &["aws:principalarn", "aws:sourcearn"];

impl Statement {
    /// Whether the `Condition` keeps callers inside account `owner` or an organization: a
    /// positive string or ARN operator (not negated, not `…IfExists`) on
    /// `aws:PrincipalOrgID` / `aws:PrincipalOrgPaths` / `aws:SourceOrgID` / `aws:SourceOrgPaths`
    /// with specific values, on `aws:PrincipalAccount` / `aws:SourceAccount` /
    /// `aws:SourceOwner` with every value equal to `owner`, or on `aws:PrincipalArn` /
    /// `aws:SourceArn` with every value an ARN of `owner`'s account. Network keys
    /// (`aws:SourceVpce`, `aws:SourceIp`) narrow where a call comes from, not whose it is, so
    /// they do not count.
    pub fn condition_confines_to_account(&self, owner: &str) -> bool {
        self.positive_condition(false, |key, value| {
            if ORGANIZATION_KEYS.contains(&key) {
                value != "*"
            } else if ACCOUNT_KEYS.contains(&key) {
                value == owner
            } else if ARN_KEYS.contains(&key) {
                value.split(':').nth(4) == Some(owner)
            } else {
                false
            }
        })
    }

    /// The principals outside account `owner` that this `Allow` statement lets in: `"*"` when
    /// it applies to everyone (`"*"`, `{"AWS": "*"}`, or `NotPrincipal`), and every account other
    /// than `owner` named among the `AWS` values (as a bare id or in an ARN). Empty for `Deny`
    /// statements, for service, federated and canonical-user principals, for principals of
    /// `owner` itself, and when the `Condition` confines callers to `owner` or an organization
    /// ([`Statement::condition_confines_to_account`]).
    pub fn cross_account_principals(&self, owner: &str) -> Vec<String> {
        if self.effect != Effect::Allow || self.condition_confines_to_account(owner) {
            return Vec::new();
        }
        if self.applies_to_everyone() {
            return vec!["*".to_owned()];
        }
        let mut accounts: Vec<String> = self
            .principal
            .as_ref()
            .map(Principal::aws_accounts)
            .unwrap_or_default()
            .into_iter()
            .filter(|account| *account != owner)
            .map(str::to_owned)
            .collect();
        accounts.sort_unstable();
        accounts.dedup();
        accounts
    }
}

#[cfg(test)]
mod tests {
    use crate::policy::PolicyDocument;
    use serde_json::{Value, json};

    const OWNER: &str = "111122223333";

    fn principals(statement: Value) -> Vec<String> {
        PolicyDocument::from_value(&json!({ "Statement": statement }))
            .expect("valid policy")
            .statements[0]
            .cross_account_principals(OWNER)
    }

    fn allow(principal: Value) -> Value {
        json!({"Effect": "Allow", "Principal": principal, "Action": "s3:GetObject"})
    }

    #[test]
    fn principal_shapes() {
        assert_eq!(principals(allow(json!("*"))), vec!["*"]);
        assert_eq!(principals(allow(json!({"AWS": "*"}))), vec!["*"]);
        assert_eq!(principals(allow(json!({"AWS": ["*"]}))), vec!["*"]);
        assert_eq!(
            principals(allow(json!({"AWS": "444455556666"}))),
            vec!["444455556666"]
        );
        assert_eq!(
            principals(allow(json!({"AWS": [
                "arn:aws:iam::111122223333:root",
                "arn:aws:iam::444455556666:role/reader",
                "arn:aws:iam::444455556666:root"]}))),
            vec!["444455556666"]
        );
        assert!(principals(allow(json!({"AWS": "arn:aws:iam::111122223333:user/u"}))).is_empty());
        assert!(principals(allow(json!({"AWS": OWNER}))).is_empty());
        assert!(principals(allow(json!({"Service": "logging.s3.amazonaws.com"}))).is_empty());
        assert!(principals(allow(json!({"CanonicalUser": "79a59df900b949e5"}))).is_empty());
        let not_principal = json!({"Effect": "Allow",
            "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*"});
        assert_eq!(principals(not_principal), vec!["*"]);
        let deny =
            json!({"Effect": "Deny", "Principal": {"AWS": "444455556666"}, "Action": "s3:*"});
        assert!(principals(deny).is_empty());
    }

    #[test]
    fn conditions_that_confine_the_caller() {
        let with = |condition: Value| {
            let mut statement = allow(json!({"AWS": "444455556666"}));
            statement["Condition"] = condition;
            principals(statement)
        };
        for confined in [
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
            json!({"StringLike": {"AWS:PrincipalOrgPaths": ["o-a1b2c3d4e5/r-ab12/*"]}}),
            json!({"StringEquals": {"aws:SourceAccount": OWNER}}),
            json!({"StringEquals": {"aws:PrincipalAccount": [OWNER]}}),
            json!({"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/E1"}}),
            json!({"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/r"}}),
        ] {
            assert!(with(confined.clone()).is_empty(), "{confined}");
        }
        for open in [
            json!({"StringEquals": {"aws:SourceAccount": "444455556666"}}),
            json!({"StringEquals": {"aws:SourceAccount": [OWNER, "444455556666"]}}),
            json!({"ArnLike": {"aws:SourceArn": "arn:aws:s3:::some-bucket"}}),
            json!({"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/r"}}),
            json!({"StringLike": {"aws:PrincipalOrgID": "*"}}),
            json!({"StringNotEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
            json!({"StringEqualsIfExists": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
            json!({"StringEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}),
            json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}),
            json!({"Bool": {"aws:SecureTransport": "true"}}),
        ] {
            assert_eq!(with(open.clone()), vec!["444455556666"], "{open}");
        }
    }
}
