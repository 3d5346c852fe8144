//! The framework catalogue through the `lgp` program: `lgp frameworks` lists every framework
//! with its manual controls, the built-in checks' references make controls automated, and every
//! reference of every built-in check names a control of the catalogue (the guard against a
//! check citing a control id that does not exist).

use lgp_frameworks::Catalogue;
use lgp_model::CheckMeta;
use lgp_runtime::{Runtime, RuntimeConfig, Trust};
use serde_json::Value;
use std::process::{Command, Output};

const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");

/// The framework ids check references use (docs/frameworks.md).
const FRAMEWORKS: [&str; 8] = [
    "cis-aws-3.0",
    "cis-aws-7.0",
    "aws-fsbp",
    "pci-dss-4.0",
    "soc2",
    "hipaa",
    "nist-800-53-r5",
    "iso-27001-2022",
];

/// Runs `lgp` with `args` and a fresh data directory.
fn lgp(args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("tempdir");
    Command::new(LGP)
        .args(args)
        .env("LGP_DATA_DIR", dir.path())
        .output()
        .expect("lgp runs")
}

fn control<'a>(framework: &'a Value, id: &str) -> &'a Value {
    framework["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("{} lists no control {id}", framework["id"]))
}

#[test]
fn lgp_frameworks_lists_every_framework_with_manual_and_automated_controls() {
    let out = lgp(&["frameworks", "--format", "json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    let frameworks = report["frameworks"].as_array().expect("frameworks");
    let ids: Vec<&str> = frameworks.iter().filter_map(|f| f["id"].as_str()).collect();
    assert_eq!(ids, FRAMEWORKS);
    for f in frameworks {
        let controls = f["controls"].as_array().expect("controls");
        let automated = controls
            .iter()
            .filter(|c| c["coverage"] == "automated")
            .count();
        let manual: Vec<&Value> = controls
            .iter()
            .filter(|c| c["coverage"] == "manual")
            .collect();
        assert_eq!(f["automated"], automated, "{}", f["id"]);
        assert_eq!(f["manual"], manual.len(), "{}", f["id"]);
        assert_eq!(automated + manual.len(), controls.len(), "{}", f["id"]);
        // Manual controls are shown, not hidden: every framework has some (process controls).
        assert!(!manual.is_empty(), "{} shows no manual control", f["id"]);
        assert!(manual.iter().all(|c| c["checks"] == serde_json::json!([])));
    }
    let cis = &frameworks[0];
    let root_key = control(cis, "1.4");
    assert_eq!(root_key["coverage"], "automated");
    assert!(
        root_key["checks"]
            .as_array()
            .expect("checks")
            .iter()
            .any(|c| c == "iam_no_root_access_key"),
        "{root_key}"
    );
    // CIS 1.1 (contact details) is a process no built-in check reads.
    assert_eq!(control(cis, "1.1")["coverage"], "manual");
    assert_eq!(report["unknown_references"], serde_json::json!([]));
}

#[test]
fn lgp_frameworks_lists_one_framework_s_controls() {
    let out = lgp(&["frameworks", "--framework", "cis-aws-3.0"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("CIS Amazon Web Services Foundations Benchmark 3.0.0"),
        "{text}"
    );
    assert!(text.contains("iam_no_root_access_key"), "{text}");
    assert!(text.contains("manual"), "{text}");
    assert!(text.contains("62 controls: "), "{text}");
}

#[test]
fn an_unknown_framework_is_refused_with_the_known_ids() {
    for args in [
        ["frameworks", "--framework", "cis-aws-1.4"],
        ["checks", "--framework", "cis-aws-1.4"],
    ] {
        let out = lgp(&args);
        assert!(!out.status.success(), "{args:?} succeeded");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("unknown framework \"cis-aws-1.4\""),
            "{args:?}: {err}"
        );
        for id in FRAMEWORKS {
            assert!(err.contains(id), "{args:?}: {err} lacks {id}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_reference_of_every_builtin_check_is_in_the_catalogue() {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime starts");
    let mut checks: Vec<CheckMeta> = Vec::new();
    for b in lgp_builtins::BUILTINS {
        let plugin = runtime
            .load(b.name, b.wasm, Trust::Trusted)
            .await
            .unwrap_or_else(|e| panic!("the built-in {} loads: {e}", b.name));
        checks.extend(plugin.checks().iter().cloned());
    }
    assert!(!checks.is_empty(), "the built-in plugins declare checks");
    let unknown = Catalogue::builtin().unknown_references(&checks);
    let lines: Vec<String> = unknown.iter().map(ToString::to_string).collect();
    assert!(
        unknown.is_empty(),
        "{} references name no control of the catalogue (host/frameworks/data):\n{}",
        unknown.len(),
        lines.join("\n")
    );
}
