//! Delivering one notification to one endpoint: in a background task, signed, retried with
//! backoff, and recorded after every attempt.

use crate::{
    DELIVERY_HEADER, EVENT_HEADER, RetryPolicy, SIGNATURE_HEADER, Webhook, persist, render, sign,
};
use bytes::Bytes;
use http_body_util::Full;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use lgp_events::{EventId, TenantId};
use lgp_store::Store;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Instant;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::watch;

/// Longest error text kept in an attempt's record.
const MAX_ERROR_CHARS: usize = 300;

/// What an endpoint receives (in [`Format::Json`](crate::Format::Json); the Slack format is
/// rendered from it). Deterministic for a given cause, so a redelivered cause produces the same
/// envelope, the same delivery ids, and no second delivery to an endpoint that already took it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope {
    /// The notification's id (a ULID), the same for every endpoint.
    pub id: String,
    /// The event type, e.g. `alert.triggered`.
    #[serde(rename = "type")]
    pub event_type: String,
    /// The tenant the notification belongs to.
    pub tenant: String,
    /// When the event that caused it was published, RFC 3339 UTC.
    pub timestamp: String,
    /// The payload, as the plugin gave it (for alerts, the alert event's payload).
    pub data: serde_json::Value,
}

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Attempts remain.
    Pending,
    /// The endpoint answered 2xx.
    Delivered,
    /// The endpoint refused it (3xx, 4xx other than 408/429) or every attempt failed.
    Failed,
}

/// One attempt of a delivery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attempt {
    /// When it started, RFC 3339 UTC.
    pub at: String,
    /// The HTTP status answered, if any.
    pub status: Option<u16>,
    /// What went wrong without an answer (timeout, connection refused), if anything.
    pub error: Option<String>,
    /// How long it took, in milliseconds.
    pub millis: u64,
}

/// The record of one notification's delivery to one endpoint, rewritten after each attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// The delivery id (a ULID), sent as `X-LGP-Delivery`.
    pub id: String,
    /// The notification's id (the envelope's).
    pub notification_id: String,
    /// The endpoint's webhook id.
    pub webhook_id: String,
    /// The endpoint's URL.
    pub url: String,
    /// The event type.
    pub event_type: String,
    /// The attempts so far, oldest first.
    pub attempts: Vec<Attempt>,
    /// Where it stands.
    pub outcome: Outcome,
}

/// Sends notifications in the background. Cheap to clone; clones share one HTTP client and one
/// count of deliveries in flight.
#[derive(Clone)]
pub struct Dispatcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
    policy: RetryPolicy,
    in_flight: watch::Sender<usize>,
}

impl std::fmt::Debug for Dispatcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Dispatcher")
            .field("policy", &self.inner.policy)
            .field("in_flight", &self.in_flight())
            .finish()
    }
}

/// An HTTPS-or-HTTP connector trusting the system's roots. Without readable system roots https
/// endpoints fail (and say so in their records) while http ones still work.
fn connector() -> HttpsConnector<HttpConnector> {
    let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
    let builder = match hyper_rustls::HttpsConnectorBuilder::new()
        .with_provider_and_native_roots(provider.clone())
    {
        Ok(b) => b,
        Err(err) => {
            tracing::warn!("no system TLS roots, https webhooks will fail: {err}");
            let config = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .expect("invariant: aws-lc-rs supports the default TLS versions")
                .with_root_certificates(rustls::RootCertStore::empty())
                .with_no_client_auth();
            hyper_rustls::HttpsConnectorBuilder::new().with_tls_config(config)
        }
    };
    builder.https_or_http().enable_http1().build()
}

/// Decrements the in-flight count when a delivery task ends, however it ends.
struct InFlight(watch::Sender<usize>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.send_modify(|n| *n = n.saturating_sub(1));
    }
}

impl Dispatcher {
    /// A dispatcher retrying by `policy`.
    pub fn new(policy: RetryPolicy) -> Self {
        Dispatcher {
            inner: Arc::new(Inner {
                client: Client::builder(TokioExecutor::new()).build(connector()),
                policy,
                in_flight: watch::channel(0).0,
            }),
        }
    }

    /// Deliveries started and not yet finished.
    pub fn in_flight(&self) -> usize {
        *self.inner.in_flight.borrow()
    }

    /// Waits until no delivery is in flight.
    pub async fn idle(&self) {
        let mut rx = self.inner.in_flight.subscribe();
        // The sender lives in `self`, so the channel cannot close while we wait.
        let _ = rx.wait_for(|n| *n == 0).await;
    }

