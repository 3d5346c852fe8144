//! What the live capability is configured with, and the SDK configuration built from it:
//! credentials, role assumption, endpoint, retries and timeouts.

use aws_config::retry::RetryConfig;
use aws_config::sts::AssumeRoleProvider;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_sts::config::{Credentials, SharedCredentialsProvider};
use std::fmt;
use std::time::Duration;

/// The region global services (IAM, STS, account-level S3 settings, `ListBuckets`) are called
/// in, and the region used when the environment configures none.
pub const HOME_REGION: &str = "us-east-1";

/// How many calls may be in flight at once when [`LiveConfig::max_concurrency`] is not set:
/// enough to scan a handful of regions in parallel, few enough to stay well under the
/// per-account API rate limits that would otherwise turn a scan into a storm of throttling.
pub const DEFAULT_MAX_CONCURRENCY: usize = 16;

/// Attempts per call, the first included, under the SDK's standard retry mode (exponential
/// backoff with jitter on throttling and transient errors). Five rides out the short bursts of
/// throttling a scan causes without hiding a service that is really down.
pub const MAX_ATTEMPTS: u32 = 5;

/// How long one attempt (request and answer, one page) may take. Generous: a page of a large
/// account's `GetAccountAuthorizationDetails` takes seconds; a stuck connection must not stall
/// a scan forever.
pub const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);

/// The live AWS capability's configuration.
#[derive(Clone)]
pub struct LiveConfig {
    /// Send every call to this URL instead of AWS (an emulator such as moto). The SDK's
    /// `AWS_ENDPOINT_URL` environment variable does the same. With an endpoint, S3 is
    /// addressed path-style and S3 Control without its account-id host prefix.
    pub endpoint_url: Option<String>,
    /// Assume this role (STS `AssumeRole`) with the credentials of the default chain, and make
    /// every call with the role's credentials.
    pub assume_role: Option<AssumeRole>,
    /// At most this many calls in flight at once, across regions and services (see
    /// [`DEFAULT_MAX_CONCURRENCY`]). Must be at least 1.
    pub max_concurrency: usize,
    /// For emulators and tests only: this access key id and secret instead of the default
    /// credential chain. Real accounts use the default chain or [`LiveConfig::assume_role`].
    pub static_credentials: Option<(String, String)>,
}

impl Default for LiveConfig {
    fn default() -> Self {
        Self {
            endpoint_url: None,
            assume_role: None,
            max_concurrency: DEFAULT_MAX_CONCURRENCY,
            static_credentials: None,
        }
    }
}

impl fmt::Debug for LiveConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LiveConfig")
            .field("endpoint_url", &self.endpoint_url)
            .field("assume_role", &self.assume_role)
            .field("max_concurrency", &self.max_concurrency)
            .field(
                "static_credentials",
                &self
                    .static_credentials
                    .as_ref()
                    .map(|(id, _)| (id, "<redacted>")),
            )
            .finish()
    }
}

/// A role to assume for every call: the production way to scan a tenant's account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssumeRole {
    /// The role's ARN, e.g. `arn:aws:iam::123456789012:role/lg-protect-scanner`.
    pub role_arn: String,
    /// The external id the role's trust policy requires, if any (it should: it is what keeps
    /// one tenant from pointing LG-Protect at another's role).
    pub external_id: Option<String>,
    /// The role session name, shown in the account's CloudTrail.
    pub session_name: String,
}

/// Why the live capability could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    /// A configuration value is unusable.
    #[error("invalid live AWS configuration: {0}")]
    InvalidConfig(String),
}

impl LiveConfig {
    fn validate(&self) -> Result<(), LiveError> {
        let invalid = |m: &str| Err(LiveError::InvalidConfig(m.to_owned()));
        if self.max_concurrency == 0 {
            return invalid("max_concurrency must be at least 1");
        }
        if let Some(url) = &self.endpoint_url
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(LiveError::InvalidConfig(format!(
                "endpoint_url {url:?} is not an http:// or https:// URL"
            )));
        }
        if let Some(role) = &self.assume_role {
            if !role.role_arn.starts_with("arn:") {
                return Err(LiveError::InvalidConfig(format!(
                    "assume_role.role_arn {:?} is not an ARN",
                    role.role_arn
                )));
            }
            if role.session_name.is_empty() {
                return invalid("assume_role.session_name must not be empty");
            }
        }
        if let Some((id, secret)) = &self.static_credentials
            && (id.is_empty() || secret.is_empty())
        {
            return invalid("static_credentials must name a key id and a secret");
        }
        Ok(())
    }
}

/// The SDK configuration every client is built from: the default chain (or the static
/// credentials), then the assumed role if any, with one identity cache shared by every client
/// so role credentials are fetched once and refreshed only when they near expiry.
pub(crate) async fn load(config: &LiveConfig) -> Result<SdkConfig, LiveError> {
    config.validate()?;
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .retry_config(RetryConfig::standard().with_max_attempts(MAX_ATTEMPTS))
        .timeout_config(
            TimeoutConfig::builder()
                .operation_attempt_timeout(ATTEMPT_TIMEOUT)
                .build(),
        );
    if let Some(url) = &config.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some((id, secret)) = &config.static_credentials {
        loader = loader.credentials_provider(Credentials::new(
            id,
            secret,
            None,
            None,
            "lgp-static-credentials",
        ));
    }
    let mut sdk = loader.load().await;
    if sdk.region().is_none() {
        sdk = sdk
            .into_builder()
            .region(Region::from_static(HOME_REGION))
            .build();
    }
    if let Some(role) = &config.assume_role {
        let mut provider = AssumeRoleProvider::builder(&role.role_arn)
            .session_name(&role.session_name)
            .configure(&sdk);
        if let Some(id) = &role.external_id {
            provider = provider.external_id(id);
        }
        let provider = provider.build().await;
        sdk = sdk
            .into_builder()
            .credentials_provider(SharedCredentialsProvider::new(provider))
            .build();
    }
    Ok(sdk)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_unusable_values_and_hides_the_secret() {
        let ok = LiveConfig {
            static_credentials: Some(("AKID".into(), "s3cr3t".into())),
            ..LiveConfig::default()
        };
        assert!(ok.validate().is_ok());
        assert_eq!(ok.max_concurrency, DEFAULT_MAX_CONCURRENCY);
        assert!(!format!("{ok:?}").contains("s3cr3t"));
        let bad = [
            LiveConfig {
                max_concurrency: 0,
                ..LiveConfig::default()
            },
            LiveConfig {
                endpoint_url: Some("localhost:5000".into()),
                ..LiveConfig::default()
            },
            LiveConfig {
                assume_role: Some(AssumeRole {
                    role_arn: "scanner".into(),
                    external_id: None,
                    session_name: "s".into(),
                }),
                ..LiveConfig::default()
            },
        ];
        for config in bad {
            assert!(config.validate().is_err(), "{config:?}");
        }
    }
}
