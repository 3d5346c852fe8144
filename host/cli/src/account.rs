//! Where a scan's AWS answers come from: the live account (default credential chain, or an
//! assumed role), a recorded snapshot, or the bundled demo snapshot.

use crate::args::AccountArgs;
use anyhow::Context;
use lgp_aws::{AssumeRole, LiveAws, LiveConfig};
use lgp_aws_api::{AwsApi, Replay, Snapshot, discovery};
use std::path::Path;
use std::sync::Arc;

/// The bundled demo account: a recorded scan of an emulator seeded by
/// `scripts/seed-demo-account.py` (see `scripts/record-demo-snapshot.sh`).
const DEMO_SNAPSHOT: &[u8] = include_bytes!("../demo/demo-account.snapshot.json.gz");

/// An account ready to scan.
pub struct Account {
    /// Answers the AWS calls.
    pub aws: Arc<dyn AwsApi>,
    /// The account id.
    pub account_id: String,
    /// The regions to collect.
    pub regions: Vec<String>,
    /// What the scan is of: `live`, `snapshot` or `demo`.
    pub source: &'static str,
}

/// The bundled demo account.
pub fn demo() -> anyhow::Result<Account> {
    let snapshot =
        Snapshot::from_slice(DEMO_SNAPSHOT).context("the bundled demo snapshot is invalid")?;
    Ok(replay(&snapshot, &[], "demo"))
}

/// A recorded snapshot, limited to `regions` when any are given.
pub fn snapshot(path: &Path, regions: &[String]) -> anyhow::Result<Account> {
    let snapshot = Snapshot::read(path)?;
    if let Some(missing) = regions.iter().find(|r| !snapshot.regions.contains(r)) {
        anyhow::bail!(
            "the snapshot {} holds no region {missing} (it has: {})",
            path.display(),
            snapshot.regions.join(", ")
        );
    }
    Ok(replay(&snapshot, regions, "snapshot"))
}

fn replay(snapshot: &Snapshot, regions: &[String], source: &'static str) -> Account {
    Account {
        aws: Arc::new(Replay::new(snapshot)),
        account_id: snapshot.account.clone(),
        regions: if regions.is_empty() {
            snapshot.regions.clone()
        } else {
            regions.to_vec()
        },
        source,
    }
}

/// The live account the credentials (or the assumed role) reach: its id from STS, its regions
/// from `--regions` or DescribeRegions.
pub async fn live(args: &AccountArgs) -> anyhow::Result<Account> {
    let config = LiveConfig {
        endpoint_url: args.endpoint_url.clone(),
        assume_role: args.role_arn.as_ref().map(|arn| AssumeRole {
            role_arn: arn.clone(),
            external_id: args.external_id.clone(),
            session_name: "lg-protect-scan".into(),
        }),
        max_concurrency: args.aws_concurrency,
        ..LiveConfig::default()
    };
    let aws: Arc<dyn AwsApi> = Arc::new(LiveAws::new(config).await?);
    let account_id = discovery::account_id(aws.as_ref())
        .await
        .context("cannot identify the account (STS GetCallerIdentity); check the credentials")?;
    let regions = if args.regions.is_empty() {
        discovery::enabled_regions(aws.as_ref()).await.context(
            "cannot list the account's regions (EC2 DescribeRegions); name them with --regions",
        )?
    } else {
        args.regions.clone()
    };
    Ok(Account {
        aws,
        account_id,
        regions,
        source: "live",
    })
}
