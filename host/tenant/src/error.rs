//! Why a request was refused, and why a configuration was.

use crate::Permission;

/// Why a token was refused. Every message is safe to return to the caller: it never echoes the
/// token, its header or its claims, and says no more than which rule the token broke.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization` header.
    #[error("missing bearer token")]
    MissingToken,
    /// An `Authorization` header that is not `Bearer <token>`.
    #[error("malformed authorization header: expected `Bearer <token>`")]
    MalformedHeader,
    /// Not a JWT: wrong shape, bad encoding, too long.
    #[error("malformed token")]
    MalformedToken,
    /// The header names an algorithm the verifier is not configured for (including `none`, and an
    /// HMAC algorithm where a public-key one is expected, or the reverse).
    #[error("token algorithm not accepted")]
    AlgorithmNotAllowed,
    /// A public-key token without a `kid` header.
    #[error("token header has no key id")]
    MissingKeyId,
    /// The `kid` matches no key of the key set, even after a refresh.
    #[error("token signed by an unknown key")]
    UnknownKey,
    /// The signature does not verify.
    #[error("invalid token signature")]
    BadSignature,
    /// `exp` is in the past (beyond the leeway).
    #[error("token expired")]
    Expired,
    /// `nbf` is in the future (beyond the leeway).
    #[error("token not yet valid")]
    NotYetValid,
    /// A claim the verifier requires is absent.
    #[error("token lacks the {claim:?} claim")]
    MissingClaim {
        /// The claim's name.
        claim: &'static str,
    },
    /// A claim has the wrong type.
    #[error("token claims are malformed")]
    InvalidClaims,
    /// `iss` is not the configured issuer.
    #[error("token issuer not accepted")]
    WrongIssuer,
    /// `aud` does not name the configured audience.
    #[error("token audience not accepted")]
    WrongAudience,
    /// `tenant` is not a valid tenant id.
    #[error("token tenant is not a valid tenant id")]
    InvalidTenant,
    /// `roles` names a role that does not exist.
    #[error("token carries an unknown role")]
    UnknownRole,
    /// `roles` is empty.
    #[error("token carries no role")]
    NoRole,
    /// The token is valid but its roles do not allow the operation.
    #[error("the token's roles do not allow {permission}")]
    Forbidden {
        /// What the operation needed.
        permission: Permission,
    },
    /// The key set could not be fetched; the cause is logged, not returned.
    #[error("signing keys unavailable")]
    KeysUnavailable,
}

impl AuthError {
    /// A stable machine code for API error bodies.
    pub fn code(&self) -> &'static str {
        match self {
            AuthError::MissingToken => "missing_token",
            AuthError::MalformedHeader => "malformed_authorization",
            AuthError::MalformedToken => "malformed_token",
            AuthError::AlgorithmNotAllowed => "algorithm_not_allowed",
            AuthError::MissingKeyId => "missing_key_id",
            AuthError::UnknownKey => "unknown_key",
            AuthError::BadSignature => "bad_signature",
            AuthError::Expired => "token_expired",
            AuthError::NotYetValid => "token_not_yet_valid",
            AuthError::MissingClaim { .. } => "missing_claim",
            AuthError::InvalidClaims => "invalid_claims",
            AuthError::WrongIssuer => "wrong_issuer",
            AuthError::WrongAudience => "wrong_audience",
            AuthError::InvalidTenant => "invalid_tenant",
            AuthError::UnknownRole => "unknown_role",
            AuthError::NoRole => "no_role",
            AuthError::Forbidden { .. } => "forbidden",
            AuthError::KeysUnavailable => "keys_unavailable",
        }
    }

    /// The HTTP status the gateway answers with: 403 when a valid token lacks a permission, 503
    /// when the key set cannot be reached (the token may be fine), 401 otherwise.
    pub fn http_status(&self) -> u16 {
        match self {
            AuthError::Forbidden { .. } => 403,
            AuthError::KeysUnavailable => 503,
            _ => 401,
        }
    }
}

/// Why an authentication configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// Neither a secret nor a key set URL.
    #[error("no token verification configured: set {secret} (HS256) or {jwks} (RS256/ES256)", secret = crate::ENV_JWT_SECRET, jwks = crate::ENV_JWKS_URL)]
    Missing,
    /// Both a secret and a key set URL.
    #[error("both {secret} and {jwks} are set: configure exactly one", secret = crate::ENV_JWT_SECRET, jwks = crate::ENV_JWKS_URL)]
    Ambiguous,
    /// The variable holding the secret is unset (or empty).
    #[error(
        "{} is not set: it holds the HS256 secret (at least {} bytes)",
        crate::ENV_JWT_SECRET,
        crate::MIN_SECRET_LEN
    )]
    SecretUnset,
    /// The secret is too short to resist brute force.
    #[error(
        "{} is too short: {len} bytes, at least {} needed",
        crate::ENV_JWT_SECRET,
        crate::MIN_SECRET_LEN
    )]
    SecretTooShort {
        /// The length given.
        len: usize,
    },
    /// The key set URL does not parse, or is plain HTTP to a host other than loopback.
    #[error("invalid {} {url:?}: {reason}", crate::ENV_JWKS_URL)]
    JwksUrl {
        /// The URL given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The TLS client for the key set could not be built.
    #[error("cannot set up TLS for the key set client")]
    Tls(#[source] std::io::Error),
}

/// Why a development token could not be minted.
#[derive(Debug, thiserror::Error)]
pub enum MintError {
    /// A token lifetime that is zero or longer than the development maximum.
    #[error("token lifetime must be between 1 second and {max} seconds, not {given} seconds", max = crate::MAX_DEV_TOKEN_TTL.as_secs())]
    Ttl {
        /// The lifetime asked for, in seconds.
        given: u64,
    },
    /// Signing failed (a bug, or a broken crypto backend).
    #[error("cannot sign the token")]
    Signing(#[source] jsonwebtoken::errors::Error),
}
