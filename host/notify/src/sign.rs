//! The signature of a webhook body: `sha256=<hex>` of the HMAC-SHA256 of the exact bytes sent,
//! keyed with the endpoint's secret. A receiver recomputes it over the raw body it received
//! (before any JSON parsing) and compares in constant time.

use aws_lc_rs::hmac;

/// The `X-LGP-Signature` value of `body` under `secret`.
pub fn signature(secret: &[u8], body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    format!("sha256={}", hex::encode(hmac::sign(&key, body).as_ref()))
}

/// Whether `header` is the signature of `body` under `secret`, compared in constant time.
pub fn verify(secret: &[u8], body: &[u8], header: &str) -> bool {
    let Some(tag) = header
        .strip_prefix("sha256=")
        .and_then(|h| hex::decode(h).ok())
    else {
        return false;
    };
    let key = hmac::Key::new(hmac::HMAC_SHA256, secret);
    hmac::verify(&key, body, &tag).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_rfc_4231_test_case_2() {
        // RFC 4231, test case 2: key "Jefe", data "what do ya want for nothing?".
        assert_eq!(
            signature(b"Jefe", b"what do ya want for nothing?"),
            "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn verifies_only_the_exact_body_and_secret() {
        let secret = b"0123456789abcdef0123";
        let body = br#"{"type":"alert.triggered"}"#;
        let sig = signature(secret, body);
        assert!(verify(secret, body, &sig));
        assert!(!verify(secret, br#"{"type":"alert.resolved"}"#, &sig));
        assert!(!verify(b"another secret of 20b", body, &sig));
        assert!(!verify(secret, body, sig.trim_start_matches("sha256=")));
        assert!(!verify(secret, body, "sha256=zz"));
    }
}
