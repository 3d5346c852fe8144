//! Snapshots: every answer a scan got from AWS, recorded to a file and replayed later through
//! the same collectors with no network.
//!
//! A snapshot is a JSON document (gzip-compressed when its name ends in `.gz`, detected by its
//! magic bytes when read):
//!
//! ```json
//! {"format": "lg-protect-aws-snapshot", "version": 1, "account": "123456789012",
//!  "regions": ["eu-west-1", "us-east-1"], "recorded_at": "2026-11-27T10:00:00Z",
//!  "calls": [{"service": "s3", "operation": "GetBucketPolicy", "region": "eu-west-1",
//!             "input": {"Bucket": "b"}, "error": {"code": "NoSuchBucketPolicy", "message": "…"}}]}
//! ```
//!
//! Only AWS's answers are recorded (outputs and service errors); the host's own refusals and
//! network failures are not, so a replay answers those calls "unavailable".

use crate::{AwsApi, AwsCallError, AwsRequest};
use flate2::Compression;
use flate2::read::GzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::io::{Read, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

const FORMAT: &str = "lg-protect-aws-snapshot";
const VERSION: u32 = 1;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Why a snapshot could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    /// The file could not be read or written.
    #[error("snapshot file {path}")]
    Io {
        /// The file.
        path: String,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The content is not a snapshot this version understands.
    #[error("not a valid snapshot: {0}")]
    Invalid(String),
}

/// What AWS answered to one call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SnapshotOutcome {
    /// The call's output.
    Output(Value),
    /// The service error it got.
    Error {
        /// The AWS error code.
        code: String,
        /// AWS's message.
        message: String,
    },
}

/// One recorded call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotCall {
    /// The call.
    #[serde(flatten)]
    pub request: AwsRequest,
    /// Its answer.
    #[serde(flatten)]
    pub outcome: SnapshotOutcome,
}

/// A recorded scan of one account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    format: String,
    version: u32,
    /// The recorded account.
    pub account: String,
    /// The regions the scan covered.
    pub regions: Vec<String>,
    /// When it was recorded (RFC 3339 UTC).
    pub recorded_at: String,
    /// Every call, sorted by service, operation, region and input.
    pub calls: Vec<SnapshotCall>,
}

impl Snapshot {
    /// A snapshot of `calls` (sorted here, so equal recordings give equal files).
    pub fn new(
        account: String,
        regions: Vec<String>,
        recorded_at: String,
        mut calls: Vec<SnapshotCall>,
    ) -> Self {
        calls.sort_by_cached_key(|c| c.request.key());
        Self {
            format: FORMAT.to_owned(),
            version: VERSION,
            account,
            regions,
            recorded_at,
            calls,
        }
    }

    /// Parses a snapshot from its bytes, gzip-compressed or not.
    pub fn from_slice(bytes: &[u8]) -> Result<Self, SnapshotError> {
        let snapshot: Snapshot = if bytes.starts_with(&GZIP_MAGIC) {
            let mut text = Vec::new();
            GzDecoder::new(bytes)
                .read_to_end(&mut text)
                .map_err(|e| SnapshotError::Invalid(format!("bad gzip data: {e}")))?;
            serde_json::from_slice(&text)
        } else {
            serde_json::from_slice(bytes)
        }
        .map_err(|e| SnapshotError::Invalid(e.to_string()))?;
        if snapshot.format != FORMAT || snapshot.version != VERSION {
            return Err(SnapshotError::Invalid(format!(
                "format {:?} version {} (this build reads {FORMAT:?} version {VERSION})",
                snapshot.format, snapshot.version
            )));
        }
        Ok(snapshot)
    }

    /// Reads a snapshot file.
    pub fn read(path: &Path) -> Result<Self, SnapshotError> {
        let bytes = std::fs::read(path).map_err(|source| SnapshotError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_slice(&bytes)
    }

    /// Writes the snapshot, gzip-compressed when the name ends in `.gz`. Written to a temporary
    /// file first and renamed, so a failure never leaves half a snapshot.
    pub fn write(&self, path: &Path) -> Result<(), SnapshotError> {
        let io = |source| SnapshotError::Io {
            path: path.display().to_string(),
            source,
        };
        let json =
            serde_json::to_vec_pretty(self).map_err(|e| SnapshotError::Invalid(e.to_string()))?;
        let bytes = if path.extension().is_some_and(|e| e == "gz") {
            let mut gz = GzEncoder::new(Vec::new(), Compression::best());
            gz.write_all(&json).map_err(io)?;
            gz.finish().map_err(io)?
        } else {
            json
        };
        let tmp = path.with_extension("partial");
        std::fs::write(&tmp, bytes).map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)
    }
}

