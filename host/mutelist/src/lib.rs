//! The mutelist: a tenant's suppressions of results.
//!
//! A security team accepts some findings (a public bucket that hosts a website, a sandbox
//! account) and wants them out of the way without losing them. A [`MuteRule`] says which results
//! it covers — check ids, accounts, regions, resource ARNs (glob patterns: `*`, `?`, `[a-z]`,
//! `{a,b}`) and tags — and why, who owns the decision, and until when. The pipeline marks a
//! result `muted` when an active rule matches it: the result is still stored and reported
//! (separately), but it raises no violation and so no alert. An expired rule stops applying by
//! itself on the next evaluation; nothing has to delete it.
//!
//! What this crate does: validation of rules as people write them ([`MuteRuleSpec::validate`]
//! rejects bad patterns with a message naming the field), matching ([`Mutelist`]), and storage
//! in the tenant's host-owned key/value namespace of any [`lgp_store::Store`]
//! ([`persist`]). What it does not do: decide what muting means for events (the pipeline does)
//! or render anything.
//!
//! ```
//! use lgp_mutelist::{MuteRuleSpec, Mutelist};
//! use time::macros::datetime;
//!
//! let rule = MuteRuleSpec {
//!     checks: vec!["s3_bucket_*public*".into()],
//!     resources: vec!["arn:aws:s3:::www-*".into()],
//!     reason: "static website, public by design".into(),
//!     owner: "web-team@example.com".into(),
//!     ..MuteRuleSpec::default()
//! }
//! .validate(datetime!(2026-11-30 12:00 UTC))
//! .expect("a valid rule");
//!
//! let list = Mutelist::active(vec![rule], datetime!(2026-11-30 12:00 UTC));
//! let target = lgp_mutelist::Target {
//!     check_id: "s3_bucket_policy_not_public",
//!     resource_arn: "arn:aws:s3:::www-example",
//!     account_id: "111122223333",
//!     region: "us-east-1",
//!     tags: &Default::default(),
//! };
//! assert!(list.rule_for(&target).is_some());
//! ```

mod error;
mod matcher;
mod pattern;
pub mod persist;
mod rule;

pub use error::MutelistError;
pub use matcher::{Mutelist, Target};
pub use pattern::Pattern;
pub use rule::{MuteRule, MuteRuleSpec, parse_expiry};
