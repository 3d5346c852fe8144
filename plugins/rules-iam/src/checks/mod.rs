//! The checks, one module per topic. Each check is a plain function from one IAM resource to an
//! [`Outcome`](lgp_sdk::Outcome) plus its metadata; the SDK does the dispatch.

pub mod account;
pub mod certificates;
pub mod policies;
pub mod roles;
pub mod users;

use lgp_sdk::{CheckMeta, Severity};

/// Metadata shared by every check of this plugin: service `iam` and the kind it reads.
pub(crate) fn meta(id: &str, title: &str, severity: Severity, kind: &str) -> CheckMeta {
    CheckMeta::new(id, title, severity)
        .service("iam")
        .resource_kind(kind)
}
