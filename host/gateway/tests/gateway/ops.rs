//! Health, readiness, metrics, the OpenAPI document, request ids and the error shape.

use crate::support::{Options, Server, error_code};
use aws_sdk_dynamodb::config::{BehaviorVersion, Credentials, Region};
use lgp_gateway::GatewayConfig;
use lgp_store::Store;
use lgp_store_dynamodb::{DynamoConfig, DynamoStore};
use lgp_tenant::Role;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;

#[tokio::test]
async fn health_and_readiness_answer_when_all_is_well() {
    let server = Server::start().await;
    let health = server
        .http
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200);
    let ready = server
        .http
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 200);
    let body: Value = ready.json().await.expect("JSON");
    assert_eq!(body["checks"]["store"], "ok");
    assert_eq!(body["checks"]["bus"], "ok");
}

/// The DynamoDB store of an endpoint where nothing listens: the store is configured but
/// cannot be reached, as when its network or service is down.
async fn unreachable_store() -> Arc<dyn Store> {
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("address")
    };
    let config = aws_sdk_dynamodb::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new("test", "test", None, None, "test"))
        .endpoint_url(format!("http://{closed}"))
        .build();
    Arc::new(DynamoStore::with_client(
        aws_sdk_dynamodb::Client::from_conf(config),
        DynamoConfig::default(),
    ))
}

#[tokio::test]
async fn readiness_is_503_naming_the_store_when_the_store_cannot_be_reached() {
    let server = Server::start_with(Options {
        config: GatewayConfig {
            readiness_timeout: Duration::from_millis(500),
            ..GatewayConfig::default()
        },
        store: Some(unreachable_store().await),
        ..Options::default()
    })
    .await;
    let ready = server
        .http
        .get(format!("{}/readyz", server.base))
        .send()
        .await
        .expect("readyz");
    assert_eq!(ready.status(), 503);
    let body: Value = ready.json().await.expect("JSON");
    assert_eq!(body["status"], "unavailable");
    assert_ne!(body["checks"]["store"], "ok");
    assert_eq!(body["checks"]["bus"], "ok");
    let health = server
        .http
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200, "alive, though not ready");
}

#[tokio::test]
async fn the_openapi_document_lists_every_route() {
    let server = Server::start().await;
    let doc: Value = server
        .http
        .get(format!("{}/openapi.json", server.base))
        .send()
        .await
        .expect("openapi")
        .json()
        .await
        .expect("JSON");
    assert!(doc["openapi"].as_str().expect("version").starts_with("3."));
    let listed: BTreeSet<(String, String)> = doc["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .flat_map(|(path, item)| {
            item.as_object()
                .expect("path item")
                .keys()
                .map(move |method| (method.clone(), path.clone()))
        })
        .collect();
    for (method, path) in [
        ("get", "/v1/scans"),
        ("post", "/v1/scans"),
        ("get", "/v1/scans/{scan_id}"),
        ("post", "/v1/scans/{scan_id}/cancel"),
        ("get", "/v1/scans/{scan_id}/reports/{format}"),
        ("get", "/v1/findings"),
        ("get", "/v1/findings/{result_id}"),
        ("get", "/v1/inventory"),
        ("get", "/v1/checks"),
        ("get", "/v1/frameworks"),
        ("get", "/v1/alerts"),
        ("post", "/v1/alerts/{alert_id}/acknowledge"),
        ("get", "/v1/events"),
        ("get", "/v1/mutes"),
        ("post", "/v1/mutes"),
        ("delete", "/v1/mutes/{rule_id}"),
        ("get", "/v1/webhooks"),
        ("post", "/v1/webhooks"),
        ("delete", "/v1/webhooks/{webhook_id}"),
        ("get", "/v1/accounts"),
        ("put", "/v1/accounts/{account_id}"),
        ("get", "/v1/tenants"),
        ("put", "/v1/tenants/{tenant_id}"),
        ("get", "/ws/{tenant_id}"),
        ("get", "/healthz"),
        ("get", "/readyz"),
        ("get", "/metrics"),
        ("get", "/openapi.json"),
    ] {
        assert!(
            listed.contains(&(method.to_owned(), path.to_owned())),
            "{method} {path} missing"
        );
    }
    // Every reference resolves inside the document (a schema named but not listed in the
    // components makes fuzzers skip the parameter, as `ReportFormat` and `AlertState` once did).
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in &refs {
        let pointer = r.strip_prefix('#').expect("a local reference");
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    let scans = &doc["paths"]["/v1/scans"]["get"];
    assert_eq!(scans["security"][0]["bearer"], serde_json::json!([]));
    assert!(scans["responses"]["401"].is_object());
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
}

/// Every `$ref` value anywhere in `v`.
fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            for (key, value) in map {
                match (key.as_str(), value) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => collect_refs(value, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect_refs(item, out)),
        _ => {}
    }
}

#[tokio::test]
async fn metrics_count_requests_by_route_template_and_status() {
    let server = Server::start().await;
    let token = server.token("acme", Role::Viewer);
    for _ in 0..3 {
        server.get("/v1/scans", &token).await;
    }
    server.get("/v1/scans/01JNOSUCHSCAN", &token).await;
    let metrics = server.metrics().await;
    assert!(
        metrics
            .contains(r#"lgp_http_requests_total{method="GET",route="/v1/scans",status="200"} 3"#),
        "{metrics}"
    );
    assert!(
        metrics.contains(
            r#"lgp_http_requests_total{method="GET",route="/v1/scans/{scan_id}",status="404"} 1"#
        ),
        "{metrics}"
    );
    assert!(metrics.contains("lgp_ws_clients 0"), "{metrics}");
}

#[tokio::test]
async fn request_ids_are_echoed_or_made_and_errors_share_one_shape() {
    let server = Server::start().await;
    let token = server.token("acme", Role::Viewer);
    let response = server
        .http
        .get(format!("{}/v1/scans", server.base))
        .bearer_auth(&token)
        .header("x-request-id", "trace-me-42")
        .send()
        .await
        .expect("request");
    assert_eq!(response.headers()["x-request-id"], "trace-me-42");
    let made = server.get("/v1/scans", &token).await;
    let id = made.headers()["x-request-id"].to_str().expect("ascii");
    assert_eq!(id.len(), 26, "a ULID: {id}");

    let no_route = server.get("/v2/anything", &token).await;
    assert_eq!(no_route.status(), 404);
    assert_eq!(error_code(no_route).await, "not_found");
    let wrong_method = server
        .http
        .delete(format!("{}/v1/scans", server.base))
        .bearer_auth(&token)
        .send()
        .await
        .expect("request");
    assert_eq!(wrong_method.status(), 405);
    assert_eq!(error_code(wrong_method).await, "method_not_allowed");
    let not_json = server
        .http
        .post(format!("{}/v1/scans", server.base))
        .bearer_auth(server.token("acme", Role::Analyst))
        .body("account_id=1")
        .send()
        .await
        .expect("request");
    assert_eq!(not_json.status(), 415);
    assert_eq!(error_code(not_json).await, "invalid_body");
}
