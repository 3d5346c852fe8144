//! Tokens and roles: who may call what.

use crate::support::{ACCOUNT, Options, SECRET, Server, error_code};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{EncodingKey, Header};
use lgp_tenant::Role;
use reqwest::Method;
use serde_json::{Value, json};
use std::time::{SystemTime, UNIX_EPOCH};

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock")
        .as_secs()
}

/// An HS256 token with `claims`, signed with `secret`.
fn signed(claims: &Value, secret: &str) -> String {
    jsonwebtoken::encode(
        &Header::default(),
        claims,
        &EncodingKey::from_secret(secret.as_bytes()).expect("key"),
    )
    .expect("encode")
}

fn claims(exp: u64) -> Value {
    json!({"sub": "mallory", "tenant": "acme", "roles": ["admin"], "exp": exp})
}

#[tokio::test]
async fn refused_tokens_get_401_with_a_challenge_and_a_code() {
    let server = Server::start().await;
    let unsigned = format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(claims(now() + 600).to_string())
    );
    // HS/RS confusion the other way round: a server that verifies HS256 with its secret meets a
    // token signed RS256 with a key of the attacker's (whose public half it might be tricked
    // into using as the HMAC secret).
    let rsa = aws_lc_rs::rsa::KeyPair::generate(aws_lc_rs::rsa::KeySize::Rsa2048).expect("RSA key");
    let der = aws_lc_rs::encoding::AsDer::as_der(&rsa).expect("PKCS#8");
    let pem = format!(
        "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
        base64::engine::general_purpose::STANDARD.encode(der.as_ref())
    );
    let rs256 = jsonwebtoken::encode(
        &Header::new(jsonwebtoken::Algorithm::RS256),
        &claims(now() + 600),
        &EncodingKey::from_rsa_pem(pem.as_bytes()).expect("RSA PEM"),
    )
    .expect("RS256 token");
    let cases = [
        (None, "missing_token"),
        (Some(format!("Bearer {rs256}")), "algorithm_not_allowed"),
        (
            Some("Basic dXNlcjpwdw==".to_owned()),
            "malformed_authorization",
        ),
        (
            Some(format!("Bearer {}", signed(&claims(now() - 3600), SECRET))),
            "token_expired",
        ),
        (
            Some(format!(
                "Bearer {}",
                signed(
                    &claims(now() + 600),
                    "another secret of at least 32 bytes!!"
                )
            )),
            "bad_signature",
        ),
        (Some(format!("Bearer {unsigned}")), "algorithm_not_allowed"),
        (Some("Bearer not.a.jwt".to_owned()), "malformed_token"),
    ];
    for (authorization, code) in cases {
        let mut request = server.http.get(format!("{}/v1/scans", server.base));
        if let Some(value) = &authorization {
            request = request.header("authorization", value);
        }
        let response = request.send().await.expect("request");
        assert_eq!(response.status(), 401, "{code}");
        let challenge = response
            .headers()
            .get("www-authenticate")
            .expect("challenge")
            .to_str()
            .expect("ascii")
            .to_owned();
        assert!(challenge.starts_with("Bearer realm="), "{challenge}");
        assert_eq!(error_code(response).await, code);
    }
}

#[tokio::test]
async fn a_configured_audience_is_enforced() {
    let server = Server::start_with(Options {
        audience: Some("lg-protect".into()),
        ..Options::default()
    })
    .await;
    let mut wrong = claims(now() + 600);
    wrong["aud"] = "someone-else".into();
    let response = server.get("/v1/scans", &signed(&wrong, SECRET)).await;
    assert_eq!(response.status(), 401);
    assert_eq!(error_code(response).await, "wrong_audience");
    let mut right = claims(now() + 600);
    right["aud"] = "lg-protect".into();
    assert_eq!(
        server
            .get("/v1/scans", &signed(&right, SECRET))
            .await
            .status(),
        200
    );
}

