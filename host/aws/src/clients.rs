//! One SDK client per service and region, created on first use and kept: clients share the
//! SDK configuration (so its identity cache and connection pool), and creating one per call
//! would repeat endpoint and credential setup.

use crate::config::HOME_REGION;
use aws_config::{Region, SdkConfig};
use aws_sdk_s3control::config::endpoint::{Endpoint, EndpointFuture, Params, ResolveEndpoint};
use lgp_aws_api::{AwsCallError, GLOBAL_REGION};
use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

/// The clients of one account, per region.
pub(crate) struct Clients {
    sdk: SdkConfig,
    /// The endpoint every call goes to instead of AWS, when one is configured (an emulator).
    custom_endpoint: Option<String>,
    ec2: PerRegion<aws_sdk_ec2::Client>,
    s3: PerRegion<aws_sdk_s3::Client>,
    s3control: PerRegion<aws_sdk_s3control::Client>,
    iam: PerRegion<aws_sdk_iam::Client>,
    sts: PerRegion<aws_sdk_sts::Client>,
}

/// Clients of one service by region name.
struct PerRegion<C>(Mutex<HashMap<String, C>>);

impl<C: Clone> PerRegion<C> {
    fn new() -> Self {
        Self(Mutex::new(HashMap::new()))
    }

    fn get(&self, region: &str, make: impl FnOnce(Region) -> C) -> C {
        // A panic while holding the lock cannot leave the map half-updated: keep using it.
        let mut clients = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        clients
            .entry(region.to_owned())
            .or_insert_with(|| make(Region::new(region.to_owned())))
            .clone()
    }
}

impl Clients {
    /// Clients built from `sdk`.
    pub(crate) fn new(sdk: SdkConfig) -> Self {
        // AWS_ENDPOINT_URL is already in `sdk`; the service-specific variables are read by
        // each client, so they are looked at here too to pick S3's addressing style.
        let custom_endpoint = sdk
            .endpoint_url()
            .map(str::to_owned)
            .or_else(|| std::env::var("AWS_ENDPOINT_URL_S3").ok())
            .filter(|url| !url.is_empty());
        Self {
            sdk,
            custom_endpoint,
            ec2: PerRegion::new(),
            s3: PerRegion::new(),
            s3control: PerRegion::new(),
            iam: PerRegion::new(),
            sts: PerRegion::new(),
        }
    }

    /// The region to call for a request's `region`: [`HOME_REGION`] for `global`.
    pub(crate) fn region_of(requested: &str) -> Result<&str, AwsCallError> {
        if requested == GLOBAL_REGION {
            return Ok(HOME_REGION);
        }
        // The region becomes part of a host name: accept only what region names are made of.
        let valid = !requested.is_empty()
            && requested.len() <= 64
            && requested
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(requested)
        } else {
            Err(AwsCallError::InvalidInput(format!(
                "{requested:?} is not a region name"
            )))
        }
    }

    pub(crate) fn ec2(&self, region: &str) -> aws_sdk_ec2::Client {
        self.ec2.get(region, |r| {
            let config = aws_sdk_ec2::config::Builder::from(&self.sdk).region(r);
            aws_sdk_ec2::Client::from_conf(config.build())
        })
    }

    pub(crate) fn s3(&self, region: &str) -> aws_sdk_s3::Client {
        self.s3.get(region, |r| {
            // Emulators serve every bucket on one host: bucket-in-the-path addressing.
            let config = aws_sdk_s3::config::Builder::from(&self.sdk)
                .region(r)
                .force_path_style(self.custom_endpoint.is_some());
            aws_sdk_s3::Client::from_conf(config.build())
        })
    }

    pub(crate) fn s3control(&self, region: &str) -> aws_sdk_s3control::Client {
        self.s3control.get(region, |r| {
            let mut config = aws_sdk_s3control::config::Builder::from(&self.sdk).region(r);
            let endpoint = std::env::var("AWS_ENDPOINT_URL_S3_CONTROL")
                .ok()
                .filter(|url| !url.is_empty())
                .or_else(|| self.custom_endpoint.clone());
            if let Some(url) = endpoint {
                config = config.endpoint_resolver(FixedEndpoint(url));
            }
            aws_sdk_s3control::Client::from_conf(config.build())
        })
    }

    pub(crate) fn iam(&self, region: &str) -> aws_sdk_iam::Client {
        self.iam.get(region, |r| {
            let config = aws_sdk_iam::config::Builder::from(&self.sdk).region(r);
            aws_sdk_iam::Client::from_conf(config.build())
        })
    }

    pub(crate) fn sts(&self, region: &str) -> aws_sdk_sts::Client {
        self.sts.get(region, |r| {
            let config = aws_sdk_sts::config::Builder::from(&self.sdk).region(r);
            aws_sdk_sts::Client::from_conf(config.build())
        })
    }
}

/// S3 Control's endpoint rules put the account id in front of a custom endpoint's host
/// (`123456789012.127.0.0.1`), which no emulator resolves; with a custom endpoint, calls go to
/// it as given — S3 Control's counterpart of path-style addressing.
#[derive(Debug)]
struct FixedEndpoint(String);

impl ResolveEndpoint for FixedEndpoint {
    fn resolve_endpoint<'a>(&'a self, _params: &'a Params) -> EndpointFuture<'a> {
        EndpointFuture::ready(Ok(Endpoint::builder().url(self.0.clone()).build()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_is_the_home_region_and_odd_names_are_refused() {
        assert_eq!(Clients::region_of("global").expect("accepted"), HOME_REGION);
        assert_eq!(
            Clients::region_of("eu-west-1").expect("accepted"),
            "eu-west-1"
        );
        for bad in ["", "EU-WEST-1", "eu-west-1.evil.com", "a/b"] {
            assert!(Clients::region_of(bad).is_err(), "{bad:?}");
        }
    }
}
