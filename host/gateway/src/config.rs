//! The gateway's settings.

use serde::Deserialize;
use std::time::Duration;

/// How the gateway serves. Every field has a default; configuration files name only what they
/// change, in milliseconds for durations.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GatewayConfig {
    /// Interval between two WebSocket pings. A client that has not answered the previous ping
    /// by the next one is disconnected as dead.
    #[serde(rename = "ws_heartbeat_ms", with = "millis")]
    pub ws_heartbeat: Duration,
    /// Frames queued for one WebSocket client before it counts as too slow and is dropped.
    pub ws_queue: usize,
    /// How long the closing handshake with a dropped client may take before the connection is
    /// cut.
    #[serde(rename = "ws_close_timeout_ms", with = "millis")]
    pub ws_close_timeout: Duration,
    /// How long each readiness probe (store, bus) may take before it counts as failed.
    #[serde(rename = "readiness_timeout_ms", with = "millis")]
    pub readiness_timeout: Duration,
}

/// Thirty seconds between pings: under the idle timeout of common proxies and load balancers
/// (60 s), so an idle socket stays open, while a dead peer is noticed within a minute.
pub const DEFAULT_WS_HEARTBEAT: Duration = Duration::from_secs(30);

/// 1,024 frames: a scan's burst of events (a few hundred per second) fits in several seconds of
/// a client's stall, and at a few KB an event the queue bounds memory to a few MB per client.
pub const DEFAULT_WS_QUEUE: usize = 1_024;

/// Two seconds: a client that is reading answers a close frame in milliseconds; one that is not
/// reading would hold its connection open forever otherwise.
pub const DEFAULT_WS_CLOSE_TIMEOUT: Duration = Duration::from_secs(2);

/// Two seconds: well under the probe timeouts orchestrators use (Kubernetes: 1 s default, often
/// raised to a few), yet longer than a healthy store or bus takes by orders of magnitude.
pub const DEFAULT_READINESS_TIMEOUT: Duration = Duration::from_secs(2);

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            ws_heartbeat: DEFAULT_WS_HEARTBEAT,
            ws_queue: DEFAULT_WS_QUEUE,
            ws_close_timeout: DEFAULT_WS_CLOSE_TIMEOUT,
            readiness_timeout: DEFAULT_READINESS_TIMEOUT,
        }
    }
}

/// Durations as whole milliseconds.
mod millis {
    use serde::{Deserialize, Deserializer};
    use std::time::Duration;

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_name_only_what_they_change_and_refuse_unknown_fields() {
        let config: GatewayConfig =
            serde_json::from_str(r#"{"ws_heartbeat_ms": 500, "ws_queue": 8}"#).expect("config");
        assert_eq!(config.ws_heartbeat, Duration::from_millis(500));
        assert_eq!(config.ws_queue, 8);
        assert_eq!(config.readiness_timeout, DEFAULT_READINESS_TIMEOUT);
        assert!(serde_json::from_str::<GatewayConfig>(r#"{"ws_heartbeat": 1}"#).is_err());
    }
}