/// Each route, the lowest role that may call it, and the body it is sent.
fn routes() -> Vec<(Method, &'static str, Role, Option<Value>)> {
    let mute = json!({"checks": ["s3_*"], "reason": "accepted", "owner": "sec"});
    let webhook =
        json!({"url": "https://hooks.example/lgp", "secret": "a webhook secret of 32 bytes!!!!"});
    vec![
        (Method::GET, "/v1/scans", Role::Viewer, None),
        (
            Method::POST,
            "/v1/scans",
            Role::Analyst,
            Some(json!({"account_id": ACCOUNT})),
        ),
        (Method::GET, "/v1/scans/SCAN", Role::Viewer, None),
        (Method::POST, "/v1/scans/SCAN/cancel", Role::Analyst, None),
        (
            Method::GET,
            "/v1/scans/SCAN/reports/json",
            Role::Viewer,
            None,
        ),
        (Method::GET, "/v1/findings", Role::Viewer, None),
        (
            Method::GET,
            "/v1/findings/no-such-finding",
            Role::Viewer,
            None,
        ),
        (Method::GET, "/v1/inventory", Role::Viewer, None),
        (Method::GET, "/v1/checks", Role::Viewer, None),
        (Method::GET, "/v1/frameworks", Role::Viewer, None),
        (Method::GET, "/v1/alerts", Role::Viewer, None),
        (
            Method::POST,
            "/v1/alerts/alert-1/acknowledge",
            Role::Analyst,
            None,
        ),
        (Method::GET, "/v1/events", Role::Viewer, None),
        (Method::GET, "/v1/mutes", Role::Viewer, None),
        (Method::POST, "/v1/mutes", Role::Analyst, Some(mute)),
        (
            Method::DELETE,
            "/v1/mutes/no-such-rule",
            Role::Analyst,
            None,
        ),
        (Method::GET, "/v1/webhooks", Role::Admin, None),
        (Method::POST, "/v1/webhooks", Role::Admin, Some(webhook)),
        (
            Method::DELETE,
            "/v1/webhooks/no-such-hook",
            Role::Admin,
            None,
        ),
        (Method::GET, "/v1/plugins", Role::Viewer, None),
        // A JSON body: the admin gets as far as the media type check (415).
        (Method::POST, "/v1/plugins", Role::Admin, Some(json!({}))),
        (
            Method::GET,
            "/v1/plugins/acme-rules/1.0.0",
            Role::Viewer,
            None,
        ),
        (
            Method::PATCH,
            "/v1/plugins/acme-rules/1.0.0",
            Role::Admin,
            Some(json!({"enabled": false})),
        ),
        (
            Method::DELETE,
            "/v1/plugins/acme-rules/1.0.0",
            Role::Admin,
            None,
        ),
        (Method::GET, "/v1/accounts", Role::Viewer, None),
        (
            Method::PUT,
            "/v1/accounts/210987654321",
            Role::Admin,
            Some(json!({"name": "staging"})),
        ),
        (Method::GET, "/v1/tenants", Role::PlatformAdmin, None),
        (
            Method::PUT,
            "/v1/tenants/newco",
            Role::PlatformAdmin,
            Some(json!({"name": "NewCo"})),
        ),
    ]
}

#[tokio::test]
async fn each_role_reaches_exactly_its_permitted_routes() {
    // Unlimited rate: the walk makes more requests than a tenant's burst.
    let server = Server::start_with(Options {
        plugins: true,
        config: lgp_gateway::GatewayConfig {
            rate_limit_rps: std::num::NonZeroU32::MAX,
            rate_limit_burst: std::num::NonZeroU32::MAX,
            ..lgp_gateway::GatewayConfig::default()
        },
        ..Options::default()
    })
    .await;
    let scan_id = server.start_scan("acme").await;
    server.record_alert("acme", "alert-1", "open").await;
    for (method, path, lowest, body) in routes() {
        let path = path.replace("SCAN", &scan_id);
        for role in Role::ALL.iter().copied() {
            let mut request = server
                .http
                .request(method.clone(), format!("{}{path}", server.base))
                .bearer_auth(server.token("acme", role));
            if let Some(body) = &body {
                request = request.json(body);
            }
            let response = request.send().await.expect("request");
            let status = response.status().as_u16();
            if role >= lowest {
                assert!(
                    !(400..404).contains(&status) && status < 500,
                    "{role} refused {method} {path}: {status}"
                );
            } else {
                assert_eq!(status, 403, "{role} allowed {method} {path}");
                assert_eq!(error_code(response).await, "forbidden");
            }
        }
    }
}
