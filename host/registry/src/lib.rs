//! Tenants' own plugins: the rules a tenant's security engineers write and upload.
//!
//! - [`Registry::install`] takes an uploaded component through the same validation as
//!   `lgp plugin validate` — structure and imports read without compiling, then a compile in the
//!   capped child process (never in the serving process), link and describe — and then through
//!   the tenant's rules: only rule plugins, never the `aws` capability, check ids that collide
//!   with no built-in check and no other plugin of the tenant, a semantic version not already
//!   stored with other bytes, and the tenant's quotas on count and total size
//!   ([`UploadLimits`]). The component is stored with its SHA-256 and its description.
//! - Versions: every uploaded version is kept; per plugin name, the highest enabled version is
//!   the *active* one. Enabling, disabling and deleting versions change which one that is, so
//!   disabling a new version rolls back to the previous one.
//! - [`Registry::active`] is the set a scan of the tenant runs, taken when the scan starts (so a
//!   scan's report is consistent, and a change takes effect from the next scan, without a
//!   restart); [`Registry::load`] compiles (or fetches from the in-memory and on-disk artifact
//!   caches) a member of that set, checking the stored bytes against the recorded hash.
//!
//! Nothing here runs a tenant's plugin on another tenant's data: the pipeline asks for the set
//! of the event's tenant only.

mod error;
mod limits;
mod meta;
mod names;
mod registry;
mod select;

pub use error::{InstallError, Refusal};
pub use limits::UploadLimits;
pub use meta::{ActivePlugin, TenantPlugin};
pub use names::{valid_name, valid_version};
pub use registry::{Installed, Registry, Upload};
