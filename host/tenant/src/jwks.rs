//! The public keys of a JWKS endpoint: fetched on first use, cached, refetched when a token
//! names an unknown key or the cache is old — never more than once per interval.

use crate::{AuthError, ConfigError};
use bytes::Bytes;
use http::Uri;
use http_body_util::{BodyExt, Empty, Limited};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};
use std::collections::HashMap;
use std::error::Error;
use std::net::IpAddr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

/// Largest key set accepted, in bytes: a key set holds a handful of keys of about 1 KiB each;
/// the cap keeps a misbehaving endpoint from filling memory.
const MAX_JWKS_BYTES: usize = 64 * 1024;

/// How long one fetch may take. Requests whose key is unknown wait for it, so it stays short.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// Age after which the cached keys are refetched on the next verification (within the same
/// per-interval bound), so that a key the identity provider withdrew stops verifying.
const KEYS_MAX_AGE: Duration = Duration::from_secs(15 * 60);

/// A key and the one algorithm it verifies.
#[derive(Clone)]
pub(crate) struct VerifyKey {
    /// Decided by the key (RSA → RS256, P-256 → ES256), never by a token.
    pub(crate) alg: Algorithm,
    pub(crate) key: Arc<DecodingKey>,
}

/// The cached key set of one JWKS URL.
pub(crate) struct Jwks {
    url: Uri,
    client: Client<HttpsConnector<HttpConnector>, Empty<Bytes>>,
    min_refresh: Duration,
    cache: RwLock<Cache>,
    /// When the last fetch started; held across a fetch so that fetches never overlap.
    last_attempt: tokio::sync::Mutex<Option<Instant>>,
}

#[derive(Default)]
struct Cache {
    keys: HashMap<String, VerifyKey>,
    /// When the keys were last fetched successfully; `None` until then.
    fetched_at: Option<Instant>,
}

impl Jwks {
    pub(crate) fn new(url: &str, min_refresh: Duration) -> Result<Self, ConfigError> {
        let url = checked_url(url)?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let connector = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(provider)
            .map_err(ConfigError::Tls)?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Jwks {
            url,
            client: Client::builder(TokioExecutor::new()).build(connector),
            min_refresh,
            cache: RwLock::new(Cache::default()),
            last_attempt: tokio::sync::Mutex::new(None),
        })
    }

    pub(crate) fn url(&self) -> &Uri {
        &self.url
    }

    /// The key named `kid`, fetching the key set when the key is unknown or the cache is old
    /// and the last fetch is at least the minimum interval ago.
    pub(crate) async fn key(&self, kid: &str) -> Result<VerifyKey, AuthError> {
        if let Some(key) = self.cached(kid, true) {
            return Ok(key);
        }
        let mut last_attempt = self.last_attempt.lock().await;
        // Another request may have fetched while this one waited.
        if let Some(key) = self.cached(kid, true) {
            return Ok(key);
        }
        let due = last_attempt.is_none_or(|at| at.elapsed() >= self.min_refresh);
        if due {
            *last_attempt = Some(Instant::now());
            match self.fetch().await {
                Ok(keys) => {
                    tracing::debug!(url = %self.url, keys = keys.len(), "fetched the JWKS");
                    let mut cache = self.cache.write().unwrap_or_else(PoisonError::into_inner);
                    *cache = Cache {
                        keys,
                        fetched_at: Some(Instant::now()),
                    };
                }
                Err(err) => {
                    tracing::warn!(url = %self.url, error = %chain(&*err), "cannot fetch the JWKS");
                }
            }
        }
        drop(last_attempt);
        let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        if cache.fetched_at.is_none() {
            return Err(AuthError::KeysUnavailable);
        }
        // When the refetch failed or was not due, an old key still verifies.
        cache.keys.get(kid).cloned().ok_or(AuthError::UnknownKey)
    }

    fn cached(&self, kid: &str, fresh_only: bool) -> Option<VerifyKey> {
        let cache = self.cache.read().unwrap_or_else(PoisonError::into_inner);
        let fetched_at = cache.fetched_at?;
        if fresh_only && fetched_at.elapsed() > KEYS_MAX_AGE {
            return None;
        }
        cache.keys.get(kid).cloned()
    }

    async fn fetch(&self) -> Result<HashMap<String, VerifyKey>, Box<dyn Error + Send + Sync>> {
        let request = http::Request::get(self.url.clone())
            .header(http::header::ACCEPT, "application/json")
            .body(Empty::new())?;
        let body = tokio::time::timeout(FETCH_TIMEOUT, async {
            let response = self.client.request(request).await?;
            if !response.status().is_success() {
                return Err(format!("HTTP status {}", response.status()).into());
            }
            let body = Limited::new(response.into_body(), MAX_JWKS_BYTES)
                .collect()
                .await?;
            Ok::<_, Box<dyn Error + Send + Sync>>(body.to_bytes())
        })
        .await
        .map_err(|_| format!("no answer within {FETCH_TIMEOUT:?}"))??;
        Ok(parse_key_set(&body)?)
    }
}

