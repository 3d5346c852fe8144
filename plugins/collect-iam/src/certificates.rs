//! `aws:iam:server-certificate` (ListServerCertificates) and `aws:iam:saml-provider`
//! (ListSAMLProviders): listings whose entries are the whole resource.

use crate::json::{last_segment, text, text_or_empty};
use lgp_sdk::kinds::iam::{SamlProvider, ServerCertificate};
use serde_json::Value;

/// One `ServerCertificateMetadataList` entry. Whether it has expired is for rules, which have
/// the scan's clock.
pub fn server_certificate(meta: &Value) -> Option<ServerCertificate> {
    Some(ServerCertificate {
        arn: text(meta, "Arn")?,
        name: text_or_empty(meta, "ServerCertificateName"),
        id: text_or_empty(meta, "ServerCertificateId"),
        path: text(meta, "Path").unwrap_or_else(|| "/".into()),
        upload_date: text(meta, "UploadDate"),
        expiration: text(meta, "Expiration"),
    })
}

/// One `SAMLProviderList` entry; the name is the ARN's last segment.
pub fn saml_provider(entry: &Value) -> Option<SamlProvider> {
    let arn = text(entry, "Arn")?;
    Some(SamlProvider {
        name: last_segment(&arn).to_owned(),
        valid_until: text(entry, "ValidUntil"),
        create_date: text(entry, "CreateDate"),
        arn,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn entries_become_resources() {
        let cert = server_certificate(
            &json!({"ServerCertificateName": "c", "ServerCertificateId": "ASCA1",
            "Arn": "arn:aws:iam::1:server-certificate/c", "Expiration": "2030-01-01T00:00:00Z"}),
        )
        .expect("an ARN");
        assert_eq!((cert.name.as_str(), cert.path.as_str()), ("c", "/"));
        assert_eq!(cert.upload_date, None);
        let saml = saml_provider(&json!({"Arn": "arn:aws:iam::1:saml-provider/okta",
            "ValidUntil": "2032-01-01T00:00:00Z"}))
        .expect("an ARN");
        assert_eq!(saml.name, "okta");
        assert!(saml_provider(&json!({})).is_none());
    }
}
