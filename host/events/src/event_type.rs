use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! catalogue {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// Every event type the platform publishes. The names are the wire names and the
        /// `event-type` strings of the plugin contract.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum EventType {
            $($(#[$doc])* $variant,)*
        }

        impl EventType {
            /// The whole catalogue.
            pub const ALL: &'static [EventType] = &[$(EventType::$variant,)*];

            /// The wire name, e.g. `compliance.violation`.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(EventType::$variant => $name,)*
                }
            }
        }

        impl FromStr for EventType {
            type Err = UnknownEventType;
            fn from_str(s: &str) -> Result<Self, UnknownEventType> {
                match s {
                    $($name => Ok(EventType::$variant),)*
                    other => Err(UnknownEventType(other.to_owned())),
                }
            }
        }
    };
}

catalogue! {
    /// A batch of resources was collected.
    InventoryDiscovered = "inventory.discovered",
    /// Resources were added, removed or modified since the previous scan.
    InventoryChanged = "inventory.changed",
    /// Collection of a scan started.
    InventoryScanStarted = "inventory.scan.started",
    /// Collection of a scan finished.
    InventoryScanCompleted = "inventory.scan.completed",
    /// A check result newly fails.
    ComplianceViolation = "compliance.violation",
    /// A failing result passes again, or its resource disappeared.
    ComplianceResolved = "compliance.resolved",
    /// Evaluation of a scan started.
    ComplianceScanStarted = "compliance.scan.started",
    /// Every finding of a scan is stored.
    ComplianceScanCompleted = "compliance.scan.completed",
    /// Data is reachable by anyone.
    SecurityThreat = "security.threat",
    /// A threat or misconfiguration is gone.
    SecurityResolved = "security.resolved",
    /// A data store is configured weakly.
    SecurityMisconfiguration = "security.misconfiguration",
    /// An alert was opened.
    AlertTriggered = "alert.triggered",
    /// An alert was resolved.
    AlertResolved = "alert.resolved",
    /// An alert was escalated.
    AlertEscalated = "alert.escalated",
    /// A host component started.
    SystemServiceStarted = "system.service.started",
    /// A host component stopped.
    SystemServiceStopped = "system.service.stopped",
    /// A periodic health report.
    SystemServiceHealth = "system.service.health",
    /// A component or plugin failed.
    SystemServiceError = "system.service.error",
    /// A report was rendered and stored.
    ReportGenerated = "report.generated",
}

/// A string that names no event type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown event type {0:?}")]
pub struct UnknownEventType(pub String);

impl EventType {
    /// The part before the first dot: `inventory`, `compliance`, `security`, `alert`, `system`,
    /// `report`.
    pub fn category(self) -> &'static str {
        let name = self.as_str();
        name.split('.').next().unwrap_or(name)
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for EventType {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for EventType {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_round_trips_and_is_unique() {
        let mut names = std::collections::HashSet::new();
        for t in EventType::ALL {
            assert!(names.insert(t.as_str()), "duplicate {t}");
            assert_eq!(t.as_str().parse::<EventType>(), Ok(*t));
            let json = serde_json::to_string(t).expect("serialize");
            assert_eq!(
                serde_json::from_str::<EventType>(&json).expect("deserialize"),
                *t
            );
        }
        assert_eq!(EventType::ALL.len(), 19);
        assert_eq!(
            "alert.exploded".parse::<EventType>(),
            Err(UnknownEventType("alert.exploded".into()))
        );
        assert_eq!(EventType::ComplianceScanCompleted.category(), "compliance");
    }
}
