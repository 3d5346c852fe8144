//! The `state` and `query` capabilities of handler plugins through the real pipeline (in-process
//! bus, SQLite store, the built-in S3 rules as Wasm). The `stateful-handler` guest
//! (tests/guests) records every event it receives in its state and, on each completed scan, reads
//! the scan's findings and inventory page by page and publishes a summary. What the summary must
//! say is read here from the store and the published events, apart from the plugin.

use crate::pipeline::{
    Platform, fixture, platform, quiesce, receive_until, s3_rules, start_scan, tenant,
};
use crate::support::{hostile_handler, read, small_runtime};
use lgp_events::{Event, EventType, TenantId};
use lgp_model::{CheckMeta, Finding, Resource};
use lgp_pipeline::{Router, RouterConfig};
use lgp_runtime::query_types::{ScanResult, ScanSummary};
use lgp_runtime::{
    FindingQuery, HandlerServices, IncomingEvent, InventoryQuery, InvokeErrorKind, Plugin,
    PluginState, QueryPage, ResultQuery, Runtime, RuntimeConfig, ServiceError, TenantQuery, Trust,
};
use lgp_store::{PageRequest, ResultFilter};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// Bound on waiting for a scan and its summary; a broken pipeline fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(60);

const PLUGIN: &str = "stateful-handler";

/// Every consumer group of the platform under test.
const GROUPS: [&str; 3] = ["rule:rules-s3", "handler:stateful-handler", "host:audit"];

/// The guest's page sizes (tests/guests/stateful-handler).
const FINDINGS_PAGE: u64 = 7;
const INVENTORY_PAGE: u64 = 5;

async fn stateful_handler(runtime: &Runtime) -> Plugin {
    let bytes = read(crate::guests::STATEFUL_HANDLER);
    runtime
        .load("stateful-handler.wasm", &bytes, Trust::Trusted)
        .await
        .expect("the stateful handler loads")
}

/// One scan: its id, every event of the tenant published until the handler's summary of it, and
/// the summary.
struct Summarized {
    scan_id: String,
    events: Vec<Arc<Event>>,
    summary: Value,
}

impl Summarized {
    fn count(&self, t: EventType) -> u64 {
        self.events.iter().filter(|e| e.event_type == t).count() as u64
    }

    /// How many events of `t` the handler had recorded in its state when it summarised.
    fn seen(&self, t: EventType) -> u64 {
        self.summary["events"][t.as_str()].as_u64().unwrap_or(0)
    }
}

/// Runs a scan, waits for the handler's summary of it, then for every consumer to settle (so
/// every event of the scan is in the handler's state before the next step).
async fn scan(p: &Platform, who: &TenantId, resources: Vec<Resource>) -> Summarized {
    let (scan_id, mut live) = start_scan(p, who, resources).await;
    let mut events = Vec::new();
    let summary = tokio::time::timeout(
        PATIENCE,
        receive_until(&mut live, &mut events, |e| {
            e.event_type == EventType::ReportGenerated
                && e.source == PLUGIN
                && e.correlation_id.as_deref() == Some(scan_id.as_str())
        }),
    )
    .await
    .expect("the handler summarises the scan in time")
    .data
    .clone();
    quiesce(p.services.bus.as_ref(), &GROUPS).await;
    Summarized {
        scan_id,
        events,
        summary,
    }
}

