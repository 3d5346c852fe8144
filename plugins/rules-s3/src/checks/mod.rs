//! The checks, one module per topic. Each check is a plain function from one bucket to an
//! [`Outcome`](lgp_sdk::Outcome) plus its metadata; the SDK does the dispatch.

pub mod encryption;
pub mod logging;
pub mod ownership;
pub mod public_access;
pub mod transport;
pub mod versioning;

use lgp_sdk::kinds::s3;
use lgp_sdk::{CheckMeta, Severity};

/// Where the Security Hub documentation of the S3 controls lives.
pub(crate) const SECURITY_HUB_S3_DOCS: &str =
    "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html";

/// Metadata shared by every check of this plugin: service `s3`, kind `aws:s3:bucket`.
pub(crate) fn meta(id: &str, title: &str, severity: Severity) -> CheckMeta {
    CheckMeta::new(id, title, severity)
        .service("s3")
        .resource_kind(s3::KIND)
}
