//! Untrusted components compile in a capped child process (the `lgp` program's hidden compile
//! entry point); the child's bounds hold and a failing child leaves the parent fine. Also the
//! `lgp plugin validate` command, which goes through the same path.

use crate::support::{assert_ordinary_call_works, read, small_config};
use lgp_runtime::{CompileSandbox, LoadError, Runtime, Trust};
use std::path::PathBuf;
use std::process::{Command, Output};

/// The `lgp` program built from this crate.
const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");

fn sandbox() -> CompileSandbox {
    CompileSandbox::new(
        PathBuf::from(LGP),
        vec![lgp_cli::COMPILE_CHILD_COMMAND.into()],
    )
}

fn runtime_with(sandbox: CompileSandbox) -> Runtime {
    Runtime::new(small_config(), Some(sandbox)).expect("runtime starts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_component_compiles_in_the_child_and_runs() {
    let runtime = runtime_with(sandbox());
    let bytes = read(crate::guests::HOSTILE_RULE);
    let plugin = runtime
        .load("upload.wasm", &bytes, Trust::Untrusted)
        .await
        .expect("compiles in the child, loads and describes itself");
    assert_eq!(plugin.name(), "hostile-rule");
    assert_ordinary_call_works(&plugin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_untrusted_component_without_a_sandbox_is_not_compiled() {
    let runtime = Runtime::new(small_config(), None).expect("runtime starts");
    let err = runtime
        .load(
            "upload.wasm",
            &read(crate::guests::HOSTILE_RULE),
            Trust::Untrusted,
        )
        .await
        .expect_err("no sandbox, no compile");
    assert!(
        matches!(&err, LoadError::Compile { reason, .. } if reason.contains("no compile sandbox")),
        "{err:?}"
    );
}

/// Loads `bytes` untrusted through a child capped at `memory_bytes`, expects the memory-bound
/// error, then checks the parent still compiles and runs a plugin.
async fn assert_memory_bound(bytes: &[u8], memory_bytes: u64) {
    let runtime = runtime_with(CompileSandbox {
        memory_bytes,
        ..sandbox()
    });
    let err = runtime
        .load("upload.wasm", bytes, Trust::Untrusted)
        .await
        .expect_err("the child has too little memory to compile");
    let LoadError::Compile { plugin, reason } = &err else {
        panic!("expected a compile failure: {err:?}");
    };
    assert_eq!(plugin, "upload.wasm");
    assert_eq!(
        reason,
        &format!("compilation exceeded its memory bound of {memory_bytes} bytes"),
        "{err}"
    );
    let plugin = runtime
        .load(
            "hostile.wasm",
            &read(crate::guests::HOSTILE_RULE),
            Trust::Trusted,
        )
        .await
        .expect("the parent still compiles");
    assert_ordinary_call_works(&plugin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_with_a_tiny_memory_bound_fails_the_load_only() {
    // 16 MiB is less than the program itself maps: the child's first allocations fail, wherever
    // they happen (reading the component, starting the compiler's threads, compiling).
    assert_memory_bound(&read(crate::guests::HOSTILE_RULE), 16 << 20).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_over_its_memory_bound_while_compiling_fails_the_load_only() {
    // The Python interpreter component needs a few hundred MiB to compile: 64 MiB lets the child
    // start and read it, then fails inside the compiler.
    let Some(python) = crate::python::python_rule_component() else {
        return;
    };
    assert_memory_bound(&read(python.to_str().expect("utf-8 path")), 64 << 20).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_child_over_its_cpu_bound_fails_the_load_only() {
    // Linux turns a CPU limit of 0 into 1 s, so the component must take longer than that to
    // compile: the Python interpreter component does (several seconds), a small Rust one not.
    let Some(python) = crate::python::python_rule_component() else {
        return;
    };
    let runtime = runtime_with(CompileSandbox {
        cpu_seconds: 0,
        ..sandbox()
    });
    let bytes = read(python.to_str().expect("utf-8 path"));
    let err = runtime
        .load("python.wasm", &bytes, Trust::Untrusted)
        .await
        .expect_err("no CPU time to compile");
    let LoadError::Compile { reason, .. } = &err else {
        panic!("expected a compile failure: {err:?}");
    };
    assert_eq!(reason, "compilation exceeded its CPU bound of 0 s", "{err}");
    let plugin = runtime
        .load(
            "hostile.wasm",
            &read(crate::guests::HOSTILE_RULE),
            Trust::Trusted,
        )
        .await
        .expect("the parent still compiles");
    assert_ordinary_call_works(&plugin).await;
}

// ---- the `lgp` program ----

fn lgp(args: &[&str], data_dir: &std::path::Path) -> Output {
    Command::new(LGP)
        .args(args)
        .env("LGP_DATA_DIR", data_dir)
        .env_remove("RUST_LOG")
        .output()
        .expect("lgp runs")
}

#[test]
fn lgp_plugin_validate_refuses_a_forbidden_import_and_says_why() {
    let data = tempfile::tempdir().expect("temp dir");
    let out = lgp(
        &["plugin", "validate", crate::guests::FORBIDDEN_IMPORT],
        data.path(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !out.status.success(),
        "exit status {:?}, stderr {stderr}",
        out.status
    );
    assert!(stderr.contains("invalid:"), "{stderr}");
    assert!(stderr.contains("wasi:filesystem/"), "{stderr}");
    assert!(
        stderr.contains("plugins have no filesystem access"),
        "{stderr}"
    );
}

#[test]
fn lgp_plugin_validate_accepts_a_valid_component() {
    let data = tempfile::tempdir().expect("temp dir");
    let out = lgp(
        &["plugin", "validate", crate::guests::HOSTILE_RULE],
        data.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "exit status {:?}, stderr {stderr}",
        out.status
    );
    assert!(stdout.starts_with("valid: hostile-rule 0.1.0"), "{stdout}");
    // The artifact went to the data directory's cache, not anywhere else.
    let cached = std::fs::read_dir(data.path().join("artifacts"))
        .map(|d| d.count())
        .unwrap_or(0);
    assert!(
        cached > 0,
        "no artifact cached under {}",
        data.path().display()
    );

    let out = lgp(
        &[
            "plugin",
            "validate",
            "--format",
            "json",
            crate::guests::HOSTILE_HANDLER,
        ],
        data.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(json["valid"], true);
    assert_eq!(json["info"]["name"], "hostile-handler");
}
