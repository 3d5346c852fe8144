//! The live event stream over WebSocket.

use crate::support::{Options, PATIENCE, Server, Socket, event, next_event, tenant};
use futures::StreamExt;
use lgp_bus::Bus;
use lgp_events::{Event, EventType};
use lgp_gateway::GatewayConfig;
use lgp_tenant::Role;
use serde_json::json;
use std::time::Duration;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::protocol::frame::coding::CloseCode;
use tokio_tungstenite::tungstenite::{Error, Message};

#[tokio::test]
async fn a_tenants_socket_gets_its_events_in_order_and_no_one_elses() {
    let server = Server::start().await;
    let mut acme = server
        .socket("acme", &server.token("acme", Role::Viewer), "")
        .await;
    let mut bravo = server
        .socket("bravo", &server.token("bravo", Role::Viewer), "")
        .await;
    let published: Vec<Event> = (0..50)
        .map(|n| event("acme", EventType::ALL[n % EventType::ALL.len()], n))
        .collect();
    server
        .bus
        .publish(published.clone())
        .await
        .expect("publish");
    // Published after acme's: had bravo been sent any of acme's, they would come first.
    let bravo_own = event("bravo", EventType::AlertTriggered, 999);
    server
        .bus
        .publish(vec![bravo_own.clone()])
        .await
        .expect("publish");
    for expected in &published {
        let got = next_event(&mut acme).await.expect("acme's event");
        assert_eq!(got["event_id"], expected.event_id.to_string());
        assert_eq!(got["tenant_id"], "acme");
        assert_eq!(got["data"], expected.data);
    }
    let first = next_event(&mut bravo).await.expect("bravo's event");
    assert_eq!(first["event_id"], bravo_own.event_id.to_string());
}

#[tokio::test]
async fn the_types_filter_keeps_only_the_named_types() {
    let server = Server::start().await;
    let token = server.token("acme", Role::Viewer);
    let mut socket = server
        .socket(
            "acme",
            &token,
            "?types=compliance.violation,alert.triggered",
        )
        .await;
    let kinds = [
        EventType::InventoryDiscovered,
        EventType::ComplianceViolation,
        EventType::AlertTriggered,
        EventType::ComplianceResolved,
    ];
    let events: Vec<Event> = (0..40).map(|n| event("acme", kinds[n % 4], n)).collect();
    server.bus.publish(events.clone()).await.expect("publish");
    let wanted: Vec<&Event> = events
        .iter()
        .filter(|e| {
            matches!(
                e.event_type,
                EventType::ComplianceViolation | EventType::AlertTriggered
            )
        })
        .collect();
    for expected in wanted {
        let got = next_event(&mut socket).await.expect("event");
        assert_eq!(got["event_id"], expected.event_id.to_string());
    }
    let bad = server
        .connect(request(
            &server.ws_url("acme", "?types=alert.exploded"),
            Some(&token),
            None,
        ))
        .await;
    assert_eq!(status_of(bad), 400);
}

fn request(
    url: &str,
    bearer: Option<&str>,
    protocols: Option<&str>,
) -> tokio_tungstenite::tungstenite::handshake::client::Request {
    let mut request = url.into_client_request().expect("request");
    if let Some(token) = bearer {
        request.headers_mut().insert(
            "authorization",
            HeaderValue::from_str(&format!("Bearer {token}")).expect("header"),
        );
    }
    if let Some(protocols) = protocols {
        request.headers_mut().insert(
            "sec-websocket-protocol",
            HeaderValue::from_str(protocols).expect("header"),
        );
    }
    request
}

fn status_of(outcome: Result<Socket, Error>) -> u16 {
    match outcome {
        Err(Error::Http(response)) => response.status().as_u16(),
        Err(other) => panic!("handshake failed without an HTTP answer: {other}"),
        Ok(_) => panic!("handshake accepted"),
    }
}

#[tokio::test]
async fn browsers_pass_the_token_as_a_subprotocol_or_query_and_the_tenant_must_match() {
    let server = Server::start().await;
    let token = server.token("acme", Role::Viewer);
    let url = server.ws_url("acme", "");
    let protocols = format!("lgp.v1, bearer.{token}");
    let (mut by_protocol, response) =
        tokio_tungstenite::connect_async(request(&url, None, Some(&protocols)))
            .await
            .expect("subprotocol token accepted");
    assert_eq!(response.headers()["sec-websocket-protocol"], "lgp.v1");
    let mut by_query = server
        .connect(request(
            &server.ws_url("acme", &format!("?token={token}")),
            None,
            None,
        ))
        .await
        .expect("query token accepted");
    let sent = event("acme", EventType::ComplianceViolation, 1);
    server
        .bus
        .publish(vec![sent.clone()])
        .await
        .expect("publish");
    for socket in [&mut by_protocol, &mut by_query] {
        let got = next_event(socket).await.expect("event");
        assert_eq!(got["event_id"], sent.event_id.to_string());
    }

    let cases = [
        (request(&url, None, None), 401),
        (request(&url, Some("not.a.jwt"), None), 401),
        (request(&url, None, Some("lgp.v1, bearer.garbage")), 401),
        (
            request(&server.ws_url("bravo", ""), Some(&token), None),
            403,
        ),
        (
            request(
                &server.ws_url("bravo", &format!("?token={token}")),
                None,
                None,
            ),
            403,
        ),
    ];
    for (n, (request, status)) in cases.into_iter().enumerate() {
        assert_eq!(status_of(server.connect(request).await), status, "case {n}");
    }
}

