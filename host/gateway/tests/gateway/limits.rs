//! Per-tenant rate limits and the body size limit.

use crate::support::{Options, Server, error_code};
use lgp_gateway::GatewayConfig;
use lgp_tenant::Role;
use serde_json::json;
use std::num::NonZeroU32;
use std::time::Duration;
use tokio_tungstenite::tungstenite;

/// Requests a test sends before it expects its tenant's bucket of two to be spent: far more
/// than a bucket refilled once a second can absorb, even on a slow machine.
const ATTEMPTS: usize = 20;

/// A server whose tenants may make one request a second, two at once.
async fn strict_server() -> Server {
    Server::start_with(Options {
        config: GatewayConfig {
            rate_limit_rps: NonZeroU32::MIN,
            rate_limit_burst: NonZeroU32::new(2).expect("non-zero"),
            ..GatewayConfig::default()
        },
        ..Options::default()
    })
    .await
}

/// Sends `GET /v1/scans` as `token` until it is refused, and answers the refusal.
async fn spend_bucket(server: &Server, token: &str) -> reqwest::Response {
    for _ in 0..ATTEMPTS {
        let response = server.get("/v1/scans", token).await;
        if response.status() != 200 {
            return response;
        }
    }
    panic!("{ATTEMPTS} requests were all admitted");
}

#[tokio::test]
async fn a_tenant_past_its_rate_limit_gets_429_with_retry_after_while_others_are_served() {
    let server = strict_server().await;
    let acme = server.token("acme", Role::Viewer);
    let bravo = server.token("bravo", Role::Viewer);

    let refused = spend_bucket(&server, &acme).await;
    assert_eq!(refused.status(), 429);
    let retry_after: u64 = refused
        .headers()
        .get("retry-after")
        .expect("Retry-After")
        .to_str()
        .expect("ASCII")
        .parse()
        .expect("whole seconds");
    assert!(retry_after >= 1, "Retry-After: {retry_after}");
    assert_eq!(error_code(refused).await, "rate_limited");

    assert_eq!(server.get("/v1/scans", &bravo).await.status(), 200);
    let socket = server.ws_url("acme", "");
    let mut upgrade =
        tungstenite::client::IntoClientRequest::into_client_request(socket).expect("request");
    upgrade.headers_mut().insert(
        "authorization",
        format!("Bearer {acme}").parse().expect("header"),
    );
    match server.connect(upgrade).await {
        Err(tungstenite::Error::Http(response)) => assert_eq!(response.status(), 429),
        other => panic!("the socket of a limited tenant opened: {:?}", other.is_ok()),
    }
    let health = server
        .http
        .get(format!("{}/healthz", server.base))
        .send()
        .await
        .expect("healthz");
    assert_eq!(health.status(), 200, "operations endpoints are not limited");

    tokio::time::sleep(Duration::from_secs(retry_after)).await;
    assert_eq!(server.get("/v1/scans", &acme).await.status(), 200);

    let metrics = server.metrics().await;
    assert!(
        metrics.contains(r#"lgp_http_rate_limited_total{tenant="acme"} 2"#),
        "{metrics}"
    );
    assert!(!metrics.contains(r#"tenant="bravo""#), "{metrics}");
}

#[tokio::test]
async fn a_body_over_the_limit_is_413_with_the_error_shape() {
    let server = Server::start_with(Options {
        config: GatewayConfig {
            body_limit: 1024,
            ..GatewayConfig::default()
        },
        ..Options::default()
    })
    .await;
    let analyst = server.token("acme", Role::Analyst);
    let rule = |reason: String| {
        json!({"checks": ["s3_bucket_*public*"], "resources": ["arn:aws:s3:::www-*"],
            "reason": reason, "owner": "web-team"})
    };
    let oversized = rule("x".repeat(8 * 1024));
    let refused = server.post("/v1/mutes", &analyst, &oversized).await;
    assert_eq!(refused.status(), 413);
    assert_eq!(error_code(refused).await, "payload_too_large");
    let fits = rule("static website".into());
    assert_eq!(
        server.post("/v1/mutes", &analyst, &fits).await.status(),
        201
    );
}
