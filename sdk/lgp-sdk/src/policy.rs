//! IAM and resource policy documents (S3 bucket policies, IAM policies, KMS key policies…):
//! parsing every shape AWS accepts, and the questions rules ask of them.
//!
//! AWS is liberal in what it accepts: `Statement` is an object or a list; `Action`,
//! `NotAction`, `Resource`, `NotResource` and principal values are a string or a list;
//! `Principal` is `"*"` or a map such as `{"AWS": [...], "Service": "..."}`; a document may
//! arrive as a JSON object or as a string holding one. [`PolicyDocument`] normalizes all of it.
//!
//! What "public" means here, the way Prowler and Security Hub use it: an `Allow` statement whose
//! principal is everyone (`"*"`, `{"AWS": "*"}`, or `NotPrincipal`) and whose `Condition` does
//! not narrow who can call (see [`Statement::condition_restricts_caller`]). `Deny` statements are
//! not subtracted: a policy with an `Allow` to everyone is reported even if a later `Deny` trims
//! it, which errs on the side of showing the exposure.
//!
//! ```
//! use lgp_sdk::policy::PolicyDocument;
//!
//! let doc = PolicyDocument::from_json(r#"{"Statement": {"Effect": "Allow", "Principal": "*",
//!     "Action": "s3:Get*", "Resource": "arn:aws:s3:::site/*"}}"#).unwrap();
//! assert!(doc.allows_public("s3:GetObject"));
//! assert!(!doc.allows_public("s3:PutObject"));
//! ```

use crate::net;
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

mod cross_account;

/// Why a policy document could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError(String);

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid policy document: {}", self.0)
    }
}

impl std::error::Error for PolicyError {}

fn invalid(reason: impl Into<String>) -> PolicyError {
    PolicyError(reason.into())
}

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// `"Effect": "Allow"`.
    Allow,
    /// `"Effect": "Deny"`.
    Deny,
}

/// The `Principal` (or `NotPrincipal`) of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Principal {
    /// `"*"`: everyone, including anonymous callers.
    Everyone,
    /// A map from principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`) to values.
    Typed(BTreeMap<String, Vec<String>>),
}

impl Principal {
    fn parse(value: &Value, field: &str) -> Result<Self, PolicyError> {
        match value {
            Value::String(s) if s == "*" => Ok(Principal::Everyone),
            Value::Object(map) => {
                let mut typed = BTreeMap::new();
                for (kind, values) in map {
                    typed.insert(kind.clone(), string_or_list(values, field)?);
                }
                Ok(Principal::Typed(typed))
            }
            other => Err(invalid(format!(
                "{field} must be \"*\" or an object, found {other}"
            ))),
        }
    }

    /// The values of one principal type, e.g. `"AWS"` or `"Service"`; empty when absent.
    pub fn values(&self, kind: &str) -> &[String] {
        match self {
            Principal::Everyone => &[],
            Principal::Typed(map) => map.get(kind).map_or(&[], Vec::as_slice),
        }
    }

    /// Whether the principal is everyone: `"*"`, or `"*"` among the `AWS` (or `CanonicalUser`)
    /// values.
    pub fn is_everyone(&self) -> bool {
        match self {
            Principal::Everyone => true,
            Principal::Typed(_) => ["AWS", "CanonicalUser"]
                .iter()
                .any(|k| self.values(k).iter().any(|v| v == "*")),
        }
    }

    /// The AWS account ids the `AWS` values name (`123456789012` or
    /// `arn:aws:iam::123456789012:...`); `*` and malformed values are skipped.
    pub fn aws_accounts(&self) -> Vec<&str> {
        self.values("AWS")
            .iter()
            .filter_map(|v| {
                let id = match v.strip_prefix("arn:") {
                    Some(rest) => rest.split(':').nth(3)?,
                    None => v.as_str(),
                };
                (id.len() == 12 && id.bytes().all(|b| b.is_ascii_digit())).then_some(id)
            })
            .collect()
    }
}

