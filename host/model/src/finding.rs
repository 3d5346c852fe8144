use crate::Severity;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::fmt;

/// The outcome of one check on one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    /// The resource satisfies the check.
    Pass,
    /// The resource violates the check.
    Fail,
    /// The input was missing or malformed; the check could not decide.
    Error,
    /// A person has to decide.
    Manual,
}

impl Status {
    /// The lowercase name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Error => "error",
            Status::Manual => "manual",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The result of one check on one resource, as a rule plugin returns it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Finding {
    /// The check that produced it.
    pub check_id: String,
    /// The evaluated resource.
    pub resource_arn: String,
    /// The outcome.
    pub status: Status,
    /// The severity.
    pub severity: Severity,
    /// A sentence naming the resource and what is right or wrong.
    pub message: String,
    /// The property values that decided the outcome, a JSON object.
    pub evidence: Box<RawValue>,
}

impl Finding {
    /// Approximate size in bytes, used to enforce output caps.
    pub fn approx_size(&self) -> usize {
        self.check_id.len()
            + self.resource_arn.len()
            + self.message.len()
            + self.evidence.get().len()
            + 16
    }
}

impl PartialEq for Finding {
    fn eq(&self, other: &Self) -> bool {
        self.check_id == other.check_id
            && self.resource_arn == other.resource_arn
            && self.status == other.status
            && self.severity == other.severity
            && self.message == other.message
            && self.evidence.get() == other.evidence.get()
    }
}
