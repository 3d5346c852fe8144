//! Encryption of tenant data that leaves the process or is stored: AES-256-GCM under a per-tenant
//! key derived with HKDF-SHA256 from one master key (aws-lc-rs).
//!
//! Sealed data is `version (1 byte) ‖ nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes)`. The
//! tenant id and a caller-chosen context (an event id, a table name) are bound as associated
//! data, so a ciphertext cannot be replayed under another tenant or in another place. Tampered
//! data, a wrong key or a wrong context are refused with an error, never returned.
//!
//! Where the master key comes from (`LGP_MASTER_KEY`, or a file generated once in the data
//! directory) is decided by [`MasterKey::from_hex`] and [`MasterKey::load_or_create`]; nothing
//! here reads the environment.

use aws_lc_rs::aead::{AES_256_GCM, Aad, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use aws_lc_rs::hkdf::{HKDF_SHA256, Salt};
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use lgp_events::TenantId;
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};

/// Format version of sealed data.
const VERSION: u8 = 1;

/// Master key length: AES-256 and HKDF-SHA256 both want 32 bytes of entropy.
pub const MASTER_KEY_LEN: usize = 32;

/// Domain separation of the key derivation, so keys derived for another purpose from the same
/// master key never collide with these.
const HKDF_SALT: &[u8] = b"lg-protect/tenant-data-key/v1";

/// What went wrong.
#[derive(Debug, thiserror::Error)]
pub enum CryptoError {
    /// The master key text is not 64 hex digits.
    #[error("master key must be {MASTER_KEY_LEN} bytes as {} hex digits", MASTER_KEY_LEN * 2)]
    BadMasterKey,
    /// The key file could not be read or written.
    #[error("cannot use the master key file {path}")]
    KeyFile {
        /// The file.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The key file has group or world permissions.
    #[error("master key file {0} must be readable by its owner only (mode 0600)")]
    KeyFileMode(String),
    /// Decryption failed: tampered data, wrong key, wrong tenant or wrong context.
    #[error("cannot decrypt: data was tampered with or sealed under another key or context")]
    Open,
    /// The data is too short or of an unknown format version.
    #[error("cannot decrypt: not sealed data of a known format")]
    Format,
    /// The system random generator failed.
    #[error("the system random generator failed")]
    Random,
}

/// The platform's master key. Never logged, never serialized.
#[derive(Clone)]
pub struct MasterKey([u8; MASTER_KEY_LEN]);

impl std::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MasterKey(..)")
    }
}

impl MasterKey {
    /// Parses 64 hex digits (the form of `LGP_MASTER_KEY`).
    pub fn from_hex(text: &str) -> Result<Self, CryptoError> {
        let bytes = hex::decode(text.trim()).map_err(|_| CryptoError::BadMasterKey)?;
        let key: [u8; MASTER_KEY_LEN] = bytes.try_into().map_err(|_| CryptoError::BadMasterKey)?;
        Ok(MasterKey(key))
    }

    /// A fresh random key.
    pub fn generate() -> Result<Self, CryptoError> {
        let mut key = [0u8; MASTER_KEY_LEN];
        SystemRandom::new()
            .fill(&mut key)
            .map_err(|_| CryptoError::Random)?;
        Ok(MasterKey(key))
    }

    /// Reads the key file at `path`, or creates it (mode 0600) with a fresh key: the embedded
    /// default, where no `LGP_MASTER_KEY` is configured. A file others can read is refused.
    pub fn load_or_create(path: &Path) -> Result<Self, CryptoError> {
        let file_err = |source| CryptoError::KeyFile {
            path: path.display().to_string(),
            source,
        };
        match std::fs::read_to_string(path) {
            Ok(text) => {
                check_owner_only(path)?;
                MasterKey::from_hex(&text)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let key = MasterKey::generate()?;
                if let Some(dir) = path.parent() {
                    std::fs::create_dir_all(dir).map_err(file_err)?;
                }
                write_owner_only(path, hex::encode(key.0).as_bytes()).map_err(file_err)?;
                Ok(key)
            }
            Err(e) => Err(file_err(e)),
        }
    }
}

#[cfg(unix)]
fn write_owner_only(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(contents)?;
    file.sync_all()
}

#[cfg(not(unix))]
fn write_owner_only(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, contents)
}

#[cfg(unix)]
fn check_owner_only(path: &Path) -> Result<(), CryptoError> {
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(path)
        .map_err(|source| CryptoError::KeyFile {
            path: path.display().to_string(),
            source,
        })?
        .permissions()
        .mode();
    if mode & 0o077 != 0 {
        return Err(CryptoError::KeyFileMode(path.display().to_string()));
    }
    Ok(())
}

#[cfg(not(unix))]
fn check_owner_only(_path: &Path) -> Result<(), CryptoError> {
    Ok(())
}

/// Seals and opens tenant data. Derived keys are cached per tenant. Cheap to clone.
#[derive(Clone)]
pub struct TenantCipher {
    salt: Arc<aws_lc_rs::hkdf::Prk>,
    keys: Arc<RwLock<HashMap<TenantId, Arc<LessSafeKey>>>>,
    rng: SystemRandom,
}

impl std::fmt::Debug for TenantCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TenantCipher(..)")
    }
}

