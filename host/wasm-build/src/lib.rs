//! Build-script helper: builds a separate wasm32-wasip2 cargo workspace (the built-in plugins, the
//! test guests) from inside the host's build, the way wasmtime builds its test programs, and
//! reports the components it produced.
//!
//! The nested cargo gets its own target directory (sharing the outer one deadlocks on cargo's
//! lock) and none of the outer build's flags (an inherited `-Wl,--as-needed` or clippy's
//! `RUSTC_WORKSPACE_WRAPPER` breaks a wasm build). It is not for use outside build scripts: it
//! prints `cargo:` directives and panics with the nested build's diagnostics on failure.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The wasm target plugins are built for.
pub const TARGET: &str = "wasm32-wasip2";

/// One component built by the nested build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    /// The crate's name, with dashes (`lgp-plugin-rules-s3`).
    pub package: String,
    /// Absolute path of the `.wasm` file.
    pub path: PathBuf,
}

/// Variables of the outer build that must not reach the nested one.
fn is_inherited_flag(key: &str) -> bool {
    matches!(
        key,
        "CARGO_ENCODED_RUSTFLAGS"
            | "RUSTFLAGS"
            | "CARGO_BUILD_RUSTFLAGS"
            | "CARGO_BUILD_TARGET"
            | "CARGO_TARGET_DIR"
            | "CARGO_BUILD_TARGET_DIR"
            | "RUSTC_WRAPPER"
            | "RUSTC_WORKSPACE_WRAPPER"
            | "CARGO_PRIMARY_PACKAGE"
            | "TARGET"
            | "HOST"
            | "OPT_LEVEL"
            | "PROFILE"
            | "DEBUG"
    ) || key.starts_with("CARGO_PROFILE_")
        || key.starts_with("CARGO_TARGET_")
        || key.starts_with("CARGO_CFG_")
        || key.starts_with("CARGO_FEATURE_")
}

/// The nested build's target directory: beside the outer build's profile directories, so one
/// cache serves every outer profile and survives `cargo clean -p`.
fn nested_target_dir() -> PathBuf {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set in build scripts"));
    // OUT_DIR is <target>/<profile>/build/<pkg>-<hash>/out.
    out.ancestors()
        .nth(4)
        .map(|t| t.join("wasm-plugins"))
        .unwrap_or_else(|| out.join("wasm-plugins"))
}

/// Builds the workspace whose manifest is `manifest` for wasm32-wasip2 in release mode and
/// returns its components. `watch` lists further directories whose changes must rebuild it (the
/// SDK, the WIT contract).
pub fn build_workspace(manifest: &Path, watch: &[&Path]) -> Vec<Artifact> {
    let workspace_dir = manifest
        .parent()
        .expect("a manifest has a parent directory");
    println!("cargo:rerun-if-changed={}", workspace_dir.display());
    for dir in watch {
        println!("cargo:rerun-if-changed={}", dir.display());
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    for (key, _) in std::env::vars_os() {
        if let Some(key) = key.to_str()
            && is_inherited_flag(key)
        {
            cmd.env_remove(key);
        }
    }
    cmd.args([
        "build",
        "--release",
        "--locked",
        "--message-format=json-render-diagnostics",
    ])
    .args(["--target", TARGET])
    .arg("--manifest-path")
    .arg(manifest)
    .arg("--target-dir")
    .arg(nested_target_dir())
    .env("CARGO_TERM_COLOR", "never");
    let output = cmd
        .output()
        .expect("failed to run cargo for the wasm build");
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        let hint =
            if stderr.contains("wasm32-wasip2") && stderr.contains("target may not be installed") {
                "\nhint: run `rustup target add wasm32-wasip2`"
            } else {
                ""
            };
        panic!(
            "building the wasm workspace {} failed:\n{stderr}{hint}",
            manifest.display()
        );
    }
    let mut artifacts = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        if msg["reason"] != "compiler-artifact" {
            continue;
        }
        let package = msg["target"]["name"]
            .as_str()
            .unwrap_or_default()
            .replace('_', "-");
        for file in msg["filenames"].as_array().into_iter().flatten() {
            if let Some(path) = file.as_str().filter(|p| p.ends_with(".wasm")) {
                artifacts.push(Artifact {
                    package: package.clone(),
                    path: PathBuf::from(path),
                });
            }
        }
    }
    artifacts.sort_by(|a, b| a.package.cmp(&b.package));
    artifacts
}

/// Writes `contents` to `$OUT_DIR/name` and returns the path.
pub fn write_out(name: &str, contents: &str) -> PathBuf {
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("OUT_DIR is set in build scripts"));
    let path = out.join(name);
    std::fs::write(&path, contents).expect("failed to write into OUT_DIR");
    path
}