/// The usable signing keys of a JWKS document: RSA keys for RS256 and P-256 keys for ES256, each
/// with a `kid`. Keys for encryption, of other types or declaring another algorithm are skipped
/// one by one, so a key set that also publishes them still works.
fn parse_key_set(body: &[u8]) -> Result<HashMap<String, VerifyKey>, serde_json::Error> {
    #[derive(serde::Deserialize)]
    struct KeySet {
        keys: Vec<serde_json::Value>,
    }
    let set: KeySet = serde_json::from_slice(body)?;
    let mut keys = HashMap::new();
    for value in set.keys {
        let Ok(jwk) = serde_json::from_value::<Jwk>(value) else {
            continue;
        };
        let Some(kid) = jwk.common.key_id.clone() else {
            continue;
        };
        if matches!(&jwk.common.public_key_use, Some(usage) if *usage != PublicKeyUse::Signature) {
            continue;
        }
        let alg = match &jwk.algorithm {
            AlgorithmParameters::RSA(_) => Algorithm::RS256,
            AlgorithmParameters::EllipticCurve(p) if p.curve == EllipticCurve::P256 => {
                Algorithm::ES256
            }
            _ => continue,
        };
        let declared_ok = match jwk.common.key_algorithm {
            None => true,
            Some(KeyAlgorithm::RS256) => alg == Algorithm::RS256,
            Some(KeyAlgorithm::ES256) => alg == Algorithm::ES256,
            Some(_) => false,
        };
        if !declared_ok {
            continue;
        }
        let Ok(key) = DecodingKey::from_jwk(&jwk) else {
            continue;
        };
        keys.entry(kid).or_insert(VerifyKey {
            alg,
            key: Arc::new(key),
        });
    }
    Ok(keys)
}

/// HTTPS, or plain HTTP to a loopback address (a sidecar or a test): keys fetched in clear
/// across a network could be swapped by anyone on the path.
fn checked_url(url: &str) -> Result<Uri, ConfigError> {
    let refuse = |reason| ConfigError::JwksUrl {
        url: url.to_owned(),
        reason,
    };
    let uri: Uri = url.parse().map_err(|_| refuse("not a URL"))?;
    let host = uri.host().ok_or_else(|| refuse("no host"))?;
    match uri.scheme_str() {
        Some("https") => Ok(uri),
        Some("http") => {
            let host = host.trim_start_matches('[').trim_end_matches(']');
            let loopback =
                host == "localhost" || host.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback());
            if loopback {
                Ok(uri)
            } else {
                Err(refuse("use https (plain http only to a loopback address)"))
            }
        }
        _ => Err(refuse("use https")),
    }
}

