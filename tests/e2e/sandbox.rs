//! Hostile guests against the sandbox: each misbehaviour fails its own invocation with its own
//! typed error naming the plugin, and the plugin (and the instance pool) works right after.

use crate::support::{
    assert_ordinary_call_works, ctx, hostile_handler, hostile_rule, small_config, small_limits,
    small_runtime, thing,
};
use lgp_runtime::{
    HandlerServices, IncomingEvent, InvokeError, InvokeErrorKind, Plugin, Runtime, RuntimeConfig,
};
use std::time::Duration;

/// Runs the hostile rule's behaviour `name`, returns its error, then checks that the next
/// ordinary call succeeds.
async fn fail_then_recover(plugin: &Plugin, name: &str) -> InvokeError {
    let err = match plugin.evaluate(&ctx(), &[thing(name)]).await {
        Ok(findings) => panic!("behaviour {name:?} must fail, it returned {findings:?}"),
        Err(e) => e,
    };
    assert_eq!(
        err.plugin, "hostile-rule",
        "the error names the plugin: {err}"
    );
    assert_ordinary_call_works(plugin).await;
    err
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_loop_times_out() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    let err = fail_then_recover(&plugin, "loop").await;
    assert!(
        matches!(err.kind, InvokeErrorKind::Timeout(d) if d == Duration::from_millis(2_000)),
        "{err:?}"
    );
    assert_eq!(err.kind.limit(), Some("timeout"));
    assert_eq!(
        err.to_string(),
        "plugin \"hostile-rule\" exceeded its time limit of 2s"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn busy_loop_runs_out_of_fuel_when_metered() {
    let config = RuntimeConfig {
        limits: lgp_runtime::Limits {
            fuel: Some(5_000_000),
            // Far away, so that only fuel can stop the loop.
            timeout_ms: 600_000,
            ..small_limits()
        },
        ..small_config()
    };
    let runtime = Runtime::new(config, None).expect("runtime starts");
    let plugin = hostile_rule(&runtime).await;
    let err = fail_then_recover(&plugin, "loop").await;
    assert!(
        matches!(err.kind, InvokeErrorKind::OutOfFuel(5_000_000)),
        "{err:?}"
    );
    assert_eq!(err.kind.limit(), Some("fuel"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unbounded_allocation_hits_the_memory_cap() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    let err = fail_then_recover(&plugin, "oom").await;
    assert!(
        matches!(err.kind, InvokeErrorKind::Memory(n) if n == 32 << 20),
        "{err:?}"
    );
    assert_eq!(err.kind.limit(), Some("memory"));
    assert!(
        err.to_string()
            .contains("exceeded its memory limit of 33554432 bytes"),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unbounded_recursion_overflows_the_stack() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    let err = fail_then_recover(&plugin, "recurse").await;
    assert!(
        matches!(err.kind, InvokeErrorKind::StackOverflow(n) if n == 512 << 10),
        "{err:?}"
    );
    assert_eq!(err.kind.limit(), Some("stack"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn panic_traps_with_the_panic_message() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    let err = fail_then_recover(&plugin, "panic").await;
    let InvokeErrorKind::Trap { message, stderr } = &err.kind else {
        panic!("a panic must surface as a trap: {err:?}");
    };
    assert!(
        stderr.contains("boom: hostile panic on arn:test:hostile:::panic"),
        "the guest's panic message is kept: {stderr:?}"
    );
    assert!(!message.is_empty());
    assert_eq!(err.kind.limit(), None);
    assert!(err.to_string().contains("boom: hostile panic"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_output_is_refused() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    let err = fail_then_recover(&plugin, "big-output").await;
    assert!(
        matches!(err.kind, InvokeErrorKind::OutputTooLarge(n) if n == 64 << 10),
        "{err:?}"
    );
    assert_eq!(err.kind.limit(), Some("output"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_must_name_a_declared_check() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    let err = fail_then_recover(&plugin, "bad-check").await;
    let InvokeErrorKind::InvalidOutput(reason) = &err.kind else {
        panic!("an undeclared check must be invalid output: {err:?}");
    };
    assert!(reason.contains("undeclared_check"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn findings_must_name_a_resource_of_the_batch() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    let err = fail_then_recover(&plugin, "foreign-arn").await;
    let InvokeErrorKind::InvalidOutput(reason) = &err.kind else {
        panic!("a finding about another resource must be invalid output: {err:?}");
    };
    assert!(
        reason.contains("arn:test:hostile:::not-in-the-batch"),
        "{reason}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_must_be_json() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    let err = fail_then_recover(&plugin, "bad-evidence").await;
    let InvokeErrorKind::InvalidOutput(reason) = &err.kind else {
        panic!("non-JSON evidence must be invalid output: {err:?}");
    };
    assert!(reason.contains("evidence"), "{reason}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guest_error_is_reported_as_such() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    let err = fail_then_recover(&plugin, "guest-error").await;
    assert!(
        matches!(&err.kind, InvokeErrorKind::Guest(m) if m == "hostile refusal for arn:test:hostile:::guest-error"),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_log_flood_is_cut_not_fatal() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    let findings = plugin
        .evaluate(&ctx(), &[thing("log-flood")])
        .await
        .expect("logging past the log cap drops lines, it does not fail the invocation");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0].message, "log-flood: logged");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_hostile_rule_describes_itself() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    assert_eq!(plugin.name(), "hostile-rule");
    assert_eq!(plugin.kind(), lgp_model::PluginKind::Rule);
    let ids: Vec<&str> = plugin.checks().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["hostile_check"]);
    assert_eq!(plugin.checks()[0].resource_kinds, ["test:hostile:thing"]);
}

// ---- handlers ----

fn event(event_type: &str) -> IncomingEvent {
    IncomingEvent {
        id: "01J00000000000000000000000".into(),
        event_type: event_type.into(),
        source: "e2e".into(),
        timestamp: "2024-01-01T00:00:00Z".into(),
        correlation_id: Some("scan-e2e".into()),
        data: "{}".into(),
    }
}

/// Delivers `event_type`, returns the error, then checks an ordinary delivery works.
async fn handler_fails_then_recovers(plugin: &Plugin, event_type: &str) -> InvokeError {
    let err = match plugin
        .handle(&event(event_type), &HandlerServices::default())
        .await
    {
        Ok(events) => panic!("{event_type} must fail, it emitted {events:?}"),
        Err(e) => e,
    };
    assert_eq!(
        err.plugin, "hostile-handler",
        "the error names the plugin: {err}"
    );
    assert_ordinary_delivery_works(plugin).await;
    err
}

async fn assert_ordinary_delivery_works(plugin: &Plugin) {
    let emitted = plugin
        .handle(&event("test.few"), &HandlerServices::default())
        .await
        .unwrap_or_else(|e| panic!("an ordinary delivery must succeed: {e}"));
    assert_eq!(emitted.len(), 3, "{emitted:?}");
    for (i, e) in emitted.iter().enumerate() {
        assert_eq!(e.event_type, "test.out");
        assert_eq!(e.correlation_id.as_deref(), Some("scan-e2e"));
        assert_eq!(
            e.data,
            format!(r#"{{"n":{i},"cause":"01J00000000000000000000000","pad":""}}"#)
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_handler_emits_and_describes_itself() {
    let runtime = small_runtime();
    let plugin = hostile_handler(&runtime).await;
    assert_eq!(plugin.name(), "hostile-handler");
    assert_eq!(plugin.kind(), lgp_model::PluginKind::Handler);
    assert!(
        plugin
            .info()
            .subscriptions
            .iter()
            .any(|s| s == "test.flood")
    );
    assert_ordinary_delivery_works(&plugin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emitting_past_the_event_cap_fails_even_if_the_guest_carries_on() {
    let runtime = small_runtime();
    let plugin = hostile_handler(&runtime).await;
    let err = handler_fails_then_recovers(&plugin, "test.flood").await;
    assert!(
        matches!(err.kind, InvokeErrorKind::TooManyEvents(10)),
        "{err:?}"
    );
    assert_eq!(err.kind.limit(), Some("events"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn emitting_past_the_output_cap_fails() {
    let runtime = small_runtime();
    let plugin = hostile_handler(&runtime).await;
    let err = handler_fails_then_recovers(&plugin, "test.big").await;
    assert!(
        matches!(err.kind, InvokeErrorKind::OutputTooLarge(n) if n == 64 << 10),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delivery_errors_map_to_retry_and_reject() {
    let runtime = small_runtime();
    let plugin = hostile_handler(&runtime).await;
    let err = handler_fails_then_recovers(&plugin, "test.retry").await;
    assert!(
        matches!(&err.kind, InvokeErrorKind::Retry(m) if m == "hostile: try again later"),
        "{err:?}"
    );
    let err = handler_fails_then_recovers(&plugin, "test.reject").await;
    assert!(
        matches!(&err.kind, InvokeErrorKind::Reject(m) if m == "hostile: this event is poison"),
        "{err:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plugin_is_only_invoked_through_its_own_world() {
    let runtime = small_runtime();
    let handler = hostile_handler(&runtime).await;
    let err = handler
        .evaluate(&ctx(), &[thing("ok")])
        .await
        .expect_err("a handler cannot evaluate");
    assert!(
        matches!(err.kind, InvokeErrorKind::InvalidOutput(_)),
        "{err:?}"
    );
    let rule = hostile_rule(&runtime).await;
    let err = rule
        .handle(&event("test.few"), &HandlerServices::default())
        .await
        .expect_err("a rule cannot handle");
    assert!(
        matches!(err.kind, InvokeErrorKind::InvalidOutput(_)),
        "{err:?}"
    );
}

// ---- the pool under churn ----

/// The fast-failing behaviours, each checked for its own error kind.
fn check_hostile(name: &str, err: &InvokeError) {
    let ok = match name {
        "panic" => matches!(err.kind, InvokeErrorKind::Trap { .. }),
        "oom" => matches!(err.kind, InvokeErrorKind::Memory(_)),
        "recurse" => matches!(err.kind, InvokeErrorKind::StackOverflow(_)),
        "big-output" => matches!(err.kind, InvokeErrorKind::OutputTooLarge(_)),
        "bad-check" | "bad-evidence" => matches!(err.kind, InvokeErrorKind::InvalidOutput(_)),
        "loop" => matches!(err.kind, InvokeErrorKind::Timeout(_)),
        _ => false,
    };
    assert!(ok, "behaviour {name:?} failed the wrong way: {err:?}");
}

const FAST_HOSTILES: [&str; 6] = [
    "panic",
    "oom",
    "recurse",
    "big-output",
    "bad-check",
    "bad-evidence",
];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_alternations_leave_a_small_pool_usable() {
    let config = RuntimeConfig {
        limits: lgp_runtime::Limits {
            // Four busy loops run to it; the other hostiles must finish well within it even
            // when the machine is loaded.
            timeout_ms: 1_000,
            ..small_limits()
        },
        ..small_config()
    };
    assert_eq!(config.pool_instances, 4);
    let runtime = Runtime::new(config, None).expect("runtime starts");
    let plugin = hostile_rule(&runtime).await;
    for i in 0..200 {
        // Every 50th hostile call is a busy loop (slow: it runs to its deadline).
        let name = if i % 50 == 49 {
            "loop"
        } else {
            FAST_HOSTILES[i % FAST_HOSTILES.len()]
        };
        let err = plugin
            .evaluate(&ctx(), &[thing(name)])
            .await
            .expect_err("hostile call fails");
        check_hostile(name, &err);
        assert_ordinary_call_works(&plugin).await;
    }

    // Then many at once: more concurrent invocations than pool slots, hostile and ordinary mixed.
    let mut tasks = Vec::new();
    for t in 0..16 {
        let plugin = plugin.clone();
        tasks.push(tokio::spawn(async move {
            for i in 0..5 {
                let name = FAST_HOSTILES[(t + i) % FAST_HOSTILES.len()];
                let err = plugin
                    .evaluate(&ctx(), &[thing(name)])
                    .await
                    .expect_err("hostile call fails");
                check_hostile(name, &err);
                assert_ordinary_call_works(&plugin).await;
            }
        }));
    }
    for task in tasks {
        task.await.expect("task completes without panicking");
    }
    assert_ordinary_call_works(&plugin).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_batch_fails_whole_and_concurrent_neighbours_are_unaffected() {
    let runtime = small_runtime();
    let plugin = hostile_rule(&runtime).await;
    // One "oom" resource in an otherwise fine batch fails the whole invocation: no partial output.
    let err = plugin
        .evaluate(&ctx(), &[thing("ok"), thing("oom"), thing("ok")])
        .await
        .expect_err("the batch fails");
    assert!(matches!(err.kind, InvokeErrorKind::Memory(_)), "{err:?}");

    // A busy loop holding a slot does not stop other invocations meanwhile.
    let spinning = {
        let plugin = plugin.clone();
        tokio::spawn(async move { plugin.evaluate(&ctx(), &[thing("loop")]).await })
    };
    for _ in 0..20 {
        assert_ordinary_call_works(&plugin).await;
    }
    let err = spinning
        .await
        .expect("task completes")
        .expect_err("the loop times out");
    assert!(matches!(err.kind, InvokeErrorKind::Timeout(_)), "{err:?}");
}
