//! A tenant's own rule plugin, end to end through `lgp serve --demo`: uploaded with
//! `lgp plugin upload` (built from source in tests/guests), its findings appear in that tenant's
//! next scan and in no other tenant's; disabled with `lgp plugin disable`, it is gone from the next
//! scan; deleted, it is no longer listed. Bad uploads and one past the tenant's quota are refused
//! with their status, code and a message naming the problem. A tenant whose plugin spins forever
//! gets `error` results for its check, while another tenant's concurrent scan completes with
//! every result it had before.

use crate::guests;
use crate::served::{LGP, Server, get, token};
use serde_json::Value;
use std::collections::BTreeMap;
use std::process::{Command, Output};

/// The check of the `tenant-rule` guest.
const OWNER_CHECK: &str = "acme_s3_bucket_owner_tag";
/// The check of the `busy-rule` guest.
const BUSY_CHECK: &str = "busy_s3_bucket_spin";
/// The upload limit the server runs with: the guests are far smaller; the oversized body is not.
const UPLOAD_LIMIT: usize = 4 << 20;

/// Runs `lgp plugin ARGS` against `server` as `token`.
fn lgp_plugin(server: &Server, token: &str, args: &[&str]) -> Output {
    Command::new(LGP)
        .arg("plugin")
        .args(args)
        .args(["--server", &server.base])
        .env("LGP_TOKEN", token)
        .output()
        .expect("lgp plugin runs")
}

fn stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "lgp plugin failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// POSTs `body` to `/v1/plugins` as `token` with `media` as its type; answers status and body.
async fn upload(
    http: &reqwest::Client,
    server: &Server,
    token: &str,
    media: &str,
    body: Vec<u8>,
) -> (u16, Value) {
    let response = http
        .post(server.url("/v1/plugins"))
        .bearer_auth(token)
        .header("content-type", media)
        .body(body)
        .send()
        .await
        .expect("upload request");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Every finding of `check` last seen by scan `scan_id`, as resource ARN → finding.
async fn findings(
    http: &reqwest::Client,
    server: &Server,
    token: &str,
    check: &str,
    scan_id: &str,
) -> BTreeMap<String, Value> {
    let page: Value = get(
        http,
        server,
        &format!("/v1/findings?check={check}&scan={scan_id}&limit=1000"),
        token,
    )
    .await
    .json()
    .await
    .expect("findings JSON");
    assert!(page["next"].is_null(), "one page holds them");
    page["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|f| {
            (
                f["resource_arn"].as_str().expect("arn").to_owned(),
                f.clone(),
            )
        })
        .collect()
}

/// `GET /v1/plugins` as `token`.
async fn plugins(http: &reqwest::Client, server: &Server, token: &str) -> Value {
    get(http, server, "/v1/plugins", token)
        .await
        .json()
        .await
        .expect("plugins JSON")
}

fn scan_id(scan: &Value) -> &str {
    scan["scan_id"].as_str().expect("scan id")
}

