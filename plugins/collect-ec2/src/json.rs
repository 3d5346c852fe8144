//! Reading AWS's JSON answers: the few accessors every kind needs, so that an absent field, an
//! empty string (AWS and emulators answer `""` for "none", e.g. `PublicDnsName`) and an omitted
//! empty list all read the same way.

use lgp_sdk::CollectionError;
use lgp_sdk::collector::AwsError;
use serde_json::Value;
use std::collections::BTreeMap;

/// The non-empty string at `key`.
pub fn text(item: &Value, key: &str) -> Option<String> {
    item.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The list at `key`; absent (the host omits empty lists) reads as empty.
pub fn list<'a>(item: &'a Value, key: &str) -> &'a [Value] {
    item.get(key)
        .and_then(Value::as_array)
        .map_or(&[], Vec::as_slice)
}

/// The boolean at `key`.
pub fn flag(item: &Value, key: &str) -> Option<bool> {
    item.get(key).and_then(Value::as_bool)
}

/// The integer at `key`.
pub fn int(item: &Value, key: &str) -> Option<i64> {
    item.get(key).and_then(Value::as_i64)
}

/// The non-empty strings at `field` of the objects listed at `key` (ids of a list of
/// references, such as `Groups[].GroupId`).
pub fn texts(item: &Value, key: &str, field: &str) -> Vec<String> {
    list(item, key)
        .iter()
        .filter_map(|x| text(x, field))
        .collect()
}

/// The boolean at `key` that AWS always sends; when it is missing the answer is malformed, so
/// `property` is recorded as not collected (and reads `false`) rather than guessed.
pub fn required_flag(
    item: &Value,
    key: &str,
    property: &str,
    errors: &mut BTreeMap<String, CollectionError>,
) -> bool {
    flag(item, key).unwrap_or_else(|| {
        let missing = AwsError::BadOutput(format!("the answer has no {key}"));
        errors.insert(property.to_owned(), missing.to_collection_error());
        false
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_strings_and_absent_lists_read_as_none() {
        let v = json!({"PublicDnsName": "", "Id": "x", "Groups": [{"GroupId": "sg-1"}, {"GroupName": "n"}]});
        assert_eq!(text(&v, "PublicDnsName"), None);
        assert_eq!(text(&v, "Id").as_deref(), Some("x"));
        assert!(list(&v, "Missing").is_empty());
        assert_eq!(texts(&v, "Groups", "GroupId"), ["sg-1"]);
        let mut errors = BTreeMap::new();
        assert!(!required_flag(&v, "Encrypted", "encrypted", &mut errors));
        assert_eq!(errors["encrypted"].code, "bad-output");
    }
}