/// An error and its causes on one line, for the log.
fn chain(err: &(dyn Error + 'static)) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verifier::tests::{SECRET, claims, forged};
    use crate::{AuthConfig, Role, Verifier};
    use aws_lc_rs::encoding::AsDer;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::rsa::{KeyPair as RsaKeyPair, KeySize};
    use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair, KeyPair as _};
    use base64::Engine;
    use base64::engine::general_purpose::STANDARD;
    use jsonwebtoken::jwk::JwkSet;
    use jsonwebtoken::{EncodingKey, Header};
    use serde_json::json;
    use std::io::{Read, Write};
    use std::net::TcpListener;
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A test key pair: the signing key, its JWK (public part, with its kid) and the public key
    /// as PEM text.
    struct TestKey {
        signing: EncodingKey,
        alg: Algorithm,
        kid: String,
        jwk: Jwk,
        public_pem: String,
    }

    fn pem(label: &str, der: &[u8]) -> String {
        let body = STANDARD.encode(der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|line| std::str::from_utf8(line).expect("base64 is ascii"))
            .collect();
        format!(
            "-----BEGIN {label}-----\n{}\n-----END {label}-----\n",
            lines.join("\n")
        )
    }

    /// An RSA 2048 key generated for the test (jsonwebtoken signs with PKCS#1, which its PEM
    /// reader extracts from the PKCS#8 that aws-lc-rs produces).
    fn rsa_key(kid: &str) -> TestKey {
        let pair = RsaKeyPair::generate(KeySize::Rsa2048).expect("generate RSA");
        let pkcs8 = pair.as_der().expect("PKCS#8");
        let signing =
            EncodingKey::from_rsa_pem(pem("PRIVATE KEY", pkcs8.as_ref()).as_bytes()).expect("key");
        let public = pair.public_key().as_der().expect("public DER");
        test_key(
            signing,
            Algorithm::RS256,
            kid,
            pem("PUBLIC KEY", public.as_ref()),
        )
    }

    /// A P-256 key generated for the test.
    fn ec_key(kid: &str) -> TestKey {
        let pkcs8 =
            EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &SystemRandom::new())
                .expect("generate P-256");
        let signing = EncodingKey::from_ec_der(pkcs8.as_ref());
        test_key(signing, Algorithm::ES256, kid, String::new())
    }

    fn test_key(signing: EncodingKey, alg: Algorithm, kid: &str, public_pem: String) -> TestKey {
        let mut jwk = Jwk::from_encoding_key(&signing, alg).expect("jwk");
        jwk.common.key_id = Some(kid.to_owned());
        TestKey {
            signing,
            alg,
            kid: kid.to_owned(),
            jwk,
            public_pem,
        }
    }

    fn sign(key: &TestKey, claims: &serde_json::Value) -> String {
        let mut header = Header::new(key.alg);
        header.kid = Some(key.kid.clone());
        jsonwebtoken::encode(&header, claims, &key.signing).expect("sign")
    }

    fn key_set(keys: &[&TestKey]) -> String {
        serde_json::to_string(&JwkSet {
            keys: keys.iter().map(|k| k.jwk.clone()).collect(),
        })
        .expect("jwks")
    }

    /// A JWKS endpoint on 127.0.0.1 that counts its requests; the document can be swapped.
    struct JwksServer {
        url: String,
        document: Arc<Mutex<String>>,
        hits: Arc<AtomicUsize>,
    }

    impl JwksServer {
        fn start(document: String) -> Self {
            let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
            let url = format!(
                "http://{}/.well-known/jwks.json",
                listener.local_addr().expect("addr")
            );
            let document = Arc::new(Mutex::new(document));
            let hits = Arc::new(AtomicUsize::new(0));
            let (doc, count) = (Arc::clone(&document), Arc::clone(&hits));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    let Ok(mut stream) = stream else { continue };
                    let mut request = Vec::new();
                    let mut buf = [0u8; 1024];
                    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf) {
                            Ok(0) | Err(_) => break,
                            Ok(n) => request.extend_from_slice(&buf[..n]),
                        }
                    }
                    count.fetch_add(1, Ordering::SeqCst);
                    let body = doc.lock().expect("document").clone();
                    let response = format!(
                        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = stream.write_all(response.as_bytes());
                }
            });
            JwksServer {
                url,
                document,
                hits,
            }
        }

        fn hits(&self) -> usize {
            self.hits.load(Ordering::SeqCst)
        }

        fn publish(&self, document: String) {
            *self.document.lock().expect("document") = document;
        }

        fn verifier(&self, min_refresh: Duration) -> Verifier {
            Verifier::new(&AuthConfig {
                jwks_url: Some(self.url.clone()),
                jwks_min_refresh: Some(min_refresh),
                ..AuthConfig::default()
            })
            .expect("verifier")
        }
    }

    #[tokio::test]
    async fn valid_rs256_and_es256_tokens_are_accepted() {
        let (rsa, ec) = (rsa_key("rsa-1"), ec_key("ec-1"));
        let server = JwksServer::start(key_set(&[&rsa, &ec]));
        let verifier = server.verifier(Duration::from_secs(60));
        for key in [&rsa, &ec] {
            let claims = verifier
                .verify(&sign(key, &claims()))
                .await
                .expect("accepted");
            assert_eq!(claims.tenant.as_str(), "acme");
            assert_eq!(claims.roles, [Role::Analyst]);
        }
        assert_eq!(server.hits(), 1, "the key set is fetched once and cached");
    }

    #[tokio::test]
    async fn key_confusion_and_foreign_algorithms_are_refused() {
        let rsa = rsa_key("rsa-1");
        let server = JwksServer::start(key_set(&[&rsa]));
        let verifier = server.verifier(Duration::from_secs(60));

        // HS256 "signed" with the RSA public key's bytes, naming the RSA key.
        let mut header = Header::new(Algorithm::HS256);
        header.kid = Some("rsa-1".into());
        let hmac = EncodingKey::from_secret(rsa.public_pem.as_bytes()).expect("key");
        let confused = jsonwebtoken::encode(&header, &claims(), &hmac).expect("sign");
        assert_eq!(
            verifier.verify(&confused).await,
            Err(AuthError::AlgorithmNotAllowed)
        );
        // An ES256 header on the RSA key.
        let forged_es = forged(&json!({"alg": "ES256", "kid": "rsa-1"}), &claims(), "c2ln");
        assert_eq!(
            verifier.verify(&forged_es).await,
            Err(AuthError::AlgorithmNotAllowed)
        );
        let none = forged(&json!({"alg": "none", "kid": "rsa-1"}), &claims(), "");
        assert_eq!(
            verifier.verify(&none).await,
            Err(AuthError::AlgorithmNotAllowed)
        );
        let no_kid = jsonwebtoken::encode(&Header::new(Algorithm::RS256), &claims(), &rsa.signing)
            .expect("sign");
        assert_eq!(verifier.verify(&no_kid).await, Err(AuthError::MissingKeyId));

        // And an RS256 token against an HS256 verifier.
        let hs = Verifier::new(&AuthConfig {
            jwt_secret: Some(SECRET.into()),
            ..AuthConfig::default()
        })
        .expect("verifier");
        assert_eq!(
            hs.verify(&sign(&rsa, &claims())).await,
            Err(AuthError::AlgorithmNotAllowed)
        );
    }

    #[tokio::test]
    async fn a_token_with_a_new_kid_triggers_one_refresh() {
        let (old, new) = (rsa_key("2026-01"), ec_key("2026-02"));
        let server = JwksServer::start(key_set(&[&old]));
        let interval = Duration::from_millis(300);
        let verifier = server.verifier(interval);
        verifier
            .verify(&sign(&old, &claims()))
            .await
            .expect("old key");
        assert_eq!(server.hits(), 1);

        server.publish(key_set(&[&old, &new]));
        tokio::time::sleep(interval + Duration::from_millis(50)).await;
        for _ in 0..3 {
            verifier
                .verify(&sign(&new, &claims()))
                .await
                .expect("new key");
        }
        assert_eq!(
            server.hits(),
            2,
            "one refresh for the new key, then the cache"
        );
    }

    #[tokio::test]
    async fn a_flood_of_unknown_kids_refreshes_at_most_once_per_interval() {
        let rsa = rsa_key("real");
        let server = JwksServer::start(key_set(&[&rsa]));
        let interval = Duration::from_secs(2);
        let verifier = server.verifier(interval);
        verifier
            .verify(&sign(&rsa, &claims()))
            .await
            .expect("real key");
        assert_eq!(server.hits(), 1);

        let flood = |round: usize| {
            let mut tasks = tokio::task::JoinSet::new();
            for i in 0..50 {
                let verifier = verifier.clone();
                let token = forged(
                    &json!({"alg": "RS256", "kid": format!("bogus-{round}-{i}")}),
                    &claims(),
                    "c2ln",
                );
                tasks.spawn(async move { verifier.verify(&token).await });
            }
            tasks.join_all()
        };
        for result in flood(0).await {
            assert_eq!(result, Err(AuthError::UnknownKey));
        }
        assert_eq!(server.hits(), 1, "within the interval of the first fetch");

        tokio::time::sleep(interval + Duration::from_millis(100)).await;
        for result in flood(1).await {
            assert_eq!(result, Err(AuthError::UnknownKey));
        }
        for result in flood(2).await {
            assert_eq!(result, Err(AuthError::UnknownKey));
        }
        assert_eq!(server.hits(), 2, "one refresh for the whole next interval");
        // The real key still verifies from the cache.
        verifier
            .verify(&sign(&rsa, &claims()))
            .await
            .expect("real key");
        assert_eq!(server.hits(), 2);
    }

    #[tokio::test]
    async fn an_unreachable_key_set_is_unavailable_not_a_bad_token() {
        let port = TcpListener::bind("127.0.0.1:0")
            .expect("bind")
            .local_addr()
            .expect("addr")
            .port();
        let verifier = Verifier::new(&AuthConfig {
            jwks_url: Some(format!("http://127.0.0.1:{port}/jwks")),
            ..AuthConfig::default()
        })
        .expect("verifier");
        let token = forged(&json!({"alg": "RS256", "kid": "k"}), &claims(), "c2ln");
        let err = verifier.verify(&token).await.expect_err("refused");
        assert_eq!(err, AuthError::KeysUnavailable);
        assert_eq!(err.http_status(), 503);
    }

    #[test]
    fn unusable_keys_are_skipped_one_by_one() {
        let (rsa, ec) = (rsa_key("rsa"), ec_key("ec"));
        let mut encryption = rsa_key("enc").jwk;
        encryption.common.public_key_use = Some(PublicKeyUse::Encryption);
        let mut no_kid = rsa_key("x").jwk;
        no_kid.common.key_id = None;
        let document = json!({"keys": [
            rsa.jwk, ec.jwk, encryption, no_kid,
            {"kty": "oct", "kid": "hmac", "k": "c2VjcmV0"},
            {"kty": "RSA", "kid": "pss", "alg": "PS256", "n": "AQAB", "e": "AQAB"},
            {"kty": "weird", "kid": "w"},
        ]});
        let keys = parse_key_set(document.to_string().as_bytes()).expect("key set");
        let mut kids: Vec<&str> = keys.keys().map(String::as_str).collect();
        kids.sort_unstable();
        assert_eq!(kids, ["ec", "rsa"]);
        assert_eq!(keys["rsa"].alg, Algorithm::RS256);
        assert_eq!(keys["ec"].alg, Algorithm::ES256);
    }

    #[test]
    fn jwks_urls_must_be_https_or_loopback_http() {
        for ok in [
            "https://id.example/.well-known/jwks.json",
            "http://127.0.0.1:8080/jwks",
            "http://localhost/jwks",
            "http://[::1]:9000/jwks",
        ] {
            assert!(checked_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "http://id.example/jwks",
            "ftp://id.example/jwks",
            "jwks.json",
            "",
        ] {
            let err = checked_url(bad).expect_err(bad);
            assert!(err.to_string().contains("LGP_JWKS_URL"), "{err}");
        }
    }
}
