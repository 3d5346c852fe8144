//! Why an upload was refused.

use lgp_model::PluginKind;
use lgp_runtime::{LoadError, ValidationError};
use lgp_store::StoreError;

/// How a refusal should be answered: what is wrong with the request, in HTTP terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The body is not WebAssembly at all (400).
    Malformed,
    /// Over the size limit (413).
    TooLarge,
    /// A WebAssembly component that cannot be accepted (422).
    Unprocessable,
    /// Conflicts with what is stored: a version with other bytes, a check id taken (409).
    Conflict,
    /// The tenant's quota would be exceeded (422).
    Quota,
    /// The platform failed (500); the cause is logged, never shown.
    Internal,
}

/// Why [`Registry::install`](crate::Registry::install) refused an upload. The message names
/// the problem and is safe to show the uploader, except for [`InstallError::Store`].
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// Refused by validation: size, not wasm, a core module, no known world, a forbidden import.
    #[error("{0}")]
    Invalid(#[from] ValidationError),
    /// Compiling, linking or describing the component failed.
    #[error("{0}")]
    Load(String),
    /// Not a rule plugin.
    #[error(
        "only rule plugins can be uploaded; this component targets the {0} world \
         (collectors and handlers are built into the platform)"
    )]
    UnsupportedKind(PluginKind),
    /// A rule plugin whose manifest asks for the `aws` capability.
    #[error(
        "an uploaded plugin can never be granted the aws capability; remove it from the manifest"
    )]
    AwsCapability,
    /// A name that is not one.
    #[error(
        "{0:?} is not a plugin name: use lowercase letters, digits and single dashes, starting with a letter"
    )]
    BadName(String),
    /// A version that is not semantic.
    #[error("{0:?} is not a semantic version (e.g. 1.0.0)")]
    BadVersion(String),
    /// The request's name or version differs from the component's description.
    #[error("the request names {field} {given:?} but the component describes itself as {found:?}")]
    Mismatch {
        /// `name` or `version`.
        field: &'static str,
        /// What the request said.
        given: String,
        /// What the component said.
        found: String,
    },
    /// A rule plugin that declares no check.
    #[error("the plugin declares no checks")]
    NoChecks,
    /// The name of a built-in plugin.
    #[error("{0:?} is the name of a built-in plugin; choose another")]
    ReservedName(String),
    /// A check id already defined elsewhere.
    #[error("check {check:?} is already defined by {owner}; check ids must be unique")]
    CheckTaken {
        /// The check id.
        check: String,
        /// Who defines it.
        owner: String,
    },
    /// This name and version are stored with other bytes.
    #[error(
        "{name} {version} is already uploaded with different content; versions are immutable, upload a new version"
    )]
    VersionExists {
        /// The name.
        name: String,
        /// The version.
        version: String,
    },
    /// A quota would be exceeded.
    #[error("{0}")]
    Quota(String),
    /// The store failed.
    #[error("storing the plugin failed")]
    Store(#[from] StoreError),
    /// The compiled-artifact cache failed.
    #[error("preparing the plugin failed")]
    Internal(String),
}

impl InstallError {
    /// How to answer it.
    pub fn refusal(&self) -> Refusal {
        match self {
            InstallError::Invalid(ValidationError::TooLarge { .. }) => Refusal::TooLarge,
            InstallError::Invalid(ValidationError::NotWasm) => Refusal::Malformed,
            InstallError::Invalid(_)
            | InstallError::Load(_)
            | InstallError::UnsupportedKind(_)
            | InstallError::AwsCapability
            | InstallError::BadName(_)
            | InstallError::BadVersion(_)
            | InstallError::Mismatch { .. }
            | InstallError::NoChecks => Refusal::Unprocessable,
            InstallError::ReservedName(_)
            | InstallError::CheckTaken { .. }
            | InstallError::VersionExists { .. } => Refusal::Conflict,
            InstallError::Quota(_) => Refusal::Quota,
            InstallError::Store(_) | InstallError::Internal(_) => Refusal::Internal,
        }
    }

    /// A stable machine code for it.
    pub fn code(&self) -> &'static str {
        match self {
            InstallError::Invalid(v) => match v {
                ValidationError::TooLarge { .. } => "component_too_large",
                ValidationError::NotWasm => "not_wasm",
                ValidationError::CoreModule => "not_a_component",
                ValidationError::Malformed(_) => "malformed_component",
                ValidationError::NoKnownWorld { .. } | ValidationError::UnexpectedExport { .. } => {
                    "unknown_world"
                }
                ValidationError::ForbiddenImport { .. } => "forbidden_import",
            },
            InstallError::Load(_) => "component_rejected",
            InstallError::UnsupportedKind(_) => "unsupported_kind",
            InstallError::AwsCapability => "forbidden_capability",
            InstallError::BadName(_) => "bad_name",
            InstallError::BadVersion(_) => "bad_version",
            InstallError::Mismatch { .. } => "description_mismatch",
            InstallError::NoChecks => "no_checks",
            InstallError::ReservedName(_) => "name_taken",
            InstallError::CheckTaken { .. } => "check_taken",
            InstallError::VersionExists { .. } => "version_exists",
            InstallError::Quota(_) => "quota_exceeded",
            InstallError::Store(_) | InstallError::Internal(_) => "internal",
        }
    }

    pub(crate) fn from_load(err: LoadError) -> Self {
        match err {
            LoadError::Invalid { source, .. } => InstallError::Invalid(source),
            LoadError::Cache { .. } => InstallError::Internal(error_chain(&err)),
            other => InstallError::Load(error_chain(&other)),
        }
    }
}

/// An error with its causes, `a: b: c`.
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(s) = source {
        text.push_str(": ");
        text.push_str(&s.to_string());
        source = s.source();
    }
    text
}
