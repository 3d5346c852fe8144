//! Notifications end to end: the built-in alert plugin, through the real pipeline, hands its
//! alert events to the host's `notify` capability, and the host delivers them to the webhook
//! endpoints the tenant configured — here small HTTP servers started by the test on loopback. The
//! test checks what arrived independently: it parses the bodies and recomputes the HMAC-SHA256
//! signatures itself.

use crate::collectors::builtin;
use crate::pipeline::{Platform, completes, platform, receive_until, received, settle, start_scan};
use aws_lc_rs::hmac;
use lgp_events::{EventType, TenantId};
use lgp_model::Resource;
use lgp_notify::{Format, Outcome, WebhookSpec, persist};
use lgp_runtime::{
    HandlerServices, IncomingEvent, InvokeErrorKind, Notification, Notifier, PluginState,
    QueryPage, Runtime, RuntimeConfig, ServiceError,
};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use time::OffsetDateTime;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Bound on waiting for a scan, its handlers and their deliveries.
const PATIENCE: Duration = Duration::from_secs(90);

const ACCOUNT: &str = "111122223333";
const FIXTURE: &str = include_str!("../../plugins/rules-s3/fixtures/buckets.json");
const JSON_SECRET: &str = "json-endpoint-secret-0123456789";
const SLACK_SECRET: &str = "slack-endpoint-secret-abcdefgh";

/// One request a test server received.
#[derive(Debug, Clone)]
struct Received {
    /// Header names lowercased.
    headers: BTreeMap<String, String>,
    body: Vec<u8>,
    /// The status it was answered with.
    status: u16,
}

