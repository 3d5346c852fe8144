//! The LG-Protect plugin SDK: write rules, collectors and handlers in Rust and build them as
//! `wasm32-wasip2` components for the LG-Protect host.
//!
//! What it gives a plugin author:
//! - **Rules** ([`RulePlugin`], [`Check`], [`Outcome`]): a check evaluates *one* parsed
//!   [`Resource`]; the SDK does the dispatch (properties parsed once per batch, only checks whose
//!   kinds match, one [`Finding`] per applicable check and resource, `error` findings for
//!   unreadable input — never a guess).
//! - **Metadata builders** ([`CheckMeta`], [`Remediation`], [`PluginInfo`]).
//! - **Helpers** rules keep needing: [`policy`] (IAM/S3 policy documents), [`net`] (CIDRs, ports,
//!   protocols), [`time`] (RFC 3339 and ages against the scan's clock), and typed property
//!   schemas in [`kinds`] shared with the collectors.
//! - **Export macros** [`export_rule!`], [`export_collector!`], [`export_handler!`], and safe
//!   wrappers of the host's imports: [`log`], [`collector::aws_call`], [`collector::submit`],
//!   [`handler::emit`], [`handler::state`], [`handler::query`].
//! - **A native test harness**, [`testing`], so a rule crate's tests run with plain `cargo test`.
//!
//! What it deliberately does not do: no clocks, files, network or randomness (a guest that used
//! them would import WASI interfaces the host refuses), and no async. Rules are pure functions of
//! their input and the [`Context`]. Plugins never call `wit_bindgen::generate!` themselves; the
//! raw bindings live in [`bindings`].
//!
//! The same plugin crate builds natively (the export macros expand to a type check only) and for
//! `wasm32-wasip2` (they expand to the component's exports).
//!
//! # A tiny rule plugin
//!
//! ```
//! use lgp_sdk::{export_rule, Check, CheckMeta, CheckResult, Context, Outcome, PluginInfo,
//!     Remediation, Resource, RulePlugin, Severity, Status};
//!
//! /// Buckets must keep versioning on.
//! fn versioning(bucket: &Resource, _cx: &Context) -> CheckResult {
//!     let status = bucket.prop_str("versioning.status")?; // missing/ill-typed → `error` finding
//!     Ok(Outcome::pass_if(
//!         status == "enabled",
//!         format!("Bucket {} has versioning enabled.", bucket.name),
//!         format!("Bucket {} has versioning {status}.", bucket.name),
//!     )
//!     .evidence("versioning.status", status))
//! }
//!
//! pub struct MyRules;
//!
//! impl RulePlugin for MyRules {
//!     fn info() -> PluginInfo {
//!         PluginInfo::rule("my-rules", "0.1.0", "Example rules.")
//!     }
//!
//!     fn checks() -> Vec<Check> {
//!         vec![Check::new(
//!             CheckMeta::new("my_bucket_versioning", "Bucket versioning is enabled", Severity::Medium)
//!                 .description("Checks that versioning is enabled.")
//!                 .rationale("Versioning recovers overwritten and deleted objects.")
//!                 .service("s3")
//!                 .resource_kind("aws:s3:bucket")
//!                 .remediation(Remediation::new("Enable versioning.")
//!                     .cli("aws s3api put-bucket-versioning --bucket NAME --versioning-configuration Status=Enabled"))
//!                 .reference("aws-fsbp", "S3.14")
//!                 .equivalent("prowler", "s3_bucket_object_versioning"),
//!             versioning,
//!         )]
//!     }
//! }
//!
//! export_rule!(MyRules);
//!
//! // Natively, the harness runs the plugin exactly as the host would.
//! let bucket = lgp_sdk::testing::resource(r#"{"arn": "arn:aws:s3:::logs", "kind": "aws:s3:bucket",
//!     "account": "111122223333", "region": "us-east-1", "name": "logs",
//!     "properties": {"versioning": {"status": "suspended", "mfa_delete": false}}}"#);
//! let findings = lgp_sdk::testing::run::<MyRules>(&[bucket]);
//! lgp_sdk::testing::assert_status(&findings, "my_bucket_versioning", "arn:aws:s3:::logs", Status::Fail);
//! lgp_sdk::testing::assert_plugin_valid::<MyRules>();
//! ```
//!
//! Build the component with `cargo build --release --target wasm32-wasip2` on a crate with
//! `crate-type = ["cdylib", "rlib"]`.

extern crate self as lgp_sdk;

pub mod bindings;
pub mod collector;
pub mod fields;
mod glue;
pub mod handler;
mod host;
pub mod ids;
pub mod kinds;
pub mod log;
mod meta;
pub mod net;
pub mod policy;
pub mod privilege;
pub mod resource;
pub mod rule;
pub mod secrets;
pub mod testing;
pub mod time;

pub use collector::CollectorPlugin;
pub use handler::HandlerPlugin;
pub use host::HostError;
pub use meta::{
    CheckMeta, Equivalent, FrameworkRef, PluginInfo, PluginKind, Remediation, Severity,
};
pub use resource::{CollectionError, PropertyError, RawResource, Resource};
pub use rule::{Check, CheckError, CheckResult, Context, Finding, Outcome, RulePlugin, Status};
pub use serde_json;

/// What the export macros expand to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::glue::{CollectorExport, HandlerExport, RuleExport};
    pub use wit_bindgen;
}

/// Exports a [`RulePlugin`] as the component's `lg-protect:plugin/evaluate` interface.
///
/// Invoke it once, at the crate root of a `cdylib` crate. On `wasm32` it expands to the
/// component exports; elsewhere it only checks that the type implements [`RulePlugin`], so the
/// crate still builds and tests natively.
#[macro_export]
macro_rules! export_rule {
    ($plugin:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            type __LgpRuleExport = $crate::__private::RuleExport<$plugin>;
    $crate::bindings::rule::export!(__LgpRuleExport with_types_in $crate::bindings::rule);
        };
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            fn __lgp_is_rule_plugin<P: $crate::RulePlugin>() {}
            let _ = __lgp_is_rule_plugin::<$plugin>;
        };
    };
}

/// Exports a [`CollectorPlugin`] as the component's `lg-protect:plugin/collect` interface.
/// See [`export_rule!`] for where and how.
#[macro_export]
macro_rules! export_collector {
    ($plugin:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            type __LgpCollectorExport = $crate::__private::CollectorExport<$plugin>;
            $crate::bindings::collector::export!(
                __LgpCollectorExport with_types_in $crate::bindings::collector
            );
        };
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            fn __lgp_is_collector_plugin<P: $crate::CollectorPlugin>() {}
            let _ = __lgp_is_collector_plugin::<$plugin>;
        };
    };
}

/// Exports a [`HandlerPlugin`] as the component's `lg-protect:plugin/handle` interface.
/// See [`export_rule!`] for where and how.
#[macro_export]
macro_rules! export_handler {
    ($plugin:ty) => {
        #[cfg(target_arch = "wasm32")]
        const _: () = {
            type __LgpHandlerExport = $crate::__private::HandlerExport<$plugin>;
            $crate::bindings::handler::export!(
                __LgpHandlerExport with_types_in $crate::bindings::handler
            );
        };
        #[cfg(not(target_arch = "wasm32"))]
        const _: () = {
            fn __lgp_is_handler_plugin<P: $crate::HandlerPlugin>() {}
            let _ = __lgp_is_handler_plugin::<$plugin>;
        };
    };
}
