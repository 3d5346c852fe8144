//! The gateway's settings.

use serde::Deserialize;
use std::num::NonZeroU32;
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
    /// Authenticated requests each tenant may make per second, sustained (a WebSocket upgrade
    /// counts as one). The operations endpoints are not limited.
    pub rate_limit_rps: NonZeroU32,
    /// Requests a tenant may make at once above its sustained rate, after being idle.
    pub rate_limit_burst: NonZeroU32,
    /// The largest request body a JSON route accepts, in bytes (413 above it).
    pub body_limit: usize,
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

/// Fifty requests a second: a dashboard polling a dozen listings, or a script paging through
/// findings as fast as it can read them, stays well under it.
pub const DEFAULT_RATE_LIMIT_RPS: NonZeroU32 = NonZeroU32::new(50).expect("non-zero");

/// A hundred requests: a dashboard's first load, which fetches everything at once, passes.
pub const DEFAULT_RATE_LIMIT_BURST: NonZeroU32 = NonZeroU32::new(100).expect("non-zero");

/// One MiB: the largest JSON body the API takes (a mute rule, a webhook) is under a few KB.
pub const DEFAULT_BODY_LIMIT: usize = 1024 * 1024;

/// The environment variable of [`GatewayConfig::rate_limit_rps`].
pub const RATE_LIMIT_RPS_ENV: &str = "LGP_RATE_LIMIT_RPS";

/// The environment variable of [`GatewayConfig::rate_limit_burst`].
pub const RATE_LIMIT_BURST_ENV: &str = "LGP_RATE_LIMIT_BURST";

/// A setting of the environment that is not what it must be.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{name} must be a whole number from 1 to {max}, not {value:?}", max = u32::MAX)]
pub struct BadSetting {
    /// The variable.
    pub name: &'static str,
    /// Its value.
    pub value: String,
}

impl GatewayConfig {
    /// The defaults, with the rate limit taken from `LGP_RATE_LIMIT_RPS` and
    /// `LGP_RATE_LIMIT_BURST` where they are set.
    pub fn from_env() -> Result<Self, BadSetting> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    /// The defaults, with the rate limit taken from the variables `var` answers.
    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, BadSetting> {
        let number = |name: &'static str, default: NonZeroU32| match var(name) {
            None => Ok(default),
            Some(value) => value.trim().parse().map_err(|_| BadSetting { name, value }),
        };
        Ok(GatewayConfig {
            rate_limit_rps: number(RATE_LIMIT_RPS_ENV, DEFAULT_RATE_LIMIT_RPS)?,
            rate_limit_burst: number(RATE_LIMIT_BURST_ENV, DEFAULT_RATE_LIMIT_BURST)?,
            ..GatewayConfig::default()
        })
    }
}

impl Default for GatewayConfig {
    fn default() -> Self {
        GatewayConfig {
            ws_heartbeat: DEFAULT_WS_HEARTBEAT,
            ws_queue: DEFAULT_WS_QUEUE,
            ws_close_timeout: DEFAULT_WS_CLOSE_TIMEOUT,
            readiness_timeout: DEFAULT_READINESS_TIMEOUT,
            rate_limit_rps: DEFAULT_RATE_LIMIT_RPS,
            rate_limit_burst: DEFAULT_RATE_LIMIT_BURST,
            body_limit: DEFAULT_BODY_LIMIT,
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
        assert!(serde_json::from_str::<GatewayConfig>(r#"{"rate_limit_rps": 0}"#).is_err());
    }

    #[test]
    fn the_rate_limit_comes_from_the_environment_where_set() {
        let vars = |rps: &'static str| {
            move |name: &str| match name {
                RATE_LIMIT_RPS_ENV => Some(rps.to_owned()),
                _ => None,
            }
        };
        let config = GatewayConfig::from_vars(vars("7")).expect("config");
        assert_eq!(config.rate_limit_rps.get(), 7);
        assert_eq!(config.rate_limit_burst, DEFAULT_RATE_LIMIT_BURST);
        let zero = GatewayConfig::from_vars(vars("0")).expect_err("zero refused");
        assert_eq!(zero.name, RATE_LIMIT_RPS_ENV);
        assert!(GatewayConfig::from_vars(vars("fast")).is_err());
        assert_eq!(
            GatewayConfig::from_vars(|_| None).expect("config"),
            GatewayConfig::default()
        );
    }
}
