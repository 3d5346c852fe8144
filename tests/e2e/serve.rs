//! `lgp serve` as an operator runs it: the real binary on a loopback port, a real HTTP client and
//! real WebSocket clients. Tenant A starts a scan of the demo account through the API and watches
//! its events arrive on A's socket in the order they happened, reads its findings and its reports;
//! tenant B's socket hears nothing of it and B cannot see A's scan. SIGTERM stops the server
//! cleanly.

use crate::served::{PATIENCE, Server, get, token};
use futures::StreamExt;
use serde_json::{Value, json};
use std::process::Command;
use std::time::Duration;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;

type Socket =
    tokio_tungstenite::WebSocketStream<tokio_tungstenite::MaybeTlsStream<tokio::net::TcpStream>>;

async fn socket(server: &Server, tenant: &str, token: &str) -> Socket {
    let url = format!("{}/ws/{tenant}", server.base.replacen("http", "ws", 1));
    let mut request = url.into_client_request().expect("request");
    request.headers_mut().insert(
        "authorization",
        HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
    );
    let (socket, _) = tokio::time::timeout(PATIENCE, tokio_tungstenite::connect_async(request))
        .await
        .expect("handshake in time")
        .expect("websocket handshake");
    socket
}

/// The next event on `socket` (pings skipped), or `None` if none comes within `wait`.
async fn next_event(socket: &mut Socket, wait: Duration) -> Option<Value> {
    loop {
        let message = tokio::time::timeout(wait, socket.next()).await.ok()??;
        match message.expect("websocket message") {
            Message::Text(text) => return Some(serde_json::from_str(&text).expect("event JSON")),
            Message::Close(frame) => panic!("the server closed the socket: {frame:?}"),
            _ => continue,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_tenant_scans_through_the_api_and_watches_it_live_while_another_sees_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = Server::start(&dir.path().join("data"), &[]);
    let http = reqwest::Client::new();
    let (a, b) = (token("acme", "analyst"), token("globex", "analyst"));
    let mut a_socket = socket(&server, "acme", &a).await;
    let mut b_socket = socket(&server, "globex", &b).await;

    let started = http
        .post(format!("{}/v1/scans", server.base))
        .bearer_auth(&a)
        .json(&json!({ "account_id": "demo" }))
        .send()
        .await
        .expect("request");
    assert_eq!(started.status(), 202);
    let scan_id = started.json::<Value>().await.expect("JSON")["scan_id"]
        .as_str()
        .expect("scan id")
        .to_owned();

    // A's socket: every event of the scan, in the order it was published, up to its report.
    let mut seen = Vec::new();
    while !seen
        .iter()
        .any(|(t, _): &(String, String)| t == "report.generated")
    {
        let event = next_event(&mut a_socket, PATIENCE)
            .await
            .expect("the scan's events keep coming until its report");
        assert_eq!(event["tenant_id"], "acme");
        if event["correlation_id"] == scan_id.as_str() {
            seen.push((
                event["event_type"].as_str().expect("type").to_owned(),
                event["event_id"].as_str().expect("id").to_owned(),
            ));
        }
    }
    let position = |t: &str| {
        seen.iter()
            .position(|(seen, _)| seen == t)
            .unwrap_or_else(|| panic!("no {t} among {seen:?}"))
    };
    assert_eq!(position("inventory.scan.started"), 0, "{seen:?}");
    assert!(position("inventory.discovered") < position("inventory.scan.completed"));
    assert!(position("compliance.violation") < position("compliance.scan.completed"));
    assert!(position("compliance.scan.completed") < position("report.generated"));

    // The scan, its findings and its report through the API.
    let scan: Value = get(&http, &server, &format!("/v1/scans/{scan_id}"), &a)
        .await
        .json()
        .await
        .expect("JSON");
    assert_eq!(scan["status"], "completed");
    let failing = scan["counters"]["failed"].as_u64().expect("failed");
    let mut listed = 0;
    let mut cursor: Option<String> = None;
    loop {
        let mut query = vec![
            ("scan", scan_id.clone()),
            ("status", "fail".to_owned()),
            ("muted", "false".to_owned()),
            ("limit", "500".to_owned()),
        ];
        query.extend(cursor.take().map(|c| ("cursor", c)));
        let page: Value = http
            .get(format!("{}/v1/findings", server.base))
            .query(&query)
            .bearer_auth(&a)
            .send()
            .await
            .expect("request")
            .json()
            .await
            .expect("JSON");
        listed += page["items"].as_array().expect("items").len() as u64;
        match page["next"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(
        listed, failing,
        "the failing findings are the scan's failures"
    );
    let csv = get(
        &http,
        &server,
        &format!("/v1/scans/{scan_id}/reports/csv"),
        &a,
    )
    .await;
    assert_eq!(csv.status(), 200);
    let rows = csv.text().await.expect("CSV").lines().count();
    assert!(
        rows as u64 > failing,
        "one CSV row per result, with a header"
    );

    // Tenant B heard nothing, and A's scan and its report do not exist for B.
    assert_eq!(
        next_event(&mut b_socket, Duration::from_millis(500)).await,
        None
    );
    for path in [
        format!("/v1/scans/{scan_id}"),
        format!("/v1/scans/{scan_id}/reports/json"),
    ] {
        assert_eq!(get(&http, &server, &path, &b).await.status(), 404, "{path}");
    }

    // SIGTERM: the server stops by itself and says so with a clean exit.
    let mut server = server;
    let pid = server.child.id().to_string();
    let status = Command::new("kill")
        .args(["-TERM", &pid])
        .status()
        .expect("kill runs");
    assert!(status.success());
    let exited = tokio::task::spawn_blocking(move || {
        let status = server.child.wait().expect("wait");
        (server, status)
    });
    let (_server, status) = tokio::time::timeout(PATIENCE, exited)
        .await
        .expect("the server stops after SIGTERM")
        .expect("join");
    assert!(status.success(), "lgp serve exited with {status}");
}