/// What the owner-tag check must answer for each demo bucket: fail without an `owner` tag.
async fn expected_owner_statuses(
    http: &reqwest::Client,
    server: &Server,
    token: &str,
) -> BTreeMap<String, &'static str> {
    let page: Value = get(
        http,
        server,
        "/v1/inventory?kind=aws:s3:bucket&limit=1000",
        token,
    )
    .await
    .json()
    .await
    .expect("inventory JSON");
    let buckets = page["items"].as_array().expect("items");
    assert!(!buckets.is_empty(), "the demo account has buckets");
    buckets
        .iter()
        .map(|b| {
            let status = if b["tags"].get("owner").is_some() {
                "pass"
            } else {
                "fail"
            };
            (b["arn"].as_str().expect("arn").to_owned(), status)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_uploaded_rule_runs_on_its_tenants_scans_only_until_disabled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let limit = UPLOAD_LIMIT.to_string();
    let server = Server::start(
        &dir.path().join("data"),
        &[
            ("LGP_PLUGIN_MAX_BYTES", limit.as_str()),
            ("LGP_PLUGIN_MAX_COUNT", "1"),
        ],
    );
    let http = reqwest::Client::new();
    let (acme, bravo) = (token("acme", "admin"), token("bravo", "admin"));
    let rule = std::fs::read(guests::TENANT_RULE).expect("tenant-rule guest");

    // Bad uploads, each refused with its status, code and a message naming the problem.
    let refusals: [(&str, Vec<u8>, u16, &str, &str); 5] = [
        (
            "application/wasm",
            b"PK\x03\x04 a zip, not wasm".to_vec(),
            400,
            "not_wasm",
            "not a WebAssembly binary",
        ),
        (
            "application/wasm",
            b"\0asm\x01\0\0\0".to_vec(),
            422,
            "not_a_component",
            "core WebAssembly module",
        ),
        (
            "application/wasm",
            std::fs::read(guests::FORBIDDEN_IMPORT).expect("guest"),
            422,
            "forbidden_import",
            "wasi:filesystem",
        ),
        (
            "application/wasm",
            vec![0u8; UPLOAD_LIMIT + 1],
            413,
            "payload_too_large",
            "length limit exceeded",
        ),
        (
            "application/octet-stream",
            rule.clone(),
            415,
            "unsupported_media_type",
            "application/wasm",
        ),
    ];
    for (media, body, status, code, says) in refusals {
        let (got, answer) = upload(&http, &server, &acme, media, body).await;
        assert_eq!(got, status, "{code}: {answer}");
        assert_eq!(answer["error"]["code"], code, "{answer}");
        let message = answer["error"]["message"].as_str().expect("message");
        assert!(message.contains(says), "{code}: {message:?} names {says:?}");
    }
    // A viewer may not upload; nothing was stored by any refusal.
    let (got, _) = upload(
        &http,
        &server,
        &token("acme", "viewer"),
        "application/wasm",
        rule.clone(),
    )
    .await;
    assert_eq!(got, 403);
    let listed = plugins(&http, &server, &acme).await;
    assert_eq!(listed["items"], serde_json::json!([]));

    // Upload through the CLI: the verdict names the plugin and its check.
    let out = lgp_plugin(&server, &acme, &["upload", guests::TENANT_RULE]);
    let verdict = stdout(&out);
    assert!(
        verdict.contains("uploaded: tenant-rule 1.0.0 (rule plugin, 1 checks"),
        "{verdict}"
    );
    assert!(verdict.contains(OWNER_CHECK), "{verdict}");
    // The same bytes again change nothing; a component that calls itself otherwise than the
    // upload says is refused.
    let again = stdout(&lgp_plugin(
        &server,
        &acme,
        &["upload", guests::TENANT_RULE],
    ));
    assert!(again.contains("already uploaded"), "{again}");
    let other = lgp_plugin(
        &server,
        &acme,
        &["upload", guests::BUSY_RULE, "--name", "tenant-rule"],
    );
    assert!(!other.status.success());
    assert!(
        String::from_utf8_lossy(&other.stderr).contains("describes itself as \"busy-rule\""),
        "{other:?}"
    );
    // The tenant's quota of one stored version is used up.
    let (got, answer) = upload(
        &http,
        &server,
        &acme,
        "application/wasm",
        std::fs::read(guests::BUSY_RULE).expect("guest"),
    )
    .await;
    assert_eq!(
        (got, &answer["error"]["code"]),
        (422, &Value::from("quota_exceeded")),
        "{answer}"
    );
    let listed: Value = serde_json::from_str(&stdout(&lgp_plugin(
        &server,
        &acme,
        &["list", "--format", "json"],
    )))
    .expect("list JSON");
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["name"], "tenant-rule");
    assert_eq!(listed[0]["active"], true);

    // Another tenant sees none of it.
    let theirs = plugins(&http, &server, &bravo).await;
    assert_eq!(theirs["items"], serde_json::json!([]));
    assert_eq!(
        get(&http, &server, "/v1/plugins/tenant-rule/1.0.0", &bravo)
            .await
            .status(),
        404
    );
    let checks = |token: String| {
        let (http, url) = (http.clone(), server.url("/v1/checks?service=s3"));
        async move {
            let page: Value = http
                .get(url)
                .bearer_auth(token)
                .send()
                .await
                .expect("checks")
                .json()
                .await
                .expect("JSON");
            page["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|c| c["id"] == OWNER_CHECK)
        }
    };
    assert!(checks(acme.clone()).await, "acme lists its own check");
    assert!(!checks(bravo.clone()).await, "bravo does not");

    // The next scans: acme's has the check's findings, as the buckets' tags decide; bravo's none.
    let (a_scan, b_scan) = tokio::join!(server.scan(&http, &acme), server.scan(&http, &bravo));
    let expected = expected_owner_statuses(&http, &server, &acme).await;
    let found = findings(&http, &server, &acme, OWNER_CHECK, scan_id(&a_scan)).await;
    let statuses: BTreeMap<String, &str> = found
        .iter()
        .map(|(arn, f)| (arn.clone(), f["status"].as_str().expect("status")))
        .collect();
    assert_eq!(statuses, expected);
    assert!(
        findings(&http, &server, &bravo, OWNER_CHECK, scan_id(&b_scan))
            .await
            .is_empty(),
        "bravo's scan ran no plugin of acme's"
    );
    assert_eq!(a_scan["counters"]["errored"], b_scan["counters"]["errored"]);
    let report = server.json_report(&http, &acme, scan_id(&a_scan)).await;
    let in_report = report["results"]
        .as_array()
        .expect("results")
        .iter()
        .filter(|r| r["check_id"] == OWNER_CHECK)
        .count();
    assert_eq!(
        in_report,
        expected.len(),
        "the report holds the check's results"
    );

    // Disabled: the next scan runs it no more.
    let switched = stdout(&lgp_plugin(
        &server,
        &acme,
        &["disable", "tenant-rule", "1.0.0"],
    ));
    assert!(switched.contains("disabled"), "{switched}");
    let later = server.scan(&http, &acme).await;
    assert!(
        findings(&http, &server, &acme, OWNER_CHECK, scan_id(&later))
            .await
            .is_empty()
    );

    // Deleted: gone from the listing.
    stdout(&lgp_plugin(
        &server,
        &acme,
        &["delete", "tenant-rule", "1.0.0"],
    ));
    let listed = plugins(&http, &server, &acme).await;
    assert_eq!(listed["items"], serde_json::json!([]));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_spinning_plugin_fails_its_own_check_while_another_tenant_scans_in_full() {
    let dir = tempfile::tempdir().expect("temp dir");
    // A short deadline so the spinning plugin is stopped quickly; the built-ins need milliseconds.
    let server = Server::start(
        &dir.path().join("data"),
        &[("LGP_PLUGIN_TIMEOUT_MS", "1500")],
    );
    let http = reqwest::Client::new();
    let (hostile, bravo) = (token("hostile", "admin"), token("bravo", "analyst"));
    let baseline = server.scan(&http, &bravo).await;

    let verdict = stdout(&lgp_plugin(
        &server,
        &hostile,
        &["upload", guests::BUSY_RULE],
    ));
    assert!(verdict.contains("busy-rule 0.1.0"), "{verdict}");
    let (spun, during) = tokio::join!(server.scan(&http, &hostile), server.scan(&http, &bravo));

    // The spinning check answers `error` on every bucket, naming the deadline; the scan completed.
    let expected = expected_owner_statuses(&http, &server, &hostile).await;
    let errors = findings(&http, &server, &hostile, BUSY_CHECK, scan_id(&spun)).await;
    assert_eq!(
        errors.keys().collect::<Vec<_>>(),
        expected.keys().collect::<Vec<_>>()
    );
    for f in errors.values() {
        assert_eq!(f["status"], "error", "{f}");
        let message = f["message"].as_str().expect("message");
        assert!(message.contains("could not be evaluated"), "{message}");
    }
    // Bravo's scan alongside it has every result its baseline had, with the same outcomes.
    for counter in ["results", "passed", "failed", "manual", "errored"] {
        assert_eq!(
            during["counters"][counter], baseline["counters"][counter],
            "{counter}: {during} vs {baseline}"
        );
    }
}
