//! `lgp plugin test`: fixtures and their expectations. A fixture is a JSON file of resources;
//! its expectation, `<name>.expected.json` beside it, lists the results the plugin must give,
//! in the order it gives them (the SDK's `testing::assert_snapshot` reads the same file).

use anyhow::{Context, bail};
use lgp_model::{Finding, Severity, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The suffix of expectation files, which are not fixtures themselves.
pub const EXPECTED_SUFFIX: &str = ".expected.json";

/// The scan id fixture runs see.
pub const SCAN_ID: &str = "test-scan";

/// The clock fixture runs see, 2025-01-01T00:00:00Z: the SDK harness's (`FIXED_NOW`), so a
/// fixture gives the same results natively and in the host, this year and the next.
pub const FIXED_NOW: i64 = 1_735_689_600;

/// One expected result. `message` may be left out of a hand-written expectation: then any
/// message matches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expected {
    /// The check.
    pub check_id: String,
    /// The resource.
    pub resource_arn: String,
    /// The outcome.
    pub status: Status,
    /// The severity.
    pub severity: Severity,
    /// The message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

impl From<&Finding> for Expected {
    fn from(f: &Finding) -> Self {
        Self {
            check_id: f.check_id.clone(),
            resource_arn: f.resource_arn.clone(),
            status: f.status,
            severity: f.severity,
            message: Some(f.message.clone()),
        }
    }
}

/// The fixtures of `dir`: its `*.json` files but the expectations, sorted by name.
pub fn list(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let entries = std::fs::read_dir(dir)
        .with_context(|| format!("cannot list the fixtures in {}", dir.display()))?;
    let mut fixtures = Vec::new();
    for entry in entries {
        let path = entry
            .with_context(|| format!("cannot list the fixtures in {}", dir.display()))?
            .path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if path.is_file() && name.ends_with(".json") && !name.ends_with(EXPECTED_SUFFIX) {
            fixtures.push(path);
        }
    }
    if fixtures.is_empty() {
        bail!(
            "{} holds no fixture: add JSON files of resources (e.g. from `lgp scan --format json`)",
            dir.display()
        );
    }
    fixtures.sort();
    Ok(fixtures)
}

/// The expectation file of `fixture`.
pub fn expectation_path(fixture: &Path) -> PathBuf {
    let stem = fixture
        .file_name()
        .and_then(|n| n.to_str())
        .and_then(|n| n.strip_suffix(".json"))
        .unwrap_or("fixture");
    fixture.with_file_name(format!("{stem}{EXPECTED_SUFFIX}"))
}

/// Reads an expectation file.
pub fn read_expected(path: &Path) -> anyhow::Result<Vec<Expected>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a list of expected results (check_id, resource_arn, status, severity, \
             message)",
            path.display()
        )
    })
}

