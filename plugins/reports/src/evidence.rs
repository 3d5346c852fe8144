//! A result's evidence as it goes into the JSON and OCSF reports: the stored JSON object copied
//! as it is, never re-parsed into a tree; anything else wrapped so the report stays valid.

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;

/// Evidence ready to serialize.
#[derive(Debug, Clone, Copy)]
pub enum Evidence<'a> {
    /// A JSON object, written verbatim.
    Object(&'a RawValue),
    /// No evidence: written as `{}`.
    Empty,
    /// Text that is not a JSON object: written as `{"unparsed": text}`.
    Unparsed(&'a str),
}

impl<'a> Evidence<'a> {
    /// Classifies the stored evidence `text`.
    pub fn of(text: &'a str) -> Self {
        if text.trim().is_empty() {
            return Evidence::Empty;
        }
        match serde_json::from_str::<&RawValue>(text) {
            Ok(raw) if raw.get().starts_with('{') => Evidence::Object(raw),
            _ => Evidence::Unparsed(text),
        }
    }
}

impl Serialize for Evidence<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Evidence::Object(raw) => raw.serialize(s),
            Evidence::Empty => s.serialize_map(Some(0))?.end(),
            Evidence::Unparsed(text) => {
                let mut map = s.serialize_map(Some(1))?;
                map.serialize_entry("unparsed", text)?;
                map.end()
            }
        }
    }
}
