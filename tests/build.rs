//! Builds the guest programs (tests/guests, a wasm32-wasip2 workspace) from source and generates
//! `$OUT_DIR/guests.rs`: one `pub const NAME: &str = "/abs/path.wasm";` per component, named
//! after its package (`hostile-rule` → `HOSTILE_RULE`), as wasmtime's test-programs do.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let here_dir = manifest_dir();
    let here = Path::new(&here_dir);
    let artifacts =
        lgp_wasm_build::build_workspace(&here.join("guests/Cargo.toml"), &[&here.join("../wit")]);
    let mut consts = String::new();
    for a in &artifacts {
        let name = a.package.to_uppercase().replace('-', "_");
        writeln!(
            consts,
            "/// The `{}` guest component.\n#[allow(dead_code)]\npub const {name}: &str = {:?};",
            a.package,
            a.path.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    lgp_wasm_build::write_out("guests.rs", &consts);
}

/// This package's directory, read when the script runs: a build script compiled in one checkout
/// may be reused by cargo for another checkout of the same workspace, so the path must not be
/// baked in at compile time.
fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR for build scripts")
}
