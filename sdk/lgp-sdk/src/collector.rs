//! Collector plugins: read an account through the host's `aws` capability and submit resources.
//! Export one with [`export_collector!`](crate::export_collector).
//!
//! Per-property failures belong on the resource, not in the return value: put a
//! [`CollectionError`] (see [`AwsError::to_collection_error`]) under `properties.errors` and the
//! rules reading that property report `error` instead of guessing. Outside the host (native
//! builds) [`aws_call`] and [`submit`] fail with [`HostError::Unavailable`].

use crate::host::HostError;
use crate::meta::PluginInfo;
use crate::resource::{CollectionError, Resource, WHOLE_RESOURCE};
use serde_json::Value;
use std::collections::BTreeMap;
use std::fmt;

/// A collector plugin. Its [`PluginInfo::capabilities`] name the AWS operations it calls, e.g.
/// `aws:s3:GetBucketPolicy`.
pub trait CollectorPlugin {
    /// The plugin's description of itself (build it with [`PluginInfo::collector`]).
    fn info() -> PluginInfo;

    /// Collects the scope's resources, handing them to [`submit`] in batches. An `Err` means
    /// the collector itself is broken, not that one call failed.
    fn collect(scope: &ScanScope) -> Result<(), String>;
}

/// What a collector is asked to collect. The host invokes a collector once per region,
/// concurrently; exactly one of those invocations has `include_global` set.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScanScope {
    /// The scan being run.
    pub scan_id: String,
    /// The account being scanned.
    pub account: String,
    /// The regions to collect from.
    pub regions: Vec<String>,
    /// Whether to collect global resources (IAM, the S3 bucket list) in this invocation.
    pub include_global: bool,
}

/// The region name of global services' calls.
pub const GLOBAL: &str = "global";

/// One AWS call, for [`aws_call_batch`].
#[derive(Debug, Clone, PartialEq)]
pub struct AwsRequest {
    /// The service, e.g. `ec2`, `s3`, `iam`.
    pub service: String,
    /// The operation as AWS spells it, e.g. `DescribeInstances`.
    pub operation: String,
    /// The region, or [`GLOBAL`].
    pub region: String,
    /// The input: a JSON object with the field names of the AWS API reference.
    pub input: Value,
}

impl AwsRequest {
    /// A call with an empty input.
    pub fn new(service: &str, operation: &str, region: &str) -> Self {
        Self {
            service: service.to_owned(),
            operation: operation.to_owned(),
            region: region.to_owned(),
            input: Value::Object(Default::default()),
        }
    }

    /// The same call with `input`.
    pub fn input(mut self, input: Value) -> Self {
        self.input = input;
        self
    }
}

/// Why an AWS call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AwsError {
    /// The host refused the call (not allowed, limit reached, bad input, service down).
    Host(HostError),
    /// AWS answered with an error.
    Service {
        /// The AWS error code, e.g. `AccessDenied`, `NoSuchBucketPolicy`.
        code: String,
        /// The error's message.
        message: String,
        /// The host's category of the code (see [`AwsError::category`]).
        category: String,
        /// Whether the code means "not configured" for this operation (see
        /// [`AwsError::is_not_configured`]).
        not_configured: bool,
    },
    /// The host's answer was not a JSON object.
    BadOutput(String),
}

impl fmt::Display for AwsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AwsError::Host(e) => write!(f, "{e}"),
            AwsError::Service { code, message, .. } => write!(f, "aws error {code}: {message}"),
            AwsError::BadOutput(m) => write!(f, "malformed aws output: {m}"),
        }
    }
}

impl std::error::Error for AwsError {}

impl AwsError {
    /// The AWS error code (`AccessDenied`), or the host's reason class (`denied`,
    /// `limit-exceeded`, `invalid-argument`, `unavailable`, `bad-output`).
    pub fn code(&self) -> &str {
        match self {
            AwsError::Service { code, .. } => code,
            AwsError::Host(HostError::Denied(_)) => "denied",
            AwsError::Host(HostError::LimitExceeded(_)) => "limit-exceeded",
            AwsError::Host(HostError::InvalidArgument(_)) => "invalid-argument",
            AwsError::Host(HostError::Unavailable(_)) => "unavailable",
            AwsError::BadOutput(_) => "bad-output",
        }
    }

