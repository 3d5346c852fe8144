//! The tenant's alert settings, read from the plugin's state: the severity threshold and the
//! per-severity deadlines. A setting that cannot be read is logged and its default used: a typo
//! in the configuration must not silence alerts.

use crate::kv::KeyValue;
use lgp_sdk::{HostError, Severity, log};
use serde::Deserialize;
use std::collections::BTreeMap;

/// State key of the severity threshold: a severity name (`medium`, or the JSON `"medium"`).
pub const THRESHOLD_KEY: &str = "config/threshold";
/// State key of the deadlines: a JSON object from severity to hours, e.g.
/// `{"critical": 12, "low": 720}`; `null` removes a severity's deadline.
pub const DEADLINES_KEY: &str = "config/deadlines";

/// Violations below this severity raise no alert unless the tenant lowers it. HIGH is the
/// architecture's rule: critical and high findings need someone's attention now, the rest is
/// reported in the scan but would bury the alerts that matter.
pub const DEFAULT_THRESHOLD: Severity = Severity::High;

const HOUR: i64 = 3600;

/// How long an alert may stay open before it escalates, by severity, in seconds. A critical
/// exposure should be fixed within the day (24 h), a high one within a working week's first
/// days (72 h), a medium one within a sprint's week (7 d); low and informational findings carry
/// no deadline.
pub const DEFAULT_DEADLINES: [(Severity, i64); 3] = [
    (Severity::Critical, 24 * HOUR),
    (Severity::High, 72 * HOUR),
    (Severity::Medium, 7 * 24 * HOUR),
];

/// The settings in force for one event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// The lowest severity of a violation that opens an alert.
    pub threshold: Severity,
    /// Deadline in seconds by severity; a severity absent has none.
    pub deadlines: BTreeMap<Severity, i64>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            threshold: DEFAULT_THRESHOLD,
            deadlines: DEFAULT_DEADLINES.into_iter().collect(),
        }
    }
}

impl Config {
    /// Reads the tenant's settings; absent or unreadable ones keep their defaults.
    pub fn load(kv: &impl KeyValue) -> Result<Config, HostError> {
        let mut config = Config::default();
        if let Some(raw) = kv.get(THRESHOLD_KEY)? {
            match parse_threshold(&raw) {
                Some(t) => config.threshold = t,
                None => log::warn(&format!(
                    "{THRESHOLD_KEY} is not a severity name; using {DEFAULT_THRESHOLD}"
                )),
            }
        }
        if let Some(raw) = kv.get(DEADLINES_KEY)? {
            match serde_json::from_slice::<BTreeMap<Severity, Option<u32>>>(&raw) {
                Ok(overrides) => {
                    for (severity, hours) in overrides {
                        match hours {
                            Some(h) if h > 0 => {
                                config.deadlines.insert(severity, i64::from(h) * HOUR);
                            }
                            _ => {
                                config.deadlines.remove(&severity);
                            }
                        }
                    }
                }
                Err(e) => log::warn(&format!(
                    "{DEADLINES_KEY} is not an object of severity to hours ({e}); using the defaults"
                )),
            }
        }
        Ok(config)
    }

    /// The deadline of an alert of `severity`, in seconds, if it has one.
    pub fn deadline(&self, severity: Severity) -> Option<i64> {
        self.deadlines.get(&severity).copied()
    }
}

fn parse_threshold(raw: &[u8]) -> Option<Severity> {
    let text = std::str::from_utf8(raw).ok()?.trim();
    let name = text
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .unwrap_or(text);
    Severity::deserialize(serde_json::Value::String(name.to_ascii_lowercase())).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kv::MemoryState;

    fn with(entries: &[(&str, &str)]) -> Config {
        let mut kv = MemoryState::default();
        for (k, v) in entries {
            kv.set(k, v.as_bytes()).expect("set");
        }
        Config::load(&kv).expect("load")
    }

    #[test]
    fn defaults_are_high_and_the_documented_deadlines() {
        let c = with(&[]);
        assert_eq!(c.threshold, Severity::High);
        assert_eq!(c.deadline(Severity::Critical), Some(24 * 3600));
        assert_eq!(c.deadline(Severity::High), Some(72 * 3600));
        assert_eq!(c.deadline(Severity::Medium), Some(7 * 24 * 3600));
        assert_eq!(c.deadline(Severity::Low), None);
    }

    #[test]
    fn settings_override_the_defaults() {
        let c = with(&[
            (THRESHOLD_KEY, "Medium\n"),
            (DEADLINES_KEY, r#"{"high": 48, "medium": null, "low": 720}"#),
        ]);
        assert_eq!(c.threshold, Severity::Medium);
        assert_eq!(c.deadline(Severity::High), Some(48 * 3600));
        assert_eq!(c.deadline(Severity::Medium), None);
        assert_eq!(c.deadline(Severity::Low), Some(720 * 3600));
        assert_eq!(c.deadline(Severity::Critical), Some(24 * 3600));
        assert_eq!(with(&[(THRESHOLD_KEY, "\"low\"")]).threshold, Severity::Low);
    }

    #[test]
    fn unreadable_settings_keep_the_defaults() {
        let c = with(&[(THRESHOLD_KEY, "urgent"), (DEADLINES_KEY, "[1, 2]")]);
        assert_eq!(c, Config::default());
    }
}
