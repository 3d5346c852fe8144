//! The plugin author's path as a user walks it, with the real `lgp` and the real cargo: for each
//! kind, `lgp plugin new` → the scaffold's own native tests pass → `lgp plugin build` (the
//! validator accepts the component); for a rule, `lgp plugin test` on the scaffold's fixtures
//! passes, an expectation changed by hand fails with a diff naming the result, and `--update`
//! accepts the new results. Malformed names and existing directories are refused.
//!
//! The three scaffolds share one cargo target directory, kept between runs beside the host's
//! build: the first build compiles the SDK and serde for wasm32 and natively, the others reuse
//! them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");

/// Where the scaffolds' builds go: one directory for all of them, and for every run.
fn shared_target_dir() -> PathBuf {
    Path::new(env!("CARGO_TARGET_TMPDIR")).join("plugin-author")
}

/// A user's shell in `dir`: the data directory and the plugins' target directory set.
struct Shell {
    dir: PathBuf,
    data: PathBuf,
}

impl Shell {
    fn run(&self, program: &str, args: &[&str]) -> Output {
        let mut cmd = Command::new(program);
        // The flags of the outer build (clippy's wrapper, instrumentation) are not the user's.
        for key in [
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "RUSTC_WORKSPACE_WRAPPER",
        ] {
            cmd.env_remove(key);
        }
        cmd.args(args)
            .current_dir(&self.dir)
            .env("LGP_DATA_DIR", &self.data)
            .env("CARGO_TARGET_DIR", shared_target_dir())
            .output()
            .unwrap_or_else(|e| panic!("cannot run {program}: {e}"))
    }

    fn lgp(&self, args: &[&str]) -> Output {
        self.run(LGP, args)
    }

    fn in_dir(&self, sub: &str) -> Shell {
        Shell {
            dir: self.dir.join(sub),
            data: self.data.clone(),
        }
    }
}