/// A loopback HTTP/1.1 server answering its first `fail_first` POSTs with 500 and the rest with
/// 200, recording every request.
#[derive(Clone)]
struct Server {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    async fn start(fail_first: usize) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/hook", listener.local_addr().expect("addr"));
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        tokio::spawn(async move {
            while let Ok((conn, _)) = listener.accept().await {
                let log = log.clone();
                tokio::spawn(async move { serve(conn, log, fail_first).await });
            }
        });
        Server { url, received }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

/// Serves the requests of one connection (keep-alive) until the client closes it.
async fn serve(mut conn: TcpStream, log: Arc<Mutex<Vec<Received>>>, fail_first: usize) {
    let mut buf = Vec::new();
    loop {
        let head_end = loop {
            if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            let mut chunk = [0u8; 4096];
            match conn.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
        let headers: BTreeMap<String, String> = head
            .lines()
            .skip(1)
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
            .collect();
        let length: usize = headers
            .get("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            match conn.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            }
        }
        let body = buf[head_end..head_end + length].to_vec();
        buf.drain(..head_end + length);
        let status = {
            let mut log = log.lock().expect("lock");
            let status = if log.len() < fail_first { 500 } else { 200 };
            log.push(Received {
                headers,
                body,
                status,
            });
            status
        };
        let reason = if status == 200 {
            "OK"
        } else {
            "Internal Server Error"
        };
        let answer = format!("HTTP/1.1 {status} {reason}\r\ncontent-length: 0\r\n\r\n");
        if conn.write_all(answer.as_bytes()).await.is_err() {
            return;
        }
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The signature header the test expects, computed here with aws-lc-rs directly.
fn expected_signature(secret: &str, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret.as_bytes());
    format!("sha256={}", hex(hmac::sign(&key, body).as_ref()))
}

fn account() -> Vec<Resource> {
    lgp_model::parse_resources(FIXTURE).expect("fixture parses")
}

/// Runs a scan of the fixture account for `who` and waits until it, its handlers and their
/// webhook deliveries are done; returns the ids of the alerts it triggered.
async fn scan(p: &Platform, who: &TenantId) -> BTreeSet<String> {
    let (scan_id, mut live) = start_scan(p, who, account()).await;
    let mut events = Vec::new();
    tokio::time::timeout(PATIENCE, async {
        receive_until(&mut live, &mut events, |e| completes(e, &scan_id)).await;
        settle(p, PATIENCE).await;
    })
    .await
    .expect("the scan, its handlers and deliveries finish in time");
    received(&mut live, &mut events);
    events
        .iter()
        .filter(|e| e.event_type == EventType::AlertTriggered)
        .map(|e| e.data["alert_id"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn alert_events_reach_only_the_tenants_endpoints_signed_and_retried() {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let plugins = vec![
        builtin(&runtime, "rules-s3").await,
        builtin(&runtime, "alerts").await,
    ];
    assert!(plugins[1].info().capabilities.iter().any(|c| c == "notify"));
    let p = platform(&plugins).await;
    let store = p.services.store.clone();
    let (acme, globex) = (
        TenantId::new("acme").expect("tenant"),
        TenantId::new("globex").expect("tenant"),
    );

    // acme: a JSON endpoint whose first answer is a 500, and a Slack-format one taking only
    // alert.triggered. globex configures nothing.
    let flaky = Server::start(1).await;
    let slack = Server::start(0).await;
    let now = OffsetDateTime::now_utc();
    let json_hook = WebhookSpec {
        url: flaky.url.clone(),
        secret: JSON_SECRET.into(),
        format: Format::Json,
        events: Vec::new(),
    }
    .validate(now)
    .expect("valid webhook");
    let slack_hook = WebhookSpec {
        url: slack.url.clone(),
        secret: SLACK_SECRET.into(),
        format: Format::Slack,
        events: vec!["alert.triggered".into()],
    }
    .validate(now)
    .expect("valid webhook");
    persist::add(&*store, &acme, &json_hook).await.expect("add");
    persist::add(&*store, &acme, &slack_hook)
        .await
        .expect("add");

    let triggered = scan(&p, &acme).await;
    assert!(!triggered.is_empty(), "the fixture raises HIGH alerts");

    // The JSON endpoint: one successful delivery per alert.triggered, each body the event's
    // envelope, signed with the endpoint's secret.
    let got = flaky.received();
    let mut delivered: BTreeMap<String, Vec<u16>> = BTreeMap::new();
    let mut alert_ids = BTreeSet::new();
    for r in &got {
        let delivery = r
            .headers
            .get("x-lgp-delivery")
            .expect("delivery id")
            .clone();
        delivered.entry(delivery).or_default().push(r.status);
        assert_eq!(
            r.headers.get("x-lgp-signature"),
            Some(&expected_signature(JSON_SECRET, &r.body)),
            "signature over the exact body"
        );
        assert_eq!(
            r.headers.get("content-type").map(String::as_str),
            Some("application/json")
        );
        let body: Value = serde_json::from_slice(&r.body).expect("the body is JSON");
        assert_eq!(body["tenant"], "acme");
        assert_eq!(
            r.headers.get("x-lgp-event").map(String::as_str),
            body["type"].as_str()
        );
        assert!(
            body["id"].as_str().is_some_and(|id| id.len() == 26),
            "{body}"
        );
        assert!(body["timestamp"].as_str().is_some(), "{body}");
        if body["type"] == "alert.triggered" {
            assert_eq!(body["data"]["state"], "open");
            assert!(matches!(
                body["data"]["severity"].as_str(),
                Some("high" | "critical")
            ));
            if r.status == 200 {
                alert_ids.insert(
                    body["data"]["alert_id"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                );
            }
        }
    }
    assert_eq!(alert_ids, triggered, "every triggered alert was delivered");
    assert_eq!(got[0].status, 500, "the first attempt was refused");
    let first = got[0].headers["x-lgp-delivery"].clone();
    assert_eq!(
        delivered[&first],
        [500, 200],
        "retried after the 500, then delivered"
    );
    assert!(
        delivered.values().all(|s| s.last() == Some(&200)),
        "every delivery ends delivered: {delivered:?}"
    );

    // Every attempt is recorded.
    let records = persist::deliveries(&*store, &acme).await.expect("records");
    let retried = records
        .iter()
        .find(|r| r.id == first)
        .expect("the retried delivery");
    assert_eq!(retried.outcome, Outcome::Delivered);
    assert_eq!(
        retried
            .attempts
            .iter()
            .map(|a| a.status)
            .collect::<Vec<_>>(),
        [Some(500), Some(200)]
    );
    assert_eq!(retried.webhook_id, json_hook.id);
    assert_eq!(
        records
            .iter()
            .filter(|r| r.webhook_id == json_hook.id)
            .count(),
        delivered.len()
    );
    assert!(
        records.iter().all(|r| r.outcome == Outcome::Delivered),
        "{records:?}"
    );

    // The Slack endpoint: one `{"text": ...}` per triggered alert, signed with its own secret.
    let got = slack.received();
    assert_eq!(got.len(), triggered.len(), "{got:?}");
    for r in &got {
        assert_eq!(
            r.headers.get("x-lgp-signature"),
            Some(&expected_signature(SLACK_SECRET, &r.body))
        );
        assert_eq!(
            r.headers.get("x-lgp-event").map(String::as_str),
            Some("alert.triggered")
        );
        let body: Value = serde_json::from_slice(&r.body).expect("JSON");
        let text = body["text"].as_str().expect("a text message");
        assert!(text.starts_with("*alert.triggered*"), "{text}");
        assert!(text.contains("tenant acme"), "{text}");
        assert_eq!(body.as_object().map(|o| o.len()), Some(1), "{body}");
    }

    // globex has alerts too, but no endpoint: nothing more reaches either server, and nothing
    // is recorded for it.
    let (before_flaky, before_slack) = (flaky.received().len(), slack.received().len());
    let globex_alerts = scan(&p, &globex).await;
    assert!(!globex_alerts.is_empty());
    assert_eq!(flaky.received().len(), before_flaky);
    assert_eq!(slack.received().len(), before_slack);
    assert!(
        persist::deliveries(&*store, &globex)
            .await
            .expect("records")
            .is_empty()
    );

    // The same scan again: no new alert, so no new notification.
    let again = scan(&p, &acme).await;
    assert!(again.is_empty());
    assert_eq!(flaky.received().len(), before_flaky);
    p.router.shutdown().await;
}

const LGP: &str = env!("CARGO_BIN_EXE_lgp-under-test");

/// Runs `lgp` on `data_dir` as tenant `local`; (success, stdout, stderr).
async fn lgp(args: &[&str], data_dir: &std::path::Path) -> (bool, String, String) {
    let out = tokio::process::Command::new(LGP)
        .args(args)
        .env("LGP_DATA_DIR", data_dir)
        .env_remove("LGP_TENANT")
        .env_remove("LGP_WEBHOOK_SECRET")
        .output()
        .await
        .expect("lgp runs");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lgp_webhook_configures_what_lgp_scan_notifies() {
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let server = Server::start(0).await;
    let secret = "cli-configured-secret-42";

    for (args, message) in [
        (
            vec!["webhook", "add", "ftp://example.com/x", "--secret", secret],
            "invalid webhook url",
        ),
        (
            vec!["webhook", "add", &server.url, "--secret", "short"],
            "at least 16 bytes",
        ),
        (
            vec![
                "webhook",
                "add",
                &server.url,
                "--secret",
                secret,
                "--events",
                "alert.bogus",
            ],
            "invalid webhook events",
        ),
    ] {
        let (ok, _, err) = lgp(&args, &data).await;
        assert!(!ok, "{args:?} is refused");
        assert!(err.contains(message), "{args:?}: {err}");
    }
    let (ok, _, err) = lgp(&["webhook", "add", &server.url, "--secret", secret], &data).await;
    assert!(ok, "{err}");
    assert!(err.contains("plain http"), "a warning about http: {err}");
    let (ok, listed, err) = lgp(&["webhook", "list", "--format", "json"], &data).await;
    assert!(ok, "{err}");
    assert!(
        !listed.contains(secret),
        "the secret is never printed back: {listed}"
    );
    let listed: Value = serde_json::from_str(&listed).expect("json");
    assert_eq!(listed[0]["url"], server.url.as_str());
    assert_eq!(listed[0]["format"], "json");
    let id = listed[0]["id"].as_str().expect("id").to_owned();

    // A one-shot scan drains its deliveries before it exits.
    let (ok, _, err) = lgp(&["scan", "--demo", "--format", "json"], &data).await;
    assert!(ok, "{err}");
    let got = server.received();
    assert!(!got.is_empty(), "the demo account raises alerts");
    for r in &got {
        assert_eq!(
            r.headers.get("x-lgp-signature"),
            Some(&expected_signature(secret, &r.body))
        );
        let body: Value = serde_json::from_slice(&r.body).expect("json");
        assert_eq!(body["type"], "alert.triggered");
        assert_eq!(body["tenant"], "local");
    }

    let (ok, _, err) = lgp(&["webhook", "remove", &id], &data).await;
    assert!(ok, "{err}");
    let (ok, listed, _) = lgp(&["webhook", "list", "--format", "json"], &data).await;
    assert!(ok);
    assert_eq!(
        serde_json::from_str::<Value>(&listed).expect("json"),
        Value::Array(vec![])
    );
    let (ok, _, err) = lgp(&["webhook", "remove", &id], &data).await;
    assert!(!ok && err.contains("no webhook"), "{err}");
}

/// Plugin state in a map: enough for the alert plugin's few keys.
#[derive(Default)]
struct MapState(Mutex<BTreeMap<String, Vec<u8>>>);

#[async_trait::async_trait]
impl PluginState for MapState {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        Ok(self.0.lock().expect("lock").get(key).cloned())
    }

    async fn set(&self, key: &str, value: &[u8]) -> Result<(), ServiceError> {
        self.0
            .lock()
            .expect("lock")
            .insert(key.to_owned(), value.to_owned());
        Ok(())
    }

    async fn delete(&self, key: &str) -> Result<(), ServiceError> {
        self.0.lock().expect("lock").remove(key);
        Ok(())
    }

    async fn list_keys(
        &self,
        prefix: &str,
        cursor: Option<&str>,
        limit: u32,
    ) -> Result<QueryPage<String>, ServiceError> {
        let map = self.0.lock().expect("lock");
        let items: Vec<String> = map
            .keys()
            .filter(|k| k.starts_with(prefix) && cursor.is_none_or(|c| k.as_str() > c))
            .take(limit as usize)
            .cloned()
            .collect();
        Ok(QueryPage { items, next: None })
    }
}

/// A notifier answering a fixed endpoint count (or an error), recording what it is handed.
struct Recorder {
    endpoints: Result<u32, ServiceError>,
    dispatched: Mutex<Vec<Notification>>,
}

#[async_trait::async_trait]
impl Notifier for Recorder {
    async fn endpoints(&self, _event_type: &str) -> Result<u32, ServiceError> {
        self.endpoints.clone()
    }

    fn dispatch(&self, notifications: Vec<Notification>) {
        self.dispatched.lock().expect("lock").extend(notifications);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn notifications_leave_only_a_succeeding_invocation_and_only_when_endpoints_take_them() {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let alerts = builtin(&runtime, "alerts").await;
    let violation = IncomingEvent {
        id: "01JD0000000000000000000001".into(),
        event_type: "compliance.violation".into(),
        source: "rules-s3".into(),
        timestamp: "2026-11-30T12:00:00Z".into(),
        correlation_id: Some("scan-1".into()),
        data: serde_json::json!({
            "scan_id": "scan-1", "result_id": "r-1",
            "check_id": "s3_bucket_level_public_access_block",
            "resource_arn": "arn:aws:s3:::acme-dev-scratch", "account_id": ACCOUNT,
            "region": "us-east-1", "service": "s3", "severity": "high", "status": "fail",
            "previous_status": null, "message": "Bucket acme-dev-scratch blocks no public access."
        })
        .to_string(),
    };
    let run = |endpoints: Result<u32, ServiceError>| {
        let (alerts, violation) = (alerts.clone(), violation.clone());
        async move {
            let recorder = Arc::new(Recorder {
                endpoints,
                dispatched: Mutex::new(Vec::new()),
            });
            let services = HandlerServices {
                state: Some(Arc::new(MapState::default())),
                query: None,
                notify: Some(recorder.clone()),
                reports: None,
            };
            let answer = alerts.handle(&violation, &services).await;
            let dispatched = recorder.dispatched.lock().expect("lock").clone();
            (answer, dispatched)
        }
    };

    // One endpoint: the alert event is handed over, payload for payload, once it succeeded.
    let (answer, dispatched) = run(Ok(1)).await;
    let emitted = answer.expect("the violation opens an alert");
    assert_eq!(emitted.len(), 1);
    assert_eq!(dispatched.len(), 1);
    assert_eq!(dispatched[0].event_type, "alert.triggered");
    let data: Value = serde_json::from_str(&emitted[0].data).expect("json");
    assert_eq!(dispatched[0].data, data);

    // No endpoint for the type: nothing is kept for delivery.
    let (answer, dispatched) = run(Ok(0)).await;
    assert_eq!(answer.expect("handled").len(), 1);
    assert!(dispatched.is_empty());

    // The webhook configuration cannot be read: the delivery is retried and, this invocation
    // having failed, nothing is notified (nor emitted).
    let (answer, dispatched) = run(Err(ServiceError::Unavailable("store down".into()))).await;
    let err = answer.expect_err("the invocation fails");
    assert!(matches!(err.kind, InvokeErrorKind::Retry(_)), "{err:?}");
    assert!(dispatched.is_empty());
}