/// One statement of a policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    /// The statement id, when it has one.
    pub sid: Option<String>,
    /// Allow or Deny.
    pub effect: Effect,
    /// `Principal` (absent in identity policies).
    pub principal: Option<Principal>,
    /// `NotPrincipal`.
    pub not_principal: Option<Principal>,
    /// `Action` patterns (empty when the statement uses `NotAction`).
    pub action: Vec<String>,
    /// `NotAction` patterns.
    pub not_action: Vec<String>,
    /// `Resource` patterns.
    pub resource: Vec<String>,
    /// `NotResource` patterns.
    pub not_resource: Vec<String>,
    /// `Condition`: operator → condition key → value(s), as written.
    pub condition: Option<Map<String, Value>>,
}

/// Condition keys whose positive match narrows who can make a request: an `Allow` to `"*"`
/// guarded by one of them is not public. Keys like `aws:SecureTransport` do not narrow *who*.
const CALLER_KEYS: &[&str] = &[
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:principalservicename",
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:sourceip",
    "aws:vpcsourceip",
    "aws:userid",
    "aws:username",
    "s3:dataaccesspointaccount",
    "s3:dataaccesspointarn",
];

impl Statement {
    fn parse(value: &Value) -> Result<Self, PolicyError> {
        let obj = value
            .as_object()
            .ok_or_else(|| invalid(format!("a statement must be an object, found {value}")))?;
        let list = |field: &str| match obj.get(field) {
            None => Ok(Vec::new()),
            Some(v) => string_or_list(v, field),
        };
        let effect = match obj.get("Effect").and_then(Value::as_str) {
            Some("Allow") => Effect::Allow,
            Some("Deny") => Effect::Deny,
            other => {
                return Err(invalid(format!(
                    "Effect must be Allow or Deny, found {other:?}"
                )));
            }
        };
        let principal = obj
            .get("Principal")
            .map(|p| Principal::parse(p, "Principal"))
            .transpose()?;
        let not_principal = obj
            .get("NotPrincipal")
            .map(|p| Principal::parse(p, "NotPrincipal"))
            .transpose()?;
        let condition = match obj.get("Condition") {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(map.clone()),
            Some(other) => {
                return Err(invalid(format!(
                    "Condition must be an object, found {other}"
                )));
            }
        };
        Ok(Statement {
            sid: obj.get("Sid").and_then(Value::as_str).map(str::to_owned),
            effect,
            principal,
            not_principal,
            action: list("Action")?,
            not_action: list("NotAction")?,
            resource: list("Resource")?,
            not_resource: list("NotResource")?,
            condition,
        })
    }

    /// How findings name the statement: its `Sid`, or `#<index>` when it has none (`index` is
    /// its position in the document's `statements`).
    pub fn label(&self, index: usize) -> String {
        self.sid.clone().unwrap_or_else(|| format!("#{index}"))
    }

    /// Whether the statement covers `action` (e.g. `s3:GetObject`): some `Action` pattern matches
    /// it, or it has `NotAction` and no `NotAction` pattern matches it. Matching is
    /// case-insensitive with `*` and `?` wildcards, as in IAM.
    pub fn matches_action(&self, action: &str) -> bool {
        if !self.action.is_empty() {
            self.action.iter().any(|p| wildcard_match(p, action))
        } else if !self.not_action.is_empty() {
            !self.not_action.iter().any(|p| wildcard_match(p, action))
        } else {
            false
        }
    }

    /// Whether this is an `Allow` covering `action`.
    pub fn allows(&self, action: &str) -> bool {
        self.effect == Effect::Allow && self.matches_action(action)
    }

    /// Whether this is a `Deny` covering `action`.
    pub fn denies(&self, action: &str) -> bool {
        self.effect == Effect::Deny && self.matches_action(action)
    }

    /// Whether the statement applies to everyone: `Principal` is everyone, or it uses
    /// `NotPrincipal` (everyone but a few).
    pub fn applies_to_everyone(&self) -> bool {
        self.not_principal.is_some() || self.principal.as_ref().is_some_and(Principal::is_everyone)
    }

