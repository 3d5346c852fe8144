//! Reading fields of the host's AWS answers (JSON shaped like the AWS API reference), the way
//! every collector needs: an absent field, an empty string (AWS and emulators answer `""` for
//! "none", e.g. `PublicDnsName`) and an omitted empty list (the host leaves empty lists out) all
//! read as "nothing"; a wrong type never panics.

use serde_json::Value;

/// The non-empty string at `key`.
pub fn text(item: &Value, key: &str) -> Option<String> {
    item.get(key)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

/// The list at `key`; absent reads as empty.
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

/// A policy document as the host hands it over (the JSON text, URL-decoded for IAM) parsed into
/// JSON. Text that is not JSON is kept as the string AWS returned, so a rule reports the bad
/// document instead of it vanishing; an already-parsed object is kept as is; absent is `null`.
pub fn document(v: Option<&Value>) -> Value {
    match v {
        Some(Value::String(text)) => {
            serde_json::from_str(text).unwrap_or_else(|_| Value::String(text.clone()))
        }
        Some(other) => other.clone(),
        None => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn empty_strings_and_absent_lists_read_as_nothing() {
        let v = json!({"PublicDnsName": "", "Id": "x", "N": 3, "On": true,
                       "Groups": [{"GroupId": "sg-1"}, {"GroupName": "n"}]});
        assert_eq!(text(&v, "PublicDnsName"), None);
        assert_eq!(text(&v, "Id").as_deref(), Some("x"));
        assert_eq!(text(&v, "N"), None);
        assert!(list(&v, "Missing").is_empty());
        assert_eq!(texts(&v, "Groups", "GroupId"), ["sg-1"]);
        assert_eq!(
            (int(&v, "N"), flag(&v, "On"), flag(&v, "Id")),
            (Some(3), Some(true), None)
        );
    }

    #[test]
    fn documents_are_parsed_or_kept() {
        assert_eq!(
            document(Some(&json!(r#"{"Statement": []}"#))),
            json!({"Statement": []})
        );
        assert_eq!(document(Some(&json!("{oops"))), json!("{oops"));
        assert_eq!(document(Some(&json!({"a": 1}))), json!({"a": 1}));
        assert_eq!(document(None), Value::Null);
    }
}
