//! Instance metadata service settings, shared by instances (`MetadataOptions` of
//! DescribeInstances) and launch templates (of their latest version's data).

use crate::json::{int, text};
use lgp_sdk::kinds::ec2::MetadataOptions;
use serde_json::Value;

/// The settings AWS gives in `options`; `None` when it gives none (absent, or an empty object:
/// a launch template that leaves them to the launch defaults).
pub fn metadata_options(options: Option<&Value>) -> Option<MetadataOptions> {
    let options = options?;
    let parsed = MetadataOptions {
        http_tokens: text(options, "HttpTokens"),
        http_endpoint: text(options, "HttpEndpoint"),
        http_put_response_hop_limit: int(options, "HttpPutResponseHopLimit"),
        instance_metadata_tags: text(options, "InstanceMetadataTags"),
    };
    (parsed != MetadataOptions::default()).then_some(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settings_keep_aws_spelling_and_none_means_unset() {
        let m = metadata_options(Some(
            &json!({"HttpTokens": "required", "HttpEndpoint": "enabled",
            "HttpPutResponseHopLimit": 2, "InstanceMetadataTags": "disabled", "State": "applied"}),
        ))
        .expect("set");
        assert_eq!(m.http_tokens.as_deref(), Some("required"));
        assert_eq!(m.http_put_response_hop_limit, Some(2));
        assert!(!m.imdsv1_allowed());
        assert_eq!(metadata_options(Some(&json!({}))), None);
        assert_eq!(metadata_options(None), None);
    }
}
