//! The built-in LG-Protect plugins: collectors, rules and handlers from `plugins/`, compiled to
//! wasm32-wasip2 components by this crate's build script and embedded, so the `lgp` binary is
//! self-contained.
//!
//! This crate only carries bytes; loading and running them is the runtime's job.

/// One embedded plugin component.
#[derive(Debug, Clone, Copy)]
pub struct Builtin {
    /// The plugin's crate name without the `lgp-plugin-` prefix, e.g. `rules-s3`.
    pub name: &'static str,
    /// The component's bytes.
    pub wasm: &'static [u8],
}

include!(concat!(env!("OUT_DIR"), "/builtins.rs"));

/// Finds a built-in by name.
pub fn find(name: &str) -> Option<&'static Builtin> {
    BUILTINS.iter().find(|b| b.name == name)
}
