//! A rule plugin written in Python (componentize-py) against the same contract: it validates,
//! loads, and evaluates real resources in the same sandbox as the Rust plugins.
//!
//! The component is built at test time from `tests/guests/python-rule/` (no committed .wasm).
//! The build is skipped, with a message, only when `componentize-py` is not installed.

use crate::support::{ctx, small_config};
use lgp_model::{PluginKind, Status};
use lgp_runtime::{Limits, Runtime, RuntimeConfig, Trust};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// componentize-py's options: `--stub-wasi` replaces the WASI imports the Python runtime brings
/// (filesystem, clocks, sockets…) with trapping stubs, so the component imports only the
/// contract; without it validation refuses the component.
const COMPONENTIZE_FLAGS: &[&str] = &["--stub-wasi"];

fn guest_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("guests/python-rule")
}

/// Builds the Python rule into the test target's temporary directory (once per source, tool
/// version and flags, shared by the tests that need it) and returns its path; `None` when
/// componentize-py is not installed.
pub fn python_rule_component() -> Option<PathBuf> {
    let version = match Command::new("componentize-py").arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        _ => {
            println!(
                "SKIPPED: componentize-py is not on PATH (pip install componentize-py==0.25.1)"
            );
            return None;
        }
    };
    let source = std::fs::read(guest_dir().join("app.py")).expect("app.py is readable");
    let mut key = source.clone();
    key.extend_from_slice(version.as_bytes());
    key.extend_from_slice(COMPONENTIZE_FLAGS.join(" ").as_bytes());
    let cache = Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-rule");
    std::fs::create_dir_all(&cache).expect("cache dir");
    let wasm = cache.join(format!("{}.wasm", &lgp_runtime::content_hash(&key)[..16]));
    // Test processes run in parallel: one builds, the others wait for it on the lock.
    let lock = std::fs::File::create(cache.join(".lock")).expect("lock file");
    lock.lock().expect("lock the python-rule cache");
    if wasm.exists() {
        return Some(wasm);
    }
    // Build in a fresh temp dir, then rename into place: concurrent test processes never see a
    // partial file.
    let work = tempfile::tempdir_in(&cache).expect("temp dir");
    let out = work.path().join("python-rule.wasm");
    // componentize-py leaves a __pycache__ beside the sources it imports: give it a copy.
    let app = work.path().join("app");
    std::fs::create_dir(&app).expect("app dir");
    std::fs::write(app.join("app.py"), &source).expect("copy app.py");
    let wit = Path::new(env!("CARGO_MANIFEST_DIR")).join("../wit");
    let status = Command::new("componentize-py")
        .arg("-d")
        .arg(&wit)
        .args(["-w", "lg-protect:plugin/rule", "componentize"])
        .args(COMPONENTIZE_FLAGS)
        .arg("-p")
        .arg(&app)
        .arg("app")
        .arg("-o")
        .arg(&out)
        .output()
        .expect("componentize-py runs");
    assert!(
        status.status.success(),
        "componentize-py failed ({version}): {}",
        String::from_utf8_lossy(&status.stderr)
    );
    std::fs::rename(&out, &wasm).expect("move the component into the cache");
    Some(wasm)
}

fn buckets() -> Vec<lgp_model::Resource> {
    let bucket = |name: &str, properties: serde_json::Value| {
        serde_json::json!({
            "arn": format!("arn:aws:s3:::{name}"),
            "kind": "aws:s3:bucket",
            "account": "123456789012",
            "region": "eu-west-1",
            "name": name,
            "tags": {"team": "e2e"},
            "properties": properties,
        })
    };
    let json = serde_json::json!([
        bucket("versioned", serde_json::json!({"versioning": {"status": "Enabled"}})),
        bucket("suspended", serde_json::json!({"versioning": {"status": "Suspended"}})),
        bucket("unknown", serde_json::json!({"encryption": {}})),
        {
            "arn": "arn:aws:iam::123456789012:user/alice",
            "kind": "aws:iam:user",
            "account": "123456789012",
            "region": "global",
            "name": "alice",
            "properties": {},
        },
    ]);
    lgp_model::parse_resources(&json.to_string()).expect("valid resources")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_rule_validates_loads_and_evaluates() {
    let Some(path) = python_rule_component() else {
        return;
    };
    let bytes = std::fs::read(&path).expect("component readable");
    // The default memory cap (128 MiB) is sized for interpreters; the test's 32 MiB is not.
    let config = RuntimeConfig {
        limits: Limits {
            memory_bytes: Limits::default().memory_bytes,
            timeout_ms: 30_000,
            ..small_config().limits
        },
        ..small_config()
    };
    let runtime = Runtime::new(config, None).expect("runtime starts");

    let summary = runtime
        .validate(&bytes)
        .expect("the Python component passes validation");
    assert_eq!(summary.kind, PluginKind::Rule);
    println!(
        "python-rule: {} bytes, imports {:?}",
        bytes.len(),
        summary.imports
    );

    let started = Instant::now();
    let plugin = runtime
        .load("python-rule.wasm", &bytes, Trust::Trusted)
        .await
        .expect("loads");
    let loaded = started.elapsed();
    assert_eq!(plugin.name(), "python-rule");
    assert_eq!(plugin.checks().len(), 1);
    assert_eq!(plugin.checks()[0].id, "py_s3_bucket_versioning_enabled");
    assert_eq!(plugin.checks()[0].references[0].control, "2.1.3");

    let started = Instant::now();
    let findings = plugin
        .evaluate(&ctx(), &buckets())
        .await
        .expect("evaluates");
    let first_call = started.elapsed();
    let started = Instant::now();
    let again = plugin
        .evaluate(&ctx(), &buckets())
        .await
        .expect("evaluates again");
    let second_call = started.elapsed();
    println!(
        "python-rule: compile+describe {loaded:?}, first evaluate {first_call:?}, second {second_call:?}"
    );
    assert_eq!(findings, again, "evaluation is deterministic");

    let got: Vec<(&str, Status, &str, &str)> = findings
        .iter()
        .map(|f| {
            (
                f.resource_arn.as_str(),
                f.status,
                f.message.as_str(),
                f.evidence.get(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (
                "arn:aws:s3:::versioned",
                Status::Pass,
                "Bucket versioned has versioning enabled.",
                r#"{"versioning": {"status": "Enabled"}}"#
            ),
            (
                "arn:aws:s3:::suspended",
                Status::Fail,
                "Bucket suspended has versioning Suspended.",
                r#"{"versioning": {"status": "Suspended"}}"#
            ),
            (
                "arn:aws:s3:::unknown",
                Status::Error,
                "Bucket unknown: versioning status unknown.",
                r#"{"versioning": {}}"#
            ),
        ]
    );
    assert!(
        findings
            .iter()
            .all(|f| f.check_id == "py_s3_bucket_versioning_enabled")
    );
}
