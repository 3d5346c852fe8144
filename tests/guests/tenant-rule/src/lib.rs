//! A tenant's own rule, as a security engineer would upload it: every S3 bucket must carry an
//! `owner` tag. The upload tests install it for one tenant and look for its findings in that
//! tenant's scans only.

wit_bindgen::generate!({
    path: "../../../wit",
    world: "lg-protect:plugin/rule",
});

use exports::lg_protect::plugin::evaluate::Guest;
use lg_protect::plugin::types::{
    CheckMeta, EvaluationContext, Finding, FrameworkRef, PluginInfo, PluginKind, Remediation,
    Resource, Severity, Status,
};

/// The check's id.
const CHECK: &str = "acme_s3_bucket_owner_tag";

struct OwnerTag;

impl Guest for OwnerTag {
    fn describe() -> PluginInfo {
        PluginInfo {
            name: "tenant-rule".into(),
            version: "1.0.0".into(),
            kind: PluginKind::Rule,
            description: "ACME's own rule: every S3 bucket names its owner.".into(),
            subscriptions: Vec::new(),
            capabilities: Vec::new(),
        }
    }

    fn checks() -> Vec<CheckMeta> {
        vec![CheckMeta {
            id: CHECK.into(),
            title: "S3 buckets carry an owner tag".into(),
            description: "Fails buckets without an `owner` tag.".into(),
            rationale: "Every bucket needs someone to answer for it.".into(),
            severity: Severity::Medium,
            service: "s3".into(),
            resource_kinds: vec!["aws:s3:bucket".into()],
            remediation: Remediation {
                text: "Tag the bucket with owner=<team>.".into(),
                cli: Some("aws s3api put-bucket-tagging --bucket NAME --tagging 'TagSet=[{Key=owner,Value=TEAM}]'".into()),
                console: None,
                url: None,
            },
            references: vec![FrameworkRef {
                framework: "soc2".into(),
                control: "CC6.1".into(),
            }],
            equivalents: Vec::new(),
        }]
    }

    fn evaluate(_ctx: EvaluationContext, batch: Vec<Resource>) -> Result<Vec<Finding>, String> {
        Ok(batch
            .iter()
            .map(|r| {
                let owner = r.tags.iter().find(|t| t.key == "owner");
                let (status, message) = match owner {
                    Some(t) => (Status::Pass, format!("{} is owned by {}", r.name, t.value)),
                    None => (Status::Fail, format!("{} has no owner tag", r.name)),
                };
                Finding {
                    check_id: CHECK.into(),
                    resource_arn: r.arn.clone(),
                    status,
                    severity: Severity::Medium,
                    message,
                    evidence: format!(
                        "{{\"owner\":{}}}",
                        owner.map_or("null".into(), |t| format!("{:?}", t.value))
                    ),
                }
            })
            .collect())
    }
}

export!(OwnerTag);