    /// Whether the `Condition` narrows who can call: a positive operator (`StringEquals`,
    /// `StringLike`, `ArnLike`, `IpAddress`, `ForAnyValue:…`; not `…IfExists`, not negated)
    /// on a caller key such as `aws:SourceAccount`, `aws:PrincipalOrgID`, `aws:SourceVpce` or
    /// `aws:SourceIp`, with a value that is not a wildcard (`*`, `0.0.0.0/0`, `::/0`).
    pub fn condition_restricts_caller(&self) -> bool {
        self.positive_condition(true, |key, value| {
            CALLER_KEYS.contains(&key) && value != "*" && !net::is_world_cidr(value)
        })
    }

    /// Whether some positive condition — an operator on strings or ARNs (or on IP addresses,
    /// when `ip`), neither negated nor `…IfExists`, `ForAnyValue:` allowed — has a key whose
    /// values, one or more, all satisfy `accepts(key, value)`; the key is given lowercased.
    /// Values that are not a string or a list of strings satisfy nothing.
    fn positive_condition(&self, ip: bool, accepts: impl Fn(&str, &str) -> bool) -> bool {
        let Some(condition) = &self.condition else {
            return false;
        };
        condition.iter().any(|(operator, keys)| {
            let op = operator.to_ascii_lowercase();
            let op = op.strip_prefix("foranyvalue:").unwrap_or(&op);
            let positive = !op.ends_with("ifexists")
                && !op.contains("not")
                && (op.starts_with("string") || op.starts_with("arn") || (ip && op == "ipaddress"));
            positive
                && keys.as_object().is_some_and(|keys| {
                    keys.iter().any(|(key, values)| {
                        let key = key.to_ascii_lowercase();
                        string_or_list(values, &key).is_ok_and(|values| {
                            !values.is_empty() && values.iter().all(|v| accepts(&key, v))
                        })
                    })
                })
        })
    }

    /// Whether the statement is public: an `Allow` to everyone without a condition that
    /// narrows the caller.
    pub fn is_public(&self) -> bool {
        self.effect == Effect::Allow
            && self.applies_to_everyone()
            && !self.condition_restricts_caller()
    }

    /// The values of condition `operator` on `key` (both case-insensitive), e.g.
    /// `condition_values("Bool", "aws:SecureTransport")` → `["false"]`. Booleans and numbers
    /// are given as their JSON text.
    pub fn condition_values(&self, operator: &str, key: &str) -> Vec<String> {
        let Some(condition) = &self.condition else {
            return Vec::new();
        };
        condition
            .iter()
            .filter(|(op, _)| op.eq_ignore_ascii_case(operator))
            .filter_map(|(_, keys)| keys.as_object())
            .flat_map(|keys| keys.iter().filter(|(k, _)| k.eq_ignore_ascii_case(key)))
            .flat_map(|(_, v)| match v {
                Value::Array(items) => items.iter().map(scalar_text).collect(),
                other => vec![scalar_text(other)],
            })
            .collect()
    }

    /// Whether the statement grants full administrative access: an `Allow` whose actions cover
    /// every action (`"*"`/`"*:*"` among `Action`, or any `NotAction`, which allows everything
    /// but a few actions) on every resource (`"*"` among `Resource`, or a `NotResource`).
    /// `Condition` is ignored, as CIS 1.16 and Security Hub IAM.1 do.
    pub fn grants_full_admin(&self) -> bool {
        let all_actions =
            !self.not_action.is_empty() || self.action.iter().any(|a| a == "*" || a == "*:*");
        let all_resources = !self.not_resource.is_empty() || self.resource.iter().any(|r| r == "*");
        self.effect == Effect::Allow && all_actions && all_resources
    }

    /// Whether the statement covers every resource: `"*"` among `Resource`, or a `NotResource`
    /// (every resource but a few), as [`Statement::grants_full_admin`] reads it.
    pub fn covers_all_resources(&self) -> bool {
        !self.not_resource.is_empty() || self.resource.iter().any(|r| r == "*")
    }

