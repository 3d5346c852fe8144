//! A running gateway on the real store and bus, its tokens and clients, and test data.

use async_trait::async_trait;
use futures::StreamExt;
use lgp_bus::{Bus, InProcessBus, InProcessConfig};
use lgp_crypto::{MasterKey, TenantCipher};
use lgp_events::{Event, EventType, TenantId};
use lgp_gateway::{Gateway, GatewayConfig, LaunchError, ScanLauncher, ScanStart};
use lgp_model::{CheckMeta, Resource, Severity, Status};
use lgp_store::{
    Account, AlertRecord, NewResult, Scan, ScanCounters, ScanStatus, SqliteStore, Store,
    StoredEvent,
};
use lgp_tenant::{AuthConfig, Minter, Role, Verifier};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::Duration;
use time::OffsetDateTime;
use tokio::net::TcpStream;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

/// The HS256 secret of every test server.
pub const SECRET: &str = "a gateway test secret of at least 32 bytes";

/// The account every test tenant has.
pub const ACCOUNT: &str = "123456789012";

/// Longest any single wait in these tests may take before the test fails: far above what a
/// loaded two-core machine needs, so it only catches hangs.
pub const PATIENCE: Duration = Duration::from_secs(30);

/// A WebSocket client.
pub type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// What a test server is started with.
#[derive(Default)]
pub struct Options {
    /// The gateway's settings.
    pub config: GatewayConfig,
    /// The audience tokens must name, if any.
    pub audience: Option<String>,
    /// The store the gateway serves from, instead of the SQLite one the tests seed.
    pub store: Option<Arc<dyn Store>>,
    /// Serve the plugin routes, on a registry whose runtime has no compile sandbox (uploads are
    /// refused at the compile); without it they answer 501.
    pub plugins: bool,
}

/// A gateway serving on 127.0.0.1.
pub struct Server {
    /// `http://127.0.0.1:PORT`.
    pub base: String,
    /// The store behind it.
    pub store: Arc<SqliteStore>,
    /// The bus behind it.
    pub bus: Arc<InProcessBus>,
    /// The cipher of its audit trail.
    pub cipher: TenantCipher,
    /// An HTTP client.
    pub http: reqwest::Client,
    minter: Minter,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<std::io::Result<()>>>,
    _dir: tempfile::TempDir,
}

/// Starts scans by recording them and publishing `inventory.scan.started`, as the pipeline
/// does first; refuses accounts the tenant does not have.
struct RecordingLauncher {
    store: Arc<SqliteStore>,
    bus: Arc<InProcessBus>,
}

#[async_trait]
impl ScanLauncher for RecordingLauncher {
    async fn start(&self, tenant: &TenantId, request: ScanStart) -> Result<String, LaunchError> {
        let accounts = self
            .store
            .list_accounts(tenant)
            .await
            .map_err(|e| LaunchError::Failed(Box::new(e)))?;
        if !accounts.iter().any(|a| a.account_id == request.account_id) {
            return Err(LaunchError::UnknownAccount(request.account_id));
        }
        let scan = scan_record(&ulid::Ulid::new().to_string());
        self.store
            .create_scan(tenant, &scan)
            .await
            .map_err(|e| LaunchError::Failed(Box::new(e)))?;
        let started = Event::new(
            EventType::InventoryScanStarted,
            tenant.clone(),
            "test-launcher",
            Some(scan.scan_id.clone()),
            json!({"scan_id": scan.scan_id, "account_id": request.account_id, "regions": request.regions}),
        );
        self.bus
            .publish(vec![started])
            .await
            .map_err(|e| LaunchError::Failed(Box::new(e)))?;
        Ok(scan.scan_id)
    }
}

/// A running scan's record.
pub fn scan_record(scan_id: &str) -> Scan {
    Scan {
        scan_id: scan_id.to_owned(),
        account_id: ACCOUNT.to_owned(),
        source: "live".to_owned(),
        status: ScanStatus::Running,
        started_at: OffsetDateTime::now_utc(),
        finished_at: None,
        collected: false,
        counters: ScanCounters::default(),
        errors: Default::default(),
    }
}

/// A tenant id.
pub fn tenant(id: &str) -> TenantId {
    TenantId::new(id).expect("test tenant id")
}

impl Server {
    /// A gateway with default settings.
    pub async fn start() -> Server {
        Server::start_with(Options::default()).await
    }

