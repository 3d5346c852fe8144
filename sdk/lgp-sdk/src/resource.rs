//! Resources as rules see them: [`Resource`] with parsed `properties` and typed getters that say
//! exactly which property was missing or ill-typed, and [`RawResource`], the wire form whose
//! properties are still JSON text.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::BTreeMap;
use std::fmt;

/// The key under `properties` where collectors record the detail calls that failed (see
/// [`CollectionError`]). Every typed getter of [`Resource`] looks here first, so a check whose
/// input could not be collected reports `error` instead of guessing.
pub const ERRORS_KEY: &str = "errors";

/// One cloud resource with its `properties` parsed.
///
/// Its JSON shape is the one the host uses for resource files and reports:
/// `{"arn","kind","account","region","name","tags":{k:v},"properties":{...}}`.
///
/// Property paths are dot-separated keys (`"encryption.algorithm"`); a segment made of digits
/// indexes an array (`"acl.grants.0.permission"`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// The resource's ARN (or a synthetic ARN-like id).
    pub arn: String,
    /// The kind, `provider:service:type`, e.g. `aws:s3:bucket`.
    pub kind: String,
    /// The owning account id.
    pub account: String,
    /// The region, or `global`.
    pub region: String,
    /// A human name (bucket name, user name, instance id).
    pub name: String,
    /// Tags by key.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Service-specific configuration, a JSON object whose schema depends on `kind`.
    pub properties: Value,
}

/// The property name under [`ERRORS_KEY`] that marks a whole resource — or, on a placeholder
/// resource a collector submits when a listing failed, a whole scope — as not collected. Every
/// check that applies to such a resource reports `error`.
pub const WHOLE_RESOURCE: &str = "*";

/// Why a collector could not read one property of a resource, as recorded under
/// `properties.errors.<property>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionError {
    /// The AWS error code or the host's reason, e.g. `AccessDenied`, `Throttling`.
    pub code: String,
    /// The host's category: `access_denied`, `service_not_enabled`, `parameter_validation`,
    /// `service_unavailable`, `resource_not_found` or `other`.
    pub category: String,
    /// Details, when there are any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// Why a property could not be read. Checks return it with `?`; the SDK turns it into an
/// `error` finding that carries this message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropertyError {
    /// The property is absent.
    Missing {
        /// The requested path.
        path: String,
    },
    /// The property is present but not of the expected type or shape.
    WrongType {
        /// The requested path.
        path: String,
        /// What did not match, e.g. `invalid type: integer `3`, expected a string`.
        detail: String,
    },
    /// The collector recorded that it could not read the property (see [`ERRORS_KEY`]).
    NotCollected {
        /// The property the collector could not read.
        property: String,
        /// What the collector recorded.
        error: CollectionError,
    },
    /// The resource's properties are not a JSON object at all.
    Unreadable {
        /// Why they could not be read.
        reason: String,
    },
}

impl fmt::Display for PropertyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PropertyError::Missing { path } => write!(f, "property `{path}` is missing"),
            PropertyError::WrongType { path, detail } => {
                write!(f, "property `{path}` is ill-typed: {detail}")
            }
            PropertyError::NotCollected { property, error } => {
                write!(
                    f,
                    "property `{property}` could not be collected: {} ({})",
                    error.code, error.category
                )?;
                if let Some(message) = &error.message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            PropertyError::Unreadable { reason } => {
                write!(f, "properties are not a JSON object: {reason}")
            }
        }
    }
}

impl std::error::Error for PropertyError {}

/// Looks up a dot-separated path in a JSON value.
pub fn lookup<'v>(root: &'v Value, path: &str) -> Option<&'v Value> {
    if path.is_empty() {
        return Some(root);
    }
    path.split('.').try_fold(root, |v, seg| match v {
        Value::Object(map) => map.get(seg),
        Value::Array(items) => seg.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    })
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

impl Resource {
    /// A resource with empty tags and empty (`{}`) properties.
    pub fn new(
        arn: impl Into<String>,
        kind: impl Into<String>,
        account: impl Into<String>,
        region: impl Into<String>,
        name: impl Into<String>,
    ) -> Self {
        Self {
            arn: arn.into(),
            kind: kind.into(),
            account: account.into(),
            region: region.into(),
            name: name.into(),
            tags: BTreeMap::new(),
            properties: Value::Object(Map::new()),
        }
    }

