//! `GET /ws/{tenant_id}`: the tenant's events, live, as JSON text frames (the event envelope).
//!
//! The token comes from the `Authorization` header or, for browsers (which cannot set headers
//! on a WebSocket), from a `bearer.<token>` entry of `Sec-WebSocket-Protocol` or a `token`
//! query parameter; the path's tenant must be the token's. `?types=a,b` keeps only those event
//! types.
//!
//! Each client has a bounded queue between the tenant's live stream and its socket. A client
//! that lets its queue fill up (or falls behind the live stream itself) is closed with 1008
//! (policy violation) rather than slowing the publisher or anyone else; one that does not
//! answer a ping by the next ping is closed as dead.

use crate::auth;
use crate::extract::{Path, Query};
use crate::metrics::Disconnect;
use crate::{ApiError, AppState};
use axum::extract::State;
use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use futures::stream::SplitSink;
use futures::{SinkExt, StreamExt};
use lgp_bus::LiveStream;
use lgp_events::{Event, EventType};
use lgp_tenant::{AuthError, Claims, Permission};
use serde::Deserialize;
use std::collections::HashSet;
use std::time::Duration;
use tokio::sync::broadcast::error::RecvError;
use tokio::sync::{mpsc, oneshot};
use utoipa::IntoParams;

/// The subprotocol the gateway speaks; clients that offer subprotocols must offer it.
pub const WS_PROTOCOL: &str = "lgp.v1";

/// A `Sec-WebSocket-Protocol` entry starting with this carries the bearer token.
pub const WS_TOKEN_PROTOCOL_PREFIX: &str = "bearer.";

/// Largest message accepted from a client: clients only answer pings and close, so anything
/// bigger is abuse.
const MAX_CLIENT_MESSAGE: usize = 4 * 1024;
/// Read and write buffer of each socket. Clients send only pongs and close frames, and events
/// are a few hundred bytes: tungstenite's 128 KiB defaults made an idle client cost ~140 KiB
/// (benches/api.rs), a small buffer keeps ten thousand sockets cheap.
const SOCKET_BUFFER: usize = 8 * 1024;

/// Shortest ping interval honoured: a zero interval would spin (and tokio refuses it), and
/// pinging more often than this only costs the client.
const MIN_HEARTBEAT: Duration = Duration::from_millis(10);

/// The socket's query parameters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct SocketQuery {
    /// The bearer token, for clients that can set neither headers nor subprotocols.
    token: Option<String>,
    /// Only these event types, comma-separated, e.g. `compliance.violation,alert.triggered`.
    types: Option<String>,
}

/// `GET /ws/{tenant_id}`: upgrades to a WebSocket streaming the tenant's events.
#[utoipa::path(get, path = "/ws/{tenant_id}", tag = "events",
    params(("tenant_id" = String, Path, description = "The token's tenant"), SocketQuery),
    responses(
        (status = 101, description = "Switching protocols: JSON text frames follow, one event envelope each"),
        (status = 401, description = "Missing or invalid token", body = crate::ErrorBody),
        (status = 403, description = "The path's tenant is not the token's", body = crate::ErrorBody)))]
pub(crate) async fn socket(
    State(state): State<AppState>,
    Path(tenant_id): Path<String>,
    Query(query): Query<SocketQuery>,
    headers: HeaderMap,
    upgrade: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Result<Response, ApiError> {
    let claims = authenticate(&state, &headers, &upgrade, query.token.as_deref()).await?;
    if claims.tenant.as_str() != tenant_id {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "tenant_mismatch",
            "the token is for another tenant",
        ));
    }
    claims.require(Permission::Read)?;
    let types = parse_types(query.types.as_deref())?;
    let upgrade = upgrade.map_err(|rejection| {
        ApiError::new(rejection.status(), "not_a_websocket", rejection.body_text())
    })?;
    // Subscribed before the handshake answer leaves, so no event published after the client
    // sees it connected is missed.
    let live = state.bus().live(&claims.tenant);
    tracing::info!(tenant = %claims.tenant, "websocket connected");
    Ok(upgrade
        .protocols([WS_PROTOCOL])
        .max_message_size(MAX_CLIENT_MESSAGE)
        .read_buffer_size(SOCKET_BUFFER)
        .write_buffer_size(SOCKET_BUFFER)
        .on_failed_upgrade(|err| tracing::warn!("websocket handshake failed: {err}"))
        .on_upgrade(move |socket| serve_client(state, socket, live, types)))
}

/// The token from the `Authorization` header, else a `bearer.` subprotocol, else `?token=`.
async fn authenticate(
    state: &AppState,
    headers: &HeaderMap,
    upgrade: &Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
    query_token: Option<&str>,
) -> Result<Claims, ApiError> {
    if headers.contains_key(AUTHORIZATION) {
        return auth::bearer(state, headers).await;
    }
    let from_protocol = upgrade.as_ref().ok().and_then(|u| {
        u.requested_protocols()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .find_map(|p| p.trim().strip_prefix(WS_TOKEN_PROTOCOL_PREFIX))
            .map(str::to_owned)
    });
    match from_protocol.as_deref().or(query_token) {
        Some(token) => auth::token(state, token).await,
        None => Err(AuthError::MissingToken.into()),
    }
}

/// The event types of `?types=`; `None` for every type.
fn parse_types(types: Option<&str>) -> Result<Option<HashSet<EventType>>, ApiError> {
    let Some(types) = types else {
        return Ok(None);
    };
    types
        .split(',')
        .map(|t| t.trim().parse::<EventType>())
        .collect::<Result<HashSet<_>, _>>()
        .map(Some)
        .map_err(|err| ApiError::bad_request("invalid_query", err.to_string()))
}

