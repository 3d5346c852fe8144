//! The API gateway under load, over the real SQLite store and in-process bus: WebSocket delivery
//! latency at a steady publish rate, the most WebSocket clients one process holds, and
//! findings-query throughput.
//!
//! The gateway, the bus and the publisher run on one tokio runtime, the clients (WebSockets and
//! HTTP) on another, in the same process: both share the machine's cores, so the numbers include
//! the clients' own cost. Latency is measured from just before `Bus::publish` to the client's
//! receipt of the frame, against one shared `Instant`.
//!
//! `cargo bench -p lgp-gateway --bench api -- [--clients 1,10,100] [--rate 1000] [--secs 10]
//! [--max-clients 10000] [--step 1000] [--results 100000] [--concurrency 8] [--query-secs 10]`.
//! Numbers go to docs/benchmarks.md.

use futures::StreamExt;
use lgp_bus::{Bus, InProcessBus, InProcessConfig};
use lgp_crypto::{MasterKey, TenantCipher};
use lgp_events::{Event, EventType, TenantId};
use lgp_gateway::{Gateway, GatewayConfig, LaunchError, ScanLauncher, ScanStart};
use lgp_model::{Severity, Status};
use lgp_store::{NewResult, Scan, ScanCounters, ScanStatus, SqliteStore, Store};
use lgp_tenant::{AuthConfig, Minter, Role, Verifier};
use serde::Deserialize;
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::net::TcpStream;
use tokio::runtime::Runtime;
use tokio::sync::{Notify, oneshot};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

const SECRET: &str = "an api benchmark secret of at least 32 bytes";
const TENANT: &str = "bench";
const ACCOUNT: &str = "111122223333";
/// Check ids the seeded results spread over.
const CHECKS: usize = 20;
/// Longest wait for anything expected to arrive; only catches hangs and losses.
const PATIENCE: Duration = Duration::from_secs(30);
/// WebSocket handshakes in flight at once while opening many sockets: under the listener's
/// accept backlog, so connects are not dropped and retried.
const HANDSHAKES_IN_FLIGHT: usize = 256;
/// The per-tenant rate limit, set far above what the benchmark sends: it measures the gateway,
/// not the limit (one tenant makes every request).
const UNLIMITED: NonZeroU32 = NonZeroU32::new(1_000_000).expect("non-zero");
/// File descriptors kept free of sockets (the store, the runtime, the HTTP clients).
const SPARE_FDS: usize = 256;

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// The command line: `--name value` pairs (cargo's own `--bench` is ignored).
struct Args {
    clients: Vec<usize>,
    rate: u64,
    secs: u64,
    max_clients: usize,
    step: usize,
    results: usize,
    concurrency: usize,
    query_secs: u64,
}

impl Args {
    fn parse() -> Args {
        let mut args = Args {
            clients: vec![1, 10, 100],
            rate: 1_000,
            secs: 10,
            max_clients: 10_000,
            step: 1_000,
            results: 100_000,
            concurrency: 8,
            query_secs: 10,
        };
        let mut it = std::env::args().skip(1).filter(|a| a != "--bench");
        while let Some(name) = it.next() {
            let value = it.next().unwrap_or_else(|| panic!("{name} needs a value"));
            let number = || value.parse::<u64>().expect("a whole number");
            match name.as_str() {
                "--clients" => {
                    args.clients = value
                        .split(',')
                        .map(|n| n.parse().expect("client counts"))
                        .collect();
                }
                "--rate" => args.rate = number(),
                "--secs" => args.secs = number(),
                "--max-clients" => args.max_clients = number() as usize,
                "--step" => args.step = number() as usize,
                "--results" => args.results = number() as usize,
                "--concurrency" => args.concurrency = number() as usize,
                "--query-secs" => args.query_secs = number(),
                other => panic!("unknown argument {other}"),
            }
        }
        args
    }
}

/// Refuses every scan: the benchmark starts none.
struct NoScans;

#[async_trait::async_trait]
impl ScanLauncher for NoScans {
    async fn start(&self, _: &TenantId, request: ScanStart) -> Result<String, LaunchError> {
        Err(LaunchError::UnknownAccount(request.account_id))
    }
}

/// A gateway serving on 127.0.0.1 from its own runtime.
struct Server {
    base: String,
    bus: Arc<InProcessBus>,
    store: Arc<SqliteStore>,
    token: String,
    runtime: Runtime,
    _stop: oneshot::Sender<()>,
    _dir: tempfile::TempDir,
}

