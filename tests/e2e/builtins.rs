//! The built-in rule plugins through the host: the embedded component, a trusted load, and an
//! evaluation of the plugin's own fixtures compared with its expected findings.

use crate::support::ctx;
use lgp_runtime::{Runtime, RuntimeConfig, Trust};
use std::path::Path;

/// The fields `expected.json` pins for each finding (messages and evidence are prose and detail
/// the plugin's own tests check).
fn key(f: &serde_json::Value) -> (String, String, String, String) {
    let field = |name: &str| {
        f[name]
            .as_str()
            .unwrap_or_else(|| panic!("finding without {name}: {f}"))
            .to_owned()
    };
    (
        field("resource_arn"),
        field("check_id"),
        field("status"),
        field("severity"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn builtin_rules_s3_matches_its_fixtures() {
    let builtin = lgp_builtins::find("rules-s3").expect("rules-s3 is a built-in plugin");
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../plugins/rules-s3/fixtures");
    let read = |name: &str| {
        let path = fixtures.join(name);
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
    };
    let resources = lgp_model::parse_resources(&read("buckets.json")).expect("fixture resources");
    let expected: Vec<serde_json::Value> =
        serde_json::from_str(&read("expected.json")).expect("expected findings are a JSON array");

    let runtime = Runtime::new(RuntimeConfig::default(), None).expect("runtime starts");
    let plugin = runtime
        .load(builtin.name, builtin.wasm, Trust::Trusted)
        .await
        .expect("the built-in loads");
    assert_eq!(plugin.name(), "rules-s3");
    assert_eq!(plugin.kind(), lgp_model::PluginKind::Rule);
    let findings = plugin
        .evaluate(&ctx(), &resources)
        .await
        .expect("evaluates");

    for f in &findings {
        assert!(!f.message.is_empty(), "a finding without a message: {f:?}");
        assert!(
            f.evidence.get().starts_with('{'),
            "evidence is not an object: {f:?}"
        );
    }
    let got = serde_json::to_value(&findings).expect("findings serialize");
    let mut got: Vec<_> = got.as_array().expect("an array").iter().map(key).collect();
    let mut want: Vec<_> = expected.iter().map(key).collect();
    got.sort();
    want.sort();
    assert_eq!(got.len(), want.len(), "number of findings");
    assert_eq!(got, want);
}
