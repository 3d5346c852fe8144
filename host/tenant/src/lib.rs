//! Authentication and authorization for LG-Protect's API: what a token must say, how it is
//! verified, and what its roles allow.
//!
//! A [`Verifier`] checks a JSON Web Token — HS256 with a shared secret (`LGP_JWT_SECRET`), or
//! RS256 / ES256 with the keys of a JWKS endpoint (`LGP_JWKS_URL`, cached, refreshed on an
//! unknown `kid` at most once per interval) — and yields its [`Claims`]: the subject, the
//! tenant and the [`Role`]s. The algorithm is pinned by the configuration, never taken from the
//! token: `none`, and HMAC/public-key confusion, are refused. Every refusal is an [`AuthError`]
//! whose message is safe to return and never echoes the token. [`Role::allows`] maps roles onto
//! [`Permission`]s; a [`Minter`] makes development tokens (HS256 only).
//!
//! It deliberately does not serve HTTP, extract headers from requests, keep users or sessions,
//! or revoke tokens (a token is good until its `exp`): the gateway owns requests and responses,
//! an identity provider owns users.
//!
//! ```
//! use lgp_tenant::{AuthConfig, Minter, Permission, Role, Verifier};
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let config = AuthConfig {
//!     jwt_secret: Some("a development secret of at least 32 bytes".into()),
//!     ..AuthConfig::default()
//! };
//! let tenant = "acme".parse()?;
//! let token = Minter::from_config(&config)?.mint(
//!     &tenant,
//!     Role::Analyst,
//!     "dev",
//!     std::time::Duration::from_secs(3600),
//! )?;
//! let claims = Verifier::new(&config)?
//!     .verify_bearer(Some(&format!("Bearer {token}")))
//!     .await?;
//! assert_eq!(claims.tenant, tenant);
//! claims.require(Permission::Scan)?;
//! # Ok(()) }
//! ```

mod claims;
mod error;
mod jwks;
mod minter;
mod verifier;

pub use claims::{Claims, Permission, Role, UnknownRole};
pub use error::{AuthError, ConfigError, MintError};
pub use minter::{MAX_DEV_TOKEN_TTL, Minter};
pub use verifier::{LEEWAY_SECS, MAX_TOKEN_LEN, Verifier};

use serde::Deserialize;
use std::fmt;
use std::time::Duration;

/// The variable holding the HS256 secret.
pub const ENV_JWT_SECRET: &str = "LGP_JWT_SECRET";
/// The variable holding the JWKS URL (RS256 / ES256 keys).
pub const ENV_JWKS_URL: &str = "LGP_JWKS_URL";
/// The variable holding the required issuer (`iss`), if any.
pub const ENV_JWT_ISSUER: &str = "LGP_JWT_ISSUER";
/// The variable holding the required audience (`aud`), if any.
pub const ENV_JWT_AUDIENCE: &str = "LGP_JWT_AUDIENCE";

/// Shortest HS256 secret accepted: 32 bytes is SHA-256's output size, below which the HMAC key
/// is weaker than the hash (RFC 7518 §3.2 requires at least that much) and guessable secrets
/// such as words or short passphrases are refused.
pub const MIN_SECRET_LEN: usize = 32;

/// Default shortest interval between two fetches of the key set: a flood of tokens with made-up
/// key ids costs the JWKS endpoint at most one request per interval, while a key rotated in by
/// the identity provider is picked up within this delay.
pub const DEFAULT_JWKS_MIN_REFRESH: Duration = Duration::from_secs(30);

/// How tokens are verified (and development tokens minted). Exactly one of `jwt_secret` and
/// `jwks_url` is set.
#[derive(Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuthConfig {
    /// HS256 shared secret, at least [`MIN_SECRET_LEN`] bytes.
    #[serde(default)]
    pub jwt_secret: Option<String>,
    /// URL of a JWKS document with the RS256 / ES256 public keys (HTTPS, or HTTP to loopback).
    #[serde(default)]
    pub jwks_url: Option<String>,
    /// When set, tokens must carry this `iss`.
    #[serde(default)]
    pub issuer: Option<String>,
    /// When set, tokens must name this audience in `aud`.
    #[serde(default)]
    pub audience: Option<String>,
    /// Shortest interval between key set fetches; [`DEFAULT_JWKS_MIN_REFRESH`] when unset.
    #[serde(default, with = "optional_secs")]
    pub jwks_min_refresh: Option<Duration>,
}