/// Checks the summary's findings and inventory against the tenant's store: the query saw
/// exactly the scan's results and resources, page by page.
async fn assert_summary_matches_store(p: &Platform, who: &TenantId, s: &Summarized) {
    let store = p.services.store.as_ref();
    let filter = ResultFilter {
        scan_id: Some(s.scan_id.clone()),
        ..ResultFilter::default()
    };
    let results = store
        .list_results(who, &filter, &PageRequest::first(1_000))
        .await
        .expect("results");
    assert!(results.next.is_none(), "the fixture fits one page");
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    let mut by_check: BTreeMap<String, u64> = BTreeMap::new();
    for r in &results.items {
        *by_status.entry(r.status.as_str().to_owned()).or_default() += 1;
        *by_check.entry(r.check_id.clone()).or_default() += 1;
    }
    let total = results.items.len() as u64;
    assert!(total > FINDINGS_PAGE, "the scan needs several pages");
    let findings = &s.summary["findings"];
    assert_eq!(findings["total"], json!(total), "{findings}");
    assert_eq!(findings["by_status"], json!(by_status));
    assert_eq!(findings["by_check"], json!(by_check));
    assert_eq!(findings["pages"], json!(total.div_ceil(FINDINGS_PAGE)));

    let arns: Vec<String> = store
        .scan_inventory(who, &s.scan_id)
        .await
        .expect("inventory")
        .into_iter()
        .map(|v| v.resource.arn)
        .collect();
    let inventory = &s.summary["inventory"];
    assert_eq!(inventory["arns"], json!(arns), "{inventory}");
    assert_eq!(
        inventory["pages"],
        json!((arns.len() as u64).div_ceil(INVENTORY_PAGE))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handlers_state_survives_a_restart_and_its_queries_see_only_its_tenant() {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime");
    let plugins = [s3_rules(&runtime).await, stateful_handler(&runtime).await];
    let mut p = platform(&plugins).await;
    let (acme, globex) = (tenant("acme"), tenant("globex"));

    // Scan 1 of acme: the summary reads exactly the scan's results and inventory.
    let first = fixture();
    let s1 = scan(&p, &acme, first.clone()).await;
    assert_summary_matches_store(&p, &acme, &s1).await;
    assert_eq!(s1.summary["previous_scan"], Value::Null);
    assert_eq!(s1.seen(EventType::ComplianceScanCompleted), 1);
    assert!(s1.count(EventType::ComplianceViolation) > 0);

    // Globex scans part of the same account id: its queries see its own results only, and
    // acme's completed scan of that account is not its previous scan.
    let s_globex = scan(&p, &globex, first[..3].to_vec()).await;
    assert_summary_matches_store(&p, &globex, &s_globex).await;
    assert_eq!(s_globex.summary["previous_scan"], Value::Null);
    assert_eq!(s_globex.seen(EventType::ComplianceScanCompleted), 1);
    assert!(
        s_globex.count(EventType::ComplianceViolation) > 0,
        "globex has violations of its own, which acme's counts must not hold"
    );
    assert!(
        s_globex.seen(EventType::ComplianceViolation)
            <= s_globex.count(EventType::ComplianceViolation)
    );

    // The router restarts on the same store; a failing bucket goes away (a resolution).
    let Platform {
        services,
        router,
        rules,
    } = p;
    router.shutdown().await;
    let router = Router::start(services.clone(), &plugins, RouterConfig::default())
        .await
        .expect("router restarts");
    p = Platform {
        services,
        router,
        rules,
    };
    let failing: Vec<&str> = s1
        .events
        .iter()
        .filter(|e| e.event_type == EventType::ComplianceViolation)
        .filter_map(|e| e.data["resource_arn"].as_str())
        .collect();
    let mut second = first.clone();
    second.retain(|r| r.arn != failing[0]);
    let s2 = scan(&p, &acme, second.clone()).await;
    assert_summary_matches_store(&p, &acme, &s2).await;
    assert_eq!(s2.summary["previous_scan"], json!(s1.scan_id));
    assert_eq!(s2.seen(EventType::ComplianceScanCompleted), 2);
    assert!(s2.count(EventType::ComplianceResolved) > 0);

    // Scan 3 changes nothing, so every event the tenant saw is in the state when it summarises:
    // the counts are exact, carried over the restart, and hold none of globex's events.
    let s3 = scan(&p, &acme, second).await;
    assert_eq!(s3.count(EventType::ComplianceViolation), 0);
    assert_eq!(s3.count(EventType::ComplianceResolved), 0);
    assert_eq!(s3.summary["previous_scan"], json!(s2.scan_id));
    assert_eq!(s3.seen(EventType::ComplianceScanCompleted), 3);
    for t in [
        EventType::ComplianceViolation,
        EventType::ComplianceResolved,
    ] {
        assert_eq!(
            s3.seen(t),
            s1.count(t) + s2.count(t),
            "{t} events recorded for acme: {}",
            s3.summary["events"]
        );
    }
    let scans_done = s3.seen(EventType::InventoryScanCompleted);
    assert!((2..=3).contains(&scans_done), "{}", s3.summary["events"]);

    // Globex's state holds only globex's events, before and after acme's scans.
    let s_globex2 = scan(&p, &globex, first[..3].to_vec()).await;
    assert_eq!(s_globex2.summary["previous_scan"], json!(s_globex.scan_id));
    assert_eq!(s_globex2.seen(EventType::ComplianceScanCompleted), 2);
    assert_eq!(
        s_globex2.seen(EventType::ComplianceViolation),
        s_globex.count(EventType::ComplianceViolation)
    );
    p.router.shutdown().await;
}

/// State and queries that count every call and answer with nothing.
#[derive(Default)]
struct Counting {
    calls: AtomicUsize,
}

impl Counting {
    fn call(&self) {
        self.calls.fetch_add(1, Ordering::SeqCst);
    }
}

#[async_trait::async_trait]
impl PluginState for Counting {
    async fn get(&self, _key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        self.call();
        Ok(None)
    }
    async fn set(&self, _key: &str, _value: &[u8]) -> Result<(), ServiceError> {
        self.call();
        Ok(())
    }
    async fn delete(&self, _key: &str) -> Result<(), ServiceError> {
        self.call();
        Ok(())
    }
    async fn list_keys(
        &self,
        _prefix: &str,
        _cursor: Option<&str>,
        _limit: u32,
    ) -> Result<QueryPage<String>, ServiceError> {
        self.call();
        Ok(QueryPage {
            items: Vec::new(),
            next: None,
        })
    }
}

#[async_trait::async_trait]
impl TenantQuery for Counting {
    async fn findings(&self, _q: &FindingQuery) -> Result<QueryPage<Finding>, ServiceError> {
        self.call();
        Ok(QueryPage {
            items: Vec::new(),
            next: None,
        })
    }
    async fn inventory(&self, _q: &InventoryQuery) -> Result<QueryPage<Resource>, ServiceError> {
        self.call();
        Ok(QueryPage {
            items: Vec::new(),
            next: None,
        })
    }
    async fn previous_scan(&self, _scan_id: &str) -> Result<Option<String>, ServiceError> {
        self.call();
        Ok(None)
    }
    async fn results(&self, _q: &ResultQuery) -> Result<QueryPage<ScanResult>, ServiceError> {
        self.call();
        Ok(QueryPage {
            items: Vec::new(),
            next: None,
        })
    }
    async fn scan(&self, scan_id: &str) -> Result<ScanSummary, ServiceError> {
        self.call();
        Err(ServiceError::Invalid(format!("no scan {scan_id:?}")))
    }
    async fn checks(&self) -> Result<Arc<[CheckMeta]>, ServiceError> {
        self.call();
        Ok(Arc::from(Vec::new()))
    }
}

fn event(event_type: &str) -> IncomingEvent {
    IncomingEvent {
        id: "01J00000000000000000000000".into(),
        event_type: event_type.into(),
        source: "e2e".into(),
        timestamp: "2024-01-01T00:00:00Z".into(),
        correlation_id: Some("01J00000000000000000000001".into()),
        data: "{}".into(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_whose_manifest_does_not_ask_is_denied_state_and_query() {
    let runtime = small_runtime();
    let plugin = hostile_handler(&runtime).await;
    assert!(plugin.info().capabilities.is_empty());
    let offered = Arc::new(Counting::default());
    let services = HandlerServices {
        state: Some(offered.clone()),
        query: Some(offered.clone()),
        notify: None,
        reports: None,
    };
    let emitted = plugin
        .handle(&event("test.state"), &services)
        .await
        .expect("the handler reports its answers");
    let data: Value = serde_json::from_str(&emitted[0].data).expect("json");
    let answers = data["answers"].as_array().expect("answers");
    assert_eq!(answers.len(), 7, "{data}");
    for (answer, capability) in answers.iter().zip(["state"; 4].iter().chain(&["query"; 3])) {
        let answer = answer.as_str().expect("text");
        assert!(
            answer.starts_with("denied: ") && answer.contains(&format!("`{capability}`")),
            "{answer}"
        );
    }
    assert_eq!(
        offered.calls.load(Ordering::SeqCst),
        0,
        "nothing reached the services"
    );

    // A plugin that asks, on a host that offers nothing, is denied as well.
    let stateful = stateful_handler(&runtime).await;
    let err = stateful
        .handle(&event("compliance.violation"), &HandlerServices::default())
        .await
        .expect_err("no state offered");
    assert!(
        matches!(&err.kind, InvokeErrorKind::Reject(m) if m.contains("denied")),
        "{err:?}"
    );
}

/// A tenant's results held in memory, served in offset-cursor pages as a store would, each
/// finding with `evidence_bytes` of evidence; state in a map.
struct InMemory {
    findings: Vec<Finding>,
    state: std::sync::Mutex<BTreeMap<String, Vec<u8>>>,
    largest_fetch: AtomicUsize,
    /// How long each findings page takes, as a remote store would.
    latency: Duration,
}

impl InMemory {
    fn new(findings: usize, evidence_bytes: usize) -> Self {
        let evidence = format!(r#"{{"pad":"{}"}}"#, "x".repeat(evidence_bytes));
        InMemory {
            findings: (0..findings)
                .map(|i| Finding {
                    check_id: format!("check_{i:03}"),
                    resource_arn: format!("arn:aws:s3:::bucket-{i:03}"),
                    status: lgp_model::Status::Fail,
                    severity: lgp_model::Severity::High,
                    message: format!("bucket-{i:03} fails"),
                    evidence: serde_json::value::RawValue::from_string(evidence.clone())
                        .expect("json"),
                })
                .collect(),
            state: Default::default(),
            largest_fetch: AtomicUsize::new(0),
            latency: Duration::ZERO,
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, BTreeMap<String, Vec<u8>>> {
        self.state.lock().expect("state lock")
    }
}

#[async_trait::async_trait]
impl PluginState for InMemory {
    async fn get(&self, key: &str) -> Result<Option<Vec<u8>>, ServiceError> {
        Ok(self.state().get(key).cloned())
    }
    async fn set(&self, key: &str, value: &[u8]) -> Result<(), ServiceError> {
        self.state().insert(key.to_owned(), value.to_vec());
        Ok(())
    }
    async fn delete(&self, key: &str) -> Result<(), ServiceError> {
        self.state().remove(key);
        Ok(())
    }
    async fn list_keys(
        &self,
        prefix: &str,
        _cursor: Option<&str>,
        _limit: u32,
    ) -> Result<QueryPage<String>, ServiceError> {
        Ok(QueryPage {
            items: self
                .state()
                .keys()
                .filter(|k| k.starts_with(prefix))
                .cloned()
                .collect(),
            next: None,
        })
    }
}

#[async_trait::async_trait]
impl TenantQuery for InMemory {
    async fn findings(&self, q: &FindingQuery) -> Result<QueryPage<Finding>, ServiceError> {
        let start: usize = match &q.cursor {
            Some(c) => c
                .parse()
                .map_err(|_| ServiceError::Invalid(format!("bad cursor {c:?}")))?,
            None => 0,
        };
        let limit = q.limit as usize;
        self.largest_fetch.fetch_max(limit, Ordering::SeqCst);
        tokio::time::sleep(self.latency).await;
        let end = (start + limit).min(self.findings.len());
        Ok(QueryPage {
            items: self.findings[start..end].to_vec(),
            next: (end < self.findings.len()).then(|| end.to_string()),
        })
    }
    async fn inventory(&self, _q: &InventoryQuery) -> Result<QueryPage<Resource>, ServiceError> {
        Ok(QueryPage {
            items: Vec::new(),
            next: None,
        })
    }
    async fn previous_scan(&self, _scan_id: &str) -> Result<Option<String>, ServiceError> {
        Ok(None)
    }
    async fn results(&self, _q: &ResultQuery) -> Result<QueryPage<ScanResult>, ServiceError> {
        Ok(QueryPage {
            items: Vec::new(),
            next: None,
        })
    }
    async fn scan(&self, scan_id: &str) -> Result<ScanSummary, ServiceError> {
        Err(ServiceError::Invalid(format!("no scan {scan_id:?}")))
    }
    async fn checks(&self) -> Result<Arc<[CheckMeta]>, ServiceError> {
        Ok(Arc::from(Vec::new()))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_query_page_past_the_output_cap_is_cut_and_its_cursor_continues() {
    // The small runtime's output cap is 64 KiB: three 20 KiB findings fit a page, four do not,
    // so each of the guest's 7-finding pages is cut to three.
    let runtime = small_runtime();
    assert_eq!(crate::support::small_limits().output_bytes, 64 << 10);
    let plugin = stateful_handler(&runtime).await;
    let backend = Arc::new(InMemory::new(20, 20 << 10));
    let services = HandlerServices {
        state: Some(backend.clone()),
        query: Some(backend.clone()),
        notify: None,
        reports: None,
    };
    let emitted = plugin
        .handle(
            &event(EventType::ComplianceScanCompleted.as_str()),
            &services,
        )
        .await
        .expect("the handler summarises");
    let summary: Value = serde_json::from_str(&emitted[0].data).expect("json");
    let findings = &summary["findings"];
    assert_eq!(findings["total"], json!(20), "{findings}");
    assert_eq!(findings["pages"], json!(7), "20 findings, three a page");
    let checks = findings["by_check"].as_object().expect("by check");
    assert_eq!(checks.len(), 20, "every finding once: {findings}");
    assert!(checks.values().all(|n| n == &json!(1)));
    assert!(
        backend.largest_fetch.load(Ordering::SeqCst) <= lgp_runtime::MAX_QUERY_PAGE_ITEMS as usize
    );
    assert_eq!(
        backend.state().keys().collect::<Vec<_>>(),
        ["seen/compliance.scan.completed/01J00000000000000000000000"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_on_a_slow_store_does_not_use_up_the_handlers_time() {
    // Seven findings pages of 400 ms each: 2.8 s of store time against the small runtime's 2 s
    // deadline. The guest's own work takes milliseconds, so it finishes.
    let runtime = small_runtime();
    assert_eq!(crate::support::small_limits().timeout_ms, 2_000);
    let plugin = stateful_handler(&runtime).await;
    let backend = Arc::new(InMemory {
        latency: Duration::from_millis(400),
        ..InMemory::new(20, 20 << 10)
    });
    let services = HandlerServices {
        state: Some(backend.clone()),
        query: Some(backend.clone()),
        notify: None,
        reports: None,
    };
    let emitted = plugin
        .handle(
            &event(EventType::ComplianceScanCompleted.as_str()),
            &services,
        )
        .await
        .expect("store waits are not the guest's time");
    let summary: Value = serde_json::from_str(&emitted[0].data).expect("json");
    assert_eq!(summary["findings"]["pages"], json!(7));
}