    /// Whether this statement certainly takes `action` away: a `Deny` covering `action` on
    /// `"*"` with no `Condition`. A conditional `Deny`, or one on some resources only, leaves
    /// the action allowed in some requests, so it does not count.
    pub fn blocks(&self, action: &str) -> bool {
        self.denies(action) && self.resource.iter().any(|r| r == "*") && self.condition.is_none()
    }

    /// Whether the statement's actions may include some action of `service` (e.g. `kms`): an
    /// `Action` pattern that can match a `kms:` action, or a `NotAction` that does not exclude
    /// the whole service.
    pub fn touches_service(&self, service: &str) -> bool {
        if !self.action.is_empty() {
            self.action
                .iter()
                .any(|p| pattern_touches_service(p, service))
        } else if !self.not_action.is_empty() {
            !self
                .not_action
                .iter()
                .any(|p| pattern_covers_service(p, service))
        } else {
            false
        }
    }

    /// Whether this is an `Allow` of every action of `service` (`kms:*`, `*`, `*:*`, `k*`, or
    /// a `NotAction` that excludes nothing of the service) on every resource (see
    /// [`Statement::covers_all_resources`]). `Condition` is ignored, as for
    /// [`Statement::grants_full_admin`].
    pub fn grants_service_wildcard(&self, service: &str) -> bool {
        let every_action = if !self.action.is_empty() {
            self.action
                .iter()
                .any(|p| pattern_covers_service(p, service))
        } else {
            !self.not_action.is_empty()
                && !self
                    .not_action
                    .iter()
                    .any(|p| pattern_touches_service(p, service))
        };
        self.effect == Effect::Allow && every_action && self.covers_all_resources()
    }

    /// The `Action` patterns of an `Allow` that grant every action of a service: `"*"`, or
    /// `<service>:*` (Security Hub IAM.21's "Service:*"). Empty for `Deny` and for `NotAction`.
    pub fn service_wildcard_actions(&self) -> Vec<&str> {
        if self.effect != Effect::Allow {
            return Vec::new();
        }
        self.action
            .iter()
            .filter(|a| *a == "*" || a.split_once(':').is_some_and(|(_, name)| name == "*"))
            .map(String::as_str)
            .collect()
    }