/// Streams events to one client until it leaves, falls behind, stops answering pings, or the
/// server shuts down.
async fn serve_client(
    state: AppState,
    socket: WebSocket,
    mut live: LiveStream,
    types: Option<HashSet<EventType>>,
) {
    let config = state.config().clone();
    let metrics = state.metrics();
    let counted = metrics.ws_client();
    let (sink, mut incoming) = socket.split();
    let (queue, queued) = mpsc::channel(config.ws_queue.max(1));
    let (close, close_rx) = oneshot::channel();
    let writer = tokio::spawn(write(sink, queued, close_rx, config.ws_close_timeout));
    let mut heartbeat = tokio::time::interval(config.ws_heartbeat.max(MIN_HEARTBEAT));
    heartbeat.tick().await;
    let mut awaiting_pong = false;
    let shutdown = state.shutdown_signal();
    tokio::pin!(shutdown);

    let reason = loop {
        tokio::select! {
            () = &mut shutdown => break Disconnect::Shutdown,
            event = live.recv() => match event {
                Ok(event) => {
                    if types.as_ref().is_some_and(|t| !t.contains(&event.event_type)) {
                        continue;
                    }
                    match frame(&event) {
                        Some(frame) => match queue.try_send(frame) {
                            Ok(()) => metrics.ws_delivered(),
                            Err(mpsc::error::TrySendError::Full(_)) => break Disconnect::Slow,
                            Err(mpsc::error::TrySendError::Closed(_)) => break Disconnect::Client,
                        },
                        None => continue,
                    }
                }
                Err(RecvError::Lagged(_)) => break Disconnect::Slow,
                Err(RecvError::Closed) => break Disconnect::StreamEnded,
            },
            _ = heartbeat.tick() => {
                if awaiting_pong {
                    break Disconnect::Heartbeat;
                }
                match queue.try_send(Message::Ping(Default::default())) {
                    Ok(()) => awaiting_pong = true,
                    Err(mpsc::error::TrySendError::Full(_)) => break Disconnect::Slow,
                    Err(mpsc::error::TrySendError::Closed(_)) => break Disconnect::Client,
                }
            }
            message = incoming.next() => match message {
                Some(Ok(Message::Pong(_))) => awaiting_pong = false,
                Some(Ok(Message::Close(_)) | Err(_)) | None => break Disconnect::Client,
                // Pings are answered by the library; anything else from a client is ignored.
                Some(Ok(_)) => {}
            },
        }
    };
    // No longer a client, though the closing handshake may take a moment.
    drop(counted);
    metrics.ws_disconnected(reason);
    tracing::info!(?reason, "websocket closed");
    let closing = match reason {
        Disconnect::Slow => Some((close_code::POLICY, "client too slow: events dropped")),
        Disconnect::Shutdown => Some((close_code::AWAY, "server shutting down")),
        Disconnect::StreamEnded => Some((close_code::AWAY, "event stream ended")),
        Disconnect::Heartbeat => Some((close_code::POLICY, "no answer to ping")),
        Disconnect::Client => None,
    };
    // The writer stops on either: a close frame to send, or the sender dropped.
    match closing {
        Some((code, reason)) => {
            let _ = close.send(CloseFrame {
                code,
                reason: reason.into(),
            });
        }
        None => drop(close),
    }
    let _ = writer.await;
}

/// The text frame of an event: its envelope as JSON.
fn frame(event: &Event) -> Option<Message> {
    match serde_json::to_string(event) {
        Ok(text) => Some(Message::Text(text.into())),
        Err(err) => {
            tracing::error!(event_id = %event.event_id, "cannot encode event: {err}");
            None
        }
    }
}

/// Writes queued frames to the socket until the queue ends or a close is asked for; a close
/// skips what is still queued, and the closing handshake gets at most `close_timeout` (a client
/// that does not read would never complete it).
async fn write(
    mut sink: SplitSink<WebSocket, Message>,
    mut queued: mpsc::Receiver<Message>,
    mut close: oneshot::Receiver<CloseFrame>,
    close_timeout: Duration,
) {
    loop {
        let next = tokio::select! {
            biased;
            frame = &mut close => return close_with(sink, frame.ok(), close_timeout).await,
            next = queued.recv() => next,
        };
        let Some(message) = next else {
            return;
        };
        tokio::select! {
            biased;
            frame = &mut close => return close_with(sink, frame.ok(), close_timeout).await,
            sent = sink.send(message) => if sent.is_err() {
                return;
            },
        }
    }
}

async fn close_with(
    mut sink: SplitSink<WebSocket, Message>,
    frame: Option<CloseFrame>,
    close_timeout: Duration,
) {
    if let Some(frame) = frame {
        let _ = tokio::time::timeout(close_timeout, sink.send(Message::Close(Some(frame)))).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn type_filters_name_known_types_only() {
        assert_eq!(parse_types(None).expect("none"), None);
        let types = parse_types(Some("compliance.violation, alert.triggered"))
            .expect("types")
            .expect("some");
        assert!(types.contains(&EventType::AlertTriggered));
        assert_eq!(types.len(), 2);
        assert_eq!(
            parse_types(Some("alert.exploded"))
                .expect_err("unknown")
                .code(),
            "invalid_query"
        );
    }
}