    /// The id of the delivery of `envelope` to `webhook`: derived, so the same notification
    /// caused again reaches the same record.
    fn delivery_id(envelope: &Envelope, webhook: &Webhook) -> String {
        let at = OffsetDateTime::parse(&envelope.timestamp, &Rfc3339)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH);
        EventId::derived(at, format!("{}/{}", envelope.id, webhook.id).as_bytes()).to_string()
    }

    /// Starts delivering `envelope` to `webhook` of `tenant` in a background task and returns at
    /// once. A delivery already recorded as delivered is not sent again.
    pub fn send(
        &self,
        store: Arc<dyn Store>,
        tenant: TenantId,
        envelope: Arc<Envelope>,
        webhook: Webhook,
    ) {
        self.inner.in_flight.send_modify(|n| *n += 1);
        let guard = InFlight(self.inner.in_flight.clone());
        let inner = self.inner.clone();
        tokio::spawn(async move {
            let _guard = guard;
            inner.deliver(&*store, &tenant, &envelope, &webhook).await;
        });
    }
}

/// What one attempt's result means.
enum Verdict {
    Delivered,
    Refused,
    Retry,
}

fn verdict(status: http::StatusCode) -> Verdict {
    if status.is_success() {
        Verdict::Delivered
    } else if status.is_server_error()
        || status == http::StatusCode::REQUEST_TIMEOUT
        || status == http::StatusCode::TOO_MANY_REQUESTS
    {
        Verdict::Retry
    } else {
        Verdict::Refused
    }
}

fn clip(mut text: String) -> String {
    if let Some((cut, _)) = text.char_indices().nth(MAX_ERROR_CHARS) {
        text.truncate(cut);
    }
    text
}

impl Inner {
    async fn deliver(&self, store: &dyn Store, tenant: &TenantId, e: &Envelope, w: &Webhook) {
        let id = Dispatcher::delivery_id(e, w);
        match persist::delivery(store, tenant, &id).await {
            Ok(Some(done)) if done.outcome == Outcome::Delivered => return,
            Ok(_) => {}
            Err(err) => {
                tracing::warn!(%tenant, delivery = %id, "cannot read the delivery record: {err:#}")
            }
        }
        let body = Bytes::from(render(w.format, e));
        let signature = sign::signature(w.secret.as_bytes(), &body);
        let mut record = DeliveryRecord {
            id: id.clone(),
            notification_id: e.id.clone(),
            webhook_id: w.id.clone(),
            url: w.url.clone(),
            event_type: e.event_type.clone(),
            attempts: Vec::new(),
            outcome: Outcome::Pending,
        };
        for n in 1..=self.policy.max_attempts.max(1) {
            let at = OffsetDateTime::now_utc()
                .format(&Rfc3339)
                .unwrap_or_default();
            let started = Instant::now();
            let answer = self.post(w, e, &id, &signature, body.clone()).await;
            let millis = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
            let (status, error, verdict) = match answer {
                Ok(status) => (Some(status.as_u16()), None, verdict(status)),
                Err(err) => (None, Some(clip(err)), Verdict::Retry),
            };
            record.attempts.push(Attempt {
                at,
                status,
                error,
                millis,
            });
            record.outcome = match verdict {
                Verdict::Delivered => Outcome::Delivered,
                Verdict::Refused => Outcome::Failed,
                Verdict::Retry if self.policy.may_retry(n) => Outcome::Pending,
                Verdict::Retry => Outcome::Failed,
            };
            if let Err(err) = persist::record_delivery(store, tenant, &record).await {
                tracing::warn!(%tenant, delivery = %id, "cannot record the delivery attempt: {err:#}");
            }
            match record.outcome {
                Outcome::Pending => tokio::time::sleep(self.policy.delay(n)).await,
                Outcome::Delivered => {
                    tracing::debug!(%tenant, delivery = %id, webhook = %w.id, attempts = n, "webhook delivered");
                    return;
                }
                Outcome::Failed => {
                    tracing::warn!(%tenant, delivery = %id, webhook = %w.id, attempts = n, ?status, "webhook delivery failed");
                    return;
                }
            }
        }
    }

    /// One POST; the status answered, or why there was none.
    async fn post(
        &self,
        w: &Webhook,
        e: &Envelope,
        delivery: &str,
        signature: &str,
        body: Bytes,
    ) -> Result<http::StatusCode, String> {
        let request = http::Request::post(w.url.as_str())
            .header(http::header::CONTENT_TYPE, "application/json")
            .header(
                http::header::USER_AGENT,
                concat!("lg-protect/", env!("CARGO_PKG_VERSION")),
            )
            .header(SIGNATURE_HEADER, signature)
            .header(EVENT_HEADER, e.event_type.as_str())
            .header(DELIVERY_HEADER, delivery)
            .body(Full::new(body))
            .map_err(|err| format!("cannot build the request: {err}"))?;
        match tokio::time::timeout(self.policy.attempt_timeout, self.client.request(request)).await
        {
            Ok(Ok(response)) => Ok(response.status()),
            Ok(Err(err)) => Err(format!("{err:#}: {}", source_chain(&err))),
            Err(_) => Err(format!(
                "no answer within {} ms",
                self.policy.attempt_timeout.as_millis()
            )),
        }
    }
}

/// The causes of a client error, which hyper keeps out of its own message.
fn source_chain(err: &dyn std::error::Error) -> String {
    let mut parts = Vec::new();
    let mut cause = err.source();
    while let Some(c) = cause {
        parts.push(c.to_string());
        cause = c.source();
    }
    parts.join(": ")
}