impl Server {
    fn start() -> Server {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .thread_name("gateway")
            .enable_all()
            .build()
            .expect("server runtime");
        let dir = tempfile::tempdir().expect("temp dir");
        let store = Arc::new(SqliteStore::open(dir.path().join("lgp.db")).expect("store"));
        let bus = Arc::new(InProcessBus::new(InProcessConfig::default()));
        let auth = AuthConfig {
            jwt_secret: Some(SECRET.into()),
            ..AuthConfig::default()
        };
        let state = Gateway {
            store: store.clone(),
            bus: bus.clone(),
            verifier: Verifier::new(&auth).expect("verifier"),
            cipher: TenantCipher::new(&MasterKey::generate().expect("master key")),
            checks: lgp_pipeline::TenantChecks::new(Vec::new().into(), None),
            plugins: None,
            catalogue: lgp_frameworks::Catalogue::builtin(),
            launcher: Arc::new(NoScans),
            config: GatewayConfig {
                rate_limit_rps: UNLIMITED,
                rate_limit_burst: UNLIMITED,
                ..GatewayConfig::default()
            },
        }
        .into_state();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind");
        let base = format!(
            "127.0.0.1:{}",
            listener.local_addr().expect("address").port()
        );
        let (stop, stopped) = oneshot::channel::<()>();
        runtime.spawn(lgp_gateway::serve(listener, state, async move {
            let _ = stopped.await;
        }));
        let token = Minter::from_config(&auth)
            .expect("minter")
            .mint(&tenant(), Role::Viewer, "bench", Duration::from_secs(3600))
            .expect("token");
        Server {
            base,
            bus,
            store,
            token,
            runtime,
            _stop: stop,
            _dir: dir,
        }
    }

    /// Opens `/ws/{tenant}` with small client buffers, so the process's memory is mostly the
    /// server's.
    async fn socket(&self) -> Result<Socket, tokio_tungstenite::tungstenite::Error> {
        let mut request = format!("ws://{}/ws/{TENANT}", self.base)
            .into_client_request()
            .expect("request");
        request.headers_mut().insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {}", self.token)).expect("header"),
        );
        let config = WebSocketConfig::default()
            .read_buffer_size(4096)
            .write_buffer_size(0);
        tokio_tungstenite::connect_async_with_config(request, Some(config), true)
            .await
            .map(|(socket, _)| socket)
    }

    /// Publishes `batch` from the server's runtime, as the pipeline would.
    async fn publish(&self, batch: Vec<Event>) {
        let bus = self.bus.clone();
        self.runtime
            .spawn(async move { bus.publish(batch).await })
            .await
            .expect("publish task")
            .expect("publish");
    }
}

fn tenant() -> TenantId {
    TenantId::new(TENANT).expect("tenant id")
}

/// What a probe event carries: when it was published, in nanoseconds since the shared start.
#[derive(Deserialize)]
struct Stamp {
    t: u64,
    #[serde(default)]
    end: bool,
}

#[derive(Deserialize)]
struct Frame {
    data: Stamp,
}

fn probe(t: u64, end: bool) -> Event {
    Event::new(
        EventType::ComplianceViolation,
        tenant(),
        "bench",
        None,
        serde_json::json!({ "t": t, "end": end }),
    )
}

fn nanos(since: Instant) -> u64 {
    since.elapsed().as_nanos() as u64
}

/// The `q`-quantile of sorted `values`.
fn quantile(sorted: &[u64], q: f64) -> u64 {
    sorted[((sorted.len() - 1) as f64 * q).round() as usize]
}

fn ms(ns: u64) -> f64 {
    ns as f64 / 1e6
}

/// One line of percentiles, in milliseconds.
fn percentiles(samples: &mut [u64]) -> String {
    if samples.is_empty() {
        return "no samples".into();
    }
    samples.sort_unstable();
    format!(
        "p50 {:.3} ms, p90 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        ms(quantile(samples, 0.5)),
        ms(quantile(samples, 0.9)),
        ms(quantile(samples, 0.99)),
        ms(quantile(samples, 1.0)),
    )
}

/// The process's `key` line of /proc/self/status (`VmRSS`, `VmHWM`), in KiB.
fn status_kib(key: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with(key))?
                .split_whitespace()
                .nth(1)?
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

/// The soft limit on open files, from /proc/self/limits.
fn open_file_limit() -> usize {
    std::fs::read_to_string("/proc/self/limits")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Max open files"))?
                .split_whitespace()
                .nth(3)?
                .parse()
                .ok()
        })
        .unwrap_or(1_024)
}

/// Receives probes until the end probe, the socket's close, or `PATIENCE` of silence, and
/// returns each probe's latency in nanoseconds.
async fn receive(mut socket: Socket, start: Instant) -> Vec<u64> {
    let mut latencies = Vec::new();
    while let Ok(Some(Ok(message))) = tokio::time::timeout(PATIENCE, socket.next()).await {
        let Message::Text(text) = message else {
            continue;
        };
        let now = nanos(start);
        let frame: Frame = serde_json::from_str(&text).expect("probe frame");
        if frame.data.end {
            break;
        }
        latencies.push(now.saturating_sub(frame.data.t));
    }
    let _ = socket.close(None).await;
    latencies
}

