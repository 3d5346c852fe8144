//! What the tests share: small limits, the hostile guests, resources and contexts.

use lgp_model::Resource;
use lgp_runtime::{EvaluationContext, Limits, Plugin, Runtime, RuntimeConfig, Trust};

/// The hostile rule's one check and the kind it applies to (see tests/guests/hostile-rule).
pub const HOSTILE_CHECK: &str = "hostile_check";
pub const HOSTILE_KIND: &str = "test:hostile:thing";

/// Small limits, so that every hostile behaviour fails fast.
pub fn small_limits() -> Limits {
    Limits {
        // A wall-clock (epoch) deadline: generous enough that an ordinary or merely busy guest
        // (a log flood, a memory grab) finishes on a loaded 2-core machine, short enough that
        // the busy-loop tests stay quick.
        timeout_ms: 2_000,
        fuel: None,
        memory_bytes: 32 << 20,
        output_bytes: 64 << 10,
        max_events: 10,
        log_bytes: 16 << 10,
        report_bytes: 64 << 10,
    }
}

/// A runtime configuration with [`small_limits`] and a small pool.
pub fn small_config() -> RuntimeConfig {
    RuntimeConfig {
        limits: small_limits(),
        max_wasm_stack: 512 << 10,
        pool_instances: 4,
        ..RuntimeConfig::default()
    }
}

/// Reads a guest component built by `build.rs`.
pub fn read(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("cannot read guest component {path}: {e}"))
}

/// A runtime with [`small_config`] and no compile sandbox.
pub fn small_runtime() -> Runtime {
    Runtime::new(small_config(), None).expect("runtime starts")
}

/// Loads the hostile rule (trusted: compiled in process).
pub async fn hostile_rule(runtime: &Runtime) -> Plugin {
    let bytes = read(crate::guests::HOSTILE_RULE);
    runtime
        .load("hostile-rule.wasm", &bytes, Trust::Trusted)
        .await
        .expect("the hostile rule loads")
}

/// Loads the hostile handler (trusted).
pub async fn hostile_handler(runtime: &Runtime) -> Plugin {
    let bytes = read(crate::guests::HOSTILE_HANDLER);
    runtime
        .load("hostile-handler.wasm", &bytes, Trust::Trusted)
        .await
        .expect("the hostile handler loads")
}

/// A resource of the hostile rule's kind; its `name` picks the rule's behaviour.
pub fn thing(name: &str) -> Resource {
    let json = serde_json::json!([{
        "arn": format!("arn:test:hostile:::{name}"),
        "kind": HOSTILE_KIND,
        "account": "123456789012",
        "region": "us-east-1",
        "name": name,
        "tags": {},
        "properties": {},
    }]);
    let mut parsed = lgp_model::parse_resources(&json.to_string()).expect("valid resource");
    parsed.remove(0)
}

/// An evaluation context.
pub fn ctx() -> EvaluationContext {
    EvaluationContext {
        scan_id: "scan-e2e".into(),
        now_unix_seconds: 1_700_000_000,
    }
}

/// Runs the ordinary behaviour and checks its one pass finding: the plugin (and the pool
/// behind it) still works.
pub async fn assert_ordinary_call_works(plugin: &Plugin) {
    let findings = plugin
        .evaluate(&ctx(), &[thing("ok")])
        .await
        .unwrap_or_else(|e| panic!("an ordinary call must succeed: {e}"));
    assert_eq!(findings.len(), 1, "{findings:?}");
    let f = &findings[0];
    assert_eq!(f.check_id, HOSTILE_CHECK);
    assert_eq!(f.resource_arn, "arn:test:hostile:::ok");
    assert_eq!(f.status, lgp_model::Status::Pass);
    assert_eq!(f.message, "ok: ok");
    assert_eq!(f.evidence.get(), r#"{"name":"ok"}"#);
}

/// The standard output of a run of `lgp args`, after asserting it succeeded (its standard error
/// in the failure message).
pub fn stdout_of_success(args: &[&str], out: std::process::Output) -> String {
    assert!(
        out.status.success(),
        "lgp {args:?} failed\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}