impl AuthConfig {
    /// Reads [`ENV_JWT_SECRET`], [`ENV_JWKS_URL`], [`ENV_JWT_ISSUER`] and [`ENV_JWT_AUDIENCE`];
    /// empty variables count as unset.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`AuthConfig::from_env`], reading variables through `lookup`.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Self {
        let get = |name| lookup(name).filter(|value| !value.is_empty());
        AuthConfig {
            jwt_secret: get(ENV_JWT_SECRET),
            jwks_url: get(ENV_JWKS_URL),
            issuer: get(ENV_JWT_ISSUER),
            audience: get(ENV_JWT_AUDIENCE),
            jwks_min_refresh: None,
        }
    }
}

impl fmt::Debug for AuthConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthConfig")
            .field(
                "jwt_secret",
                &self.jwt_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("jwks_url", &self.jwks_url)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .field("jwks_min_refresh", &self.jwks_min_refresh)
            .finish()
    }
}

/// The secret's bytes, if it is long enough.
fn checked_secret(secret: Option<&str>) -> Result<&[u8], ConfigError> {
    match secret {
        None | Some("") => Err(ConfigError::SecretUnset),
        Some(s) if s.len() < MIN_SECRET_LEN => Err(ConfigError::SecretTooShort { len: s.len() }),
        Some(s) => Ok(s.as_bytes()),
    }
}

/// `jwks_min_refresh` as whole seconds in configuration files.
mod optional_secs {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Duration>, D::Error> {
        Ok(Option::<u64>::deserialize(d)?.map(Duration::from_secs))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_from_variables_treats_empty_as_unset_and_never_prints_the_secret() {
        let config = AuthConfig::from_lookup(|name| match name {
            ENV_JWT_SECRET => Some("s".repeat(40)),
            ENV_JWKS_URL => Some(String::new()),
            ENV_JWT_ISSUER => Some("https://id.example".into()),
            _ => None,
        });
        assert_eq!(config.jwt_secret.as_deref(), Some(&*"s".repeat(40)));
        assert_eq!(config.jwks_url, None);
        assert_eq!(config.issuer.as_deref(), Some("https://id.example"));
        assert_eq!(config.audience, None);
        assert!(!format!("{config:?}").contains("sss"));
    }

    #[test]
    fn config_files_refuse_unknown_fields() {
        let ok: AuthConfig =
            serde_json::from_str(r#"{"jwks_url":"https://id.example/jwks","jwks_min_refresh":5}"#)
                .expect("config");
        assert_eq!(ok.jwks_min_refresh, Some(Duration::from_secs(5)));
        assert!(serde_json::from_str::<AuthConfig>(r#"{"secret":"x"}"#).is_err());
    }

    #[test]
    fn secrets_are_checked_for_presence_and_length() {
        assert!(matches!(
            checked_secret(None),
            Err(ConfigError::SecretUnset)
        ));
        assert!(matches!(
            checked_secret(Some("short")),
            Err(ConfigError::SecretTooShort { len: 5 })
        ));
        let message = checked_secret(Some("short"))
            .map(|_| ())
            .expect_err("short secret")
            .to_string();
        assert!(message.contains(ENV_JWT_SECRET), "{message}");
        assert!(checked_secret(Some(&"k".repeat(MIN_SECRET_LEN))).is_ok());
    }
}