/// Opens `n` sockets, at most [`HANDSHAKES_IN_FLIGHT`] handshakes at a time.
async fn open(server: &Server, n: usize) -> Vec<Result<Socket, String>> {
    futures::stream::iter(0..n)
        .map(|_| async { server.socket().await.map_err(|e| e.to_string()) })
        .buffer_unordered(HANDSHAKES_IN_FLIGHT)
        .collect()
        .await
}

/// Publishes at `rate` events/s for `secs` to `clients` sockets and prints the delivery latency.
async fn latency(server: &Server, clients: usize, rate: u64, secs: u64) {
    let start = Instant::now();
    let sockets = open(server, clients).await;
    let readers: Vec<_> = sockets
        .into_iter()
        .map(|s| tokio::spawn(receive(s.expect("websocket handshake"), start)))
        .collect();
    let total = rate * secs;
    let bus = server.bus.clone();
    let publisher = server.runtime.spawn(async move {
        // Every tick publishes what is due by then, so the rate holds however late ticks are;
        // at 1 ms ticks and 1,000 events/s most batches are one event.
        let mut tick = tokio::time::interval(Duration::from_millis(1));
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let begin = Instant::now();
        let (mut sent, mut batches) = (0_u64, 0_u64);
        while sent < total {
            tick.tick().await;
            let due = ((begin.elapsed().as_secs_f64() * rate as f64) as u64).min(total);
            if due == sent {
                continue;
            }
            let t = nanos(start);
            let batch: Vec<Event> = (sent..due).map(|_| probe(t, false)).collect();
            bus.publish(batch).await.expect("publish");
            sent = due;
            batches += 1;
        }
        let elapsed = begin.elapsed();
        bus.publish(vec![probe(nanos(start), true)])
            .await
            .expect("publish end");
        (sent, batches, elapsed)
    });
    let (sent, batches, elapsed) = publisher.await.expect("publisher");
    let mut samples = Vec::with_capacity(sent as usize * clients);
    let mut short = 0;
    for reader in readers {
        let got = reader.await.expect("reader");
        short += usize::from(got.len() as u64 != sent);
        samples.extend(got);
    }
    println!(
        "ws latency, {clients:>4} clients: {sent} events in {batches} batches over {:.2} s \
         ({:.0} events/s), {} frames, {short} clients missed events; {}",
        elapsed.as_secs_f64(),
        sent as f64 / elapsed.as_secs_f64(),
        samples.len(),
        percentiles(&mut samples),
    );
}

/// Opens sockets `step` at a time up to `cap` or the first failure, then publishes one event
/// and counts the clients that receive it.
async fn held(server: &Server, cap: usize, step: usize) {
    let limit = open_file_limit();
    // Both ends of every socket live in this process.
    let cap = cap.min(limit.saturating_sub(SPARE_FDS) / 2);
    let received = Arc::new(AtomicUsize::new(0));
    let arrived = Arc::new(Notify::new());
    let rss_before = status_kib("VmRSS");
    let mut readers = Vec::new();
    let mut failure = None;
    while readers.len() < cap && failure.is_none() {
        let t = Instant::now();
        for socket in open(server, step.min(cap - readers.len())).await {
            match socket {
                Ok(mut socket) => {
                    let (received, arrived) = (received.clone(), arrived.clone());
                    readers.push(tokio::spawn(async move {
                        while let Some(Ok(message)) = socket.next().await {
                            if message.is_text() {
                                received.fetch_add(1, Ordering::Relaxed);
                                arrived.notify_one();
                            }
                        }
                    }));
                }
                Err(err) => failure = failure.or(Some(err)),
            }
        }
        println!(
            "  {:>6} sockets open ({:.2} s for this step), VmRSS {} MiB",
            readers.len(),
            t.elapsed().as_secs_f64(),
            status_kib("VmRSS") / 1024
        );
    }
    let rss_after = status_kib("VmRSS");
    let n = readers.len();
    let t = Instant::now();
    server.publish(vec![probe(0, false)]).await;
    let all = tokio::time::timeout(PATIENCE, async {
        while received.load(Ordering::Relaxed) < n {
            arrived.notified().await;
        }
    })
    .await;
    let fan_out = t.elapsed();
    println!(
        "ws clients held: {n} (cap {cap} from open-file limit {limit}; first failure: {}), \
         {} received the event {}; VmRSS {} -> {} MiB, {:.1} KiB per client (both ends)",
        failure.as_deref().unwrap_or("none"),
        received.load(Ordering::Relaxed),
        if all.is_ok() {
            format!("in {:.1} ms", fan_out.as_secs_f64() * 1e3)
        } else {
            format!("within {PATIENCE:?} (not all)")
        },
        rss_before / 1024,
        rss_after / 1024,
        rss_after.saturating_sub(rss_before) as f64 / n.max(1) as f64,
    );
    for reader in readers {
        reader.abort();
    }
    // Let the server notice the closes before the next part.
    tokio::time::sleep(Duration::from_secs(2)).await;
}

