//! The store's behavioural suite, unchanged, against DynamoDB emulators started here on free
//! ports: moto's server (`tests/support/moto_server.py`, always; it needs `python3` with
//! moto 5.2.5, which tests/run.sh installs) and dynalite (when installed: stricter about
//! invalid requests; tests/run.sh installs it, and without it that test says so and passes).
//! Every scenario gets its own tables, under a prefix of its own.

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use lgp_events::TenantId;
use lgp_model::Status;
use lgp_store::{NewResult, PluginRecord, Store, StoredEvent, conformance};
use lgp_store_dynamodb::{DynamoConfig, DynamoStore};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long an emulator may take to say it listens (python and moto's imports take 1–3 s; a
/// machine busy compiling can be much slower).
const START_TIMEOUT: Duration = Duration::from_secs(90);

/// An emulator process, killed when dropped.
struct Emulator {
    child: Child,
    endpoint: String,
}

impl Drop for Emulator {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Emulator {
    /// Spawns `command` and waits for a stdout line for which `ready` gives the port.
    fn start(mut command: Command, what: &str, ready: impl Fn(&str) -> Option<u16>) -> Emulator {
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {what}: {e}"));
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, rx) = mpsc::channel();
        // Keeps draining stdout so the server never blocks on it.
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) => {
                    if let Some(port) = ready(&line) {
                        return Emulator {
                            child,
                            endpoint: format!("http://127.0.0.1:{port}"),
                        };
                    }
                }
                Err(err) => {
                    let _ = child.kill();
                    let _ = child.wait();
                    panic!("{what} did not start ({err}); see its stderr above");
                }
            }
        }
    }

    /// moto's server on a port the system picks.
    fn moto() -> Emulator {
        let script = repo_root().join("tests/support/moto_server.py");
        let mut command = Command::new("python3");
        command
            .arg(&script)
            .args(["--port", "0", "--exit-on-stdin-eof"]);
        Emulator::start(
            command,
            "moto (python3 -m pip install 'moto[server]==5.2.5')",
            |line| line.strip_prefix("ready ")?.trim().parse().ok(),
        )
    }

    /// dynalite, if installed: `LGP_DYNALITE`, else `dynalite` on the PATH, else where
    /// tests/run.sh installs it.
    fn dynalite() -> Option<Emulator> {
        let program = std::env::var_os("LGP_DYNALITE")
            .map(PathBuf::from)
            .or_else(|| which("dynalite"))
            .or_else(|| {
                let home = std::env::var_os("HOME")?;
                let path =
                    Path::new(&home).join(".cache/lg-protect/dynalite/node_modules/.bin/dynalite");
                path.exists().then_some(path)
            })?;
        // dynalite has no "port 0": take a free port and hand it over (a tiny race, fine here).
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut command = Command::new(program);
        command.args([
            "--host",
            "127.0.0.1",
            "--port",
            &port.to_string(),
            "--createTableMs",
            "0",
            "--deleteTableMs",
            "0",
            "--updateTableMs",
            "0",
        ]);
        Some(Emulator::start(command, "dynalite", move |line| {
            line.contains("listening").then_some(port)
        }))
    }

    fn client(&self) -> Client {
        let config = aws_sdk_dynamodb::Config::builder()
            .behavior_version(BehaviorVersion::latest())
            .region(Region::new("us-east-1"))
            .credentials_provider(Credentials::new("testing", "testing", None, None, "tests"))
            .endpoint_url(&self.endpoint)
            .build();
        Client::from_conf(config)
    }

    /// A store on fresh tables of its own.
    async fn fresh_store(&self, config: DynamoConfig) -> DynamoStore {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let prefix = format!("t{}", NEXT.fetch_add(1, Ordering::Relaxed));
        let store = DynamoStore::with_client(
            self.client(),
            DynamoConfig {
                table_prefix: prefix,
                ..config
            },
        );
        store.create_tables().await.expect("create the tables");
        store
    }
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn which(program: &str) -> Option<PathBuf> {
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conforms_on_moto() {
    let moto = Emulator::moto();
    conformance::run_all(async || {
        Box::new(moto.fresh_store(DynamoConfig::default()).await) as Box<dyn Store>
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conforms_on_dynalite() {
    let Some(dynalite) = Emulator::dynalite() else {
        eprintln!(
            "SKIPPED: dynalite is not installed (npm install dynalite@4.0.0; tests/run.sh \
             installs it); the suite ran on moto only"
        );
        return;
    };
    conformance::run_all(async || {
        Box::new(dynalite.fresh_store(DynamoConfig::default()).await) as Box<dyn Store>
    })
    .await;
    large_values_round_trip(&dynalite.fresh_store(DynamoConfig::default()).await).await;
    concurrent_writers_report_once(&dynalite.fresh_store(DynamoConfig::default()).await).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn creating_tables_again_is_fine() {
    let moto = Emulator::moto();
    let store = moto.fresh_store(DynamoConfig::default()).await;
    store.create_tables().await.expect("create again");
    let t = TenantId::new("acme").expect("tenant id");
    store.kv_set(&t, "p", "k", b"v").await.expect("kv set");
    store
        .create_tables()
        .await
        .expect("create with data in them");
    assert_eq!(
        store.kv_get(&t, "p", "k").await.expect("kv get").as_deref(),
        Some(&b"v"[..])
    );
    let ttl = moto
        .client()
        .describe_time_to_live()
        .table_name(format!("{}-events", store.table_prefix()))
        .send()
        .await
        .expect("describe time to live");
    assert_eq!(
        ttl.time_to_live_description()
            .and_then(|d| d.attribute_name()),
        Some("expires_at"),
        "the events' time to live is on"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn large_values_and_concurrency_on_moto() {
    let moto = Emulator::moto();
    large_values_round_trip(&moto.fresh_store(DynamoConfig::default()).await).await;
    concurrent_writers_report_once(&moto.fresh_store(DynamoConfig::default()).await).await;
}

/// Values larger than a DynamoDB item (components, reports, events) round-trip, and replacing
/// or deleting them leaves no chunk readable under the old key.
async fn large_values_round_trip(store: &DynamoStore) {
    let t = TenantId::new("acme").expect("tenant id");
    let big: Vec<u8> = (0..1_000_003u32).map(|i| (i % 251) as u8).collect();
    let record = PluginRecord {
        name: "big".to_owned(),
        version: "1.0.0".to_owned(),
        kind: "rule".to_owned(),
        content_hash: "00".to_owned(),
        size: big.len() as u64,
        enabled: true,
        uploaded_at: time::OffsetDateTime::UNIX_EPOCH,
    };
    store.put_plugin(&t, &record, &big).await.expect("put");
    assert_eq!(
        store
            .get_plugin_component(&t, "big", "1.0.0")
            .await
            .expect("get"),
        big
    );
    let small = PluginRecord {
        size: 3,
        ..record.clone()
    };
    store.put_plugin(&t, &small, b"abc").await.expect("replace");
    assert_eq!(
        store
            .get_plugin_component(&t, "big", "1.0.0")
            .await
            .expect("get"),
        b"abc"
    );
    store.put_plugin(&t, &record, &big).await.expect("put");
    store
        .delete_plugin(&t, "big", "1.0.0")
        .await
        .expect("delete");

    store
        .put_report(&t, "s1", "html", &big[..700_000])
        .await
        .expect("put report");
    assert_eq!(
        store.get_report(&t, "s1", "html").await.expect("get"),
        &big[..700_000]
    );
    store
        .put_report(&t, "s1", "html", b"")
        .await
        .expect("empty");
    assert!(
        store
            .get_report(&t, "s1", "html")
            .await
            .expect("get")
            .is_empty()
    );

    let event = StoredEvent {
        event_id: lgp_events::EventId::new(),
        event_type: lgp_events::EventType::InventoryDiscovered,
        correlation_id: Some("s1".to_owned()),
        at: time::OffsetDateTime::UNIX_EPOCH,
        sealed: big.clone(),
    };
    store
        .append_events(&t, std::slice::from_ref(&event))
        .await
        .expect("append a large event");
    let listed = store
        .list_events(&t, &Default::default(), &lgp_store::PageRequest::first(10))
        .await
        .expect("list");
    assert_eq!(listed.items, [event]);
    assert_eq!(
        store
            .purge_events(time::OffsetDateTime::now_utc())
            .await
            .expect("purge"),
        1
    );
    store
        .kv_set(&t, "p", "big", &big[..400_000])
        .await
        .expect("kv set");
    assert_eq!(
        store
            .kv_get(&t, "p", "big")
            .await
            .expect("kv get")
            .as_deref(),
        Some(&big[..400_000])
    );
}

/// Two replicas storing the same results at once: each transition is reported once in all,
/// and of concurrent conditional puts exactly one wins.
async fn concurrent_writers_report_once(store: &DynamoStore) {
    let t = TenantId::new("acme").expect("tenant id");
    let results: Vec<NewResult> = (0..60)
        .map(|i| NewResult {
            check_id: "check".to_owned(),
            service: "s3".to_owned(),
            resource_arn: format!("arn:aws:s3:::b{i:03}"),
            account_id: "123456789012".to_owned(),
            region: "us-east-1".to_owned(),
            status: Status::Fail,
            severity: lgp_model::Severity::High,
            message: "m".to_owned(),
            evidence: serde_json::json!({}),
            muted: false,
        })
        .collect();
    let at = time::OffsetDateTime::UNIX_EPOCH;
    let scan = "01JAAAAAAAAAAAAAAA00000001";
    let (a, b) = tokio::join!(
        store.apply_results(&t, scan, at, &results),
        store.apply_results(&t, scan, at, &results),
    );
    let reported = a.expect("apply").len() + b.expect("apply").len();
    assert_eq!(reported, results.len(), "every new result is reported once");

    let winners = futures::future::join_all(
        [b"0", b"1", b"2", b"3", b"4", b"5", b"6", b"7"]
            .map(|value| store.kv_put_if_absent(&t, "p", "leader", value)),
    )
    .await
    .into_iter()
    .filter(|won| *won.as_ref().expect("put if absent"))
    .count();
    assert_eq!(winners, 1, "exactly one conditional put wins");
}

/// Findings upserted per second into moto's DynamoDB: 100,000 new results (`apply_results` in
/// the pipeline's batches of 500), then the same again from a newer scan (no status change).
/// A measurement, not an assertion: `cargo test -p lgp-store-dynamodb --release --test
/// conformance -- --ignored --nocapture`; `LGP_BENCH_FINDINGS` changes the count,
/// `LGP_BENCH_EMULATOR=dynalite` measures on dynalite instead.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a benchmark: minutes against the emulator"]
async fn findings_upserted_per_second() {
    let total: usize = std::env::var("LGP_BENCH_FINDINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let emulator = match std::env::var("LGP_BENCH_EMULATOR").as_deref() {
        Ok("dynalite") => Emulator::dynalite().expect("dynalite is installed"),
        _ => Emulator::moto(),
    };
    let store = emulator
        .fresh_store(DynamoConfig {
            concurrency: 32,
            ..DynamoConfig::default()
        })
        .await;
    let t = TenantId::new("acme").expect("tenant id");
    let results: Vec<NewResult> = (0..total)
        .map(|i| NewResult {
            check_id: format!("check_{:02}", i % 20),
            service: "s3".to_owned(),
            resource_arn: format!("arn:aws:s3:::bucket-{:06}", i / 20),
            account_id: "123456789012".to_owned(),
            region: "us-east-1".to_owned(),
            status: if i % 3 == 0 {
                Status::Fail
            } else {
                Status::Pass
            },
            severity: lgp_model::Severity::High,
            message: format!("finding {i}"),
            evidence: serde_json::json!({ "i": i }),
            muted: false,
        })
        .collect();
    for (round, scan) in ["01JAAAAAAAAAAAAAAA00000001", "01JAAAAAAAAAAAAAAA00000002"]
        .into_iter()
        .enumerate()
    {
        let started = Instant::now();
        let mut reported = 0;
        for batch in results.chunks(500) {
            reported += store
                .apply_results(&t, scan, time::OffsetDateTime::now_utc(), batch)
                .await
                .expect("apply")
                .len();
        }
        let secs = started.elapsed().as_secs_f64();
        eprintln!(
            "round {}: {total} findings in {secs:.1} s = {:.0} findings/s ({reported} transitions)",
            round + 1,
            total as f64 / secs
        );
    }
}
