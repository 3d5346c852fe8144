//! The `reports` capability through the real runtime, with the `report-writer` guest: chunks
//! become whole reports that are stored only when the invocation succeeds, and the host refuses
//! unknown formats, other tenants' scans, reports past the invocation's budget, and plugins it
//! did not grant the capability.

use crate::support::{read, small_limits, small_runtime};
use async_trait::async_trait;
use lgp_runtime::{
    HandlerServices, IncomingEvent, InvokeErrorKind, Plugin, RenderedReport, ReportStore,
    ServiceError, Trust,
};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

/// The scan the tenant owns; any other is unknown to it.
const SCAN: &str = "01JSCAN0000000000000000000";

/// A report store that keeps what it is handed, and knows one scan.
#[derive(Default)]
struct Kept(Mutex<Vec<RenderedReport>>);

#[async_trait]
impl ReportStore for Kept {
    async fn check_scan(&self, scan_id: &str) -> Result<(), ServiceError> {
        if scan_id == SCAN {
            Ok(())
        } else {
            Err(ServiceError::Invalid(format!("no scan {scan_id:?}")))
        }
    }

    async fn store(&self, reports: Vec<RenderedReport>) -> Result<(), ServiceError> {
        self.0.lock().expect("lock").extend(reports);
        Ok(())
    }
}

async fn writer() -> Plugin {
    small_runtime()
        .load(
            "report-writer.wasm",
            &read(crate::guests::REPORT_WRITER),
            Trust::Trusted,
        )
        .await
        .expect("the report writer loads")
}

fn event(data: Value) -> IncomingEvent {
    IncomingEvent {
        id: "01JEVENT000000000000000000".into(),
        event_type: "compliance.scan.completed".into(),
        source: "test".into(),
        timestamp: "2026-11-30T00:00:00Z".into(),
        correlation_id: Some(SCAN.into()),
        data: data.to_string(),
    }
}

fn write(scan_id: &str, format: &str, text: &str) -> Value {
    json!({ "scan_id": scan_id, "format": format, "text": text })
}

/// Delivers `data` with `kept` as the report store; returns the rejection's message, if any.
async fn deliver(plugin: &Plugin, kept: &Arc<Kept>, data: Value) -> Option<String> {
    let services = HandlerServices {
        reports: Some(kept.clone() as Arc<dyn ReportStore>),
        ..HandlerServices::default()
    };
    match plugin.handle(&event(data), &services).await {
        Ok(_) => None,
        Err(e) => match e.kind {
            InvokeErrorKind::Reject(m) => Some(m),
            other => panic!("expected a rejection, got {other:?}"),
        },
    }
}

#[tokio::test]
async fn chunks_make_whole_reports_stored_only_when_the_invocation_succeeds() {
    let plugin = writer().await;
    let kept = Arc::new(Kept::default());

    let refused = deliver(
        &plugin,
        &kept,
        json!({ "writes": [write(SCAN, "json", "{}")], "fail": true }),
    )
    .await;
    assert_eq!(refused.as_deref(), Some("asked to fail"));
    assert!(
        kept.0.lock().expect("lock").is_empty(),
        "a failed invocation stores no report"
    );

    let refused = deliver(
        &plugin,
        &kept,
        json!({ "writes": [
            write(SCAN, "csv", "check_id,status\n"),
            write(SCAN, "json", "{\"results\":"),
            write(SCAN, "csv", "a,fail\n"),
            write(SCAN, "json", "[]}"),
        ] }),
    )
    .await;
    assert_eq!(refused, None);
    let stored: Vec<(String, String, String)> = kept
        .0
        .lock()
        .expect("lock")
        .iter()
        .map(|r| {
            (
                r.scan_id.clone(),
                r.format.clone(),
                String::from_utf8(r.body.clone()).expect("utf-8"),
            )
        })
        .collect();
    assert_eq!(
        stored,
        vec![
            (
                SCAN.into(),
                "csv".into(),
                "check_id,status\na,fail\n".into()
            ),
            (SCAN.into(), "json".into(), "{\"results\":[]}".into()),
        ]
    );
}

#[tokio::test]
async fn the_host_refuses_unknown_formats_other_scans_oversized_reports_and_ungranted_plugins() {
    let plugin = writer().await;
    let kept = Arc::new(Kept::default());
    let budget = small_limits().report_bytes;
    let cases = [
        (
            json!({ "writes": [write(SCAN, "pdf", "%PDF")] }),
            "unknown report format \"pdf\"",
        ),
        (
            json!({ "writes": [write("01JOTHERTENANTSSCAN0000000", "json", "{}")] }),
            "no scan \"01JOTHERTENANTSSCAN0000000\"",
        ),
        (
            json!({ "writes": [
                write(SCAN, "html", &"x".repeat(budget / 2)),
                write(SCAN, "html", &"x".repeat(budget / 2 + 1)),
            ] }),
            "report limit",
        ),
    ];
    for (data, expected) in cases {
        let message = deliver(&plugin, &kept, data)
            .await
            .unwrap_or_else(|| panic!("{expected:?} was accepted"));
        assert!(message.contains(expected), "{message:?} lacks {expected:?}");
    }
    assert!(kept.0.lock().expect("lock").is_empty());

    // Without a report store on offer, the capability is denied.
    let err = plugin
        .handle(
            &event(json!({ "writes": [write(SCAN, "json", "{}")] })),
            &HandlerServices::default(),
        )
        .await
        .expect_err("denied");
    match err.kind {
        InvokeErrorKind::Reject(m) => assert!(m.contains("not granted"), "{m}"),
        other => panic!("expected a rejection, got {other:?}"),
    }
}
