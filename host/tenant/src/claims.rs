//! What a verified token says: who, for which tenant, with which roles, and what those roles
//! allow.

use crate::AuthError;
use lgp_events::TenantId;
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::str::FromStr;

/// The claims of a verified token. Every gateway handler takes the tenant from here, never from
/// the request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claims {
    /// Who the token was issued to (a user or a service).
    pub sub: String,
    /// The tenant whose data the token may reach.
    pub tenant: TenantId,
    /// The roles granted; the token allows what any of them allows. Never empty.
    pub roles: Vec<Role>,
    /// Expiry, seconds since the Unix epoch.
    pub exp: u64,
    /// Issue time, seconds since the Unix epoch.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
    /// The issuer, when the token names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// The audiences, when the token names any.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub aud: Vec<String>,
}

impl Claims {
    /// Whether one of the token's roles allows `permission`.
    pub fn allows(&self, permission: Permission) -> bool {
        self.roles.iter().any(|role| role.allows(permission))
    }

    /// Refuses with [`AuthError::Forbidden`] unless one of the token's roles allows `permission`.
    pub fn require(&self, permission: Permission) -> Result<(), AuthError> {
        if self.allows(permission) {
            Ok(())
        } else {
            Err(AuthError::Forbidden { permission })
        }
    }
}

/// The claims as they arrive, before their tenant and roles are checked: lenient, so that a
/// missing or wrong claim becomes a precise refusal rather than a generic parse error.
#[derive(Debug, Deserialize)]
pub(crate) struct RawClaims {
    sub: Option<String>,
    tenant: Option<String>,
    roles: Option<Vec<String>>,
    exp: Option<u64>,
    iat: Option<u64>,
    iss: Option<String>,
    #[serde(default, deserialize_with = "one_or_many")]
    aud: Vec<String>,
}

impl RawClaims {
    /// Checks the tenant id and the roles. Runs only after the signature and the registered
    /// claims (`exp`, `iss`, `aud`) have been verified.
    pub(crate) fn into_claims(self) -> Result<Claims, AuthError> {
        let sub = self.sub.ok_or(AuthError::MissingClaim { claim: "sub" })?;
        let exp = self.exp.ok_or(AuthError::MissingClaim { claim: "exp" })?;
        let tenant = self
            .tenant
            .ok_or(AuthError::MissingClaim { claim: "tenant" })?;
        let tenant = TenantId::new(tenant).map_err(|_| AuthError::InvalidTenant)?;
        let roles = self
            .roles
            .ok_or(AuthError::MissingClaim { claim: "roles" })?
            .iter()
            .map(|name| name.parse::<Role>())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|_| AuthError::UnknownRole)?;
        if roles.is_empty() {
            return Err(AuthError::NoRole);
        }
        Ok(Claims {
            sub,
            tenant,
            roles,
            exp,
            iat: self.iat,
            iss: self.iss,
            aud: self.aud,
        })
    }
}

/// `aud` is a string or an array of strings (RFC 7519 §4.1.3).
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(one) => vec![one],
        OneOrMany::Many(many) => many,
    })
}

/// A role, lowest first: each role allows everything the roles below it allow, and more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Role {
    /// Reads the tenant's data.
    Viewer,
    /// A viewer who also starts scans, mutes results and acknowledges alerts.
    Analyst,
    /// An analyst who also manages the tenant's plugins, AWS accounts and webhooks.
    Admin,
    /// An admin who also manages the platform's tenants (the operator of the platform).
    PlatformAdmin,
}

