use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// A tenant id: 1 to 64 characters of lowercase ASCII letters, digits, `-` and `_`. The
/// restriction keeps ids safe in Redis keys, table keys, URLs and file names.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct TenantId(String);

/// A string that is not a valid tenant id.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid tenant id {0:?}: use 1-64 characters of a-z, 0-9, '-' and '_'")]
pub struct InvalidTenantId(pub String);

/// Longest tenant id; bounds every key that embeds one.
const MAX_LEN: usize = 64;

impl TenantId {
    /// Validates and wraps `id`.
    pub fn new(id: impl Into<String>) -> Result<Self, InvalidTenantId> {
        let id = id.into();
        let ok = !id.is_empty()
            && id.len() <= MAX_LEN
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
        if ok {
            Ok(TenantId(id))
        } else {
            Err(InvalidTenantId(id))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for TenantId {
    type Err = InvalidTenantId;
    fn from_str(s: &str) -> Result<Self, InvalidTenantId> {
        TenantId::new(s)
    }
}

impl<'de> Deserialize<'de> for TenantId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        TenantId::new(String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_safe_ids_and_refuses_the_rest() {
        assert!(TenantId::new("acme-corp_01").is_ok());
        for bad in ["", "Acme", "a b", "a/b", "a:b", &"x".repeat(65)] {
            assert!(TenantId::new(bad).is_err(), "{bad:?} accepted");
        }
        assert!(serde_json::from_str::<TenantId>("\"a{b}\"").is_err());
    }
}
