//! A rule plugin that misbehaves on request: each resource's `name` picks what it does, so one
//! component exercises every limit and every output check of the host.
//!
//! It uses wit-bindgen directly, not the SDK, so the host is tested against the raw contract.

use std::hint::black_box;

wit_bindgen::generate!({
    path: "../../../wit",
    world: "lg-protect:plugin/rule",
});

use exports::lg_protect::plugin::evaluate::Guest;
use lg_protect::plugin::log::{Level, log};
use lg_protect::plugin::types::{
    CheckMeta, EvaluationContext, Finding, PluginInfo, PluginKind, Remediation, Resource, Severity,
    Status,
};

/// The one check this plugin declares.
const CHECK: &str = "hostile_check";
/// The resource kind it applies to.
const KIND: &str = "test:hostile:thing";

struct Hostile;

impl Guest for Hostile {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "hostile-rule".into(),
            version: "0.1.0".into(),
            kind: PluginKind::Rule,
            description: "Misbehaves as each resource's name asks, to test the sandbox.".into(),
            subscriptions: Vec::new(),
            capabilities: Vec::new(),
        }
    }

    fn checks() -> Vec<CheckMeta> {
        vec![CheckMeta {
            id: CHECK.into(),
            title: "Hostile check".into(),
            description: "Passes resources named ok; misbehaves on the others.".into(),
            rationale: "Exercises the host's limits.".into(),
            severity: Severity::Low,
            service: "hostile".into(),
            resource_kinds: vec![KIND.into()],
            remediation: Remediation {
                text: "None.".into(),
                cli: None,
                console: None,
                url: None,
            },
            references: Vec::new(),
            equivalents: Vec::new(),
        }]
    }

    fn evaluate(_ctx: EvaluationContext, batch: Vec<Resource>) -> Result<Vec<Finding>, String> {
        let mut findings = Vec::new();
        for r in &batch {
            match r.name.as_str() {
                "ok" => findings.push(finding(r, CHECK, "{\"name\":\"ok\"}", "ok")),
                "loop" => spin(),
                "oom" => hoard(),
                "recurse" => {
                    let depth = recurse(u32::MAX, r.name.as_bytes());
                    findings.push(finding(r, CHECK, "{}", &depth.to_string()));
                }
                "panic" => panic!("boom: hostile panic on {}", r.arn),
                "big-output" => {
                    // About 1 MiB of messages: far past a test's output cap, well inside memory.
                    let message = "x".repeat(1 << 10);
                    for _ in 0..1024 {
                        findings.push(finding(r, CHECK, "{}", &message));
                    }
                }
                "bad-check" => findings.push(finding(r, "undeclared_check", "{}", "undeclared")),
                "bad-evidence" => {
                    findings.push(finding(r, CHECK, "this is not json", "bad evidence"))
                }
                "foreign-arn" => {
                    let mut f = finding(r, CHECK, "{}", "elsewhere");
                    f.resource_arn = "arn:test:hostile:::not-in-the-batch".into();
                    findings.push(f);
                }
                "guest-error" => return Err(format!("hostile refusal for {}", r.arn)),
                "log-flood" => {
                    for i in 0..100_000u32 {
                        log(
                            Level::Info,
                            &format!("hostile log line {i} {}", "y".repeat(256)),
                        );
                    }
                    findings.push(finding(r, CHECK, "{}", "logged"));
                }
                other => return Err(format!("unknown behaviour {other:?}")),
            }
        }
        Ok(findings)
    }
}

fn finding(r: &Resource, check: &str, evidence: &str, message: &str) -> Finding {
    Finding {
        check_id: check.into(),
        resource_arn: r.arn.clone(),
        status: Status::Pass,
        severity: Severity::Low,
        message: format!("{}: {message}", r.name),
        evidence: evidence.into(),
    }
}

/// Never returns: a busy loop only an interruption stops.
fn spin() -> ! {
    let mut i = 0u64;
    loop {
        i = black_box(i).wrapping_add(1);
    }
}

/// Never returns: keeps allocating (and touching) memory until the host refuses to grow it.
fn hoard() -> ! {
    let mut kept: Vec<Vec<u8>> = Vec::new();
    loop {
        kept.push(vec![1u8; 1 << 20]);
        black_box(&kept);
    }
}

/// Real, non-tail recursion: each frame needs its callee's result and reads memory the optimizer
/// cannot see through, so it can become neither a loop nor a constant. No local has its address
/// taken, so the frames live on the wasm stack (which the host caps), not the guest's own
/// in-memory stack.
#[inline(never)]
fn recurse(n: u32, salt: &[u8]) -> u32 {
    if n == 0 {
        return 0;
    }
    let below = recurse(n - 1, salt);
    below ^ u32::from(salt[n as usize % salt.len()]).rotate_left(below)
}

export!(Hostile);
