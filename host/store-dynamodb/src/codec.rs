//! Attribute values in and out of items, SDK errors as [`StoreError`]s, expressions, and the
//! opaque cursors.

use aws_sdk_dynamodb::error::{DisplayErrorContext, SdkError};
use aws_sdk_dynamodb::primitives::Blob;
use aws_sdk_dynamodb::types::AttributeValue;
pub(crate) use lgp_store::Listing;
use lgp_store::{PageRequest, StoreError};
use serde::de::DeserializeOwned;
use std::collections::HashMap;
use time::OffsetDateTime;

/// One DynamoDB item.
pub(crate) type Item = HashMap<String, AttributeValue>;

/// Separates the parts of a composite sort key whose order must be the order of its first part,
/// then its second: it sorts below every character, so `("a", x) < ("ab", y)` holds for the
/// joined strings too.
pub(crate) const SORT_SEP: char = '\u{0}';

/// Separates the tenant from the rest of a composite partition key. Tenant ids never contain it
/// (they are `[a-z0-9_-]`), so the key is unambiguous.
pub(crate) const TENANT_SEP: char = '|';

/// `tenant|rest`: a partition key of a secondary index that stays inside one tenant.
pub(crate) fn tenant_key(tenant: &str, rest: &str) -> String {
    format!("{tenant}{TENANT_SEP}{rest}")
}

/// `first\0second`: a sort key ordered by `first`, then `second`.
pub(crate) fn pair_key(first: &str, second: &str) -> String {
    format!("{first}{SORT_SEP}{second}")
}

/// A string attribute.
pub(crate) fn s(value: impl Into<String>) -> AttributeValue {
    AttributeValue::S(value.into())
}

/// A number attribute.
pub(crate) fn n(value: impl std::fmt::Display) -> AttributeValue {
    AttributeValue::N(value.to_string())
}

/// A binary attribute.
pub(crate) fn b(value: impl Into<Vec<u8>>) -> AttributeValue {
    AttributeValue::B(Blob::new(value))
}

/// A boolean attribute.
pub(crate) fn boolean(value: bool) -> AttributeValue {
    AttributeValue::Bool(value)
}

/// UTC nanoseconds since the epoch: exact, and comparable in condition expressions.
pub(crate) fn nanos(at: OffsetDateTime) -> i128 {
    at.unix_timestamp_nanos()
}

/// A backend failure of `operation`.
pub(crate) fn backend(operation: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::Backend {
        operation,
        message: message.into(),
    }
}

/// Maps an SDK failure to [`StoreError::Backend`], keeping the whole cause chain.
pub(crate) fn sdk_error<E, R>(operation: &'static str, err: SdkError<E, R>) -> StoreError
where
    E: std::error::Error + 'static,
    R: std::fmt::Debug,
{
    backend(operation, DisplayErrorContext(&err).to_string())
}

/// Whether `err` is DynamoDB's `ConditionalCheckFailedException`: a conditional write that did
/// not apply, which the callers turn into a decision, not an error.
pub(crate) fn is_condition_failed<E, R>(err: &SdkError<E, R>) -> bool
where
    E: aws_sdk_dynamodb::error::ProvideErrorMetadata,
{
    err.as_service_error()
        .and_then(|e| e.code())
        .is_some_and(|code| code == "ConditionalCheckFailedException")
}

/// Serializes plain data (records of this crate's own types) to JSON text.
pub(crate) fn to_json<T: serde::Serialize>(
    operation: &'static str,
    value: &T,
) -> Result<String, StoreError> {
    serde_json::to_string(value)
        .map_err(|err| backend(operation, format!("cannot encode JSON: {err}")))
}

/// Typed reads of an item's attributes; a missing or mistyped attribute is a corrupt item.
pub(crate) struct Reader<'a> {
    operation: &'static str,
    item: &'a Item,
}

impl<'a> Reader<'a> {
    /// Reads `item` on behalf of `operation`.
    pub(crate) fn new(operation: &'static str, item: &'a Item) -> Self {
        Reader { operation, item }
    }

    fn corrupt(&self, name: &str, why: &str) -> StoreError {
        backend(
            self.operation,
            format!("stored item has {why} attribute {name:?}"),
        )
    }