/// Records what another [`AwsApi`] answers.
pub struct Recorder {
    inner: Arc<dyn AwsApi>,
    calls: Mutex<BTreeMap<String, SnapshotCall>>,
}

impl Recorder {
    /// Records the answers of `inner`.
    pub fn new(inner: Arc<dyn AwsApi>) -> Self {
        Self {
            inner,
            calls: Mutex::new(BTreeMap::new()),
        }
    }

    /// The snapshot of everything recorded so far.
    pub fn snapshot(&self, account: String, regions: Vec<String>, recorded_at: String) -> Snapshot {
        let calls = self.calls.lock().unwrap_or_else(|p| p.into_inner());
        Snapshot::new(
            account,
            regions,
            recorded_at,
            calls.values().cloned().collect(),
        )
    }
}

#[async_trait::async_trait]
impl AwsApi for Recorder {
    async fn call(&self, request: &AwsRequest) -> Result<Value, AwsCallError> {
        let result = self.inner.call(request).await;
        let outcome = match &result {
            Ok(output) => SnapshotOutcome::Output(output.clone()),
            Err(AwsCallError::Service { code, message }) => SnapshotOutcome::Error {
                code: code.clone(),
                message: message.clone(),
            },
            Err(_) => return result,
        };
        let call = SnapshotCall {
            request: request.clone(),
            outcome,
        };
        self.calls
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(request.key(), call);
        result
    }
}

/// Answers calls from a snapshot, with no network.
pub struct Replay {
    calls: HashMap<String, SnapshotOutcome>,
}

impl Replay {
    /// A replay of `snapshot`.
    pub fn new(snapshot: &Snapshot) -> Self {
        Self {
            calls: snapshot
                .calls
                .iter()
                .map(|c| (c.request.key(), c.outcome.clone()))
                .collect(),
        }
    }
}

#[async_trait::async_trait]
impl AwsApi for Replay {
    async fn call(&self, request: &AwsRequest) -> Result<Value, AwsCallError> {
        match self.calls.get(&request.key()) {
            Some(SnapshotOutcome::Output(output)) => Ok(output.clone()),
            Some(SnapshotOutcome::Error { code, message }) => {
                Err(AwsCallError::service(code.clone(), message.clone()))
            }
            None => Err(AwsCallError::Unavailable(format!(
                "the snapshot holds no answer to {} {} in {} with input {}",
                request.service, request.operation, request.region, request.input
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    struct Fixed;

    #[async_trait::async_trait]
    impl AwsApi for Fixed {
        async fn call(&self, request: &AwsRequest) -> Result<Value, AwsCallError> {
            match request.input_str("Bucket") {
                Some("open") => Ok(json!({"Policy": "{}"})),
                Some("closed") => Err(AwsCallError::service("NoSuchBucketPolicy", "none")),
                _ => Err(AwsCallError::Unavailable("network down".into())),
            }
        }
    }

    fn policy_of(bucket: &str) -> AwsRequest {
        AwsRequest::new("s3", "GetBucketPolicy", "eu-west-1").with_input(json!({"Bucket": bucket}))
    }

    #[tokio::test]
    async fn a_recording_replays_identically_from_a_gzip_file() {
        let recorder = Recorder::new(Arc::new(Fixed));
        let open = recorder.call(&policy_of("open")).await;
        let closed = recorder.call(&policy_of("closed")).await;
        assert!(recorder.call(&policy_of("other")).await.is_err());
        let snapshot = recorder.snapshot("123".into(), vec!["eu-west-1".into()], "now".into());
        assert_eq!(
            snapshot.calls.len(),
            2,
            "network failures are not AWS answers"
        );

        let dir = tempfile::tempdir().expect("test value");
        let path = dir.path().join("s.json.gz");
        snapshot.write(&path).expect("test value");
        assert!(
            std::fs::read(&path)
                .expect("test value")
                .starts_with(&GZIP_MAGIC)
        );
        let back = Snapshot::read(&path).expect("test value");
        assert_eq!(back, snapshot);

        let replay = Replay::new(&back);
        assert_eq!(replay.call(&policy_of("open")).await, open);
        assert_eq!(replay.call(&policy_of("closed")).await, closed);
        assert!(matches!(
            replay.call(&policy_of("other")).await,
            Err(AwsCallError::Unavailable(_))
        ));
    }

    #[test]
    fn rejects_other_documents() {
        let err = Snapshot::from_slice(
            br#"{"format":"x","version":1,"account":"","regions":[],"recorded_at":"","calls":[]}"#,
        )
        .expect_err("fails");
        assert!(err.to_string().contains("lg-protect-aws-snapshot"));
        assert!(Snapshot::from_slice(b"not json").is_err());
    }
}
