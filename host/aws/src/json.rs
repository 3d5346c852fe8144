//! SDK values to the JSON the capability answers with: the field names and nesting of the AWS
//! API reference (what boto3 returns).
//!
//! Conventions, the same for every operation: timestamps are RFC 3339 UTC strings, enums are
//! AWS's string values, absent optional fields are omitted, and so are empty lists (a missing
//! list reads as empty). Structures themselves are kept even when empty (`{}`), because their
//! presence can be the answer (an S3 `EventBridgeConfiguration`).

use aws_smithy_types::date_time::Format;
use aws_smithy_types::{Blob, DateTime};
use serde_json::{Map, Value};
use std::collections::HashMap;

/// A value the capability can answer with. [`Value::Null`] means "omit this field".
pub(crate) trait ToJson {
    /// The JSON form of `self`.
    fn to_json(&self) -> Value;
}

impl ToJson for str {
    fn to_json(&self) -> Value {
        Value::String(self.to_owned())
    }
}

impl ToJson for String {
    fn to_json(&self) -> Value {
        self.as_str().to_json()
    }
}

impl ToJson for bool {
    fn to_json(&self) -> Value {
        Value::Bool(*self)
    }
}

impl ToJson for i32 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl ToJson for i64 {
    fn to_json(&self) -> Value {
        Value::from(*self)
    }
}

impl ToJson for DateTime {
    fn to_json(&self) -> Value {
        // Only dates beyond year 9999 fail to format; AWS sends none, and an odd one is dropped
        // rather than failing the whole answer.
        self.fmt(Format::DateTime)
            .map(Value::String)
            .unwrap_or(Value::Null)
    }
}

impl ToJson for Value {
    fn to_json(&self) -> Value {
        self.clone()
    }
}

impl<T: ToJson + ?Sized> ToJson for &T {
    fn to_json(&self) -> Value {
        (**self).to_json()
    }
}

impl<T: ToJson> ToJson for Option<T> {
    fn to_json(&self) -> Value {
        self.as_ref().map_or(Value::Null, ToJson::to_json)
    }
}

