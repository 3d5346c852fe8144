//! The tenant's AWS accounts: which role to assume to scan each. The external id is
//! write-only: the API says whether one is set, never what it is.

use crate::auth::Auth;
use crate::extract::{Json, Path};
use crate::{ApiError, AppState, PageBody};
use axum::extract::State;
use lgp_store::Account;
use lgp_tenant::Permission;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// An account as the API shows it.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct AccountView {
    /// The 12-digit account id.
    account_id: String,
    /// Display name.
    name: String,
    /// The role assumed to scan it; `null`: the platform's own credentials.
    role_arn: Option<String>,
    /// Whether an external id is set for the role assumption.
    external_id_set: bool,
}

impl From<Account> for AccountView {
    fn from(a: Account) -> Self {
        AccountView {
            account_id: a.account_id,
            name: a.name,
            role_arn: a.role_arn,
            external_id_set: a.external_id.is_some(),
        }
    }
}

/// An account's settings.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountSpec {
    /// Display name.
    name: String,
    /// The role to assume, e.g. `arn:aws:iam::123456789012:role/lg-protect-scanner`.
    #[serde(default)]
    role_arn: Option<String>,
    /// The external id the role's trust policy requires.
    #[serde(default)]
    external_id: Option<String>,
}

/// Longest display name kept.
const MAX_NAME: usize = 200;
/// AWS's bounds on an external id (AssumeRole `ExternalId`: 2 to 1,224 characters).
const EXTERNAL_ID_LEN: std::ops::RangeInclusive<usize> = 2..=1_224;

impl AccountSpec {
    fn into_account(self, account_id: String) -> Result<Account, ApiError> {
        let unprocessable = |message: &str| ApiError::unprocessable("invalid_body", message);
        let name = self.name.trim().to_owned();
        if name.is_empty() || name.chars().count() > MAX_NAME {
            return Err(unprocessable("name must be 1 to 200 characters"));
        }
        if let Some(arn) = &self.role_arn
            && !(arn.starts_with("arn:") && arn.contains(":iam::") && arn.contains(":role/"))
        {
            return Err(unprocessable(
                "role_arn must be an IAM role ARN, e.g. arn:aws:iam::123456789012:role/scanner",
            ));
        }
        if let Some(id) = &self.external_id
            && !EXTERNAL_ID_LEN.contains(&id.len())
        {
            return Err(unprocessable("external_id must be 2 to 1224 characters"));
        }
        Ok(Account {
            account_id,
            name,
            role_arn: self.role_arn,
            external_id: self.external_id,
        })
    }
}

/// `GET /v1/accounts`: the tenant's AWS accounts.
#[utoipa::path(get, path = "/v1/accounts", tag = "accounts",
    responses((status = 200, description = "Every account; `next` is always null", body = PageBody<AccountView>)))]
pub(crate) async fn list(
    State(state): State<AppState>,
    auth: Auth,
) -> Result<axum::Json<PageBody<AccountView>>, ApiError> {
    let caller = auth.require(Permission::Read)?;
    let accounts = state.store().list_accounts(caller.tenant()).await?;
    Ok(axum::Json(PageBody::whole(
        accounts.into_iter().map(AccountView::from).collect(),
    )))
}

/// `PUT /v1/accounts/{account_id}`: adds an account, or replaces its settings.
#[utoipa::path(put, path = "/v1/accounts/{account_id}", tag = "accounts", request_body = AccountSpec,
    params(("account_id" = String, Path, description = "The 12-digit AWS account id")),
    responses((status = 200, description = "The account as stored", body = AccountView),
        (status = 422, description = "Invalid settings", body = crate::ErrorBody)))]
pub(crate) async fn put(
    State(state): State<AppState>,
    auth: Auth,
    Path(account_id): Path<String>,
    Json(spec): Json<AccountSpec>,
) -> Result<axum::Json<AccountView>, ApiError> {
    let caller = auth.require(Permission::ManageAccounts)?;
    if account_id.len() != 12 || !account_id.bytes().all(|b| b.is_ascii_digit()) {
        return Err(ApiError::bad_request(
            "invalid_path",
            "an AWS account id is 12 digits",
        ));
    }
    let account = spec.into_account(account_id)?;
    state.store().put_account(caller.tenant(), &account).await?;
    tracing::info!(tenant = %caller.tenant(), account = %account.account_id, by = caller.subject(), "account saved");
    Ok(axum::Json(account.into()))
}
