//! `lgp plugin build`'s cargo run: the plugin crate built for the host's target and profile.

use anyhow::{Context, bail};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The target plugins are built for.
pub const TARGET: &str = "wasm32-wasip2";

/// Whether an environment variable must not reach the plugin's cargo: flags meant for native
/// builds (an inherited `-Wl,--as-needed` or `-C target-cpu=native` breaks a wasm build),
/// wrappers (clippy's `RUSTC_WORKSPACE_WRAPPER`), a forced target or profile, and what cargo
/// sets for an outer build when `lgp` runs inside one. Unlike the host's nested builds
/// (`lgp-wasm-build`), the target directory stays the user's choice: `CARGO_TARGET_DIR` and
/// `CARGO_BUILD_TARGET_DIR` are kept, so several plugins can share one.
fn is_native_build_setting(key: &str) -> bool {
    matches!(
        key,
        "CARGO_ENCODED_RUSTFLAGS"
            | "RUSTFLAGS"
            | "CARGO_BUILD_RUSTFLAGS"
            | "CARGO_BUILD_TARGET"
            | "RUSTC_WRAPPER"
            | "RUSTC_WORKSPACE_WRAPPER"
            | "CARGO_PRIMARY_PACKAGE"
    ) || key.starts_with("CARGO_PROFILE_")
        || (key.starts_with("CARGO_TARGET_") && key != "CARGO_TARGET_DIR")
        || key.starts_with("CARGO_CFG_")
        || key.starts_with("CARGO_FEATURE_")
}

/// Builds the crate in `dir` with `cargo build --release --target wasm32-wasip2` and returns
/// the components it produced. Cargo's progress and diagnostics go to stderr as it runs; a
/// failed build is an error saying so (with a hint when the target is not installed).
pub fn build(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let manifest = dir.join("Cargo.toml");
    if !manifest.is_file() {
        bail!(
            "{} has no Cargo.toml: not a plugin crate (`lgp plugin new` makes one)",
            dir.display()
        );
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    for (key, _) in std::env::vars_os() {
        if key.to_str().is_some_and(is_native_build_setting) {
            cmd.env_remove(&key);
        }
    }
    cmd.args(["build", "--release", "--target", TARGET])
        .arg("--message-format=json-render-diagnostics")
        .arg("--manifest-path")
        .arg(&manifest)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().context("cannot run cargo (is it on PATH?)")?;
    let stderr = child.stderr.take().context("cargo's stderr is piped")?;
    // Forward cargo's stderr as it comes, keeping a copy to explain a failure.
    let forward = std::thread::spawn(move || {
        let mut seen = String::new();
        let mut out = std::io::stderr();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            let _ = writeln!(out, "{line}");
            seen.push_str(&line);
            seen.push('\n');
        }
        seen
    });
    let stdout = child.stdout.take().context("cargo's stdout is piped")?;
    let mut components = Vec::new();
    for line in BufReader::new(stdout).lines() {
        let line = line.context("cannot read cargo's output")?;
        components.extend(wasm_artifacts(&line));
    }
    let status = child.wait().context("cannot wait for cargo")?;
    let stderr = forward.join().unwrap_or_default();
    if !status.success() {
        let hint = if stderr.contains(TARGET) && stderr.contains("may not be installed") {
            format!(" (install the target once: rustup target add {TARGET})")
        } else {
            String::new()
        };
        bail!(
            "cargo build of {} failed ({status}){hint}",
            manifest.display()
        );
    }
    if components.is_empty() {
        bail!(
            "cargo built no component from {}: its [lib] needs crate-type = [\"cdylib\"]",
            manifest.display()
        );
    }
    components.sort();
    components.dedup();
    Ok(components)
}

/// The `.wasm` files of one line of cargo's JSON messages (none unless it is an artifact).
fn wasm_artifacts(line: &str) -> Vec<PathBuf> {
    let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else {
        return Vec::new();
    };
    if message["reason"] != "compiler-artifact" {
        return Vec::new();
    }
    message["filenames"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| f.as_str())
        .filter(|f| f.ends_with(".wasm"))
        .map(PathBuf::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_flags_are_dropped_and_the_target_dir_kept() {
        for dropped in [
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "RUSTC_WORKSPACE_WRAPPER",
            "CARGO_PROFILE_RELEASE_LTO",
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
            "CARGO_BUILD_TARGET",
        ] {
            assert!(is_native_build_setting(dropped), "{dropped}");
        }
        for kept in [
            "CARGO_TARGET_DIR",
            "CARGO_BUILD_TARGET_DIR",
            "CARGO_HOME",
            "PATH",
        ] {
            assert!(!is_native_build_setting(kept), "{kept}");
        }
    }

    #[test]
    fn components_come_from_artifact_messages() {
        let artifact = r#"{"reason":"compiler-artifact","filenames":["/t/x.wasm","/t/libx.rlib"]}"#;
        assert_eq!(wasm_artifacts(artifact), [PathBuf::from("/t/x.wasm")]);
        assert!(wasm_artifacts(r#"{"reason":"build-finished","success":true}"#).is_empty());
        assert!(wasm_artifacts("Compiling x").is_empty());
    }

    #[test]
    fn a_directory_without_a_manifest_is_refused() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let err = build(tmp.path()).expect_err("no manifest").to_string();
        assert!(err.contains("not a plugin crate"), "{err}");
    }
}
