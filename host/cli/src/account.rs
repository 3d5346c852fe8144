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

/// How to reach a live account.
#[derive(Debug, Clone, Default)]
pub struct LiveAccess {
    /// AWS endpoint URL, e.g. an emulator.
    pub endpoint_url: Option<String>,
    /// The role to assume for every call, and the external id its trust policy requires.
    pub assume_role: Option<(String, Option<String>)>,
    /// AWS calls in flight at once.
    pub concurrency: usize,
    /// The regions to collect; empty: every region the account has enabled.
    pub regions: Vec<String>,
}

/// The live account the credentials (or the assumed role) reach, as `lgp scan` names it.
pub async fn live(args: &AccountArgs) -> anyhow::Result<Account> {
    live_account(LiveAccess {
        endpoint_url: args.endpoint_url.clone(),
        assume_role: args
            .role_arn
            .clone()
            .map(|arn| (arn, args.external_id.clone())),
        concurrency: args.aws_concurrency,
        regions: args.regions.clone(),
    })
    .await
}

/// The live account `access` reaches: its id from STS, its regions as given or from
/// DescribeRegions.
pub async fn live_account(access: LiveAccess) -> anyhow::Result<Account> {
    let config = LiveConfig {
        endpoint_url: access.endpoint_url,
        assume_role: access
            .assume_role
            .map(|(role_arn, external_id)| AssumeRole {
                role_arn,
                external_id,
                session_name: "lg-protect-scan".into(),
            }),
        max_concurrency: access.concurrency,
        ..LiveConfig::default()
    };
    let aws: Arc<dyn AwsApi> = Arc::new(LiveAws::new(config).await?);
    let account_id = discovery::account_id(aws.as_ref())
        .await
        .context("cannot identify the account (STS GetCallerIdentity); check the credentials")?;
    let regions = if access.regions.is_empty() {
        discovery::enabled_regions(aws.as_ref()).await.context(
            "cannot list the account's regions (EC2 DescribeRegions); name them with --regions",
        )?
    } else {
        access.regions
    };
    Ok(Account {
        aws,
        account_id,
        regions,
        source: "live",
    })
}
