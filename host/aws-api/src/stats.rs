//! Counting a scan's AWS calls and their errors, per service, region, category and code.

use crate::catalogue::Operation;
use crate::{AwsCallError, AwsRequest, ErrorCategory};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// How often one kind of error happened in one place.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorCount {
    /// The service, e.g. `s3`.
    pub service: String,
    /// The region, or `global`.
    pub region: String,
    /// The first operation that failed this way.
    pub operation: String,
    /// The error's category.
    pub category: ErrorCategory,
    /// The AWS error code (or the host's reason).
    pub code: String,
    /// How many calls failed this way.
    pub count: u64,
    /// The first such error's message.
    pub message: String,
}

/// What a set of calls came to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatsSummary {
    /// Calls made.
    pub calls: u64,
    /// Calls answered "not configured" (not errors).
    pub absent: u64,
    /// Errors, sorted by service, region, category and code.
    pub errors: Vec<ErrorCount>,
}

impl StatsSummary {
    /// Errors counted per `<category>/<service>/<region>`, the keys of a scan's error summary.
    pub fn counts_by_scope(&self) -> BTreeMap<String, u64> {
        let mut out = BTreeMap::new();
        for e in &self.errors {
            *out.entry(format!("{}/{}/{}", e.category, e.service, e.region))
                .or_insert(0) += e.count;
        }
        out
    }

    /// Total errors.
    pub fn error_total(&self) -> u64 {
        self.errors.iter().map(|e| e.count).sum()
    }
}

type ErrorKey = (String, String, ErrorCategory, String);

#[derive(Default)]
struct Counts {
    calls: u64,
    absent: u64,
    errors: BTreeMap<ErrorKey, ErrorCount>,
}

/// Thread-safe counters shared by every gate of one scan.
#[derive(Default)]
pub struct CallStats {
    counts: Mutex<Counts>,
}

impl CallStats {
    /// Empty counters.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one finished call.
    pub fn record<T>(
        &self,
        request: &AwsRequest,
        operation: Option<&Operation>,
        result: &Result<T, AwsCallError>,
    ) {
        let mut c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        c.calls += 1;
        let Err(error) = result else { return };
        if operation.is_some_and(|o| o.is_absent_code(error.code())) {
            c.absent += 1;
            return;
        }
        let category = error.category();
        let key = (
            request.service.clone(),
            request.region.clone(),
            category,
            error.code().to_owned(),
        );
        c.errors
            .entry(key)
            .and_modify(|e| e.count += 1)
            .or_insert_with(|| ErrorCount {
                service: request.service.clone(),
                region: request.region.clone(),
                operation: request.operation.clone(),
                category,
                code: error.code().to_owned(),
                count: 1,
                message: error.message().to_owned(),
            });
    }

    /// What has been counted so far.
    pub fn summary(&self) -> StatsSummary {
        let c = self.counts.lock().unwrap_or_else(|p| p.into_inner());
        StatsSummary {
            calls: c.calls,
            absent: c.absent,
            errors: c.errors.values().cloned().collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue;

    #[test]
    fn counts_errors_by_scope_and_skips_absence() {
        let stats = CallStats::new();
        let policy = AwsRequest::new("s3", "GetBucketPolicy", "eu-west-1");
        let op = catalogue::find("s3", "GetBucketPolicy");
        stats.record::<()>(
            &policy,
            op,
            &Err(AwsCallError::service("NoSuchBucketPolicy", "none")),
        );
        stats.record::<()>(
            &policy,
            op,
            &Err(AwsCallError::service("AccessDenied", "no")),
        );
        stats.record::<()>(
            &policy,
            op,
            &Err(AwsCallError::service("AccessDenied", "no again")),
        );
        stats.record(&policy, op, &Ok(()));
        let s = stats.summary();
        assert_eq!((s.calls, s.absent, s.error_total()), (4, 1, 2));
        assert_eq!(s.errors[0].message, "no");
        assert_eq!(
            s.counts_by_scope(),
            BTreeMap::from([("access_denied/s3/eu-west-1".to_owned(), 2)])
        );
    }
}
