//! The raw bindings of the plugin contract, generated from `wit/` by `wit-bindgen`.
//!
//! One module per world. The `types` and `log` interfaces are generated once (in [`rule`]) and
//! shared by the other worlds through `with`, so there is a single set of contract types.
//!
//! Plugin authors should not need this module: the rest of the SDK wraps it. It is public because
//! the export macros expand to code that names it, and as an escape hatch.
//!
//! Every world is generated with `pub_export_macro`: the SDK itself embeds only the *imports* of
//! each world in the component-type custom sections, and each world's exports are embedded by the
//! export macro a plugin invokes. That is what lets one SDK serve three worlds: a rule plugin's
//! component exports `evaluate` and nothing else.
#![allow(missing_docs, unsafe_code, clippy::all)]

/// The `rule` world: imports `log`, exports `evaluate`.
pub mod rule {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "lg-protect:plugin/rule@0.1.0",
        runtime_path: "::lgp_sdk::__private::wit_bindgen::rt",
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "::lgp_sdk::bindings::rule",
        generate_all,
    });
}

/// The `collector` world: imports `log`, `aws`, `discovery`, exports `collect`.
pub mod collector {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "lg-protect:plugin/collector@0.1.0",
        runtime_path: "::lgp_sdk::__private::wit_bindgen::rt",
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "::lgp_sdk::bindings::collector",
        with: {
            "lg-protect:plugin/types@0.1.0": crate::bindings::types,
            "lg-protect:plugin/log@0.1.0": crate::bindings::log,
        },
        generate_all,
    });
}

/// The `handler` world: imports `log`, `emit`, `state`, `query`, `notify`, `reports`, exports
/// `handle`.
pub mod handler {
    wit_bindgen::generate!({
        path: "../../wit",
        world: "lg-protect:plugin/handler@0.1.0",
        runtime_path: "::lgp_sdk::__private::wit_bindgen::rt",
        pub_export_macro: true,
        export_macro_name: "export",
        default_bindings_module: "::lgp_sdk::bindings::handler",
        with: {
            "lg-protect:plugin/types@0.1.0": crate::bindings::types,
            "lg-protect:plugin/log@0.1.0": crate::bindings::log,
        },
        generate_all,
    });
}

pub use rule::lg_protect::plugin::{log, types};
