//! Reading an operation's input: the JSON object plugins send, field names of the AWS API
//! reference. The gate has already refused unknown field names; here each field's type is
//! checked (a wrong type is [`AwsCallError::InvalidInput`] naming the field), and required
//! fields are required. JSON `null` counts as absent.

use lgp_aws_api::{AwsCallError, AwsRequest};
use serde_json::{Map, Value};

/// The input of one call.
pub(crate) struct Input<'a> {
    operation: &'a str,
    fields: Option<&'a Map<String, Value>>,
}

impl<'a> Input<'a> {
    /// The input of `request`: a JSON object, or `null` for none.
    pub(crate) fn of(request: &'a AwsRequest) -> Result<Self, AwsCallError> {
        let fields = match &request.input {
            Value::Object(fields) => Some(fields),
            Value::Null => None,
            _ => {
                return Err(AwsCallError::InvalidInput(format!(
                    "the input of {} must be a JSON object",
                    request.operation
                )));
            }
        };
        Ok(Self {
            operation: &request.operation,
            fields,
        })
    }

    fn get(&self, field: &str) -> Option<&'a Value> {
        self.fields
            .and_then(|f| f.get(field))
            .filter(|v| !v.is_null())
    }

    fn wrong_type(&self, field: &str, expected: &str) -> AwsCallError {
        AwsCallError::InvalidInput(format!(
            "the input field `{field}` of {} must be {expected}",
            self.operation
        ))
    }

    /// An optional string field.
    pub(crate) fn string(&self, field: &str) -> Result<Option<String>, AwsCallError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(self.wrong_type(field, "a string")),
        }
    }

    /// A required string field.
    pub(crate) fn required_string(&self, field: &str) -> Result<String, AwsCallError> {
        self.string(field)?.ok_or_else(|| {
            AwsCallError::InvalidInput(format!(
                "{} requires the input field `{field}` (a string)",
                self.operation
            ))
        })
    }

    /// An optional boolean field.
    pub(crate) fn bool(&self, field: &str) -> Result<Option<bool>, AwsCallError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(self.wrong_type(field, "a boolean")),
        }
    }

    /// An optional list-of-strings field.
    pub(crate) fn strings(&self, field: &str) -> Result<Option<Vec<String>>, AwsCallError> {
        match self.get(field) {
            None => Ok(None),
            Some(Value::Array(items)) => items
                .iter()
                .map(|item| item.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
                .map(Some)
                .ok_or_else(|| self.wrong_type(field, "a list of strings")),
            Some(_) => Err(self.wrong_type(field, "a list of strings")),
        }
    }

    /// An optional string field whose value must be one of `allowed` (an SDK enum's
    /// `values()`), converted to that enum.
    pub(crate) fn one_of<T: for<'s> From<&'s str>>(
        &self,
        field: &str,
        allowed: &[&str],
    ) -> Result<Option<T>, AwsCallError> {
        let Some(value) = self.string(field)? else {
            return Ok(None);
        };
        self.check_allowed(field, &value, allowed)?;
        Ok(Some(T::from(value.as_str())))
    }

    /// A required string field whose value must be one of `allowed`.
    pub(crate) fn required_one_of<T: for<'s> From<&'s str>>(
        &self,
        field: &str,
        allowed: &[&str],
    ) -> Result<T, AwsCallError> {
        let value = self.required_string(field)?;
        self.check_allowed(field, &value, allowed)?;
        Ok(T::from(value.as_str()))
    }

    /// An optional list field whose items must each be one of `allowed`.
    pub(crate) fn list_of<T: for<'s> From<&'s str>>(
        &self,
        field: &str,
        allowed: &[&str],
    ) -> Result<Option<Vec<T>>, AwsCallError> {
        let Some(values) = self.strings(field)? else {
            return Ok(None);
        };
        values
            .iter()
            .map(|v| {
                self.check_allowed(field, v, allowed)
                    .map(|()| T::from(v.as_str()))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    fn check_allowed(
        &self,
        field: &str,
        value: &str,
        allowed: &[&str],
    ) -> Result<(), AwsCallError> {
        if allowed.contains(&value) {
            Ok(())
        } else {
            Err(AwsCallError::InvalidInput(format!(
                "the input field `{field}` of {} must be one of {}; got {value:?}",
                self.operation,
                allowed.join(", ")
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn request(input: Value) -> AwsRequest {
        AwsRequest::new("ec2", "DescribeImages", "us-east-1").with_input(input)
    }

    #[test]
    fn reads_typed_fields() {
        let r =
            request(json!({"Owners": ["self"], "AllRegions": true, "Bucket": "b", "Gone": null}));
        let input = Input::of(&r).expect("accepted");
        assert_eq!(
            input.strings("Owners").expect("accepted"),
            Some(vec!["self".to_owned()])
        );
        assert_eq!(input.bool("AllRegions").expect("accepted"), Some(true));
        assert_eq!(
            input.string("Bucket").expect("accepted").as_deref(),
            Some("b")
        );
        assert_eq!(input.string("Gone").expect("accepted"), None);
        assert_eq!(input.string("Missing").expect("accepted"), None);
        let e = input.string("Owners").expect_err("refused");
        assert!(
            matches!(&e, AwsCallError::InvalidInput(m) if m.contains("`Owners`") && m.contains("a string")),
            "{e}"
        );
        let e = input.required_string("ImageId").expect_err("refused");
        assert!(
            matches!(&e, AwsCallError::InvalidInput(m) if m.contains("requires")),
            "{e}"
        );
    }

    #[test]
    fn checks_enum_values() {
        let r = request(json!({"Attribute": "userData", "Filter": ["User", "Nope"]}));
        let input = Input::of(&r).expect("accepted");
        let attr: String = input
            .required_one_of("Attribute", &["userData", "groupSet"])
            .expect("accepted");
        assert_eq!(attr, "userData");
        let e = input
            .list_of::<String>("Filter", &["User", "Role"])
            .expect_err("refused");
        assert!(
            matches!(&e, AwsCallError::InvalidInput(m) if m.contains("\"Nope\"")),
            "{e}"
        );
        assert!(Input::of(&request(json!([1]))).is_err());
        assert!(Input::of(&request(Value::Null)).is_ok());
    }
}
