//! Typed property schemas of resource kinds, shared by the collectors that produce them and the
//! rules that read them, so both sides agree on one definition.
//!
//! Conventions for every kind:
//! - Every documented property is present. `null` means "not configured" (AWS answered with its
//!   not-found error for that setting); an absent key is a collector bug, and checks reading it
//!   report `error`.
//! - A property the collector could not read (access denied, throttled…) is `null` and has an
//!   entry under `errors` (see [`crate::resource::ERRORS_KEY`] and
//!   [`crate::resource::CollectionError`]); checks reading it report `error`, never pass/fail.
//! - Values AWS defines (algorithms, permissions, ownership settings) keep AWS's spelling; states
//!   this schema defines (`enabled`, `not_configured`…) are lowercase snake case.

pub mod ec2;
pub mod iam;
pub mod s3;
