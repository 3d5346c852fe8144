//! A tenant's webhook endpoint: where to send, in which format, for which events, and the secret
//! that signs each body.

use crate::NotifyError;
use lgp_events::EventType;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// Shortest secret accepted: 16 bytes (128 bits) is the HMAC key length below which guessing a
/// secret from signed bodies becomes thinkable; longer is better.
pub const MIN_SECRET_BYTES: usize = 16;

/// Longest secret accepted. HMAC hashes longer keys down to 32 bytes anyway; the bound only keeps
/// a mistaken paste out of the store.
const MAX_SECRET_BYTES: usize = 512;

/// Longest URL accepted, the de-facto limit of browsers and proxies.
const MAX_URL_BYTES: usize = 2_048;

/// The events an endpoint takes when none are named: the alert lifecycle.
pub const DEFAULT_EVENTS: [EventType; 3] = [
    EventType::AlertTriggered,
    EventType::AlertResolved,
    EventType::AlertEscalated,
];

/// The shape of the body an endpoint receives.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// The event envelope as JSON: `id`, `type`, `tenant`, `timestamp`, `data`.
    #[default]
    Json,
    /// A Slack incoming-webhook message, `{"text": ...}` (also understood by Mattermost and
    /// Microsoft Teams' Slack-compatible connectors).
    Slack,
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Format::Json => "json",
            Format::Slack => "slack",
        })
    }
}

/// A webhook as asked for, before validation.
#[derive(Debug, Clone, Default)]
pub struct WebhookSpec {
    /// Where to POST: an `http` or `https` URL with a host. Production endpoints should use
    /// https: the body is signed, not encrypted.
    pub url: String,
    /// The signing secret, at least [`MIN_SECRET_BYTES`] bytes.
    pub secret: String,
    /// The body's shape.
    pub format: Format,
    /// The event types to send; empty means [`DEFAULT_EVENTS`].
    pub events: Vec<String>,
}

/// A validated webhook endpoint of one tenant.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Webhook {
    /// Stable id (a ULID), used to remove it and named in its deliveries.
    pub id: String,
    /// Where to POST.
    pub url: String,
    /// The signing secret. Never printed back in full: see [`Webhook::masked_secret`].
    pub secret: String,
    /// The body's shape.
    pub format: Format,
    /// The event types it takes.
    pub events: Vec<String>,
    /// When it was added.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("secret", &self.masked_secret())
            .field("format", &self.format)
            .field("events", &self.events)
            .finish()
    }
}

fn invalid(field: &'static str, reason: impl Into<String>) -> NotifyError {
    NotifyError::Invalid {
        field,
        reason: reason.into(),
    }
}

impl WebhookSpec {
    /// Checks the spec and gives the webhook a fresh id.
    pub fn validate(self, now: OffsetDateTime) -> Result<Webhook, NotifyError> {
        let url = self.url.trim().to_owned();
        check_url(&url)?;
        if self.secret.len() < MIN_SECRET_BYTES {
            return Err(invalid(
                "secret",
                format!("it must have at least {MIN_SECRET_BYTES} bytes"),
            ));
        }
        if self.secret.len() > MAX_SECRET_BYTES {
            return Err(invalid(
                "secret",
                format!("it must have at most {MAX_SECRET_BYTES} bytes"),
            ));
        }
        let mut events = Vec::new();
        for e in &self.events {
            let t: EventType = e
                .trim()
                .parse()
                .map_err(|err: lgp_events::UnknownEventType| invalid("events", err.to_string()))?;
            if !events.contains(&t.as_str().to_owned()) {
                events.push(t.as_str().to_owned());
            }
        }
        if events.is_empty() {
            events = DEFAULT_EVENTS
                .iter()
                .map(|t| t.as_str().to_owned())
                .collect();
        }
        Ok(Webhook {
            id: ulid::Ulid::from_datetime(now.into()).to_string(),
            url,
            secret: self.secret,
            format: self.format,
            events,
            created_at: now,
        })
    }
}

/// An `http` or `https` URL with a host and no credentials in it.
fn check_url(url: &str) -> Result<(), NotifyError> {
    if url.len() > MAX_URL_BYTES {
        return Err(invalid(
            "url",
            format!("it must have at most {MAX_URL_BYTES} bytes"),
        ));
    }
    let uri: http::Uri = url
        .parse()
        .map_err(|e: http::uri::InvalidUri| invalid("url", e.to_string()))?;
    match uri.scheme_str() {
        Some("http" | "https") => {}
        _ => return Err(invalid("url", "it must start with https:// (or http://)")),
    }
    let authority = uri
        .authority()
        .ok_or_else(|| invalid("url", "it has no host"))?;
    if authority.as_str().contains('@') {
        return Err(invalid(
            "url",
            "credentials do not belong in the URL; the secret signs each body",
        ));
    }
    if authority.host().is_empty() {
        return Err(invalid("url", "it has no host"));
    }
    Ok(())
}

impl Webhook {
    /// Whether the endpoint takes events of `event_type`.
    pub fn takes(&self, event_type: &str) -> bool {
        self.events.iter().any(|e| e == event_type)
    }

    /// The secret as it may be shown: its first two characters and its length.
    pub fn masked_secret(&self) -> String {
        let head: String = self.secret.chars().take(2).collect();
        format!("{head}… ({} bytes)", self.secret.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2026-11-30 12:00 UTC);

    fn spec(url: &str, secret: &str) -> WebhookSpec {
        WebhookSpec {
            url: url.into(),
            secret: secret.into(),
            ..WebhookSpec::default()
        }
    }

    #[test]
    fn accepts_http_and_https_urls_with_a_host_and_defaults_to_alert_events() {
        let w = spec("https://hooks.example.com/lgp", "0123456789abcdef")
            .validate(NOW)
            .expect("valid");
        assert_eq!(
            w.events,
            ["alert.triggered", "alert.resolved", "alert.escalated"]
        );
        assert!(w.takes("alert.escalated") && !w.takes("compliance.violation"));
        assert_eq!(w.format, Format::Json);
        assert_eq!(w.masked_secret(), "01… (16 bytes)");
        assert!(!format!("{w:?}").contains("0123456789abcdef"));
        spec("http://127.0.0.1:8080/hook", "0123456789abcdef")
            .validate(NOW)
            .expect("plain http is allowed");
    }

    #[test]
    fn refuses_bad_urls_short_secrets_and_unknown_events() {
        for url in [
            "ftp://example.com/x",
            "example.com/hook",
            "https:///nohost",
            "https://user:pw@example.com/x",
            "not a url",
        ] {
            let err = spec(url, "0123456789abcdef").validate(NOW);
            assert!(
                matches!(err, Err(NotifyError::Invalid { field: "url", .. })),
                "{url}: {err:?}"
            );
        }
        assert!(matches!(
            spec("https://example.com", "too short").validate(NOW),
            Err(NotifyError::Invalid {
                field: "secret",
                ..
            })
        ));
        let mut s = spec("https://example.com", "0123456789abcdef");
        s.events = vec!["alert.exploded".into()];
        assert!(matches!(
            s.validate(NOW),
            Err(NotifyError::Invalid {
                field: "events",
                ..
            })
        ));
    }
}
