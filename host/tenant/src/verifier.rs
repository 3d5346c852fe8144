//! Token verification: the algorithm pinned by configuration, then signature, registered claims
//! and our own claims, in that order.

use crate::claims::RawClaims;
use crate::jwks::{Jwks, VerifyKey};
use crate::{AuthConfig, AuthError, Claims, ConfigError, DEFAULT_JWKS_MIN_REFRESH, checked_secret};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use std::sync::Arc;

/// Clock skew tolerated on `exp` (and `nbf`), in seconds: enough for servers whose clocks are
/// NTP-synchronised, small enough that an expired token is not usable for long.
pub const LEEWAY_SECS: u64 = 30;

/// Longest token accepted, in bytes. Real tokens are well under 2 KiB; the bound keeps a hostile
/// header from costing base64 and JSON work, and matches common proxies' header limits.
pub const MAX_TOKEN_LEN: usize = 8 * 1024;

/// Verifies tokens. Cheap to clone; clones share the key set cache.
#[derive(Clone)]
pub struct Verifier {
    keys: Keys,
    issuer: Option<String>,
    audience: Option<String>,
}

#[derive(Clone)]
enum Keys {
    /// HS256 with one shared secret.
    Secret(Arc<DecodingKey>),
    /// RS256 / ES256 with the keys of a JWKS endpoint.
    Jwks(Arc<Jwks>),
}

/// The part of the JOSE header the verifier looks at before any key is chosen.
#[derive(Deserialize)]
struct RawHeader {
    alg: String,
    kid: Option<String>,
}

impl Verifier {
    /// A verifier for `config`: HS256 when it holds a secret, RS256 / ES256 when it holds a JWKS
    /// URL. Keys are fetched on first use, not here.
    pub fn new(config: &AuthConfig) -> Result<Self, ConfigError> {
        let keys = match (&config.jwt_secret, &config.jwks_url) {
            (Some(_), Some(_)) => return Err(ConfigError::Ambiguous),
            (None, None) => return Err(ConfigError::Missing),
            (secret @ Some(_), None) => {
                let secret = checked_secret(secret.as_deref())?;
                // Fails only on an empty secret, which `checked_secret` has already refused.
                let key = DecodingKey::from_secret(secret).map_err(|_| ConfigError::SecretUnset)?;
                Keys::Secret(Arc::new(key))
            }
            (None, Some(url)) => Keys::Jwks(Arc::new(Jwks::new(
                url,
                config.jwks_min_refresh.unwrap_or(DEFAULT_JWKS_MIN_REFRESH),
            )?)),
        };
        Ok(Verifier {
            keys,
            issuer: config.issuer.clone(),
            audience: config.audience.clone(),
        })
    }

    /// Verifies the token of an `Authorization` header value (`Bearer <token>`; the scheme is
    /// case-insensitive), refusing a missing or malformed header.
    pub async fn verify_bearer(&self, header: Option<&str>) -> Result<Claims, AuthError> {
        let header = header.ok_or(AuthError::MissingToken)?;
        let (scheme, token) = header
            .trim()
            .split_once(' ')
            .ok_or(AuthError::MalformedHeader)?;
        if !scheme.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::MalformedHeader);
        }
        let token = token.trim();
        if token.is_empty() {
            return Err(AuthError::MissingToken);
        }
        self.verify(token).await
    }

    /// Verifies a token and returns its claims.
    pub async fn verify(&self, token: &str) -> Result<Claims, AuthError> {
        let header = parse_header(token)?;
        let key = match &self.keys {
            Keys::Secret(key) => {
                if header.alg != "HS256" {
                    return Err(AuthError::AlgorithmNotAllowed);
                }
                VerifyKey {
                    alg: Algorithm::HS256,
                    key: Arc::clone(key),
                }
            }
            Keys::Jwks(jwks) => {
                // Checked before the key lookup so that tokens of other algorithms never cause
                // a key set fetch.
                if !matches!(header.alg.as_str(), "RS256" | "ES256") {
                    return Err(AuthError::AlgorithmNotAllowed);
                }
                let alg: Algorithm = header
                    .alg
                    .parse()
                    .map_err(|_| AuthError::AlgorithmNotAllowed)?;
                let kid = header.kid.ok_or(AuthError::MissingKeyId)?;
                let key = jwks.key(&kid).await?;
                // The key decides the algorithm: an ES256 header on an RSA key is refused.
                if key.alg != alg {
                    return Err(AuthError::AlgorithmNotAllowed);
                }
                key
            }
        };
        let validation = self.validation(key.alg);
        let data = jsonwebtoken::decode::<RawClaims>(token, &key.key, &validation)
            .map_err(|err| refusal(err.kind()))?;
        data.claims.into_claims()
    }

    fn validation(&self, alg: Algorithm) -> Validation {
        let mut validation = Validation::new(alg);
        validation.leeway = LEEWAY_SECS;
        validation.validate_nbf = true;
        let mut required = vec!["exp"];
        if let Some(issuer) = &self.issuer {
            validation.set_issuer(&[issuer]);
            required.push("iss");
        }
        match &self.audience {
            Some(audience) => {
                validation.set_audience(&[audience]);
                required.push("aud");
            }
            // Without a configured audience, a token's `aud` is not ours to judge.
            None => validation.validate_aud = false,
        }
        validation.set_required_spec_claims(&required);
        validation
    }
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys = match &self.keys {
            Keys::Secret(_) => "HS256 secret".to_owned(),
            Keys::Jwks(jwks) => format!("JWKS {}", jwks.url()),
        };
        f.debug_struct("Verifier")
            .field("keys", &keys)
            .field("issuer", &self.issuer)
            .field("audience", &self.audience)
            .finish()
    }
}

