//! Reading AWS's JSON answers: the SDK's field accessors ([`lgp_sdk::fields`]), and the one
//! EC2 needs on top of them.

use lgp_sdk::CollectionError;
use lgp_sdk::collector::AwsError;
use serde_json::Value;
use std::collections::BTreeMap;

pub use lgp_sdk::fields::{flag, int, list, text, texts};

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
    fn a_missing_required_flag_is_not_collected() {
        let v = json!({"Id": "x"});
        let mut errors = BTreeMap::new();
        assert!(!required_flag(&v, "Encrypted", "encrypted", &mut errors));
        assert_eq!(errors["encrypted"].code, "bad-output");
    }
}