    /// The category scans count errors by: `access_denied`, `service_not_enabled`,
    /// `parameter_validation`, `service_unavailable`, `resource_not_found` or `other`. AWS
    /// errors carry the host's category; the host's own refusals map onto the same names.
    pub fn category(&self) -> &str {
        match self {
            AwsError::Service { category, .. } => category,
            AwsError::Host(HostError::Denied(_)) => "access_denied",
            AwsError::Host(HostError::LimitExceeded(_) | HostError::Unavailable(_)) => {
                "service_unavailable"
            }
            AwsError::Host(HostError::InvalidArgument(_)) => "parameter_validation",
            AwsError::BadOutput(_) => "other",
        }
    }

    /// Whether AWS answered with error `code`, e.g. `ReportInProgress`.
    pub fn is_service_code(&self, code: &str) -> bool {
        matches!(self, AwsError::Service { code: c, .. } if c == code)
    }

    /// Whether the error is AWS's way of saying "this setting is not configured" for the
    /// operation called (`NoSuchBucketPolicy` on GetBucketPolicy, `NoSuchEntity` on
    /// GetAccountPasswordPolicy…): an answer, not a failure. The host's catalogue decides, so
    /// collectors keep no lists of codes.
    pub fn is_not_configured(&self) -> bool {
        matches!(
            self,
            AwsError::Service {
                not_configured: true,
                ..
            }
        )
    }

    /// The entry to record under `properties.errors` for the property this call was reading.
    pub fn to_collection_error(&self) -> CollectionError {
        let message = match self {
            AwsError::Service { message, .. } => message.clone(),
            other => other.to_string(),
        };
        CollectionError {
            code: self.code().to_owned(),
            category: self.category().to_owned(),
            message: (!message.is_empty()).then_some(message),
        }
    }
}

/// Calls one read-only AWS operation through the host (which holds the credentials) and returns
/// its output, all pages merged. `input` uses the field names of the AWS API reference; global
/// services take region [`GLOBAL`].
pub fn aws_call(
    service: &str,
    operation: &str,
    region: &str,
    input: &Value,
) -> Result<Value, AwsError> {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::bindings::collector::lg_protect::plugin::aws as wit;
        let answer = wit::call(&wit::Request {
            service: service.to_owned(),
            operation: operation.to_owned(),
            region: region.to_owned(),
            input: input.to_string(),
        });
        wasm::answer(answer)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = (service, operation, region, input);
        Err(AwsError::Host(crate::host::no_host("aws")))
    }
}

/// The most calls the host takes in one batch; [`aws_call_batch`] splits longer lists.
pub const MAX_BATCH_CALLS: usize = 256;

/// Makes several calls concurrently through the host and returns their answers in order. Use it
/// for the per-item detail calls of a listing: the host bounds the concurrency.
pub fn aws_call_batch(requests: &[AwsRequest]) -> Vec<Result<Value, AwsError>> {
    #[cfg(target_arch = "wasm32")]
    {
        use crate::bindings::collector::lg_protect::plugin::aws as wit;
        let mut answers = Vec::with_capacity(requests.len());
        for chunk in requests.chunks(MAX_BATCH_CALLS) {
            let wire: Vec<wit::Request> = chunk
                .iter()
                .map(|r| wit::Request {
                    service: r.service.clone(),
                    operation: r.operation.clone(),
                    region: r.region.clone(),
                    input: r.input.to_string(),
                })
                .collect();
            answers.extend(wit::call_batch(&wire).into_iter().map(wasm::answer));
        }
        answers
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        requests
            .iter()
            .map(|_| Err(AwsError::Host(crate::host::no_host("aws"))))
            .collect()
    }
}

#[cfg(target_arch = "wasm32")]
mod wasm {
    use super::AwsError;
    use crate::bindings::collector::lg_protect::plugin::aws as wit;
    use serde_json::Value;