/// The `i`-th seeded result: check `i % CHECKS`, its own resource, a third failing.
fn result(i: usize) -> NewResult {
    let fails = i.is_multiple_of(3);
    NewResult {
        check_id: format!("check_{:02}", i % CHECKS),
        service: "s3".into(),
        resource_arn: format!("arn:aws:s3:::bucket-{i:06}"),
        account_id: ACCOUNT.into(),
        region: "eu-west-1".into(),
        status: if fails { Status::Fail } else { Status::Pass },
        severity: Severity::High,
        message: format!("bucket-{i:06} allows public reads"),
        evidence: serde_json::json!({ "index": i, "public": fails }),
        muted: i.is_multiple_of(97),
    }
}

/// Stores `n` results of one scan, 1,000 per call.
async fn seed(server: &Server, n: usize) {
    let store = server.store.clone();
    let t = Instant::now();
    server
        .runtime
        .spawn(async move {
            let scan = Scan {
                scan_id: ulid::Ulid::new().to_string(),
                account_id: ACCOUNT.into(),
                source: "bench".into(),
                status: ScanStatus::Completed,
                started_at: OffsetDateTime::now_utc(),
                finished_at: Some(OffsetDateTime::now_utc()),
                collected: true,
                counters: ScanCounters::default(),
                errors: Default::default(),
            };
            store.create_scan(&tenant(), &scan).await.expect("scan");
            let results: Vec<NewResult> = (0..n).map(result).collect();
            for chunk in results.chunks(1_000) {
                store
                    .apply_results(&tenant(), &scan.scan_id, OffsetDateTime::now_utc(), chunk)
                    .await
                    .expect("results");
            }
        })
        .await
        .expect("seeding");
    println!("seeded {n} results in {:.1} s", t.elapsed().as_secs_f64());
}

/// Sends `GET path` from `concurrency` clients for `secs` and prints requests/s and latency.
async fn query(server: &Server, path: &str, concurrency: usize, secs: u64) {
    let url = format!("http://{}{path}", server.base);
    let first: serde_json::Value = reqwest::Client::new()
        .get(&url)
        .bearer_auth(&server.token)
        .send()
        .await
        .expect("request")
        .json()
        .await
        .expect("JSON page");
    let items = first["items"].as_array().map_or(0, Vec::len);
    let start = Instant::now();
    let deadline = start + Duration::from_secs(secs);
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let (url, token) = (url.clone(), server.token.clone());
            tokio::spawn(async move {
                let http = reqwest::Client::new();
                let (mut latencies, mut errors) = (Vec::new(), 0_usize);
                while Instant::now() < deadline {
                    let t = Instant::now();
                    let ok = match http.get(&url).bearer_auth(&token).send().await {
                        Ok(response) if response.status().is_success() => {
                            response.bytes().await.is_ok()
                        }
                        _ => false,
                    };
                    if ok {
                        latencies.push(t.elapsed().as_nanos() as u64);
                    } else {
                        errors += 1;
                    }
                }
                (latencies, errors)
            })
        })
        .collect();
    let (mut samples, mut errors) = (Vec::new(), 0);
    for worker in workers {
        let (latencies, failed) = worker.await.expect("worker");
        samples.extend(latencies);
        errors += failed;
    }
    let elapsed = start.elapsed().as_secs_f64();
    println!(
        "GET {path}: {items} items a page, {concurrency} clients, {} requests in {elapsed:.1} s \
         = {:.0} req/s, {errors} errors; {}",
        samples.len(),
        samples.len() as f64 / elapsed,
        percentiles(&mut samples),
    );
}

fn main() {
    let args = Args::parse();
    let server = Server::start();
    let clients = tokio::runtime::Builder::new_multi_thread()
        .thread_name("clients")
        .enable_all()
        .build()
        .expect("client runtime");
    clients.block_on(async {
        for &n in &args.clients {
            latency(&server, n, args.rate, args.secs).await;
        }
        held(&server, args.max_clients, args.step).await;
        seed(&server, args.results).await;
        let check = format!("/v1/findings?check=check_{:02}&limit=100", CHECKS / 2);
        for path in ["/v1/findings?status=fail&limit=100", check.as_str()] {
            query(&server, path, args.concurrency, args.query_secs).await;
        }
    });
    println!("peak VmHWM {} MiB", status_kib("VmHWM") / 1024);
}