impl<T: ToJson> ToJson for [T] {
    fn to_json(&self) -> Value {
        if self.is_empty() {
            Value::Null
        } else {
            Value::Array(self.iter().map(ToJson::to_json).collect())
        }
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn to_json(&self) -> Value {
        self.as_slice().to_json()
    }
}

impl<K: AsRef<str>, V: ToJson, S> ToJson for HashMap<K, V, S> {
    fn to_json(&self) -> Value {
        let mut map: Map<String, Value> = self
            .iter()
            .map(|(k, v)| (k.as_ref().to_owned(), v.to_json()))
            .collect();
        map.retain(|_, v| !v.is_null());
        Value::Object(map)
    }
}

/// Adds `value` to `object` under `key`, unless it is to be omitted.
pub(crate) fn insert(object: &mut Map<String, Value>, key: &str, value: Value) {
    if !value.is_null() {
        object.insert(key.to_owned(), value);
    }
}

/// Implements [`ToJson`] for SDK structures, each as a JSON object built from a list of
/// `"AwsFieldName" => accessor` pairs (`accessor` is the SDK's getter method;
/// `=> accessor as convert` passes the getter's result through the function `convert` first).
macro_rules! json_object {
    (@value $self:ident, $acc:ident) => {
        $crate::json::ToJson::to_json(&$self.$acc())
    };
    (@value $self:ident, $acc:ident, $conv:path) => {
        $crate::json::ToJson::to_json(&$conv($self.$acc()))
    };
    ($($ty:path { $($key:literal => $acc:ident $(as $conv:path)?),* $(,)? })*) => {
        $(
            impl $crate::json::ToJson for $ty {
                // Deprecated members (a lifecycle rule's top-level `Prefix`) are still answered
                // by AWS for older configurations, so they are still projected.
                #[allow(deprecated)]
                fn to_json(&self) -> ::serde_json::Value {
                    #[allow(unused_mut)] // structures without members (S3's `SimplePrefix`)
                    let mut object = ::serde_json::Map::new();
                    $(
                        $crate::json::insert(
                            &mut object,
                            $key,
                            $crate::json::json_object!(@value self, $acc $(, $conv)?),
                        );
                    )*
                    ::serde_json::Value::Object(object)
                }
            }
        )*
    };
}
pub(crate) use json_object;

/// Implements [`ToJson`] for SDK enums: their AWS string value (unknown values included).
macro_rules! json_enum {
    ($($ty:path),* $(,)?) => {
        $(
            impl $crate::json::ToJson for $ty {
                fn to_json(&self) -> ::serde_json::Value {
                    ::serde_json::Value::String(self.as_str().to_owned())
                }
            }
        )*
    };
}
pub(crate) use json_enum;

/// One answer from the pages of a paginated call: list fields concatenated in page order,
/// every other field taken from the first page that has it.
pub(crate) fn merge_pages(pages: impl IntoIterator<Item = Value>) -> Value {
    let mut merged = Map::new();
    for page in pages {
        let Value::Object(fields) = page else {
            continue;
        };
        for (key, value) in fields {
            match (merged.get_mut(&key), value) {
                (Some(Value::Array(all)), Value::Array(more)) => all.extend(more),
                (Some(_), _) => {}
                (None, value) => {
                    merged.insert(key, value);
                }
            }
        }
    }
    Value::Object(merged)
}

/// A blob as UTF-8 text (invalid sequences replaced), for blobs that are text documents such
/// as the IAM credential report's CSV.
pub(crate) fn utf8_text(blob: Option<&Blob>) -> Option<String> {
    blob.map(|b| String::from_utf8_lossy(b.as_ref()).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Thing {
        name: Option<String>,
        tags: Vec<String>,
        count: i32,
        created: DateTime,
    }

    impl Thing {
        fn name(&self) -> Option<&str> {
            self.name.as_deref()
        }
        fn tags(&self) -> &[String] {
            &self.tags
        }
        fn count(&self) -> i32 {
            self.count
        }
        fn created(&self) -> &DateTime {
            &self.created
        }
    }

    fn shout(name: Option<&str>) -> Option<String> {
        name.map(str::to_uppercase)
    }

    json_object! {
        Thing {
            "Name" => name,
            "LoudName" => name as shout,
            "Tags" => tags,
            "Count" => count,
            "Created" => created,
        }
    }

    #[test]
    fn objects_follow_the_conventions() {
        let thing = Thing {
            name: Some("a".into()),
            tags: vec![],
            count: 3,
            created: DateTime::from_secs(1_700_000_000),
        };
        assert_eq!(
            thing.to_json(),
            json!({"Name": "a", "LoudName": "A", "Count": 3, "Created": "2023-11-14T22:13:20Z"})
        );
        let bare = Thing {
            name: None,
            tags: vec!["t".into()],
            ..thing
        };
        assert_eq!(
            bare.to_json(),
            json!({"Tags": ["t"], "Count": 3, "Created": "2023-11-14T22:13:20Z"})
        );
    }

    #[test]
    fn pages_merge_lists_and_keep_the_first_scalars() {
        let merged = merge_pages([
            json!({"Owner": {"ID": "1"}, "Buckets": [1, 2]}),
            json!({"Owner": {"ID": "2"}}),
            json!({"Buckets": [3], "Other": [4]}),
        ]);
        assert_eq!(
            merged,
            json!({"Owner": {"ID": "1"}, "Buckets": [1, 2, 3], "Other": [4]})
        );
    }

    #[test]
    fn maps_and_blobs() {
        let map: HashMap<String, i32> = [("Users".to_owned(), 2)].into();
        assert_eq!(map.to_json(), json!({"Users": 2}));
        let blob = Blob::new("user,arn\nroot,x\n");
        assert_eq!(
            utf8_text(Some(&blob)).as_deref(),
            Some("user,arn\nroot,x\n")
        );
    }
}
