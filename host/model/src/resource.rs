use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::collections::BTreeMap;

/// One cloud resource as collected, normalized across services.
///
/// `properties` stays raw JSON: the host moves resources between collectors, storage and rules
/// without ever needing their service-specific fields, so it never pays to parse them.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Resource {
    /// The resource's ARN.
    pub arn: String,
    /// The kind, `provider:service:type`, e.g. `aws:s3:bucket`.
    pub kind: String,
    /// The owning account id.
    pub account: String,
    /// The region, or `global`.
    pub region: String,
    /// A human name.
    pub name: String,
    /// Tags by key.
    #[serde(default)]
    pub tags: BTreeMap<String, String>,
    /// Service-specific configuration, a JSON object.
    pub properties: Box<RawValue>,
}

impl PartialEq for Resource {
    fn eq(&self, other: &Self) -> bool {
        self.arn == other.arn
            && self.kind == other.kind
            && self.account == other.account
            && self.region == other.region
            && self.name == other.name
            && self.tags == other.tags
            && self.properties.get() == other.properties.get()
    }
}

impl Resource {
    /// The service part of the kind (`s3` for `aws:s3:bucket`), or the whole kind if it has none.
    pub fn service(&self) -> &str {
        self.kind.split(':').nth(1).unwrap_or(&self.kind)
    }
}

/// Why a resource file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum ResourceError {
    /// The text is not a JSON array of resources (or an object with a `resources` array).
    #[error("failed to parse resources")]
    Parse(#[source] serde_json::Error),
    /// A resource lacks a required field or has an empty one.
    #[error("resource #{index} is invalid: {reason}")]
    Invalid {
        /// Position of the resource in the input, from 0.
        index: usize,
        /// What is wrong with it.
        reason: String,
    },
}

/// A scan report or snapshot: resources under a `resources` key, other keys ignored.
#[derive(Deserialize)]
struct Wrapped {
    resources: Vec<Resource>,
}

/// Parses a JSON array of resources, or an object whose `resources` field is one (the shape of a
/// scan report's inventory), and checks that every resource is usable.
pub fn parse_resources(json: &str) -> Result<Vec<Resource>, ResourceError> {
    // Chosen by the first character rather than `#[serde(untagged)]`, which cannot carry the
    // raw `properties` through its buffering.
    let resources = if json.trim_start().starts_with('[') {
        serde_json::from_str::<Vec<Resource>>(json)
    } else {
        serde_json::from_str::<Wrapped>(json).map(|w| w.resources)
    }
    .map_err(ResourceError::Parse)?;
    for (index, r) in resources.iter().enumerate() {
        let reason = if r.arn.is_empty() {
            Some("empty arn".to_owned())
        } else if r.kind.split(':').count() < 3 {
            Some(format!(
                "kind {:?} is not of the form provider:service:type",
                r.kind
            ))
        } else if !r.properties.get().trim_start().starts_with('{') {
            Some(format!("properties of {} are not a JSON object", r.arn))
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(ResourceError::Invalid { index, reason });
        }
    }
    Ok(resources)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_list_and_wrapped_forms() {
        let one = r#"{"arn":"arn:aws:s3:::b","kind":"aws:s3:bucket","account":"1","region":"us-east-1","name":"b","properties":{"x":1}}"#;
        let list = parse_resources(&format!("[{one}]")).expect("list parses");
        let wrapped = parse_resources(&format!(r#"{{"resources":[{one}]}}"#)).expect("wrapped");
        assert_eq!(list, wrapped);
        assert_eq!(list[0].service(), "s3");
        assert_eq!(list[0].properties.get(), r#"{"x":1}"#);
    }

    #[test]
    fn rejects_bad_kind_and_non_object_properties() {
        let bad_kind = r#"[{"arn":"a","kind":"bucket","account":"1","region":"r","name":"n","properties":{}}]"#;
        let err = parse_resources(bad_kind).expect_err("bad kind");
        assert!(err.to_string().contains("provider:service:type"), "{err}");
        let bad_props = r#"[{"arn":"a","kind":"aws:s3:bucket","account":"1","region":"r","name":"n","properties":[1]}]"#;
        let err = parse_resources(bad_props).expect_err("bad properties");
        assert!(err.to_string().contains("not a JSON object"), "{err}");
    }
}