impl TenantCipher {
    /// A cipher whose tenant keys derive from `master`.
    pub fn new(master: &MasterKey) -> Self {
        let prk = Salt::new(HKDF_SHA256, HKDF_SALT).extract(&master.0);
        TenantCipher {
            salt: Arc::new(prk),
            keys: Arc::default(),
            rng: SystemRandom::new(),
        }
    }

    fn key(&self, tenant: &TenantId) -> Arc<LessSafeKey> {
        if let Some(k) = self
            .keys
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(tenant)
        {
            return k.clone();
        }
        let info = [tenant.as_str().as_bytes()];
        let okm = self
            .salt
            .expand(&info, &AES_256_GCM)
            .expect("invariant: 32 bytes is a valid HKDF-SHA256 output length");
        let key = Arc::new(LessSafeKey::new(UnboundKey::from(okm)));
        self.keys
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(tenant.clone(), key.clone());
        key
    }

    fn aad(tenant: &TenantId, context: &[u8]) -> Vec<u8> {
        let mut aad = Vec::with_capacity(tenant.as_str().len() + 1 + context.len());
        aad.extend_from_slice(tenant.as_str().as_bytes());
        aad.push(0);
        aad.extend_from_slice(context);
        aad
    }

    /// Encrypts `plaintext` for `tenant`, bound to `context`.
    pub fn seal(
        &self,
        tenant: &TenantId,
        context: &[u8],
        plaintext: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng.fill(&mut nonce).map_err(|_| CryptoError::Random)?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + AES_256_GCM.tag_len());
        out.push(VERSION);
        out.extend_from_slice(&nonce);
        let mut body = plaintext.to_vec();
        self.key(tenant)
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(Self::aad(tenant, context)),
                &mut body,
            )
            .map_err(|_| CryptoError::Open)?;
        out.extend_from_slice(&body);
        Ok(out)
    }

    /// Decrypts data sealed by [`seal`](Self::seal) for the same tenant and context.
    pub fn open(
        &self,
        tenant: &TenantId,
        context: &[u8],
        sealed: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        if sealed.len() < 1 + NONCE_LEN + AES_256_GCM.tag_len() || sealed[0] != VERSION {
            return Err(CryptoError::Format);
        }
        let nonce: [u8; NONCE_LEN] = sealed[1..1 + NONCE_LEN]
            .try_into()
            .map_err(|_| CryptoError::Format)?;
        let mut body = sealed[1 + NONCE_LEN..].to_vec();
        let plain = self
            .key(tenant)
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(Self::aad(tenant, context)),
                &mut body,
            )
            .map_err(|_| CryptoError::Open)?;
        let len = plain.len();
        body.truncate(len);
        Ok(body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenant(id: &str) -> TenantId {
        TenantId::new(id).expect("tenant id")
    }

    fn cipher() -> TenantCipher {
        TenantCipher::new(&MasterKey::from_hex(&"ab".repeat(32)).expect("key"))
    }

    #[test]
    fn round_trips_and_randomizes_nonces() {
        let c = cipher();
        let a = c
            .seal(&tenant("acme"), b"evt-1", b"secret data")
            .expect("seal");
        let b = c
            .seal(&tenant("acme"), b"evt-1", b"secret data")
            .expect("seal");
        assert_ne!(a, b, "two seals of the same data must differ");
        assert_eq!(
            c.open(&tenant("acme"), b"evt-1", &a).expect("open"),
            b"secret data"
        );
    }

    #[test]
    fn tampering_wrong_key_tenant_or_context_are_refused() {
        let c = cipher();
        let sealed = c.seal(&tenant("acme"), b"evt-1", b"secret").expect("seal");
        for i in [0, 5, sealed.len() - 1] {
            let mut t = sealed.clone();
            t[i] ^= 0x01;
            assert!(
                c.open(&tenant("acme"), b"evt-1", &t).is_err(),
                "flip at {i} accepted"
            );
        }
        assert!(matches!(
            c.open(&tenant("globex"), b"evt-1", &sealed),
            Err(CryptoError::Open)
        ));
        assert!(matches!(
            c.open(&tenant("acme"), b"evt-2", &sealed),
            Err(CryptoError::Open)
        ));
        let other = TenantCipher::new(&MasterKey::from_hex(&"cd".repeat(32)).expect("key"));
        assert!(matches!(
            other.open(&tenant("acme"), b"evt-1", &sealed),
            Err(CryptoError::Open)
        ));
        assert!(matches!(
            c.open(&tenant("acme"), b"evt-1", &sealed[..10]),
            Err(CryptoError::Format)
        ));
    }

    #[test]
    fn key_file_is_created_private_and_reused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("keys/master.key");
        let first = MasterKey::load_or_create(&path).expect("create");
        let again = MasterKey::load_or_create(&path).expect("reload");
        assert_eq!(first.0, again.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("meta").permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).expect("chmod");
            assert!(matches!(
                MasterKey::load_or_create(&path),
                Err(CryptoError::KeyFileMode(_))
            ));
        }
        assert!(matches!(
            MasterKey::from_hex("abc"),
            Err(CryptoError::BadMasterKey)
        ));
    }
}
