//! LG-Protect's built-in S3 collector: lists the account's buckets and reads each bucket's
//! configuration through the host's `aws` capability, submitting `aws:s3:bucket` resources and
//! one `aws:s3:account-public-access-block` resource.
//!
//! S3 lists buckets globally, so everything happens in the one invocation with
//! `include_global`; the others return at once. The steps:
//!
//! 1. ListBuckets (global). If it fails, a scope gap for `aws:s3:bucket` is submitted instead of
//!    buckets, so every bucket check reports `error` for the account.
//! 2. One batch: the account's Block Public Access settings (s3control GetPublicAccessBlock,
//!    global) and every bucket's GetBucketLocation (asked in us-east-1, which answers for any
//!    bucket).
//! 3. Per bucket, thirteen detail calls in the bucket's own region, batched across buckets (see
//!    [`BUCKETS_PER_BATCH`]), each batch's buckets submitted as soon as it is answered. A
//!    replication rule whose destination is one of the account's buckets gets that bucket's
//!    region from step 2.
//!
//! Schema: [`lgp_sdk::kinds::s3`] and `docs/resources/aws-s3-bucket.md`. Failures are data: a
//! detail call that fails leaves its property `null` with an `errors` entry; "not configured"
//! answers (`NoSuchBucketPolicy`…) are `null` or `not_configured` without one. What it does not
//! do: read objects, access points, S3 directory buckets, or anything that changes the account.

pub mod account;
pub mod bucket;
pub mod normalize;

use bucket::{Collected, Detail};
use lgp_sdk::collector::{
    AwsError, AwsRequest, GLOBAL, MAX_BATCH_CALLS, ScanScope, Submitter, aws_call, aws_call_batch,
    scope_gap,
};
use lgp_sdk::kinds::s3::KIND;
use lgp_sdk::{CollectorPlugin, PluginInfo};
use serde_json::json;
use std::collections::BTreeMap;

/// The region GetBucketLocation is asked in: S3 in us-east-1 answers it for buckets of every
/// region, before their region is known.
pub const LOCATION_REGION: &str = "us-east-1";

/// Buckets whose detail calls share one host batch: as many as fit in [`MAX_BATCH_CALLS`], so
/// each batch keeps the host's concurrency busy while the guest holds at most this many
/// buckets' answers in memory at once.
pub const BUCKETS_PER_BATCH: usize = MAX_BATCH_CALLS / Detail::ALL.len();

/// Every operation the collector calls, as `aws:<service>:<operation>` capabilities.
pub fn capabilities() -> Vec<String> {
    let fixed = [
        "aws:s3:ListBuckets",
        "aws:s3:GetBucketLocation",
        "aws:s3control:GetPublicAccessBlock",
    ];
    fixed
        .into_iter()
        .map(str::to_owned)
        .chain(
            Detail::ALL
                .iter()
                .map(|d| format!("aws:s3:{}", d.operation())),
        )
        .collect()
}

/// The S3 collector.
pub struct S3Collector;

impl CollectorPlugin for S3Collector {
    fn info() -> PluginInfo {
        capabilities().into_iter().fold(
            PluginInfo::collector(
                "collect-s3",
                env!("CARGO_PKG_VERSION"),
                "Collects S3 buckets (encryption, public access, policies, ACLs, versioning, logging, lifecycle, replication, object lock, notifications, tags) and the account's Block Public Access settings.",
            ),
            PluginInfo::capability,
        )
    }

    fn collect(scope: &ScanScope) -> Result<(), String> {
        if !scope.include_global {
            return Ok(());
        }
        let mut out = Submitter::default();
        collect_account(&scope.account, &mut out)?;
        let submitted = out.finish().map_err(|e| format!("submit: {e}"))?;
        lgp_sdk::log::info!("collected {submitted} S3 resources");
        Ok(())
    }
}

fn collect_account(account: &str, out: &mut Submitter) -> Result<(), String> {
    let push = |out: &mut Submitter, r| out.push(r).map_err(|e| format!("submit: {e}"));
    let listed = match aws_call("s3", "ListBuckets", GLOBAL, &json!({})) {
        Ok(output) => bucket::listed(&output),
        Err(err) => {
            lgp_sdk::log::warn(&format!("ListBuckets failed: {err}"));
            push(out, scope_gap(KIND, account, GLOBAL, &err))?;
            Vec::new()
        }
    };

    // The account's settings and every bucket's location, in one batch.
    let requests: Vec<AwsRequest> = std::iter::once(account::request(account))
        .chain(listed.iter().map(|b| {
            AwsRequest::new("s3", "GetBucketLocation", LOCATION_REGION)
                .input(json!({ "Bucket": b.name }))
        }))
        .collect();
    let mut answers = aws_call_batch(&requests).into_iter();
    let account_pab = account::settings(answers.next().ok_or("the host answered no call")?);
    push(out, account::resource(account, &account_pab)?)?;
    let buckets: Vec<Collected> = listed
        .into_iter()
        .zip(answers)
        .map(|(listed, location)| {
            let region = location.and_then(|output| {
                normalize::region(output)
                    .map_err(|why| AwsError::BadOutput(format!("GetBucketLocation: {why}")))
            });
            Collected::new(listed, region, &account_pab)
        })
        .collect();
    // Every bucket's region, so replication rules can say where their destination is.
    let regions: BTreeMap<String, String> = buckets
        .iter()
        .filter_map(|b| Some((b.name.clone(), b.region.clone()?)))
        .collect();
    let mut buckets = buckets.into_iter();

    loop {
        let mut group: Vec<Collected> = buckets.by_ref().take(BUCKETS_PER_BATCH).collect();
        if group.is_empty() {
            return Ok(());
        }
        read_details(&mut group);
        for mut bucket in group {
            bucket.locate_replication_destinations(&regions);
            push(out, bucket.into_resource(account)?)?;
        }
    }
}

/// Makes the detail calls of `group` in one batch and hands each bucket its answers.
fn read_details(group: &mut [Collected]) {
    let plan: Vec<Vec<AwsRequest>> = group.iter().map(Collected::requests).collect();
    let flat: Vec<AwsRequest> = plan.iter().flatten().cloned().collect();
    let mut answers = aws_call_batch(&flat).into_iter();
    for (bucket, requests) in group.iter_mut().zip(&plan) {
        bucket.apply(answers.by_ref().take(requests.len()));
    }
}

lgp_sdk::export_collector!(S3Collector);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn capabilities_name_every_call_once() {
        let caps = S3Collector::info().capabilities;
        assert_eq!(caps.len(), 16);
        let mut unique = caps.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), caps.len());
        assert!(caps.iter().all(|c| c.starts_with("aws:s3")));
        assert!(BUCKETS_PER_BATCH * Detail::ALL.len() <= MAX_BATCH_CALLS);
    }

    #[test]
    fn only_the_global_invocation_collects() {
        let scope = ScanScope {
            scan_id: "s".into(),
            account: "1".into(),
            regions: vec!["eu-west-1".into()],
            include_global: false,
        };
        assert_eq!(S3Collector::collect(&scope), Ok(()));
    }
}