    pub(super) fn answer(answer: Result<String, wit::CallError>) -> Result<Value, AwsError> {
        let output = answer.map_err(|e| match e {
            wit::CallError::Host(h) => AwsError::Host(h.into()),
            wit::CallError::Service(s) => AwsError::Service {
                code: s.code,
                message: s.message,
                category: category_name(s.category).to_owned(),
                not_configured: s.not_configured,
            },
        })?;
        serde_json::from_str(&output).map_err(|e| AwsError::BadOutput(e.to_string()))
    }

    fn category_name(c: wit::ErrorCategory) -> &'static str {
        match c {
            wit::ErrorCategory::AccessDenied => "access_denied",
            wit::ErrorCategory::ServiceNotEnabled => "service_not_enabled",
            wit::ErrorCategory::ParameterValidation => "parameter_validation",
            wit::ErrorCategory::ServiceUnavailable => "service_unavailable",
            wit::ErrorCategory::ResourceNotFound => "resource_not_found",
            wit::ErrorCategory::Other => "other",
        }
    }
}

/// What one call said about one setting: its output, "not configured", or a failure. Use it
/// wherever AWS answers "not configured" with an error code, so those codes never end up under
/// `errors`.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The call's output.
    Found(Value),
    /// AWS answered that the setting is not configured ([`AwsError::is_not_configured`]).
    NotConfigured,
    /// The call failed; the property it reads is not known.
    Failed(AwsError),
}

impl Answer {
    /// Sorts a call's result.
    pub fn of(result: Result<Value, AwsError>) -> Self {
        match result {
            Ok(output) => Answer::Found(output),
            Err(err) if err.is_not_configured() => Answer::NotConfigured,
            Err(err) => Answer::Failed(err),
        }
    }
}

/// Submits a batch of discovered resources; the host publishes them as `inventory.discovered`.
pub fn submit(resources: &[Resource]) -> Result<(), HostError> {
    #[cfg(target_arch = "wasm32")]
    {
        let resources: Vec<_> = resources.iter().map(crate::glue::resource_to_wit).collect();
        crate::bindings::collector::lg_protect::plugin::discovery::submit(&resources)
            .map_err(Into::into)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let _ = resources;
        Err(crate::host::no_host("discovery"))
    }
}

/// Buffers resources and [`submit`]s them in batches, so a collector hands resources over as it
/// goes without one host call per resource. Call [`Submitter::finish`] at the end.
#[derive(Debug)]
pub struct Submitter {
    buffer: Vec<Resource>,
    batch: usize,
    submitted: usize,
}

impl Default for Submitter {
    fn default() -> Self {
        Self::new(Self::DEFAULT_BATCH)
    }
}

impl Submitter {
    /// The default batch size.
    pub const DEFAULT_BATCH: usize = 200;

    /// A submitter handing over `batch` resources at a time.
    pub fn new(batch: usize) -> Self {
        Self {
            buffer: Vec::with_capacity(batch.max(1)),
            batch: batch.max(1),
            submitted: 0,
        }
    }

    /// Adds a resource, submitting the buffer when it is full.
    pub fn push(&mut self, resource: Resource) -> Result<(), HostError> {
        self.buffer.push(resource);
        if self.buffer.len() >= self.batch {
            self.flush()?;
        }
        Ok(())
    }

    /// Submits what is buffered.
    pub fn flush(&mut self) -> Result<(), HostError> {
        if !self.buffer.is_empty() {
            submit(&self.buffer)?;
            self.submitted += self.buffer.len();
            self.buffer.clear();
        }
        Ok(())
    }

    /// Submits the rest and returns how many resources were submitted in all.
    pub fn finish(mut self) -> Result<usize, HostError> {
        self.flush()?;
        Ok(self.submitted)
    }
}

