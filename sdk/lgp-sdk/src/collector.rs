//! Collector plugins: read an account through the host's `aws` capability and submit resources.
//! Export one with [`export_collector!`](crate::export_collector).
//!
//! Per-property failures belong on the resource, not in the return value: put a
//! [`CollectionError`] (see [`AwsError::to_collection_error`]) under `properties.errors` and the
//! rules reading that property report `error` instead of guessing. Outside the host (native
//! builds) [`aws_call`] and [`submit`] fail with [`HostError::Unavailable`].

use crate::host::HostError;
use crate::meta::PluginInfo;
use crate::resource::{CollectionError, Resource};
use serde_json::Value;
use std::fmt;

/// A collector plugin. Its [`PluginInfo::capabilities`] name the AWS operations it calls, e.g.
/// `aws:s3:GetBucketPolicy`.
pub trait CollectorPlugin {
    /// The plugin's description of itself (build it with [`PluginInfo::collector`]).
    fn info() -> PluginInfo;

    /// Collects the scope's resources, handing them to [`submit`] in batches. An `Err` means
    /// the collector itself is broken, not that one call failed.
    fn collect(scope: &ScanScope) -> Result<(), String>;
}

/// What a collector is asked to collect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanScope {
    /// The scan being run.
    pub scan_id: String,
    /// The account being scanned.
    pub account: String,
    /// The regions to collect from.
    pub regions: Vec<String>,
}

/// Why an AWS call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsError {
    /// The host refused the call (not allowed, limit reached, bad input, service down).
    Host(HostError),
    /// AWS answered with an error.
    Service {
        /// The AWS error code, e.g. `AccessDenied`, `NoSuchBucketPolicy`.
        code: String,
        /// The error's message.
        message: String,
    },
    /// The host's answer was not a JSON object.
    BadOutput(String),
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AwsError::Host(e) => write!(f, "{e}"),
            AwsError::Service { code, message } => write!(f, "aws error {code}: {message}"),
            AwsError::BadOutput(m) => write!(f, "malformed aws output: {m}"),
        }
    }
}

impl std::error::Error for AwsError {}

impl AwsError {
    /// The AWS error code (`AccessDenied`), or the host's reason class (`denied`,
    /// `limit-exceeded`, `invalid-argument`, `unavailable`, `bad-output`).
    pub fn code(&self) -> &str {
        match self {
            AwsError::Service { code, .. } => code,
            AwsError::Host(HostError::Denied(_)) => "denied",
            AwsError::Host(HostError::LimitExceeded(_)) => "limit-exceeded",
            AwsError::Host(HostError::InvalidArgument(_)) => "invalid-argument",
            AwsError::Host(HostError::Unavailable(_)) => "unavailable",
            AwsError::BadOutput(_) => "bad-output",
        }
    }

    /// Whether AWS answered with error `code`, e.g. `NoSuchBucketPolicy` (which means "not
    /// configured", not a failure).
    pub fn is_service_code(&self, code: &str) -> bool {
        matches!(self, AwsError::Service { code: c, .. } if c == code)
    }

    /// The entry to record under `properties.errors` for the property this call was reading.
    pub fn to_collection_error(&self) -> CollectionError {
        let category = match self {
            AwsError::Service { code, .. } => {
                let c = code.to_ascii_lowercase();
                if c.contains("accessdenied")
                    || c.contains("unauthorized")
                    || c.contains("forbidden")
                {
                    "permission"
                } else if c.contains("throttl")
                    || c.contains("slowdown")
                    || c.contains("toomanyrequests")
                {
                    "throttled"
                } else if c.contains("unavailable") || c.contains("internalerror") {
                    "unavailable"
                } else {
                    "other"
                }
            }
            AwsError::Host(HostError::Denied(_)) => "denied",
            AwsError::Host(HostError::LimitExceeded(_)) => "throttled",
            AwsError::Host(HostError::Unavailable(_)) => "unavailable",
            AwsError::Host(HostError::InvalidArgument(_)) | AwsError::BadOutput(_) => "other",
        };
        let message = match self {
            AwsError::Service { message, .. } => message.clone(),
            other => other.to_string(),
        };
        CollectionError {
            code: self.code().to_owned(),
            category: category.to_owned(),
            message: (!message.is_empty()).then_some(message),
        }
    }
}

/// Calls one read-only AWS operation through the host (which holds the credentials) and returns
/// its output, all pages merged. `input` uses the field names of the AWS API reference.
pub fn aws_call(
    service: &str,
    operation: &str,
    region: &str,
    input: &Value,
) -> Result<Value, AwsError> {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::bindings::collector::lg_protect::plugin::aws as wit;
        let output = wit::call(&wit::Request {
            service: service.to_owned(),
            operation: operation.to_owned(),
            region: region.to_owned(),
            input: input.to_string(),
        })
        .map_err(|e| match e {
            wit::CallError::Host(h) => AwsError::Host(h.into()),
            wit::CallError::Service(s) => AwsError::Service {
                code: s.code,
                message: s.message,
            },
        })?;
        serde_json::from_str(&output).map_err(|e| AwsError::BadOutput(e.to_string()))
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (service, operation, region, input);
        Err(AwsError::Host(crate::host::no_host("aws")))
    }
}

/// Submits a batch of discovered resources; the host publishes them as `inventory.discovered`.
pub fn submit(resources: &[Resource]) -> Result<(), HostError> {
    #[cfg(target_arch = "wasm32")]
    {
        let resources: Vec<_> = resources.iter().map(crate::glue::resource_to_wit).collect();
        crate::bindings::collector::lg_protect::plugin::discovery::submit(&resources)
            .map_err(Into::into)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = resources;
        Err(crate::host::no_host("discovery"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aws_errors_classify() {
        let denied = AwsError::Service {
            code: "AccessDenied".into(),
            message: "no".into(),
        };
        assert_eq!(denied.to_collection_error().category, "permission");
        assert_eq!(denied.to_collection_error().code, "AccessDenied");
        let slow = AwsError::Service {
            code: "SlowDown".into(),
            message: String::new(),
        };
        assert_eq!(slow.to_collection_error().category, "throttled");
        assert_eq!(slow.to_collection_error().message, None);
        assert!(!slow.is_service_code("NoSuchBucketPolicy"));
        let host = AwsError::Host(HostError::Denied("s3:GetBucketPolicy".into()));
        assert_eq!(host.to_collection_error().category, "denied");
        assert!(aws_call("s3", "ListBuckets", "us-east-1", &Value::Null).is_err());
    }
}