/// Checks the token's shape and reads its header, before any key is touched.
fn parse_header(token: &str) -> Result<RawHeader, AuthError> {
    if token.len() > MAX_TOKEN_LEN {
        return Err(AuthError::MalformedToken);
    }
    let mut parts = token.split('.');
    let (Some(header), Some(_payload), Some(signature), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(AuthError::MalformedToken);
    };
    let header = URL_SAFE_NO_PAD
        .decode(header)
        .map_err(|_| AuthError::MalformedToken)?;
    let header: RawHeader =
        serde_json::from_slice(&header).map_err(|_| AuthError::MalformedToken)?;
    // Refused by name, whatever signature follows: the verifier must never reach a code path
    // where an unsigned token could pass.
    if header.alg.eq_ignore_ascii_case("none") {
        return Err(AuthError::AlgorithmNotAllowed);
    }
    if signature.is_empty() {
        return Err(AuthError::BadSignature);
    }
    Ok(header)
}

/// Maps the library's errors onto refusals. Key and crypto-backend errors mean the token does
/// not fit the key, which the caller sees as a bad signature.
fn refusal(kind: &ErrorKind) -> AuthError {
    match kind {
        ErrorKind::ExpiredSignature => AuthError::Expired,
        ErrorKind::ImmatureSignature => AuthError::NotYetValid,
        ErrorKind::InvalidIssuer => AuthError::WrongIssuer,
        ErrorKind::InvalidAudience => AuthError::WrongAudience,
        ErrorKind::InvalidAlgorithm | ErrorKind::InvalidAlgorithmName => {
            AuthError::AlgorithmNotAllowed
        }
        ErrorKind::MissingRequiredClaim(claim) => AuthError::MissingClaim {
            claim: match claim.as_str() {
                "iss" => "iss",
                "aud" => "aud",
                "sub" => "sub",
                "nbf" => "nbf",
                _ => "exp",
            },
        },
        ErrorKind::InvalidClaimFormat(_) | ErrorKind::Json(_) | ErrorKind::InvalidSubject => {
            AuthError::InvalidClaims
        }
        ErrorKind::InvalidToken | ErrorKind::Base64(_) | ErrorKind::Utf8(_) => {
            AuthError::MalformedToken
        }
        _ => AuthError::BadSignature,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::{Minter, Role};
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::{Value, json};
    use std::time::{Duration, SystemTime, UNIX_EPOCH};

    pub(crate) const SECRET: &str = "test-only secret, 32 bytes or more!";

    pub(crate) fn now() -> u64 {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .expect("clock after 1970")
            .as_secs()
    }

    pub(crate) fn claims() -> Value {
        json!({
            "sub": "alice",
            "tenant": "acme",
            "roles": ["analyst"],
            "iat": now(),
            "exp": now() + 600,
        })
    }

    fn hs_config() -> AuthConfig {
        AuthConfig {
            jwt_secret: Some(SECRET.into()),
            ..AuthConfig::default()
        }
    }

    fn hs_token(claims: &Value) -> String {
        let key = EncodingKey::from_secret(SECRET.as_bytes()).expect("key");
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).expect("sign")
    }

    async fn verify(config: &AuthConfig, token: &str) -> Result<Claims, AuthError> {
        Verifier::new(config).expect("verifier").verify(token).await
    }

    /// A token assembled by hand, to say what no honest library would sign.
    pub(crate) fn forged(header: &Value, claims: &Value, signature: &str) -> String {
        format!(
            "{}.{}.{signature}",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(claims.to_string())
        )
    }

    #[tokio::test]
    async fn a_valid_hs256_token_yields_its_claims() {
        let claims = verify(&hs_config(), &hs_token(&claims()))
            .await
            .expect("accepted");
        assert_eq!(claims.sub, "alice");
        assert_eq!(claims.tenant.as_str(), "acme");
        assert_eq!(claims.roles, [Role::Analyst]);
    }

    #[tokio::test]
    async fn the_bearer_header_is_required_and_must_be_well_formed() {
        let verifier = Verifier::new(&hs_config()).expect("verifier");
        let token = hs_token(&claims());
        assert_eq!(
            verifier.verify_bearer(None).await,
            Err(AuthError::MissingToken)
        );
        for bad in [token.as_str(), "Basic dXNlcjpwYXNz", "Bearer", ""] {
            assert!(
                matches!(
                    verifier.verify_bearer(Some(bad)).await,
                    Err(AuthError::MalformedHeader | AuthError::MissingToken)
                ),
                "{bad:?} accepted"
            );
        }
        assert_eq!(
            verifier.verify_bearer(Some("Bearer not.a.jwt")).await,
            Err(AuthError::MalformedToken)
        );
        assert!(
            verifier
                .verify_bearer(Some(&format!("bearer {token}")))
                .await
                .is_ok()
        );
    }

    #[tokio::test]
    async fn expired_tokens_are_refused_beyond_the_leeway() {
        let mut c = claims();
        c["exp"] = json!(now() - LEEWAY_SECS - 5);
        assert_eq!(
            verify(&hs_config(), &hs_token(&c)).await,
            Err(AuthError::Expired)
        );
        c["exp"] = json!(now() - 1);
        assert!(verify(&hs_config(), &hs_token(&c)).await.is_ok());
    }

    #[tokio::test]
    async fn exp_is_required() {
        let mut c = claims();
        c.as_object_mut().expect("object").remove("exp");
        assert_eq!(
            verify(&hs_config(), &hs_token(&c)).await,
            Err(AuthError::MissingClaim { claim: "exp" })
        );
    }

    #[tokio::test]
    async fn a_bad_signature_is_refused() {
        let other = EncodingKey::from_secret(b"another secret that is long enough!!").expect("key");
        let token =
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims(), &other).expect("sign");
        assert_eq!(
            verify(&hs_config(), &token).await,
            Err(AuthError::BadSignature)
        );
        // A valid token with its payload swapped.
        let good = hs_token(&claims());
        let mut tampered = claims();
        tampered["roles"] = json!(["platform-admin"]);
        let forged_payload = URL_SAFE_NO_PAD.encode(tampered.to_string());
        let parts: Vec<&str> = good.split('.').collect();
        let token = format!("{}.{forged_payload}.{}", parts[0], parts[2]);
        assert_eq!(
            verify(&hs_config(), &token).await,
            Err(AuthError::BadSignature)
        );
    }

    #[tokio::test]
    async fn alg_none_is_refused_whatever_its_spelling() {
        for alg in ["none", "None", "NONE"] {
            for signature in ["", "c2ln"] {
                let token = forged(&json!({"alg": alg, "typ": "JWT"}), &claims(), signature);
                assert_eq!(
                    verify(&hs_config(), &token).await,
                    Err(AuthError::AlgorithmNotAllowed),
                    "{alg} with signature {signature:?}"
                );
            }
        }
    }

    #[tokio::test]
    async fn an_hs256_verifier_refuses_other_algorithms() {
        for alg in ["RS256", "ES256", "HS512"] {
            let token = forged(&json!({"alg": alg}), &claims(), "c2ln");
            assert_eq!(
                verify(&hs_config(), &token).await,
                Err(AuthError::AlgorithmNotAllowed),
                "{alg}"
            );
        }
    }

    #[tokio::test]
    async fn issuer_and_audience_are_checked_when_configured() {
        let config = AuthConfig {
            issuer: Some("https://id.example".into()),
            audience: Some("lg-protect".into()),
            ..hs_config()
        };
        let mut c = claims();
        c["iss"] = json!("https://id.example");
        c["aud"] = json!(["other", "lg-protect"]);
        assert!(verify(&config, &hs_token(&c)).await.is_ok());

        let mut wrong = c.clone();
        wrong["aud"] = json!("other");
        assert_eq!(
            verify(&config, &hs_token(&wrong)).await,
            Err(AuthError::WrongAudience)
        );
        let mut wrong = c.clone();
        wrong["iss"] = json!("https://evil.example");
        assert_eq!(
            verify(&config, &hs_token(&wrong)).await,
            Err(AuthError::WrongIssuer)
        );
        for missing in ["iss", "aud"] {
            let mut wrong = c.clone();
            wrong.as_object_mut().expect("object").remove(missing);
            assert_eq!(
                verify(&config, &hs_token(&wrong)).await,
                Err(AuthError::MissingClaim { claim: missing }),
            );
        }
        // Unconfigured, they are not judged.
        let mut other = c.clone();
        other["iss"] = json!("https://elsewhere.example");
        other["aud"] = json!("elsewhere");
        assert!(verify(&hs_config(), &hs_token(&other)).await.is_ok());
    }

    #[tokio::test]
    async fn unknown_roles_invalid_tenants_and_missing_claims_are_refused() {
        let cases = [
            ("roles", json!(["admin", "root"]), AuthError::UnknownRole),
            ("roles", json!([]), AuthError::NoRole),
            ("roles", json!("admin"), AuthError::InvalidClaims),
            ("tenant", json!("Acme Corp"), AuthError::InvalidTenant),
            ("tenant", json!("../other"), AuthError::InvalidTenant),
            ("tenant", json!(7), AuthError::InvalidClaims),
        ];
        for (claim, value, refusal) in cases {
            let mut c = claims();
            c[claim] = value.clone();
            assert_eq!(
                verify(&hs_config(), &hs_token(&c)).await,
                Err(refusal),
                "{claim} = {value}"
            );
        }
        for (claim, name) in [("tenant", "tenant"), ("roles", "roles"), ("sub", "sub")] {
            let mut c = claims();
            c.as_object_mut().expect("object").remove(claim);
            assert_eq!(
                verify(&hs_config(), &hs_token(&c)).await,
                Err(AuthError::MissingClaim { claim: name })
            );
        }
    }

    #[tokio::test]
    async fn refusals_never_echo_the_token() {
        let mut c = claims();
        c["tenant"] = json!("Secret-Tenant");
        let token = hs_token(&c);
        let err = verify(&hs_config(), &token).await.expect_err("refused");
        let message = err.to_string();
        assert!(!message.contains(&token) && !message.contains("Secret-Tenant"));
        assert_eq!(err.http_status(), 401);
    }

    #[tokio::test]
    async fn oversized_and_misshapen_tokens_are_malformed() {
        let verifier = Verifier::new(&hs_config()).expect("verifier");
        let huge = format!("{}.e30.c2ln", "a".repeat(MAX_TOKEN_LEN));
        for bad in [
            huge.as_str(),
            "a.b",
            "a.b.c.d",
            "!!.e30.c2ln",
            "e30.e30.c2ln",
        ] {
            assert!(
                matches!(verifier.verify(bad).await, Err(AuthError::MalformedToken)),
                "{bad:.40}"
            );
        }
    }

    #[test]
    fn configuration_is_exactly_one_key_source_with_a_long_secret() {
        assert!(matches!(
            Verifier::new(&AuthConfig::default()),
            Err(ConfigError::Missing)
        ));
        let both = AuthConfig {
            jwks_url: Some("https://id.example/jwks".into()),
            ..hs_config()
        };
        assert!(matches!(Verifier::new(&both), Err(ConfigError::Ambiguous)));
        let short = AuthConfig {
            jwt_secret: Some("0123456789".into()),
            ..AuthConfig::default()
        };
        let err = Verifier::new(&short).expect_err("short secret");
        assert!(
            err.to_string().contains("LGP_JWT_SECRET is too short"),
            "{err}"
        );
    }

    #[tokio::test]
    async fn minted_tokens_verify() {
        let tenant = "acme".parse().expect("tenant");
        let token = Minter::from_config(&hs_config())
            .expect("minter")
            .mint(&tenant, Role::Admin, "dev", Duration::from_secs(60))
            .expect("mint");
        let claims = verify(&hs_config(), &token).await.expect("accepted");
        assert_eq!(claims.roles, [Role::Admin]);
        assert_eq!(claims.tenant, tenant);
    }
}