fn text(out: &Output) -> String {
    format!(
        "stdout:\n{}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[track_caller]
fn ok(out: Output) -> String {
    assert!(out.status.success(), "failed\n{}", text(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[track_caller]
fn fails(out: Output) -> String {
    assert_eq!(
        out.status.code(),
        Some(1),
        "should fail with 1\n{}",
        text(&out)
    );
    text(&out)
}

#[test]
fn each_kind_is_scaffolded_built_validated_and_a_rule_tested_on_its_fixtures() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = Shell {
        dir: tmp.path().to_path_buf(),
        data: tmp.path().join("data"),
    };
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());

    for (name, kind, world) in [
        ("acme-rules", "rule", "rule plugin, 1 checks"),
        ("acme-alerts", "handler", "handler plugin"),
        ("acme-subnets", "collector", "collector plugin"),
    ] {
        let created = ok(home.lgp(&["plugin", "new", name, "--kind", kind]));
        assert!(created.contains(&format!("created {name}")), "{created}");
        let crate_dir = home.in_dir(name);
        let tests = ok(crate_dir.run(&cargo, &["test", "--quiet"]));
        assert!(tests.contains("test result: ok"), "{name}: {tests}");
        let built = ok(crate_dir.lgp(&["plugin", "build"]));
        let wasm = format!("{}.wasm", name.replace('-', "_"));
        assert!(built.contains(&wasm), "{name}: {built}");
        assert!(
            built.contains(&format!("valid: {name} 0.1.0 ({world}")),
            "{name}: {built}"
        );
    }

    // The rule, in the real runtime, on the fixtures the scaffold came with.
    let rule = home.in_dir("acme-rules");
    let check = "acme_rules_s3_confidential_bucket_kms";
    let passed = ok(rule.lgp(&["plugin", "test", ".", "--fixtures", "fixtures"]));
    assert!(
        passed.contains("fixtures/resources.json: 4 results as expected"),
        "{passed}"
    );

    // A hand-made change to an expectation is a difference naming the result.
    let expected = rule.dir.join("fixtures/resources.expected.json");
    let original = std::fs::read_to_string(&expected).expect("expectation");
    let exports =
        "\"resource_arn\": \"arn:aws:s3:::acme-customer-exports\",\n    \"status\": \"fail\"";
    assert!(original.contains(exports), "{original}");
    let edited = original.replace(
        exports,
        "\"resource_arn\": \"arn:aws:s3:::acme-customer-exports\",\n    \"status\": \"pass\"",
    );
    std::fs::write(&expected, edited).expect("edit");
    let diff = fails(rule.lgp(&["plugin", "test", ".", "--fixtures", "fixtures"]));
    assert!(
        diff.contains(&format!(
            "changed     {check} on arn:aws:s3:::acme-customer-exports: status pass → fail"
        )),
        "{diff}"
    );
    assert!(
        diff.contains("fixtures/resources.json: 1 difference from"),
        "{diff}"
    );

    // A fixture in another shape (a scan report's `resources`) without an expectation yet.
    let report = serde_json::json!({
        "scan_id": "s-1",
        "resources": [{
            "arn": "arn:aws:s3:::acme-ledger", "kind": "aws:s3:bucket",
            "account": "111122223333", "region": "us-east-1", "name": "acme-ledger",
            "tags": {"data-classification": "confidential"},
            "properties": {"encryption": {"status": "enabled", "algorithm": "AES256"}, "errors": {}}
        }]
    });
    std::fs::write(rule.dir.join("fixtures/report.json"), report.to_string()).expect("fixture");
    let missing = fails(rule.lgp(&["plugin", "test", ".", "--fixtures", "fixtures"]));
    assert!(missing.contains("no expectation file"), "{missing}");

    // `--update` accepts the plugin's results; the component file works as well as the crate.
    let updated = ok(rule.lgp(&["plugin", "test", ".", "--fixtures", "fixtures", "--update"]));
    assert!(
        updated.contains("report.expected.json (1 results)"),
        "{updated}"
    );
    assert_eq!(
        std::fs::read_to_string(&expected).expect("expectation"),
        original
    );
    let wasm = shared_target_dir().join("wasm32-wasip2/release/acme_rules.wasm");
    let wasm = wasm.to_str().expect("utf-8 path");
    let passed = ok(rule.lgp(&["plugin", "test", wasm, "--fixtures", "fixtures"]));
    assert!(
        passed.contains("fixtures/report.json: 1 results as expected"),
        "{passed}"
    );
    let ledger =
        std::fs::read_to_string(rule.dir.join("fixtures/report.expected.json")).expect("written");
    assert!(ledger.contains("\"status\": \"fail\""), "{ledger}");

    // Only rule plugins have resource fixtures.
    let alerts = home.in_dir("acme-alerts");
    let refused = fails(alerts.lgp(&[
        "plugin",
        "test",
        ".",
        "--fixtures",
        "../acme-rules/fixtures",
    ]));
    assert!(
        refused.contains("acme-alerts is a handler plugin"),
        "{refused}"
    );
}

#[test]
fn malformed_names_and_existing_directories_are_refused() {
    let tmp = tempfile::tempdir().expect("temp dir");
    let home = Shell {
        dir: tmp.path().to_path_buf(),
        data: tmp.path().join("data"),
    };
    for bad in [
        "AcmeRules",
        "acme_rules",
        "acme-",
        "acme--rules",
        "../acme",
        "lgp-sdk",
    ] {
        let out = home.lgp(&["plugin", "new", bad]);
        assert!(!out.status.success(), "{bad} accepted");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains(&format!("invalid plugin name {bad:?}")),
            "{bad}: {err}"
        );
    }
    std::fs::create_dir(tmp.path().join("taken")).expect("dir");
    let out = home.lgp(&["plugin", "new", "taken", "--kind", "handler"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("taken already exists"), "{err}");
    assert_eq!(
        std::fs::read_dir(tmp.path().join("taken"))
            .expect("dir")
            .count(),
        0,
        "an existing directory is left alone"
    );
    let entries: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    assert_eq!(entries, ["taken"], "nothing was created for a refused name");
}
