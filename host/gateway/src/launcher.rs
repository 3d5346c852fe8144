//! How the gateway starts a scan: through a [`ScanLauncher`] the platform provides (the CLI's
//! runs the pipeline), so the gateway knows nothing of collectors, AWS access or plugins.

use async_trait::async_trait;
use lgp_events::TenantId;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What `POST /v1/scans` asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScanStart {
    /// The tenant's AWS account to scan.
    pub account_id: String,
    /// Regions to scan; empty or absent: every region the account has enabled.
    #[serde(default)]
    pub regions: Vec<String>,
}

/// Longest account id accepted: AWS ids are 12 digits; the bound only keeps garbage out.
const MAX_ACCOUNT_ID_LEN: usize = 64;
/// Most regions one request may name: AWS has fewer than 40.
const MAX_REGIONS: usize = 64;
/// Longest region name accepted (`ap-southeast-4` is 14 characters).
const MAX_REGION_LEN: usize = 32;

impl ScanStart {
    /// Checks the shape of the request (not whether the account exists: the launcher knows).
    pub(crate) fn check(&self) -> Result<(), String> {
        let id = &self.account_id;
        if id.is_empty()
            || id.len() > MAX_ACCOUNT_ID_LEN
            || !id.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(format!(
                "account_id must be 1 to {MAX_ACCOUNT_ID_LEN} printable characters"
            ));
        }
        if self.regions.len() > MAX_REGIONS {
            return Err(format!("at most {MAX_REGIONS} regions"));
        }
        let region_ok = |r: &String| {
            !r.is_empty()
                && r.len() <= MAX_REGION_LEN
                && r.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        };
        if let Some(bad) = self.regions.iter().find(|r| !region_ok(r)) {
            return Err(format!("{bad:?} is not a region name"));
        }
        Ok(())
    }
}

/// Why a scan could not be started.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    /// The tenant has no such account.
    #[error("unknown account {0:?}")]
    UnknownAccount(String),
    /// The request cannot be served as asked (a region the account does not have…); the message
    /// is returned to the caller.
    #[error("{0}")]
    Rejected(String),
    /// The platform failed to start it; logged, never returned.
    #[error("cannot start the scan")]
    Failed(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// Starts scans for the gateway.
#[async_trait]
pub trait ScanLauncher: Send + Sync {
    /// Starts a scan of `request.account_id` for `tenant` and returns its id as soon as the scan
    /// is recorded (its progress is then read from the store, its events from the bus). The
    /// account must be `tenant`'s: another tenant's account is [`LaunchError::UnknownAccount`].
    async fn start(&self, tenant: &TenantId, request: ScanStart) -> Result<String, LaunchError>;

    /// Stops the collection of `tenant`'s scan `scan_id` if it runs in this process. Called
    /// after the scan was marked cancelled in the store (which already keeps it from
    /// completing, on any replica), so this only saves the remaining AWS calls. Default: nothing
    /// to stop.
    async fn cancel(&self, tenant: &TenantId, scan_id: &str) {
        let _ = (tenant, scan_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn start(account_id: &str, regions: &[&str]) -> ScanStart {
        ScanStart {
            account_id: account_id.into(),
            regions: regions.iter().map(|r| (*r).to_owned()).collect(),
        }
    }

    #[test]
    fn requests_are_checked_for_shape() {
        assert!(start("123456789012", &["eu-west-1"]).check().is_ok());
        assert!(start("", &[]).check().is_err());
        assert!(start("a b", &[]).check().is_err());
        assert!(start("123456789012", &["EU WEST"]).check().is_err());
        assert!(
            serde_json::from_str::<ScanStart>(r#"{"account_id":"1","region":"x"}"#).is_err(),
            "unknown fields are refused"
        );
    }
}
