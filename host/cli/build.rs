//! Packs the plugin SDK (`sdk/lgp-sdk`) and the WIT contract (`wit/`) into the binary, so
//! `lgp plugin new` can write a crate that needs nothing else from LG-Protect to build: the SDK
//! and contract this very `lgp` was built with. The SDK's manifest inherits from the host
//! workspace; the copy gets a standalone one, its inherited fields resolved from the workspace
//! manifest here, at build time.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let root = Path::new(&manifest_dir()).join("../..");
    let sdk = root.join("sdk/lgp-sdk");
    let wit = root.join("wit");
    for watched in [&sdk, &wit, &root.join("Cargo.toml")] {
        println!("cargo:rerun-if-changed={}", watched.display());
    }

    let mut files = Vec::new();
    collect(&sdk.join("src"), &mut files);
    collect(&wit, &mut files);
    files.sort();

    let mut out = String::from(
        "/// Every file of the SDK and the contract, by its path in a plugin crate.\n\
         pub const FILES: &[(&str, &str)] = &[\n",
    );
    for file in &files {
        let relative = file
            .strip_prefix(&root)
            .expect("collected files are under the root")
            .to_str()
            .expect("SDK and WIT paths are UTF-8")
            .replace('\\', "/");
        let absolute = file
            .canonicalize()
            .expect("collected files exist")
            .display()
            .to_string();
        writeln!(out, "    ({relative:?}, include_str!({absolute:?})),")
            .expect("writing to a String cannot fail");
    }
    out.push_str("];\n");
    let manifest = standalone_manifest(
        &read(&sdk.join("Cargo.toml")),
        &read(&root.join("Cargo.toml")),
    );
    writeln!(
        out,
        "/// The copied SDK's manifest, with what it inherited from the host workspace resolved.\n\
         pub const SDK_MANIFEST: &str = {manifest:?};"
    )
    .expect("writing to a String cannot fail");
    let path = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set")).join("sdk.rs");
    std::fs::write(&path, out).expect("failed to write the packed SDK");
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// The files under `dir` that a build of the SDK reads (Rust sources, WIT), recursively.
fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let entries =
        std::fs::read_dir(dir).unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()));
    for entry in entries {
        let path = entry.expect("directory entries are readable").path();
        if path.is_dir() {
            collect(&path, files);
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("rs" | "wit")
        ) {
            files.push(path);
        }
    }
}

/// `sdk` with every `key.workspace = true` replaced by the workspace's own line for `key` (from
/// `[workspace.package]` or `[workspace.dependencies]`) and its `[lints]` section dropped (the
/// workspace's lint table is the host's policy, not a plugin author's).
fn standalone_manifest(sdk: &str, workspace: &str) -> String {
    let mut out = String::new();
    let mut section = String::new();
    for line in sdk.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            section = trimmed.to_owned();
        }
        if section == "[lints]" {
            continue;
        }
        match trimmed.strip_suffix(".workspace = true") {
            Some(key) => {
                let table = if section == "[package]" {
                    "[workspace.package]"
                } else {
                    "[workspace.dependencies]"
                };
                out.push_str(&inherited(workspace, table, key));
            }
            None => out.push_str(line),
        }
        out.push('\n');
    }
    out.trim_end().to_owned() + "\n"
}

/// The line `key = …` of `table` in the workspace manifest (one line per entry there).
fn inherited(workspace: &str, table: &str, key: &str) -> String {
    let mut in_table = false;
    for line in workspace.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            in_table = trimmed == table;
        } else if in_table
            && trimmed
                .split_once('=')
                .is_some_and(|(k, _)| k.trim() == key)
        {
            return trimmed.to_owned();
        }
    }
    panic!("the SDK inherits `{key}` but {table} of the workspace manifest has no such line")
}

/// This package's directory, read when the script runs: a build script compiled in one checkout
/// may be reused by cargo for another checkout of the same workspace, so the path must not be
/// baked in at compile time.
fn manifest_dir() -> String {
    std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR for build scripts")
}