    /// Adds a tag.
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// Records under [`ERRORS_KEY`] that `property` could not be collected (turning the
    /// properties into an object if they were not one).
    pub fn record_error(&mut self, property: &str, error: CollectionError) {
        if !self.properties.is_object() {
            self.properties = Value::Object(Map::new());
        }
        if let Value::Object(props) = &mut self.properties {
            let errors = props
                .entry(ERRORS_KEY)
                .or_insert_with(|| Value::Object(Map::new()));
            if !errors.is_object() {
                *errors = Value::Object(Map::new());
            }
            if let (Value::Object(errors), Ok(entry)) = (errors, serde_json::to_value(error)) {
                errors.insert(property.to_owned(), entry);
            }
        }
    }

    /// Replaces the properties; `properties` should be a JSON object.
    pub fn with_properties(mut self, properties: Value) -> Self {
        self.properties = properties;
        self
    }

    /// Parses one resource from its JSON form.
    pub fn from_json(json: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(json)
    }

    /// The service part of the kind (`s3` for `aws:s3:bucket`).
    pub fn service(&self) -> &str {
        self.kind.split(':').nth(1).unwrap_or(&self.kind)
    }

    /// The raw value at `path`, without consulting [`ERRORS_KEY`]; `None` when absent.
    pub fn prop(&self, path: &str) -> Option<&Value> {
        lookup(&self.properties, path)
    }

    /// What the collector recorded about `property` under [`ERRORS_KEY`], if anything.
    pub fn collection_error(&self, property: &str) -> Option<CollectionError> {
        let errors = self.properties.get(ERRORS_KEY)?.as_object()?;
        let entry = errors.get(property)?;
        Some(CollectionError::deserialize(entry).unwrap_or_else(|_| {
            CollectionError {
                code: entry
                    .as_str()
                    .map_or_else(|| entry.to_string(), str::to_owned),
                category: "other".to_owned(),
                message: None,
            }
        }))
    }

    /// Fails with [`PropertyError::NotCollected`] when the collector recorded an error for
    /// `path` or for its top-level property.
    pub fn ensure_collected(&self, path: &str) -> Result<(), PropertyError> {
        if self.properties.get(ERRORS_KEY).is_none() {
            return Ok(());
        }
        let top = path.split('.').next().unwrap_or(path);
        for property in [WHOLE_RESOURCE, top, path] {
            if let Some(error) = self.collection_error(property) {
                return Err(PropertyError::NotCollected {
                    property: property.to_owned(),
                    error,
                });
            }
        }
        Ok(())
    }

    /// The value at `path`: an error when it was not collected or is absent. `null` is returned
    /// as is (it usually means "not configured").
    pub fn value(&self, path: &str) -> Result<&Value, PropertyError> {
        self.ensure_collected(path)?;
        self.prop(path).ok_or_else(|| PropertyError::Missing {
            path: path.to_owned(),
        })
    }

    /// The property at `path` deserialized into `T`. Absent is an error even when `T` is an
    /// `Option` (use [`Resource::get_opt`] when absence is acceptable); `null` deserializes as
    /// `None` into an `Option`. Borrowing types such as `&str` work too.
    pub fn get<'a, T: Deserialize<'a>>(&'a self, path: &str) -> Result<T, PropertyError> {
        let value = self.value(path)?;
        T::deserialize(value).map_err(|e| PropertyError::WrongType {
            path: path.to_owned(),
            detail: e.to_string(),
        })
    }

