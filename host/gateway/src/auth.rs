//! The caller: a verified bearer token's claims. Handlers take the tenant from here only, and
//! every authenticated request spends one request of its tenant's rate limit here.

use crate::{ApiError, AppState};
use axum::extract::FromRequestParts;
use axum::http::HeaderMap;
use axum::http::header::AUTHORIZATION;
use axum::http::request::Parts;
use lgp_events::TenantId;
use lgp_tenant::{AuthError, Claims, Permission};

/// The verified claims of the request's `Authorization: Bearer …` token. Extracting it refuses
/// a missing or invalid token (401 with a `WWW-Authenticate` challenge).
#[derive(Debug, Clone)]
pub(crate) struct Auth(Claims);

impl Auth {
    /// The claims, if the token's roles allow `permission` (403 otherwise).
    pub(crate) fn require(self, permission: Permission) -> Result<Caller, ApiError> {
        self.0.require(permission)?;
        Ok(Caller(self.0))
    }
}

/// A caller allowed to do what the handler does.
#[derive(Debug, Clone)]
pub(crate) struct Caller(Claims);

impl Caller {
    /// The caller's tenant: the only tenant whose data the request may touch.
    pub(crate) fn tenant(&self) -> &TenantId {
        &self.0.tenant
    }

    /// Who the token was issued to.
    pub(crate) fn subject(&self) -> &str {
        &self.0.sub
    }
}

impl FromRequestParts<AppState> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        bearer(state, &parts.headers).await.map(Auth)
    }
}

/// The claims of the `Authorization: Bearer …` header.
pub(crate) async fn bearer(state: &AppState, headers: &HeaderMap) -> Result<Claims, ApiError> {
    let header = match headers.get(AUTHORIZATION) {
        None => None,
        Some(value) => Some(value.to_str().map_err(|_| AuthError::MalformedHeader)?),
    };
    let claims = state.verifier().verify_bearer(header).await?;
    admit(state, claims)
}

/// The claims of a bare token (from somewhere other than the `Authorization` header).
pub(crate) async fn token(state: &AppState, token: &str) -> Result<Claims, ApiError> {
    let claims = state.verifier().verify(token).await?;
    admit(state, claims)
}

/// Adds the caller's tenant to the request's span, so access logs say whose request it was,
/// and spends one request of the tenant's rate limit (429 when it is spent, counted).
fn admit(state: &AppState, claims: Claims) -> Result<Claims, ApiError> {
    tracing::Span::current().record("tenant", claims.tenant.as_str());
    if let Err(refused) = state.rate_limits().admit(&claims.tenant) {
        state.metrics().rate_limited(&claims.tenant);
        return Err(refused);
    }
    Ok(claims)
}
