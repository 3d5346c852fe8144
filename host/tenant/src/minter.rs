//! Development tokens, signed with the HS256 secret the verifier is configured with.

use crate::{AuthConfig, ConfigError, MintError, Role, checked_secret};
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use lgp_events::TenantId;
use serde::Serialize;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Longest lifetime of a development token: a day covers a working session, and a leaked
/// development token stays useful for no longer (tokens cannot be revoked before `exp`).
pub const MAX_DEV_TOKEN_TTL: Duration = Duration::from_secs(24 * 60 * 60);

/// Mints HS256 tokens for development and tests. Production tokens come from an identity
/// provider; public-key tokens are never minted here.
pub struct Minter {
    key: EncodingKey,
    issuer: Option<String>,
    audience: Option<String>,
}

#[derive(Serialize)]
struct MintedClaims<'a> {
    sub: &'a str,
    tenant: &'a TenantId,
    roles: [Role; 1],
    iat: u64,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    iss: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    aud: Option<&'a str>,
}

impl Minter {
    /// A minter with the secret, issuer and audience of `config`, so that its tokens pass a
    /// verifier built from the same configuration. Refuses a missing or short secret.
    pub fn from_config(config: &AuthConfig) -> Result<Self, ConfigError> {
        let secret = checked_secret(config.jwt_secret.as_deref())?;
        // Fails only on an empty secret, which `checked_secret` has already refused.
        let key = EncodingKey::from_secret(secret).map_err(|_| ConfigError::SecretUnset)?;
        Ok(Minter {
            key,
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
        })
    }

    /// A token for `subject` in `tenant` with `role`, valid for `ttl` (at most
    /// [`MAX_DEV_TOKEN_TTL`]).
    pub fn mint(
        &self,
        tenant: &TenantId,
        role: Role,
        subject: &str,
        ttl: Duration,
    ) -> Result<String, MintError> {
        if ttl.is_zero() || ttl > MAX_DEV_TOKEN_TTL {
            return Err(MintError::Ttl {
                given: ttl.as_secs(),
            });
        }
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |since| since.as_secs());
        let claims = MintedClaims {
            sub: subject,
            tenant,
            roles: [role],
            iat: now,
            exp: now + ttl.as_secs(),
            iss: self.issuer.as_deref(),
            aud: self.audience.as_deref(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.key)
            .map_err(MintError::Signing)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Verifier;
    use crate::verifier::tests::SECRET;

    #[test]
    fn a_missing_or_short_secret_is_refused_naming_the_variable() {
        for secret in [None, Some("too short")] {
            let config = AuthConfig {
                jwt_secret: secret.map(String::from),
                ..AuthConfig::default()
            };
            let err = Minter::from_config(&config)
                .map(|_| ())
                .expect_err("refused");
            assert!(err.to_string().contains("LGP_JWT_SECRET"), "{err}");
        }
    }

    #[test]
    fn lifetimes_are_bounded() {
        let config = AuthConfig {
            jwt_secret: Some(SECRET.into()),
            ..AuthConfig::default()
        };
        let minter = Minter::from_config(&config).expect("minter");
        let tenant = TenantId::new("acme").expect("tenant");
        for ttl in [Duration::ZERO, MAX_DEV_TOKEN_TTL + Duration::from_secs(1)] {
            assert!(matches!(
                minter.mint(&tenant, Role::Viewer, "dev", ttl),
                Err(MintError::Ttl { .. })
            ));
        }
    }

    #[tokio::test]
    async fn minted_tokens_carry_the_configured_issuer_and_audience() {
        let config = AuthConfig {
            jwt_secret: Some(SECRET.into()),
            issuer: Some("lgp-dev".into()),
            audience: Some("lg-protect".into()),
            ..AuthConfig::default()
        };
        let tenant = TenantId::new("acme").expect("tenant");
        let token = Minter::from_config(&config)
            .expect("minter")
            .mint(&tenant, Role::PlatformAdmin, "ops", Duration::from_secs(60))
            .expect("mint");
        let claims = Verifier::new(&config)
            .expect("verifier")
            .verify(&token)
            .await
            .expect("accepted");
        assert_eq!(claims.iss.as_deref(), Some("lgp-dev"));
        assert_eq!(claims.aud, ["lg-protect"]);
        assert_eq!(claims.roles, [Role::PlatformAdmin]);
        assert_eq!(claims.sub, "ops");
    }
}
