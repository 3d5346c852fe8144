//! Inventory diffs between two scans of an account.

use lgp_store::ResourceVersion;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;

/// A resource present in both scans whose configuration changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModifiedResource {
    /// The resource.
    pub arn: String,
    /// What changed, as dotted paths (`name`, `tags.env`, `properties.encryption.status`).
    pub changed: Vec<String>,
}

/// What changed between two scans (`inventory.changed`'s payload, with the scan id added).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InventoryDiff {
    /// ARNs new in the later scan.
    pub added: Vec<String>,
    /// ARNs gone in the later scan.
    pub removed: Vec<String>,
    /// Resources whose configuration changed.
    pub modified: Vec<ModifiedResource>,
}

impl InventoryDiff {
    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.modified.is_empty()
    }
}

/// Compares the inventories of two scans (each as recorded, any order).
pub fn diff_inventory(before: &[ResourceVersion], after: &[ResourceVersion]) -> InventoryDiff {
    let before: BTreeMap<&str, &ResourceVersion> = before
        .iter()
        .map(|v| (v.resource.arn.as_str(), v))
        .collect();
    let after: BTreeMap<&str, &ResourceVersion> =
        after.iter().map(|v| (v.resource.arn.as_str(), v)).collect();
    let mut diff = InventoryDiff::default();
    for (arn, new) in &after {
        match before.get(arn) {
            None => diff.added.push((*arn).to_owned()),
            Some(old) if old.content_hash != new.content_hash => {
                diff.modified.push(ModifiedResource {
                    arn: (*arn).to_owned(),
                    changed: changed_paths(old, new),
                });
            }
            Some(_) => {}
        }
    }
    diff.removed = before
        .keys()
        .filter(|arn| !after.contains_key(*arn))
        .map(|arn| (*arn).to_owned())
        .collect();
    diff
}

fn as_value(v: &ResourceVersion) -> Value {
    serde_json::to_value(&v.resource).unwrap_or(Value::Null)
}

fn changed_paths(old: &ResourceVersion, new: &ResourceVersion) -> Vec<String> {
    let mut paths = Vec::new();
    walk("", &as_value(old), &as_value(new), &mut paths);
    paths
}

/// Collects the paths where two JSON values differ; objects are descended, anything else
/// (arrays included: a changed rule list is one change) compares whole.
fn walk(prefix: &str, a: &Value, b: &Value, out: &mut Vec<String>) {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let keys: std::collections::BTreeSet<&String> = x.keys().chain(y.keys()).collect();
            for k in keys {
                let path = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                match (x.get(k), y.get(k)) {
                    (Some(va), Some(vb)) => walk(&path, va, vb, out),
                    _ => out.push(path),
                }
            }
        }
        _ if a != b => out.push(prefix.to_owned()),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(arn: &str, props: &str, tags: &str) -> ResourceVersion {
        let json = format!(
            r#"[{{"arn":"{arn}","kind":"aws:s3:bucket","account":"1","region":"us-east-1","name":"n","tags":{tags},"properties":{props}}}]"#
        );
        let resource = lgp_model::parse_resources(&json)
            .expect("resource")
            .remove(0);
        let content_hash = lgp_store::resource_hash(&resource);
        ResourceVersion {
            resource,
            content_hash,
        }
    }

    #[test]
    fn finds_added_removed_and_changed_properties() {
        let before = vec![
            version("a", r#"{"enc":{"status":"enabled"},"v":1}"#, "{}"),
            version("b", r#"{"x":1}"#, "{}"),
            version("c", r#"{"x":1}"#, r#"{"env":"dev"}"#),
        ];
        let after = vec![
            version(
                "a",
                r#"{"enc":{"status":"disabled"},"v":1,"new":true}"#,
                "{}",
            ),
            version("c", r#"{"x":1}"#, r#"{"env":"prod"}"#),
            version("d", r#"{}"#, "{}"),
        ];
        let d = diff_inventory(&before, &after);
        assert_eq!(d.added, vec!["d"]);
        assert_eq!(d.removed, vec!["b"]);
        assert_eq!(
            d.modified,
            vec![
                ModifiedResource {
                    arn: "a".into(),
                    changed: vec!["properties.enc.status".into(), "properties.new".into()],
                },
                ModifiedResource {
                    arn: "c".into(),
                    changed: vec!["tags.env".into()],
                },
            ]
        );
        assert!(diff_inventory(&after, &after).is_empty());
    }
}