impl Role {
    /// Every role, lowest first.
    pub const ALL: &'static [Role] = &[
        Role::Viewer,
        Role::Analyst,
        Role::Admin,
        Role::PlatformAdmin,
    ];

    /// The role's name in tokens and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Viewer => "viewer",
            Role::Analyst => "analyst",
            Role::Admin => "admin",
            Role::PlatformAdmin => "platform-admin",
        }
    }

    /// Whether this role allows `permission`.
    pub fn allows(self, permission: Permission) -> bool {
        self >= permission.minimum_role()
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A name that is not a role.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown role {0:?}: use viewer, analyst, admin or platform-admin")]
pub struct UnknownRole(pub String);

impl FromStr for Role {
    type Err = UnknownRole;
    fn from_str(s: &str) -> Result<Self, UnknownRole> {
        Role::ALL
            .iter()
            .copied()
            .find(|role| role.as_str() == s)
            .ok_or_else(|| UnknownRole(s.to_owned()))
    }
}

/// What a request may need to do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Permission {
    /// Read the tenant's inventory, findings, scans, alerts, reports, checks and events.
    Read,
    /// Start and cancel scans.
    Scan,
    /// Add and remove mute rules.
    Mute,
    /// Acknowledge alerts.
    Acknowledge,
    /// Upload, enable, disable and delete the tenant's plugins.
    ManagePlugins,
    /// Add and remove the tenant's AWS accounts.
    ManageAccounts,
    /// Add and remove the tenant's webhooks.
    ManageWebhooks,
    /// Create, list and remove tenants.
    ManageTenants,
}

impl Permission {
    /// Every permission.
    pub const ALL: &'static [Permission] = &[
        Permission::Read,
        Permission::Scan,
        Permission::Mute,
        Permission::Acknowledge,
        Permission::ManagePlugins,
        Permission::ManageAccounts,
        Permission::ManageWebhooks,
        Permission::ManageTenants,
    ];

    /// The lowest role that allows this permission.
    pub fn minimum_role(self) -> Role {
        match self {
            Permission::Read => Role::Viewer,
            Permission::Scan | Permission::Mute | Permission::Acknowledge => Role::Analyst,
            Permission::ManagePlugins | Permission::ManageAccounts | Permission::ManageWebhooks => {
                Role::Admin
            }
            Permission::ManageTenants => Role::PlatformAdmin,
        }
    }
}

impl fmt::Display for Permission {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Permission::Read => "read",
            Permission::Scan => "scan",
            Permission::Mute => "mute",
            Permission::Acknowledge => "acknowledge",
            Permission::ManagePlugins => "manage-plugins",
            Permission::ManageAccounts => "manage-accounts",
            Permission::ManageWebhooks => "manage-webhooks",
            Permission::ManageTenants => "manage-tenants",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission::*;

    #[test]
    fn the_ladder_grants_exactly_what_the_issue_states() {
        let granted = |role: Role| -> Vec<Permission> {
            Permission::ALL
                .iter()
                .copied()
                .filter(|p| role.allows(*p))
                .collect()
        };
        assert_eq!(granted(Role::Viewer), [Read]);
        assert_eq!(granted(Role::Analyst), [Read, Scan, Mute, Acknowledge]);
        assert_eq!(
            granted(Role::Admin),
            [
                Read,
                Scan,
                Mute,
                Acknowledge,
                ManagePlugins,
                ManageAccounts,
                ManageWebhooks
            ]
        );
        assert_eq!(granted(Role::PlatformAdmin), Permission::ALL);
    }

    #[test]
    fn roles_round_trip_by_name_and_unknown_names_are_refused() {
        for role in Role::ALL {
            assert_eq!(role.as_str().parse::<Role>(), Ok(*role));
            assert_eq!(
                serde_json::to_string(role).expect("serialize"),
                format!("\"{role}\"")
            );
        }
        assert!("root".parse::<Role>().is_err());
        assert!("Admin".parse::<Role>().is_err());
    }

    #[test]
    fn claims_allow_what_any_role_allows() {
        let claims = Claims {
            sub: "u".into(),
            tenant: TenantId::new("acme").expect("tenant"),
            roles: vec![Role::Viewer, Role::Analyst],
            exp: 0,
            iat: None,
            iss: None,
            aud: Vec::new(),
        };
        assert!(claims.require(Scan).is_ok());
        assert_eq!(
            claims.require(ManagePlugins),
            Err(AuthError::Forbidden {
                permission: ManagePlugins
            })
        );
    }
}
