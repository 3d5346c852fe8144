//! Running a built-in collector against the emulator, the way a scan does: the real runtime,
//! the live AWS client, and a gate holding the plugin's allow-list.

use lgp_aws::{LiveAws, LiveConfig};
use lgp_aws_api::{AwsApi, CallStats, PluginGate, StatsSummary};
use lgp_model::Resource;
use lgp_runtime::{Plugin, Runtime, RuntimeConfig, Trust};
use std::sync::Arc;

/// The emulator's credentials (moto accepts any).
pub const EMULATOR_CREDENTIALS: (&str, &str) = ("testing", "testing");

/// What one collector found.
pub struct CollectRun {
    /// Every resource it submitted, over all regions.
    pub resources: Vec<Resource>,
    /// Its AWS calls and their errors.
    pub stats: StatsSummary,
}

impl CollectRun {
    /// The resources of `kind`.
    pub fn of_kind(&self, kind: &str) -> Vec<&Resource> {
        self.resources.iter().filter(|r| r.kind == kind).collect()
    }
}

/// The live AWS client pointed at the emulator.
pub async fn emulator_aws(endpoint_url: &str) -> Arc<dyn AwsApi> {
    let (id, secret) = EMULATOR_CREDENTIALS;
    let live = LiveAws::new(LiveConfig {
        endpoint_url: Some(endpoint_url.to_owned()),
        static_credentials: Some((id.to_owned(), secret.to_owned())),
        ..LiveConfig::default()
    })
    .await
    .expect("the live AWS client starts");
    Arc::new(live)
}

/// Loads a built-in plugin (trusted) into a runtime with default limits.
pub async fn builtin(runtime: &Runtime, name: &str) -> Plugin {
    let b = lgp_builtins::find(name).unwrap_or_else(|| panic!("no built-in plugin {name}"));
    runtime
        .load(b.name, b.wasm, Trust::Trusted)
        .await
        .unwrap_or_else(|e| panic!("the built-in {name} loads: {e}"))
}

/// Runs `collector` over `regions` (global resources with the first), as a scan would, through
/// `aws`.
pub async fn collect_with(
    collector: &Plugin,
    aws: Arc<dyn AwsApi>,
    account: &str,
    regions: &[&str],
) -> CollectRun {
    let stats = Arc::new(CallStats::new());
    let mut resources = Vec::new();
    let regions: Vec<String> = regions.iter().map(|r| (*r).to_owned()).collect();
    for scope in lgp_pipeline::scan_scopes("test-scan", account, &regions) {
        let gate = PluginGate::new(
            aws.clone(),
            collector.name(),
            &collector.info().capabilities,
            stats.clone(),
        );
        let found = collector
            .collect(&scope, Arc::new(gate))
            .await
            .unwrap_or_else(|e| panic!("{} collects: {e}", collector.name()));
        resources.extend(found);
    }
    CollectRun {
        resources,
        stats: stats.summary(),
    }
}

/// Runs the built-in collector `builtin_name` against the emulator at `endpoint_url` for the
/// emulator's default account.
pub async fn collect_live(builtin_name: &str, endpoint_url: &str, regions: &[&str]) -> CollectRun {
    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime starts");
    let plugin = builtin(&runtime, builtin_name).await;
    let aws = emulator_aws(endpoint_url).await;
    let account = lgp_aws_api::discovery::account_id(aws.as_ref())
        .await
        .expect("the emulator names its account");
    collect_with(&plugin, aws, &account, regions).await
}
