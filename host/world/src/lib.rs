//! The host side of the LG-Protect plugin contract (`wit/`, package `lg-protect:plugin@0.1.0`):
//! the generated bindings of the three worlds, with one set of shared types, and the conversions
//! between the contract's types and `lgp-model`'s.
//!
//! This is the only crate that runs `bindgen!`. It implements no host capability; the runtime
//! does that on the generated traits.

mod convert;

pub use convert::ConvertError;

/// Bindings of the `rule` world. Its `types` and `log` interfaces are the ones every world uses.
pub mod rule {
    #![allow(missing_docs)]
    wasmtime::component::bindgen!({
        path: "../../wit",
        world: "lg-protect:plugin/rule",
        imports: { default: async | trappable },
        exports: { default: async },
    });
}

/// Bindings of the `collector` world.
pub mod collector {
    #![allow(missing_docs)]
    wasmtime::component::bindgen!({
        path: "../../wit",
        world: "lg-protect:plugin/collector",
        imports: { default: async | trappable },
        exports: { default: async },
        with: {
            "lg-protect:plugin/types": crate::rule::lg_protect::plugin::types,
            "lg-protect:plugin/log": crate::rule::lg_protect::plugin::log,
        },
    });
}

/// Bindings of the `handler` world.
pub mod handler {
    #![allow(missing_docs)]
    wasmtime::component::bindgen!({
        path: "../../wit",
        world: "lg-protect:plugin/handler",
        imports: { default: async | trappable },
        exports: { default: async },
        with: {
            "lg-protect:plugin/types": crate::rule::lg_protect::plugin::types,
            "lg-protect:plugin/log": crate::rule::lg_protect::plugin::log,
        },
    });
}

/// The contract's shared types.
pub use rule::lg_protect::plugin::types;

/// The `log` host interface, shared by every world.
pub use rule::lg_protect::plugin::log;

/// The contract's package name and version, as it appears in interface names.
pub const PACKAGE: &str = "lg-protect:plugin";

/// The contract's version.
pub const VERSION: &str = "0.1.0";