    /// Like [`Resource::get`], but absent or `null` gives `Ok(None)`.
    pub fn get_opt<'a, T: Deserialize<'a>>(
        &'a self,
        path: &str,
    ) -> Result<Option<T>, PropertyError> {
        self.ensure_collected(path)?;
        match self.prop(path) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => T::deserialize(value)
                .map(Some)
                .map_err(|e| PropertyError::WrongType {
                    path: path.to_owned(),
                    detail: e.to_string(),
                }),
        }
    }

    fn typed<'a, T>(
        &'a self,
        path: &str,
        expected: &str,
        pick: impl FnOnce(&'a Value) -> Option<T>,
    ) -> Result<T, PropertyError> {
        let value = self.value(path)?;
        pick(value).ok_or_else(|| PropertyError::WrongType {
            path: path.to_owned(),
            detail: format!("expected {expected}, found {}", type_name(value)),
        })
    }

    /// The string at `path`.
    pub fn prop_str(&self, path: &str) -> Result<&str, PropertyError> {
        self.typed(path, "a string", Value::as_str)
    }

    /// The string at `path`, `None` when absent or `null`.
    pub fn prop_opt_str(&self, path: &str) -> Result<Option<&str>, PropertyError> {
        self.ensure_collected(path)?;
        match self.prop(path) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(PropertyError::WrongType {
                path: path.to_owned(),
                detail: format!("expected a string, found {}", type_name(other)),
            }),
        }
    }

    /// The boolean at `path`.
    pub fn prop_bool(&self, path: &str) -> Result<bool, PropertyError> {
        self.typed(path, "a boolean", Value::as_bool)
    }

    /// The integer at `path`.
    pub fn prop_i64(&self, path: &str) -> Result<i64, PropertyError> {
        self.typed(path, "an integer", Value::as_i64)
    }

    /// The number at `path`.
    pub fn prop_f64(&self, path: &str) -> Result<f64, PropertyError> {
        self.typed(path, "a number", Value::as_f64)
    }

    /// The array at `path`.
    pub fn prop_array(&self, path: &str) -> Result<&[Value], PropertyError> {
        self.typed(path, "an array", |v| v.as_array().map(Vec::as_slice))
    }

    /// The object at `path`.
    pub fn prop_object(&self, path: &str) -> Result<&Map<String, Value>, PropertyError> {
        self.typed(path, "an object", Value::as_object)
    }

    /// Whether `path` is absent or `null`, after checking it was collected.
    pub fn is_unset(&self, path: &str) -> Result<bool, PropertyError> {
        self.ensure_collected(path)?;
        Ok(matches!(self.prop(path), None | Some(Value::Null)))
    }
}

/// A resource in its wire form: properties are still JSON text. This is what the host hands a
/// rule; [`RawResource::parse`] turns it into a [`Resource`].
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RawResource {
    /// The resource's ARN.
    pub arn: String,
    /// The kind, `provider:service:type`.
    pub kind: String,
    /// The owning account id.
    pub account: String,
    /// The region, or `global`.
    pub region: String,
    /// A human name.
    pub name: String,
    /// Tags as key/value pairs.
    pub tags: Vec<(String, String)>,
    /// Service-specific configuration as JSON text (should be an object).
    pub properties: String,
}

impl RawResource {
    /// Parses the properties and moves everything else into a [`Resource`].
    pub fn parse(self) -> Result<Resource, PropertyError> {
        let properties = self.parse_properties()?;
        Ok(self.into_resource(properties))
    }

    /// Parses the properties text, insisting on a JSON object.
    pub fn parse_properties(&self) -> Result<Value, PropertyError> {
        parse_properties(&self.properties)
    }

    /// Moves the header fields into a [`Resource`] with the given parsed `properties`.
    pub fn into_resource(self, properties: Value) -> Resource {
        Resource {
            arn: self.arn,
            kind: self.kind,
            account: self.account,
            region: self.region,
            name: self.name,
            tags: self.tags.into_iter().collect(),
            properties,
        }
    }
}

/// Parses properties text, insisting on a JSON object.
pub fn parse_properties(text: &str) -> Result<Value, PropertyError> {
    match serde_json::from_str::<Value>(text) {
        Ok(v @ Value::Object(_)) => Ok(v),
        Ok(other) => Err(PropertyError::Unreadable {
            reason: format!("found {}", type_name(&other)),
        }),
        Err(e) => Err(PropertyError::Unreadable {
            reason: e.to_string(),
        }),
    }
}