/// Writes `results` as the expectation file `path`.
pub fn write_expected(path: &Path, results: &[Expected]) -> anyhow::Result<()> {
    let mut text = serde_json::to_string_pretty(results)?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// How the actual results differ from the expected ones, one readable line per result that
/// differs (`missing`, `unexpected`, `changed: old → new`); empty when they agree.
pub fn diff(expected: &[Expected], actual: &[Expected]) -> Vec<String> {
    let key = |r: &Expected| (r.check_id.clone(), r.resource_arn.clone());
    let mut lines = Vec::new();
    let mut wanted: BTreeMap<_, &Expected> = BTreeMap::new();
    for e in expected {
        if wanted.insert(key(e), e).is_some() {
            lines.push(format!(
                "duplicate   {} on {}: the expectation lists it twice",
                e.check_id, e.resource_arn
            ));
        }
    }
    let mut seen = BTreeMap::new();
    for a in actual {
        if seen.insert(key(a), ()).is_some() {
            lines.push(format!(
                "unexpected  {} on {}: a second result {}",
                a.check_id,
                a.resource_arn,
                describe(a)
            ));
            continue;
        }
        match wanted.remove(&key(a)) {
            None => lines.push(format!(
                "unexpected  {} on {}: {}",
                a.check_id,
                a.resource_arn,
                describe(a)
            )),
            Some(e) => {
                let changes = changes(e, a);
                if !changes.is_empty() {
                    lines.push(format!(
                        "changed     {} on {}: {changes}",
                        a.check_id, a.resource_arn
                    ));
                }
            }
        }
    }
    for e in wanted.values() {
        lines.push(format!(
            "missing     {} on {}: expected {}",
            e.check_id,
            e.resource_arn,
            describe(e)
        ));
    }
    lines
}

/// `fail (high): "message"`.
fn describe(r: &Expected) -> String {
    let mut text = format!("{} ({})", r.status, r.severity.as_str());
    if let Some(m) = &r.message {
        let _ = write!(text, ": {m:?}");
    }
    text
}

/// `status pass → fail; message "a" → "b"`: what differs between an expected and an actual
/// result of the same check and resource (a message left out of the expectation matches any).
fn changes(e: &Expected, a: &Expected) -> String {
    let mut parts = Vec::new();
    if e.status != a.status {
        parts.push(format!("status {} → {}", e.status, a.status));
    }
    if e.severity != a.severity {
        parts.push(format!(
            "severity {} → {}",
            e.severity.as_str(),
            a.severity.as_str()
        ));
    }
    if let (Some(em), Some(am)) = (&e.message, &a.message)
        && em != am
    {
        parts.push(format!("message {em:?} → {am:?}"));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(check: &str, arn: &str, status: Status, message: Option<&str>) -> Expected {
        Expected {
            check_id: check.into(),
            resource_arn: arn.into(),
            status,
            severity: Severity::Medium,
            message: message.map(str::to_owned),
        }
    }

    #[test]
    fn each_differing_result_is_named() {
        let expected = vec![
            result("c1", "arn:a", Status::Pass, Some("ok")),
            result("c1", "arn:b", Status::Fail, Some("bad")),
            result("c2", "arn:a", Status::Pass, None),
        ];
        let actual = vec![
            result("c1", "arn:a", Status::Fail, Some("now bad")),
            result("c2", "arn:a", Status::Pass, Some("any message matches")),
            result("c3", "arn:a", Status::Error, Some("boom")),
        ];
        assert_eq!(
            diff(&expected, &actual),
            [
                r#"changed     c1 on arn:a: status pass → fail; message "ok" → "now bad""#,
                r#"unexpected  c3 on arn:a: error (medium): "boom""#,
                r#"missing     c1 on arn:b: expected fail (medium): "bad""#,
            ]
        );
        assert!(diff(&actual, &actual).is_empty());
    }

    #[test]
    fn fixtures_are_the_json_files_but_the_expectations() {
        let tmp = tempfile::tempdir().expect("temp dir");
        for name in ["b.json", "a.json", "a.expected.json", "notes.txt"] {
            std::fs::write(tmp.path().join(name), "[]").expect("write");
        }
        let found = list(tmp.path()).expect("fixtures");
        let names: Vec<_> = found.iter().filter_map(|p| p.file_name()).collect();
        assert_eq!(names, ["a.json", "b.json"]);
        assert_eq!(
            expectation_path(&found[0]),
            tmp.path().join("a.expected.json")
        );
        let empty = tempfile::tempdir().expect("temp dir");
        let err = list(empty.path()).expect_err("no fixture").to_string();
        assert!(err.contains("holds no fixture"), "{err}");
    }

    #[test]
    fn expectations_round_trip_and_typos_are_refused() {
        let tmp = tempfile::tempdir().expect("temp dir");
        let path = tmp.path().join("x.expected.json");
        let results = vec![result("c1", "arn:a", Status::Pass, Some("ok"))];
        write_expected(&path, &results).expect("written");
        assert_eq!(read_expected(&path).expect("read"), results);
        std::fs::write(
            &path,
            r#"[{"check_id":"c","resource_arn":"a","statsu":"pass"}]"#,
        )
        .expect("write");
        let err = format!("{:#}", read_expected(&path).expect_err("typo"));
        assert!(err.contains("statsu"), "{err}");
    }
}
