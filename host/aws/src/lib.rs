//! LG-Protect's live `aws` capability: the read-only operations of
//! [`lgp_aws_api::catalogue`], answered by the AWS SDK for Rust.
//!
//! [`LiveAws`] implements [`AwsApi`] for one account. Credentials come from the SDK's default
//! chain, or from STS `AssumeRole` with an external id ([`LiveConfig::assume_role`]); they stay
//! inside this crate and are cached by the SDK's identity cache until shortly before they
//! expire. Every answer is a JSON object shaped like the AWS API reference (boto3's shapes),
//! all pages merged; `docs/aws-capability.md` gives the conventions and the operations.
//!
//! What it deliberately does not do: decide what a plugin may call (that is
//! [`lgp_aws_api::PluginGate`]'s job, in front of this), record or replay answers
//! ([`lgp_aws_api::Recorder`], [`lgp_aws_api::Replay`]), or anything but read.
//!
//! ```no_run
//! use lgp_aws::{LiveAws, LiveConfig};
//! use lgp_aws_api::{AwsApi, AwsRequest};
//!
//! # async fn scan() -> Result<(), Box<dyn std::error::Error>> {
//! let aws = LiveAws::new(LiveConfig::default()).await?;
//! let who = aws.call(&AwsRequest::new("sts", "GetCallerIdentity", "global")).await?;
//! println!("scanning account {}", who["Account"]);
//! # Ok(())
//! # }
//! ```

mod answer;
mod clients;
mod config;
mod ec2;
mod errors;
mod iam;
mod input;
mod json;
mod s3;
mod s3control;
mod sts;

pub use config::{
    ATTEMPT_TIMEOUT, AssumeRole, DEFAULT_MAX_CONCURRENCY, HOME_REGION, LiveConfig, LiveError,
    MAX_ATTEMPTS,
};

use clients::Clients;
use input::Input;
use lgp_aws_api::{AwsApi, AwsCallError, AwsRequest};
use serde_json::Value;
use tokio::sync::{OnceCell, Semaphore};
use tracing::Instrument;

/// The live capability for one account (or one assumed role).
pub struct LiveAws {
    clients: Clients,
    /// Bounds the calls in flight across regions and services.
    in_flight: Semaphore,
    /// The credentials' account, asked once, for account-level calls that need it.
    account_id: OnceCell<String>,
}

impl LiveAws {
    /// Sets up the SDK from `config`. Nothing is called yet: bad credentials show on the first
    /// call (call `sts` `GetCallerIdentity` to check them).
    pub async fn new(config: LiveConfig) -> Result<Self, LiveError> {
        let sdk = config::load(&config).await?;
        Ok(Self {
            clients: Clients::new(sdk),
            in_flight: Semaphore::new(config.max_concurrency),
            account_id: OnceCell::new(),
        })
    }

    async fn answer(
        &self,
        request: &AwsRequest,
        region: &str,
        input: &Input<'_>,
    ) -> Result<Value, AwsCallError> {
        let operation = request.operation.as_str();
        match request.service.as_str() {
            "ec2" => ec2::call(&self.clients.ec2(region), operation, input).await,
            "s3" => s3::call(&self.clients.s3(region), operation, input).await,
            "s3control" => {
                let account_id = match input.string("AccountId")? {
                    Some(id) => id,
                    None => self.account_id(region).await?,
                };
                s3control::call(&self.clients.s3control(region), operation, &account_id).await
            }
            "iam" => iam::call(&self.clients.iam(region), operation, input).await,
            "sts" => sts::call(&self.clients.sts(region), operation).await,
            service => Err(errors::not_implemented(service, operation)),
        }
    }

    async fn account_id(&self, region: &str) -> Result<String, AwsCallError> {
        self.account_id
            .get_or_try_init(|| sts::account_id(self.clients.sts(region)))
            .await
            .cloned()
    }
}

#[async_trait::async_trait]
impl AwsApi for LiveAws {
    async fn call(&self, request: &AwsRequest) -> Result<Value, AwsCallError> {
        let region = Clients::region_of(&request.region)?;
        let input = Input::of(request)?;
        let _permit = self
            .in_flight
            .acquire()
            .await
            .map_err(|_| AwsCallError::Unavailable("the AWS client is shutting down".into()))?;
        let span = tracing::debug_span!(
            "aws_call",
            service = %request.service,
            operation = %request.operation,
            region,
        );
        let result = self.answer(request, region, &input).instrument(span).await;
        if let Err(err) = &result {
            tracing::debug!(
                service = %request.service,
                operation = %request.operation,
                region,
                code = err.code(),
                "aws call failed"
            );
        }
        result
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    /// A server that accepts connections and never answers: each call in flight holds one.
    fn silent_server() -> (String, Arc<AtomicUsize>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
        let url = format!("http://{}", listener.local_addr().expect("its address"));
        let open = Arc::new(AtomicUsize::new(0));
        let counter = open.clone();
        std::thread::spawn(move || {
            let mut held = Vec::new();
            for stream in listener.incoming().flatten() {
                held.push(stream);
                counter.store(held.len(), Ordering::SeqCst);
            }
        });
        (url, open)
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn calls_in_flight_are_bounded_across_regions_and_services() {
        let (url, open) = silent_server();
        let aws = Arc::new(
            LiveAws::new(LiveConfig {
                endpoint_url: Some(url),
                static_credentials: Some(("AKIDTEST".into(), "secret".into())),
                max_concurrency: 3,
                ..LiveConfig::default()
            })
            .await
            .expect("configured"),
        );
        let requests = [
            ("ec2", "DescribeVpcs", "us-east-1"),
            ("ec2", "DescribeVpcs", "eu-west-1"),
            ("iam", "ListUsers", "global"),
            ("sts", "GetCallerIdentity", "global"),
            ("ec2", "DescribeVolumes", "ap-south-1"),
            ("s3", "ListBuckets", "global"),
        ];
        let calls: Vec<_> = requests
            .iter()
            .map(|&(service, operation, region)| {
                let aws = aws.clone();
                tokio::spawn(
                    async move { aws.call(&AwsRequest::new(service, operation, region)).await },
                )
            })
            .collect();
        let deadline = Instant::now() + Duration::from_secs(10);
        while open.load(Ordering::SeqCst) < 3 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        assert_eq!(
            open.load(Ordering::SeqCst),
            3,
            "three calls in flight, no more"
        );
        for call in calls {
            call.abort();
        }
    }
}