#[tokio::test]
async fn idle_sockets_are_pinged() {
    let server = Server::start_with(Options {
        config: GatewayConfig {
            ws_heartbeat: Duration::from_millis(50),
            ..GatewayConfig::default()
        },
        ..Options::default()
    })
    .await;
    let mut socket = server
        .socket("acme", &server.token("acme", Role::Viewer), "")
        .await;
    // Reading answers each ping with a pong, so the socket stays open through several.
    let mut pings = 0;
    while pings < 3 {
        let frame = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("a frame in time")
            .expect("socket open")
            .expect("frame");
        if matches!(frame, Message::Ping(_)) {
            pings += 1;
        }
    }
    let sent = event("acme", EventType::AlertTriggered, 1);
    server
        .bus
        .publish(vec![sent.clone()])
        .await
        .expect("publish");
    let got = next_event(&mut socket).await.expect("still connected");
    assert_eq!(got["event_id"], sent.event_id.to_string());
}

/// Events of a round in the slow-client test, and the padding of each: a round is 256 KB, so
/// the socket buffers of a client that does not read fill within some tens of rounds.
const ROUND: usize = 8;
const PAD: usize = 32 * 1024;
/// Rounds before the test gives up on the slow client being dropped (128 MB in all).
const MAX_ROUNDS: usize = 500;

#[tokio::test]
async fn a_client_that_does_not_read_is_dropped_while_a_fast_one_keeps_receiving() {
    let server = Server::start_with(Options {
        config: GatewayConfig {
            ws_queue: 16,
            ws_close_timeout: Duration::from_millis(200),
            ..GatewayConfig::default()
        },
        ..Options::default()
    })
    .await;
    let token = server.token("acme", Role::Viewer);
    let mut slow = server.socket("acme", &token, "").await;
    let fast = server.socket("acme", &token, "").await;
    let (seen_tx, mut seen) = tokio::sync::watch::channel(0usize);
    let reader = tokio::spawn(read_in_order(fast, seen_tx));
    let pad = "x".repeat(PAD);
    let mut published = 0;
    let mut dropped = false;
    for _ in 0..MAX_ROUNDS {
        let batch: Vec<Event> = (published..published + ROUND)
            .map(|n| {
                Event::new(
                    EventType::InventoryDiscovered,
                    tenant("acme"),
                    "test",
                    None,
                    json!({"n": n, "pad": pad}),
                )
            })
            .collect();
        server.bus.publish(batch).await.expect("publish");
        published += ROUND;
        tokio::time::timeout(PATIENCE, seen.wait_for(|n| *n == published))
            .await
            .expect("the fast client keeps up")
            .expect("fast reader running");
        if server
            .metrics()
            .await
            .contains("lgp_ws_disconnects_total{reason=\"slow\"} 1")
        {
            dropped = true;
            break;
        }
    }
    assert!(dropped, "the slow client was never dropped");
    assert!(server.metrics().await.contains("lgp_ws_clients 1\n"));

    let last = Event::new(
        EventType::AlertTriggered,
        tenant("acme"),
        "test",
        None,
        json!({"n": published}),
    );
    server.bus.publish(vec![last]).await.expect("publish");
    published += 1;
    tokio::time::timeout(PATIENCE, seen.wait_for(|n| *n == published))
        .await
        .expect("the fast client still receives")
        .expect("fast reader running");
    reader.abort();

    // The slow client finds what its buffers held, then the end: a 1008 close, or the cut
    // connection when the close frame could not get through its full buffers.
    let mut received = 0;
    loop {
        let frame = tokio::time::timeout(PATIENCE, slow.next())
            .await
            .expect("the slow socket ends");
        match frame {
            Some(Ok(Message::Text(_))) => received += 1,
            Some(Ok(Message::Close(Some(close)))) => {
                assert_eq!(close.code, CloseCode::Policy);
                break;
            }
            Some(Ok(Message::Close(None)) | Err(_)) | None => break,
            Some(Ok(_)) => {}
        }
    }
    assert!(received < published, "the slow client missed events");
}

/// Reads `socket`, checking events arrive numbered in order, and publishes how many it saw.
async fn read_in_order(mut socket: Socket, seen: tokio::sync::watch::Sender<usize>) {
    let mut count = 0;
    while let Some(event) = next_event(&mut socket).await {
        assert_eq!(event["data"]["n"], count, "in order, none missing");
        count += 1;
        seen.send_replace(count);
    }
}

#[tokio::test]
async fn shutdown_closes_sockets_as_going_away() {
    let server = Server::start().await;
    let mut socket = server
        .socket("acme", &server.token("acme", Role::Viewer), "")
        .await;
    let stopping = tokio::spawn(server.stop());
    let close = loop {
        let frame = tokio::time::timeout(PATIENCE, socket.next())
            .await
            .expect("a frame in time")
            .expect("socket open")
            .expect("frame");
        if let Message::Close(close) = frame {
            break close.expect("close frame");
        }
    };
    assert_eq!(close.code, CloseCode::Away);
    drop(socket);
    tokio::time::timeout(PATIENCE, stopping)
        .await
        .expect("stopped in time")
        .expect("stop");
}