/// AWS's tag list (`[{"Key": "env", "Value": "prod"}]`, as EC2, S3 and IAM return it) as a map.
/// Anything else gives an empty map.
pub fn tags_from_aws(list: Option<&Value>) -> BTreeMap<String, String> {
    list.and_then(Value::as_array)
        .map(|items| {
            items
                .iter()
                .filter_map(|t| {
                    let key = t.get("Key")?.as_str()?;
                    let value = t.get("Value").and_then(Value::as_str).unwrap_or_default();
                    Some((key.to_owned(), value.to_owned()))
                })
                .collect()
        })
        .unwrap_or_default()
}

/// An ARN: `arn:aws:<service>:<region>:<account>:<resource>`; region [`GLOBAL`] is left empty, as
/// AWS writes it for global services.
pub fn arn(service: &str, region: &str, account: &str, resource: &str) -> String {
    let region = if region == GLOBAL { "" } else { region };
    format!("arn:aws:{service}:{region}:{account}:{resource}")
}

/// The placeholder to submit when a listing failed: it stands for every resource of `kind` in
/// `region` (ARN `…:<type>/*`), marked as not collected ([`WHOLE_RESOURCE`]), so every check of
/// that kind reports `error` for the scope instead of the scope silently passing.
pub fn scope_gap(kind: &str, account: &str, region: &str, error: &AwsError) -> Resource {
    let mut parts = kind.split(':').skip(1);
    let service = parts.next().unwrap_or(kind);
    let kind_type = parts.next().unwrap_or("resource");
    let mut gap = Resource::new(
        arn(service, region, account, &format!("{kind_type}/*")),
        kind,
        account,
        region,
        format!("every {kind_type} in {region} (not collected)"),
    );
    gap.record_error(WHOLE_RESOURCE, error.to_collection_error());
    gap
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn denied() -> AwsError {
        AwsError::Service {
            code: "AccessDenied".into(),
            message: "no".into(),
            category: "access_denied".into(),
            not_configured: false,
        }
    }

    #[test]
    fn not_configured_answers_are_not_failures() {
        let no_policy = AwsError::Service {
            code: "NoSuchBucketPolicy".into(),
            message: String::new(),
            category: "resource_not_found".into(),
            not_configured: true,
        };
        assert_eq!(Answer::of(Ok(json!({}))), Answer::Found(json!({})));
        assert_eq!(Answer::of(Err(no_policy)), Answer::NotConfigured);
        assert_eq!(Answer::of(Err(denied())), Answer::Failed(denied()));
    }

    #[test]
    fn errors_carry_the_hosts_category() {
        assert_eq!(denied().to_collection_error().category, "access_denied");
        assert_eq!(denied().to_collection_error().code, "AccessDenied");
        let host = AwsError::Host(HostError::Denied("aws:s3:GetBucketPolicy".into()));
        assert_eq!(host.to_collection_error().category, "access_denied");
        assert_eq!(host.code(), "denied");
        assert!(!denied().is_service_code("NoSuchBucketPolicy"));
        assert!(aws_call("s3", "ListBuckets", GLOBAL, &Value::Null).is_err());
        assert!(aws_call_batch(&[AwsRequest::new("s3", "ListBuckets", GLOBAL)])[0].is_err());
    }

    #[test]
    fn tags_and_arns() {
        let tags = tags_from_aws(Some(
            &json!([{"Key": "env", "Value": "prod"}, {"Key": "x"}]),
        ));
        assert_eq!(tags.get("env").map(String::as_str), Some("prod"));
        assert_eq!(tags.get("x").map(String::as_str), Some(""));
        assert!(tags_from_aws(None).is_empty());
        assert_eq!(arn("iam", GLOBAL, "1", "user/a"), "arn:aws:iam::1:user/a");
    }

    #[test]
    fn a_scope_gap_stands_for_the_scope_and_is_not_collected() {
        let gap = scope_gap("aws:ec2:security-group", "123", "eu-west-1", &denied());
        assert_eq!(gap.arn, "arn:aws:ec2:eu-west-1:123:security-group/*");
        assert_eq!(gap.kind, "aws:ec2:security-group");
        let err = gap
            .ensure_collected("ip_permissions")
            .expect_err("a gap is not collected");
        assert!(err.to_string().contains("AccessDenied"), "{err}");
    }
}
