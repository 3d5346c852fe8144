//! Builds the built-in plugins (plugins/, a wasm32-wasip2 workspace) and generates the table that
//! embeds them.

use std::fmt::Write;
use std::path::Path;

fn main() {
    let root = Path::new(&manifest_dir()).join("../..");
    let artifacts = lgp_wasm_build::build_workspace(
        &root.join("plugins/Cargo.toml"),
        &[&root.join("sdk"), &root.join("wit")],
    );
    let mut table =
        String::from("/// The built-in plugins, by name.\npub static BUILTINS: &[Builtin] = &[\n");
    for a in &artifacts {
        let name = a.package.strip_prefix("lgp-plugin-").unwrap_or(&a.package);
        writeln!(
            table,
            "    Builtin {{ name: {name:?}, wasm: include_bytes!({path:?}) }},",
            path = a.path.display().to_string()
        )
        .expect("writing to a String cannot fail");
    }
    table.push_str("];\n");
    lgp_wasm_build::write_out("builtins.rs", &table);
}

/// This package's directory, read when the script runs: a build script compiled in one checkout
/// may be reused by cargo for another checkout of the same workspace, so the path must not be
/// baked in at compile time.
fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR for build scripts")
}