    fn get(&self, name: &str) -> Result<&'a AttributeValue, StoreError> {
        self.item.get(name).ok_or_else(|| self.corrupt(name, "no"))
    }

    /// A string attribute.
    pub(crate) fn str(&self, name: &str) -> Result<&'a str, StoreError> {
        match self.get(name)? {
            AttributeValue::S(v) => Ok(v),
            _ => Err(self.corrupt(name, "a non-string")),
        }
    }

    /// An optional string attribute (absent or NULL is `None`).
    pub(crate) fn opt_str(&self, name: &str) -> Result<Option<&'a str>, StoreError> {
        match self.item.get(name) {
            None | Some(AttributeValue::Null(_)) => Ok(None),
            Some(AttributeValue::S(v)) => Ok(Some(v)),
            Some(_) => Err(self.corrupt(name, "a non-string")),
        }
    }

    /// A string attribute, owned.
    pub(crate) fn string(&self, name: &str) -> Result<String, StoreError> {
        self.str(name).map(str::to_owned)
    }

    /// A number attribute.
    pub(crate) fn num<T: std::str::FromStr>(&self, name: &str) -> Result<T, StoreError> {
        match self.get(name)? {
            AttributeValue::N(v) => v.parse().map_err(|_| self.corrupt(name, "an out-of-range")),
            _ => Err(self.corrupt(name, "a non-number")),
        }
    }

    /// A boolean attribute.
    pub(crate) fn boolean(&self, name: &str) -> Result<bool, StoreError> {
        match self.get(name)? {
            AttributeValue::Bool(v) => Ok(*v),
            _ => Err(self.corrupt(name, "a non-boolean")),
        }
    }

    /// A binary attribute.
    pub(crate) fn bytes(&self, name: &str) -> Result<&'a [u8], StoreError> {
        match self.get(name)? {
            AttributeValue::B(v) => Ok(v.as_ref()),
            _ => Err(self.corrupt(name, "a non-binary")),
        }
    }

    /// A time stored by [`nanos`].
    pub(crate) fn time(&self, name: &str) -> Result<OffsetDateTime, StoreError> {
        let n: i128 = self.num(name)?;
        OffsetDateTime::from_unix_timestamp_nanos(n)
            .map_err(|_| self.corrupt(name, "an invalid time"))
    }

    /// An optional time stored by [`nanos`].
    pub(crate) fn opt_time(&self, name: &str) -> Result<Option<OffsetDateTime>, StoreError> {
        match self.item.get(name) {
            None | Some(AttributeValue::Null(_)) => Ok(None),
            Some(_) => self.time(name).map(Some),
        }
    }

    /// A JSON document in a string attribute.
    pub(crate) fn json<T: DeserializeOwned>(&self, name: &str) -> Result<T, StoreError> {
        serde_json::from_str(self.str(name)?).map_err(|_| self.corrupt(name, "an undecodable"))
    }

    /// A map of numbers.
    pub(crate) fn counts(
        &self,
        name: &str,
    ) -> Result<std::collections::BTreeMap<String, u64>, StoreError> {
        match self.get(name)? {
            AttributeValue::M(map) => map
                .iter()
                .map(|(k, v)| match v {
                    AttributeValue::N(text) => text
                        .parse()
                        .map(|n| (k.clone(), n))
                        .map_err(|_| self.corrupt(name, "an out-of-range count in")),
                    _ => Err(self.corrupt(name, "a non-number count in")),
                })
                .collect(),
            _ => Err(self.corrupt(name, "a non-map")),
        }
    }
}

/// The names and values of one expression: every attribute is named through a placeholder, so
/// DynamoDB's several hundred reserved words (`status`, `size`, `name`…) never clash.
#[derive(Default)]
pub(crate) struct Expr {
    pub(crate) names: HashMap<String, String>,
    pub(crate) values: HashMap<String, AttributeValue>,
}

impl Expr {
    /// The placeholder of attribute `attr`.
    pub(crate) fn name(&mut self, attr: &str) -> String {
        if let Some((placeholder, _)) = self.names.iter().find(|(_, a)| *a == attr) {
            return placeholder.clone();
        }
        let placeholder = format!("#a{}", self.names.len());
        self.names.insert(placeholder.clone(), attr.to_owned());
        placeholder
    }

    /// The placeholder of a new value.
    pub(crate) fn value(&mut self, value: AttributeValue) -> String {
        let placeholder = format!(":v{}", self.values.len());
        self.values.insert(placeholder.clone(), value);
        placeholder
    }

    /// `#attr = :value`.
    pub(crate) fn eq(&mut self, attr: &str, value: AttributeValue) -> String {
        format!("{} = {}", self.name(attr), self.value(value))
    }

    /// The names, or `None` when there are none (DynamoDB rejects an empty map).
    pub(crate) fn names(&self) -> Option<HashMap<String, String>> {
        (!self.names.is_empty()).then(|| self.names.clone())
    }

    /// The values, or `None` when there are none.
    pub(crate) fn values(&self) -> Option<HashMap<String, AttributeValue>> {
        (!self.values.is_empty()).then(|| self.values.clone())
    }
}

/// How many items to read for a page: one more than it holds, to know whether there is more.
pub(crate) fn fetch_count(page: &PageRequest) -> usize {
    page.effective_limit() as usize + 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_keys_sort_by_first_then_second() {
        let mut keys = vec![pair_key("ab", "a"), pair_key("a", "z"), pair_key("a", "b")];
        keys.sort();
        assert_eq!(
            keys,
            [pair_key("a", "b"), pair_key("a", "z"), pair_key("ab", "a")]
        );
    }
}
