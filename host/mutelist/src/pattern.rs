//! Glob patterns over check ids, accounts, regions, ARNs and tag values.

use crate::MutelistError;
use globset::{GlobBuilder, GlobMatcher};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A glob pattern: `*` matches any run of characters (including `/` and `:`, so one `*` covers
/// the rest of an ARN), `?` one character, `[a-z]` a class, `{a,b}` alternatives. Matching is
/// case-sensitive, as ARNs and check ids are.
#[derive(Clone)]
pub struct Pattern {
    text: String,
    matcher: GlobMatcher,
}

impl Pattern {
    /// Compiles `text` for `field` (named in errors); empty text, whitespace and control
    /// characters are refused.
    pub fn new(field: &'static str, text: &str) -> Result<Self, MutelistError> {
        let refuse = |reason: &str| MutelistError::Pattern {
            field,
            pattern: text.to_owned(),
            reason: reason.to_owned(),
        };
        if text.is_empty() {
            return Err(refuse("it is empty"));
        }
        if text.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(refuse("it contains whitespace or control characters"));
        }
        let glob = GlobBuilder::new(text)
            .literal_separator(false)
            .backslash_escape(true)
            .empty_alternates(false)
            .build()
            .map_err(|e| refuse(&e.kind().to_string()))?;
        Ok(Pattern {
            text: text.to_owned(),
            matcher: glob.compile_matcher(),
        })
    }

    /// Whether `candidate` matches.
    pub fn matches(&self, candidate: &str) -> bool {
        self.matcher.is_match(candidate)
    }

    /// The pattern as written.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Whether the pattern matches everything (`*`, `**`…).
    pub fn is_match_all(&self) -> bool {
        self.text.chars().all(|c| c == '*')
    }
}

impl fmt::Debug for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pattern({:?})", self.text)
    }
}

impl PartialEq for Pattern {
    fn eq(&self, other: &Self) -> bool {
        self.text == other.text
    }
}

impl Serialize for Pattern {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for Pattern {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Pattern::new("stored", &text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::Pattern;

    #[test]
    fn star_crosses_arn_separators() {
        let p = Pattern::new("resource", "arn:aws:s3:::www-*").expect("valid");
        assert!(p.matches("arn:aws:s3:::www-example"));
        assert!(p.matches("arn:aws:s3:::www-a/b:c"));
        assert!(!p.matches("arn:aws:s3:::logs"));
        let q = Pattern::new(
            "resource",
            "arn:aws:ec2:*:111122223333:security-group/sg-?bc",
        )
        .expect("valid");
        assert!(q.matches("arn:aws:ec2:eu-west-1:111122223333:security-group/sg-abc"));
        assert!(!q.matches("arn:aws:ec2:eu-west-1:111122223333:security-group/sg-abcd"));
    }

    #[test]
    fn classes_and_alternatives() {
        let p = Pattern::new("region", "{us,eu}-west-[12]").expect("valid");
        assert!(p.matches("eu-west-1") && p.matches("us-west-2"));
        assert!(!p.matches("eu-west-3") && !p.matches("ap-west-1"));
    }

    #[test]
    fn matching_is_case_sensitive() {
        let p = Pattern::new("check", "s3_*").expect("valid");
        assert!(!p.matches("S3_BUCKET"));
    }

    #[test]
    fn bad_patterns_are_refused_with_the_field() {
        for (text, needle) in [
            ("", "empty"),
            ("arn:aws:s3:::a b", "whitespace"),
            ("arn:aws:s3:::[abc", "unclosed character class"),
            ("s3_{a,b", "unclosed alternate group"),
        ] {
            let err = Pattern::new("resource", text).expect_err(text).to_string();
            assert!(err.starts_with("invalid resource pattern"), "{err}");
            assert!(err.contains(needle), "{text:?}: {err}");
        }
    }
}