    /// A gateway with `options`, whose tenants `acme` and `bravo` each have [`ACCOUNT`].
    pub async fn start_with(options: Options) -> Server {
        let dir = tempfile::tempdir().expect("temp dir");
        let db = dir.path().join("lgp.db");
        let store = Arc::new(SqliteStore::open(&db).expect("store"));
        let bus = Arc::new(InProcessBus::new(InProcessConfig::default()));
        let cipher = TenantCipher::new(&MasterKey::generate().expect("master key"));
        let auth = AuthConfig {
            jwt_secret: Some(SECRET.into()),
            audience: options.audience,
            ..AuthConfig::default()
        };
        for t in ["acme", "bravo"] {
            let account = Account {
                account_id: ACCOUNT.into(),
                name: format!("{t} production"),
                role_arn: None,
                external_id: None,
            };
            store
                .put_account(&tenant(t), &account)
                .await
                .expect("account");
        }
        let served: Arc<dyn Store> = options.store.unwrap_or_else(|| store.clone());
        let state = Gateway {
            store: served.clone(),
            bus: bus.clone(),
            verifier: Verifier::new(&auth).expect("verifier"),
            cipher: cipher.clone(),
            checks: lgp_pipeline::TenantChecks::new(checks().into(), None),
            plugins: options.plugins.then(|| {
                let runtime = lgp_runtime::Runtime::new(
                    lgp_runtime::RuntimeConfig {
                        pool_instances: 1,
                        ..lgp_runtime::RuntimeConfig::default()
                    },
                    None,
                )
                .expect("runtime");
                lgp_registry::Registry::new(
                    served.clone(),
                    runtime,
                    &[],
                    lgp_registry::UploadLimits::default(),
                )
            }),
            catalogue: lgp_frameworks::Catalogue::builtin(),
            launcher: Arc::new(RecordingLauncher {
                store: store.clone(),
                bus: bus.clone(),
            }),
            config: options.config,
        }
        .into_state();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("address"));
        let (stop, stopped) = oneshot::channel::<()>();
        let task = tokio::spawn(lgp_gateway::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        Server {
            base,
            store,
            bus,
            cipher,
            http: reqwest::Client::new(),
            minter: Minter::from_config(&auth).expect("minter"),
            stop: Some(stop),
            task: Some(task),
            _dir: dir,
        }
    }

    /// A token of `tenant` with `role`, valid for an hour.
    pub fn token(&self, tenant_id: &str, role: Role) -> String {
        self.minter
            .mint(
                &tenant(tenant_id),
                role,
                "tester",
                Duration::from_secs(3600),
            )
            .expect("mint")
    }

    /// `GET path` with `token`.
    pub async fn get(&self, path: &str, token: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.base))
            .bearer_auth(token)
            .send()
            .await
            .expect("request")
    }

    /// `GET path` with `token`, expecting 200, as JSON.
    pub async fn get_json(&self, path: &str, token: &str) -> Value {
        let response = self.get(path, token).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.expect("JSON body")
    }

    /// `POST path` with `token` and a JSON body.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.base))
            .bearer_auth(token)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// The `/metrics` text.
    pub async fn metrics(&self) -> String {
        let response = self
            .http
            .get(format!("{}/metrics", self.base))
            .send()
            .await
            .expect("metrics");
        response.text().await.expect("metrics text")
    }

    /// Opens `/ws/{tenant}{query}` with `token` in the `Authorization` header.
    pub async fn socket(&self, tenant_id: &str, token: &str, query: &str) -> Socket {
        let mut request = self
            .ws_url(tenant_id, query)
            .into_client_request()
            .expect("request");
        request.headers_mut().insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
        );
        self.connect(request).await.expect("websocket handshake")
    }

    /// The WebSocket URL of `tenant`.
    pub fn ws_url(&self, tenant_id: &str, query: &str) -> String {
        format!(
            "{}/ws/{tenant_id}{query}",
            self.base.replacen("http", "ws", 1)
        )
    }

    /// Performs a WebSocket handshake.
    pub async fn connect(
        &self,
        request: tokio_tungstenite::tungstenite::handshake::client::Request,
    ) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
        tokio::time::timeout(PATIENCE, tokio_tungstenite::connect_async(request))
            .await
            .expect("handshake in time")
            .map(|(socket, _)| socket)
    }

    /// Stores `events` in `tenant`'s audit trail, sealed as the pipeline seals them.
    pub async fn record_events(&self, tenant_id: &str, events: &[Event]) {
        let tenant = tenant(tenant_id);
        let stored: Vec<StoredEvent> = events
            .iter()
            .map(|e| StoredEvent {
                event_id: e.event_id,
                event_type: e.event_type,
                correlation_id: e.correlation_id.clone(),
                at: e.timestamp,
                sealed: self
                    .cipher
                    .seal(
                        &tenant,
                        e.event_id.to_string().as_bytes(),
                        &serde_json::to_vec(e).expect("event JSON"),
                    )
                    .expect("seal"),
            })
            .collect();
        self.store
            .append_events(&tenant, &stored)
            .await
            .expect("append events");
    }

    /// Stores `count` failing high-severity results of `check` for `tenant` from `scan_id`,
    /// and returns their ids.
    pub async fn record_results(
        &self,
        tenant_id: &str,
        scan_id: &str,
        check: &str,
        count: usize,
    ) -> Vec<String> {
        let results: Vec<NewResult> = (0..count)
            .map(|n| NewResult {
                check_id: check.to_owned(),
                service: "s3".into(),
                resource_arn: format!("arn:aws:s3:::bucket-{n:04}"),
                account_id: ACCOUNT.into(),
                region: "eu-west-1".into(),
                status: if n % 2 == 0 {
                    Status::Fail
                } else {
                    Status::Pass
                },
                severity: Severity::High,
                message: "m".into(),
                evidence: json!({}),
                muted: n % 3 == 0,
            })
            .collect();
        let transitions = self
            .store
            .apply_results(
                &tenant(tenant_id),
                scan_id,
                OffsetDateTime::now_utc(),
                &results,
            )
            .await
            .expect("results");
        transitions
            .into_iter()
            .map(|t| t.record.result_id)
            .collect()
    }

    /// Stores `resources` as seen by `scan_id`.
    pub async fn record_resources(&self, tenant_id: &str, scan_id: &str, resources: &[Resource]) {
        self.store
            .put_resources(&tenant(tenant_id), scan_id, resources)
            .await
            .expect("resources");
    }

    /// Stores an alert in `state`.
    pub async fn record_alert(&self, tenant_id: &str, alert_id: &str, state: &str) {
        let now = OffsetDateTime::now_utc();
        let alert = AlertRecord {
            alert_id: alert_id.into(),
            check_id: "s3_bucket_public".into(),
            resource_arn: "arn:aws:s3:::bucket-0000".into(),
            state: state.into(),
            severity: Severity::High,
            opened_at: now,
            updated_at: now,
            acknowledged_by: None,
            details: json!({}),
        };
        self.store
            .put_alert(&tenant(tenant_id), &alert)
            .await
            .expect("alert");
    }

    /// Starts a scan through the API as an analyst of `tenant` and returns its id.
    pub async fn start_scan(&self, tenant_id: &str) -> String {
        let token = self.token(tenant_id, Role::Analyst);
        let response = self
            .post("/v1/scans", &token, &json!({"account_id": ACCOUNT}))
            .await;
        assert_eq!(response.status(), 202);
        let body: Value = response.json().await.expect("JSON");
        body["scan_id"].as_str().expect("scan id").to_owned()
    }

    /// Stops the server (graceful shutdown) and waits for it.
    pub async fn stop(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            tokio::time::timeout(PATIENCE, task)
                .await
                .expect("shutdown in time")
                .expect("server task")
                .expect("server result");
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(task) = &self.task {
            task.abort();
        }
    }
}