    /// Whether the `Condition` requires `key` (case-insensitive, e.g. `sts:ExternalId`) to match
    /// specific values: a positive string or ARN operator (not negated, not `…IfExists`) with at
    /// least one value and no wildcard-only value (`*`).
    pub fn condition_requires(&self, key: &str) -> bool {
        let key = key.to_ascii_lowercase();
        self.positive_condition(false, |k, value| k == key && value != "*")
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn string_or_list(value: &Value, field: &str) -> Result<Vec<String>, PolicyError> {
    match value {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Array(items) => items
            .iter()
            .map(|item| {
                item.as_str().map(str::to_owned).ok_or_else(|| {
                    invalid(format!("{field} entries must be strings, found {item}"))
                })
            })
            .collect(),
        other => Err(invalid(format!(
            "{field} must be a string or a list, found {other}"
        ))),
    }
}

/// The literal text of `pattern` before its first wildcard.
fn literal_prefix(pattern: &str) -> &str {
    pattern
        .find(['*', '?'])
        .map_or(pattern, |end| &pattern[..end])
}

/// Whether an action pattern matches every action of `service`: it ends in `*`, and what comes
/// before that `*` matches a prefix of `<service>:` (so `kms:*`, `*`, `*:*`, `k*`, `km?:*`).
fn pattern_covers_service(pattern: &str, service: &str) -> bool {
    let Some(head) = pattern.strip_suffix('*') else {
        return false;
    };
    let namespace = format!("{service}:");
    (0..=namespace.len())
        .any(|end| namespace.is_char_boundary(end) && wildcard_match(head, &namespace[..end]))
}

/// Whether an action pattern can match some action of `service`: its service part (before
/// `:`) matches the service, or, without `:`, its literal prefix is compatible with
/// `<service>:`.
fn pattern_touches_service(pattern: &str, service: &str) -> bool {
    match pattern.split_once(':') {
        Some((namespace, _)) => wildcard_match(namespace, service),
        None if pattern.contains(['*', '?']) => {
            let prefix = literal_prefix(pattern).to_ascii_lowercase();
            let namespace = format!("{service}:").to_ascii_lowercase();
            namespace.starts_with(&prefix) || prefix.starts_with(&namespace)
        }
        None => false,
    }
}

/// A parsed policy document.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyDocument {
    /// `Version`, when present (e.g. `2012-10-17`).
    pub version: Option<String>,
    /// The statements, in order.
    pub statements: Vec<Statement>,
}

impl PolicyDocument {
    /// Reads a document from a JSON value: an object, or a string holding one (as some AWS APIs
    /// return it).
    pub fn from_value(value: &Value) -> Result<Self, PolicyError> {
        let obj = match value {
            Value::Object(obj) => obj,
            Value::String(text) => return Self::from_json(text),
            other => return Err(invalid(format!("expected an object, found {other}"))),
        };
        let statements = match obj.get("Statement") {
            Some(Value::Array(items)) => items
                .iter()
                .map(Statement::parse)
                .collect::<Result<Vec<_>, _>>()?,
            Some(one @ Value::Object(_)) => vec![Statement::parse(one)?],
            Some(other) => {
                return Err(invalid(format!(
                    "Statement must be an object or a list, found {other}"
                )));
            }
            None => return Err(invalid("no Statement")),
        };
        Ok(PolicyDocument {
            version: obj
                .get("Version")
                .and_then(Value::as_str)
                .map(str::to_owned),
            statements,
        })
    }

    /// Reads a document from JSON text.
    pub fn from_json(text: &str) -> Result<Self, PolicyError> {
        let value: Value = serde_json::from_str(text).map_err(|e| invalid(e.to_string()))?;
        Self::from_value(&value)
    }

    /// The public statements (see [`Statement::is_public`]).
    pub fn public_statements(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| s.is_public())
    }

    /// Whether some public statement allows `action` (wildcards in the policy are honoured).
    pub fn allows_public(&self, action: &str) -> bool {
        self.public_statements().any(|s| s.matches_action(action))
    }

    /// The labels ([`Statement::label`]) of the statements that satisfy `matches`, in document
    /// order: how findings name the statements they are about.
    pub fn statement_labels(&self, matches: impl Fn(&Statement) -> bool) -> Vec<String> {
        self.statements
            .iter()
            .enumerate()
            .filter(|(_, s)| matches(s))
            .map(|(i, s)| s.label(i))
            .collect()
    }

    /// The statements that grant full administrative access (see
    /// [`Statement::grants_full_admin`]).
    pub fn full_admin_statements(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| s.grants_full_admin())
    }

    /// Whether some statement allows `action` to anyone it names (public or not).
    pub fn allows(&self, action: &str) -> bool {
        self.statements.iter().any(|s| s.allows(action))
    }

    /// Whether some statement certainly takes `action` away (see [`Statement::blocks`]).
    pub fn blocks(&self, action: &str) -> bool {
        self.statements.iter().any(|s| s.blocks(action))
    }

    /// Whether the document grants `action` on some resource after its `Deny` statements: an
    /// `Allow` covers it (wildcards and `NotAction` honoured, conditions ignored) and no
    /// unconditional `Deny` on `"*"` takes it away.
    pub fn grants(&self, action: &str) -> bool {
        self.allows(action) && !self.blocks(action)
    }

    /// Whether the document grants `action` on every resource (`"*"` or a `NotResource`) after
    /// its `Deny` statements.
    pub fn grants_on_all_resources(&self, action: &str) -> bool {
        self.statements
            .iter()
            .any(|s| s.allows(action) && s.covers_all_resources())
            && !self.blocks(action)
    }

    /// Whether the document grants full access to `service` (e.g. `kms`, `cloudtrail`): some
    /// statement allows every action of the service on every resource (see
    /// [`Statement::grants_service_wildcard`]) and no `Deny` statement touches the service — any
    /// `Deny` of some of its actions, whatever its resources or conditions, means the access is
    /// not full.
    pub fn grants_full_service_access(&self, service: &str) -> bool {
        self.statements
            .iter()
            .any(|s| s.grants_service_wildcard(service))
            && !self
                .statements
                .iter()
                .any(|s| s.effect == Effect::Deny && s.touches_service(service))
    }
}

