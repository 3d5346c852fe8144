//! The body an endpoint receives, in its format.

use crate::{Envelope, Format};
use serde_json::{Value, json};

/// The exact bytes POSTed to an endpoint of `format` for `envelope` (the bytes that are signed).
pub fn render(format: Format, envelope: &Envelope) -> Vec<u8> {
    let body = match format {
        Format::Json => serde_json::to_value(envelope).unwrap_or(Value::Null),
        Format::Slack => json!({ "text": slack_text(envelope) }),
    };
    body.to_string().into_bytes()
}

/// One line a person reads in a channel: the event, its severity, the tenant and the payload's
/// `message` (or the payload itself when it has none).
fn slack_text(e: &Envelope) -> String {
    let severity = e
        .data
        .get("severity")
        .and_then(Value::as_str)
        .map(|s| format!(" [{}]", s.to_uppercase()))
        .unwrap_or_default();
    let what = match e.data.get("message").and_then(Value::as_str) {
        Some(m) => m.to_owned(),
        None => e.data.to_string(),
    };
    let why = e
        .data
        .get("why")
        .and_then(Value::as_str)
        .map(|w| format!(" (escalated: {w})"))
        .unwrap_or_default();
    escape(&format!(
        "*{}*{severity} tenant {}: {what}{why}",
        e.event_type, e.tenant
    ))
}

/// Slack's message escaping: `&`, `<` and `>` would otherwise start entities and links.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn envelope() -> Envelope {
        Envelope {
            id: "01JD0000000000000000000000".into(),
            event_type: "alert.triggered".into(),
            tenant: "acme".into(),
            timestamp: "2026-11-30T12:00:00Z".into(),
            data: json!({"severity": "high", "message": "bucket <b> & co is public"}),
        }
    }

    #[test]
    fn json_is_the_envelope_and_slack_is_one_escaped_line() {
        let json: Value = serde_json::from_slice(&render(Format::Json, &envelope())).expect("json");
        assert_eq!(json["type"], "alert.triggered");
        assert_eq!(json["tenant"], "acme");
        assert_eq!(json["data"]["severity"], "high");
        let slack: Value =
            serde_json::from_slice(&render(Format::Slack, &envelope())).expect("json");
        assert_eq!(
            slack,
            json!({"text": "*alert.triggered* [HIGH] tenant acme: bucket &lt;b&gt; &amp; co is public"})
        );
    }
}
