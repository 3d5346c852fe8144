//! Which stored version of each plugin runs: the highest enabled one.

use lgp_store::PluginRecord;
use std::collections::BTreeMap;

/// The active version of each plugin name among `records`: the enabled version with the highest
/// semantic version (a version that does not parse, which installation never stores, ranks
/// lowest). Ordered by name.
pub(crate) fn active(records: &[PluginRecord]) -> Vec<&PluginRecord> {
    let mut best: BTreeMap<&str, &PluginRecord> = BTreeMap::new();
    for r in records.iter().filter(|r| r.enabled) {
        match best.get(r.name.as_str()) {
            Some(current) if rank(current) >= rank(r) => {}
            _ => {
                best.insert(&r.name, r);
            }
        }
    }
    best.into_values().collect()
}

fn rank(r: &PluginRecord) -> Option<semver::Version> {
    semver::Version::parse(&r.version).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::OffsetDateTime;

    fn record(name: &str, version: &str, enabled: bool) -> PluginRecord {
        PluginRecord {
            name: name.into(),
            version: version.into(),
            kind: "rule".into(),
            content_hash: String::new(),
            size: 1,
            enabled,
            uploaded_at: OffsetDateTime::UNIX_EPOCH,
        }
    }

    fn versions(records: &[PluginRecord]) -> Vec<(&str, &str)> {
        active(records)
            .into_iter()
            .map(|r| (r.name.as_str(), r.version.as_str()))
            .collect()
    }

    #[test]
    fn the_highest_enabled_version_of_each_name_is_active() {
        let records = [
            record("a", "1.10.0", true),
            record("a", "1.9.0", true),
            record("a", "2.0.0-rc.1", true),
            record("b", "3.0.0", false),
            record("b", "1.0.0", true),
            record("c", "1.0.0", false),
        ];
        // Semantic, not lexical order (1.10 > 1.9; a pre-release of 2.0 is above 1.x).
        assert_eq!(versions(&records), [("a", "2.0.0-rc.1"), ("b", "1.0.0")]);
    }
}