/// IAM-style wildcard match: `*` matches any run of characters, `?` any one character; ASCII
/// case-insensitive (action names are). Iterative, no allocation.
pub fn wildcard_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: Value) -> PolicyDocument {
        PolicyDocument::from_value(&v).expect("valid policy")
    }

    #[test]
    fn wildcards() {
        assert!(wildcard_match("s3:*", "s3:GetObject"));
        assert!(wildcard_match("S3:get*", "s3:GetObject"));
        assert!(wildcard_match("*", "iam:PassRole"));
        assert!(wildcard_match("s3:Get?bject", "s3:GetObject"));
        assert!(wildcard_match("s3:*Object*", "s3:PutObjectAcl"));
        assert!(!wildcard_match("s3:Put*", "s3:GetObject"));
        assert!(!wildcard_match("s3:GetObject", "s3:GetObjectAcl"));
        assert!(wildcard_match("", ""));
        assert!(!wildcard_match("", "x"));
    }

    #[test]
    fn statement_and_action_shapes() {
        let single = doc(
            json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}}),
        );
        let listed = doc(json!({"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": ["*"]}, "Action": ["s3:GetObject", "s3:ListBucket"]}]}));
        assert!(single.allows_public("s3:GetObject"));
        assert!(listed.allows_public("s3:getobject"));
        assert!(!listed.allows_public("s3:PutObject"));
        assert_eq!(listed.version.as_deref(), Some("2012-10-17"));
        let text = doc(Value::String(
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*"}]}"#.into(),
        ));
        assert!(text.statements[0].denies("s3:PutObject"));
        assert!(text.public_statements().next().is_none());
    }

    #[test]
    fn not_action_allows_everything_else() {
        let d = doc(
            json!({"Statement": [{"Effect": "Allow", "Principal": "*", "NotAction": "s3:Delete*"}]}),
        );
        assert!(d.allows_public("s3:PutObject"));
        assert!(!d.allows_public("s3:DeleteObject"));
    }

    #[test]
    fn principals() {
        let account = doc(json!({"Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:*"}]}));
        assert!(!account.allows_public("s3:GetObject"));
        assert!(account.allows("s3:GetObject"));
        assert_eq!(
            account.statements[0]
                .principal
                .as_ref()
                .map(Principal::aws_accounts),
            Some(vec!["111122223333"])
        );
        let service = doc(json!({"Statement": [{"Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject"}]}));
        assert!(!service.allows_public("s3:PutObject"));
        assert_eq!(
            service.statements[0]
                .principal
                .as_ref()
                .map(|p| p.values("Service").len()),
            Some(1)
        );
        let not_principal = doc(json!({"Statement": [{"Effect": "Allow",
            "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "s3:GetObject"}]}));
        assert!(not_principal.allows_public("s3:GetObject"));
    }

    #[test]
    fn conditions_that_restrict_the_caller() {
        let with = |condition: Value| {
            doc(
                json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
                "Condition": condition}]}),
            )
            .allows_public("s3:GetObject")
        };
        assert!(!with(
            json!({"StringEquals": {"aws:SourceAccount": "111122223333"}})
        ));
        assert!(!with(
            json!({"StringEquals": {"aws:PrincipalOrgID": ["o-abc123"]}})
        ));
        assert!(!with(
            json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})
        ));
        assert!(!with(
            json!({"ArnLike": {"aws:SourceArn": "arn:aws:cloudfront::111122223333:distribution/X"}})
        ));
        assert!(with(json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}})));
        assert!(with(json!({"StringLike": {"aws:PrincipalArn": "*"}})));
        assert!(with(json!({"Bool": {"aws:SecureTransport": "true"}})));
        assert!(with(
            json!({"StringNotEquals": {"aws:SourceAccount": "111122223333"}})
        ));
        assert!(with(
            json!({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}})
        ));
    }

    #[test]
    fn condition_values_are_case_insensitive() {
        let d = doc(
            json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "s3:*",
            "Condition": {"Bool": {"aws:securetransport": false}}}]}),
        );
        assert_eq!(
            d.statements[0].condition_values("bool", "aws:SecureTransport"),
            vec!["false"]
        );
    }

    #[test]
    fn malformed_documents_are_errors() {
        for bad in [
            json!({"Statement": [{"Effect": "Permit", "Principal": "*", "Action": "*"}]}),
            json!({"Statement": "nope"}),
            json!({"Version": "2012-10-17"}),
            json!({"Statement": [{"Effect": "Allow", "Principal": "x", "Action": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": [1]}]}),
            json!([1]),
        ] {
            let err = PolicyDocument::from_value(&bad).expect_err("malformed");
            assert!(
                err.to_string().starts_with("invalid policy document"),
                "{err}"
            );
        }
    }

    #[test]
    fn full_admin_statements() {
        let admin = |v: Value| doc(json!({"Statement": v})).full_admin_statements().count() > 0;
        assert!(admin(
            json!({"Effect": "Allow", "Action": "*", "Resource": "*"})
        ));
        assert!(admin(
            json!([{"Effect": "Allow", "Action": ["ec2:*", "*:*"], "Resource": ["arn:aws:s3:::b", "*"]}])
        ));
        assert!(admin(
            json!({"Effect": "Allow", "NotAction": ["iam:*"], "Resource": "*"})
        ));
        assert!(admin(
            json!({"Effect": "Allow", "Action": "*", "NotResource": "arn:aws:s3:::b"})
        ));
        assert!(!admin(
            json!({"Effect": "Deny", "Action": "*", "Resource": "*"})
        ));
        assert!(!admin(
            json!({"Effect": "Allow", "Action": "iam:*", "Resource": "*"})
        ));
        assert!(!admin(
            json!({"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::b/*"})
        ));
    }

    #[test]
    fn grants_after_deny() {
        let d = doc(json!({"Statement": [
            {"Effect": "Allow", "Action": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:CreateAccessKey", "Resource": "*"},
            {"Effect": "Deny", "Action": "iam:PassRole", "Resource": "arn:aws:iam::111122223333:role/admin"},
            {"Effect": "Deny", "Action": "iam:PutUserPolicy", "Resource": "*",
             "Condition": {"Bool": {"aws:MultiFactorAuthPresent": "false"}}}]}));
        assert!(!d.grants("iam:CreateAccessKey"));
        // A Deny on one resource, or under a condition, leaves the action granted elsewhere.
        assert!(d.grants("iam:PassRole"));
        assert!(d.grants("iam:PutUserPolicy"));
        assert!(!d.grants("s3:GetObject"));
        let not_action = doc(json!({"Statement": [
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            {"Effect": "Deny", "NotAction": ["s3:*", "ec2:*"], "Resource": "*"}]}));
        assert!(not_action.grants("s3:GetObject"));
        assert!(!not_action.grants("kms:Decrypt"));
        assert!(!not_action.grants("iam:PassRole"));
        let scoped = doc(
            json!({"Statement": {"Effect": "Allow", "Action": "sts:AssumeRole",
            "Resource": "arn:aws:iam::111122223333:role/x"}}),
        );
        assert!(scoped.grants("sts:AssumeRole"));
        assert!(!scoped.grants_on_all_resources("sts:AssumeRole"));
        let all = doc(
            json!({"Statement": {"Effect": "Allow", "Action": ["sts:Assume*"], "Resource": ["*"]}}),
        );
        assert!(all.grants_on_all_resources("sts:AssumeRole"));
    }

    #[test]
    fn full_service_access() {
        let full = |v: Value| doc(json!({"Statement": v})).grants_full_service_access("kms");
        assert!(full(
            json!({"Effect": "Allow", "Action": "kms:*", "Resource": "*"})
        ));
        assert!(full(
            json!({"Effect": "Allow", "Action": ["s3:GetObject", "KMS:*"], "Resource": ["*"]})
        ));
        assert!(full(
            json!({"Effect": "Allow", "Action": "*", "Resource": "*"})
        ));
        assert!(full(
            json!({"Effect": "Allow", "Action": "k*", "Resource": "*"})
        ));
        assert!(full(
            json!({"Effect": "Allow", "NotAction": "s3:*", "Resource": "*"})
        ));
        assert!(!full(
            json!({"Effect": "Allow", "NotAction": "kms:Decrypt", "Resource": "*"})
        ));
        assert!(!full(
            json!({"Effect": "Allow", "NotAction": "*", "Resource": "*"})
        ));
        assert!(!full(
            json!({"Effect": "Allow", "Action": "kms:Create*", "Resource": "*"})
        ));
        assert!(!full(
            json!({"Effect": "Allow", "Action": "kms:?", "Resource": "*"})
        ));
        assert!(!full(json!({"Effect": "Allow", "Action": "kms:*",
            "Resource": "arn:aws:kms:us-east-1:111122223333:key/k"})));
        assert!(!full(
            json!({"Effect": "Deny", "Action": "kms:*", "Resource": "*"})
        ));
        // Any Deny of part of the service means the access is not full.
        assert!(!full(
            json!([{"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "kms:ScheduleKeyDeletion", "Resource": "arn:aws:kms:*:*:key/k"}])
        ));
        assert!(!full(
            json!([{"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
            {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}])
        ));
        // A Deny of other services does not matter.
        assert!(full(
            json!([{"Effect": "Allow", "Action": "kms:*", "Resource": "*"},
            {"Effect": "Deny", "Action": ["s3:*", "kmsx:*"], "Resource": "*"},
            {"Effect": "Deny", "NotAction": "k*", "Resource": "*"}])
        ));
    }

    #[test]
    fn service_wildcards() {
        let d = doc(json!({"Statement": [
            {"Effect": "Allow", "Action": ["s3:*", "ec2:Describe*", "*"], "Resource": "arn:aws:s3:::b"},
            {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}]}));
        assert_eq!(
            d.statements[0].service_wildcard_actions(),
            vec!["s3:*", "*"]
        );
        assert!(d.statements[1].service_wildcard_actions().is_empty());
        assert!(pattern_touches_service("kms*Decrypt", "kms"));
        assert!(!pattern_touches_service("s3*", "kms"));
        assert!(!pattern_touches_service("kms", "kms"));
    }

    #[test]
    fn condition_requires_a_specific_value() {
        let requires = |c: Value| {
            doc(
                json!({"Statement": {"Effect": "Allow", "Principal": {"AWS": "444455556666"},
                "Action": "sts:AssumeRole", "Condition": c}}),
            )
            .statements[0]
                .condition_requires("sts:ExternalId")
        };
        assert!(requires(json!({"StringEquals": {"sts:ExternalId": "abc"}})));
        assert!(requires(
            json!({"StringLike": {"STS:EXTERNALID": ["abc", "def"]}})
        ));
        assert!(!requires(
            json!({"StringNotEquals": {"sts:ExternalId": "abc"}})
        ));
        assert!(!requires(
            json!({"StringEqualsIfExists": {"sts:ExternalId": "abc"}})
        ));
        assert!(!requires(json!({"StringLike": {"sts:ExternalId": "*"}})));
        assert!(!requires(
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-1"}})
        ));
    }
}
