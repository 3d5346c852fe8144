//! A tenant's hostile rule: it never returns from evaluating an S3 bucket. The quota tests
//! upload it for one tenant while another scans.

use std::hint::black_box;

wit_bindgen::generate!({
    path: "../../../wit",
    world: "lg-protect:plugin/rule",
});

use exports::lg_protect::plugin::evaluate::Guest;
use lg_protect::plugin::types::{
    CheckMeta, EvaluationContext, Finding, PluginInfo, PluginKind, Remediation, Resource, Severity,
};

struct Busy;

impl Guest for Busy {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "busy-rule".into(),
            version: "0.1.0".into(),
            kind: PluginKind::Rule,
            description: "Spins forever on every S3 bucket.".into(),
            subscriptions: Vec::new(),
            capabilities: Vec::new(),
        }
    }

    fn checks() -> Vec<CheckMeta> {
        vec![CheckMeta {
            id: "busy_s3_bucket_spin".into(),
            title: "Spins".into(),
            description: "Never decides.".into(),
            rationale: "Tests the tenant quotas.".into(),
            severity: Severity::Low,
            service: "s3".into(),
            resource_kinds: vec!["aws:s3:bucket".into()],
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

    fn evaluate(_ctx: EvaluationContext, _batch: Vec<Resource>) -> Result<Vec<Finding>, String> {
        let mut i = 0u64;
        loop {
            i = black_box(i).wrapping_add(1);
        }
    }
}

export!(Busy);