impl From<&Resource> for RawResource {
    fn from(r: &Resource) -> Self {
        RawResource {
            arn: r.arn.clone(),
            kind: r.kind.clone(),
            account: r.account.clone(),
            region: r.region.clone(),
            name: r.name.clone(),
            tags: r.tags.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
            properties: r.properties.to_string(),
        }
    }
}

impl From<Resource> for RawResource {
    fn from(r: Resource) -> Self {
        let properties = r.properties.to_string();
        RawResource {
            arn: r.arn,
            kind: r.kind,
            account: r.account,
            region: r.region,
            name: r.name,
            tags: r.tags.into_iter().collect(),
            properties,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn bucket(props: Value) -> Resource {
        Resource::new("arn:aws:s3:::b", "aws:s3:bucket", "1", "us-east-1", "b")
            .with_properties(props)
    }

    #[test]
    fn json_shape_round_trips() {
        let r = bucket(json!({"x": 1})).with_tag("env", "prod");
        let text = serde_json::to_string(&r).expect("serializes");
        assert_eq!(
            text,
            r#"{"arn":"arn:aws:s3:::b","kind":"aws:s3:bucket","account":"1","region":"us-east-1","name":"b","tags":{"env":"prod"},"properties":{"x":1}}"#
        );
        assert_eq!(Resource::from_json(&text).expect("parses"), r);
        assert_eq!(r.service(), "s3");
    }

    #[test]
    fn typed_getters_name_the_property() {
        let r = bucket(
            json!({"encryption": {"algorithm": "AES256", "bucket_key_enabled": "yes"},
                              "grants": [{"permission": "READ"}], "policy": null}),
        );
        assert_eq!(r.prop_str("encryption.algorithm"), Ok("AES256"));
        assert_eq!(r.prop_str("grants.0.permission"), Ok("READ"));
        let err = r
            .prop_bool("encryption.bucket_key_enabled")
            .expect_err("ill-typed");
        assert_eq!(
            err.to_string(),
            "property `encryption.bucket_key_enabled` is ill-typed: expected a boolean, found a string"
        );
        let err = r.prop_str("encryption.kms_key_id").expect_err("missing");
        assert_eq!(
            err.to_string(),
            "property `encryption.kms_key_id` is missing"
        );
        let err = r
            .get::<bool>("encryption.bucket_key_enabled")
            .expect_err("ill-typed");
        assert!(err.to_string().contains("expected a boolean"), "{err}");
        assert_eq!(r.get::<Option<String>>("policy"), Ok(None));
        assert!(r.get::<Option<String>>("absent").is_err());
        assert_eq!(r.get_opt::<String>("absent"), Ok(None));
        assert_eq!(r.get::<&str>("encryption.algorithm"), Ok("AES256"));
        assert_eq!(r.is_unset("policy"), Ok(true));
    }

    #[test]
    fn collection_errors_win_over_values() {
        let r = bucket(json!({"policy": null,
            "errors": {"policy": {"code": "AccessDenied", "category": "permission"}}}));
        let err = r
            .get::<Option<Value>>("policy.Statement")
            .expect_err("not collected");
        assert_eq!(
            err.to_string(),
            "property `policy` could not be collected: AccessDenied (permission)"
        );
        assert!(r.is_unset("policy").is_err());
        assert!(r.get_opt::<Value>("policy").is_err());
    }

    #[test]
    fn raw_resources_parse_once_and_reject_non_objects() {
        let good = RawResource {
            arn: "a".into(),
            kind: "aws:s3:bucket".into(),
            tags: vec![("k".into(), "v".into())],
            properties: r#"{"x":true}"#.into(),
            ..RawResource::default()
        };
        let parsed = good.clone().parse().expect("parses");
        assert_eq!(parsed.prop_bool("x"), Ok(true));
        assert_eq!(parsed.tags.get("k").map(String::as_str), Some("v"));
        assert_eq!(RawResource::from(&parsed), good);
        for bad in ["[1]", "not json", "\"{}\""] {
            let raw = RawResource {
                properties: bad.into(),
                ..good.clone()
            };
            let err = raw.parse().expect_err("not an object");
            assert!(
                matches!(err, PropertyError::Unreadable { .. }),
                "{bad}: {err}"
            );
        }
    }
}