/// A resource of `kind` in `region` with `tags`.
pub fn resource(arn: &str, kind: &str, region: &str, tags: &[(&str, &str)]) -> Resource {
    let tags: serde_json::Map<String, Value> = tags
        .iter()
        .map(|(k, v)| ((*k).to_owned(), Value::from(*v)))
        .collect();
    serde_json::from_value(json!({
        "arn": arn, "kind": kind, "account": ACCOUNT, "region": region, "name": arn,
        "tags": tags, "properties": {}
    }))
    .expect("resource")
}

/// An event of `tenant`.
pub fn event(tenant_id: &str, event_type: EventType, n: usize) -> Event {
    Event::new(
        event_type,
        tenant(tenant_id),
        "test",
        Some("scan-1".into()),
        json!({ "n": n }),
    )
}

/// The next event frame of `socket` as JSON, skipping pings; `None` when the socket ends.
pub async fn next_event(socket: &mut Socket) -> Option<Value> {
    use tokio_tungstenite::tungstenite::Message;
    loop {
        let message = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("a frame in time")?;
        match message.ok()? {
            Message::Text(text) => return Some(serde_json::from_str(&text).expect("event JSON")),
            Message::Close(_) => return None,
            _ => {}
        }
    }
}

/// The check metadata the test gateway lists.
fn checks() -> Vec<CheckMeta> {
    ["s3_bucket_public", "iam_root_mfa"]
        .iter()
        .enumerate()
        .map(|(n, id)| {
            serde_json::from_value(json!({
                "id": id, "title": id, "description": "d", "rationale": "r",
                "severity": if n == 0 { "critical" } else { "high" },
                "service": if n == 0 { "s3" } else { "iam" },
                "resource_kinds": ["aws:s3:bucket"],
                "remediation": {"text": "fix it"},
                "references": [{"framework": "cis-aws-3.0", "control": if n == 0 { "2.1.1" } else { "1.5" }}],
                "equivalents": []
            }))
            .expect("check")
        })
        .collect()
}

/// The `error.code` of an error answer, checking its shape on the way.
pub async fn error_code(response: reqwest::Response) -> String {
    let request_id = response
        .headers()
        .get("x-request-id")
        .map(|v| v.to_str().expect("ascii").to_owned());
    let body: Value = response.json().await.expect("JSON error body");
    let error = &body["error"];
    assert!(error["message"].is_string(), "{body}");
    assert_eq!(
        error["request_id"].as_str().map(str::to_owned),
        request_id,
        "the body names the echoed request id"
    );
    error["code"].as_str().expect("code").to_owned()
}
