//! The on-disk cache of precompiled artifacts, named by component content hash under a directory
//! named by the engine configuration's stable key.

use std::io;
use std::path::{Path, PathBuf};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Precompiled artifacts on disk. Without a directory, nothing is cached.
#[derive(Debug)]
pub(crate) struct ArtifactCache {
    dir: Option<PathBuf>,
}

impl ArtifactCache {
    /// A cache under `root/<engine key>/`, created private to this user.
    pub(crate) fn new(root: Option<&Path>, engine_key: &str) -> io::Result<Self> {
        let Some(root) = root else {
            return Ok(ArtifactCache { dir: None });
        };
        let dir = root.join(engine_key);
        std::fs::create_dir_all(&dir)?;
        restrict_to_owner(root)?;
        Ok(ArtifactCache { dir: Some(dir) })
    }

    fn path(&self, content_hash: &str) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|d| d.join(format!("{content_hash}.cwasm")))
    }

    /// Loads the cached artifact of `content_hash`, if there is a usable one. A stale or corrupt
    /// file is removed so the caller recompiles.
    pub(crate) fn load(&self, engine: &Engine, content_hash: &str) -> Option<Component> {
        let path = self.path(content_hash)?;
        if !path.exists() {
            return None;
        }
        // SAFETY: the file was written by `store` below from `Engine::precompile_component` or
        // `Component::serialize` output of an engine with the same configuration key, into a
        // directory created private to this user; wasmtime additionally checks the artifact's
        // header and engine compatibility before using it. Anyone who can write this directory
        // can already replace the binary itself.
        #[allow(unsafe_code)]
        let loaded = unsafe { Component::deserialize_file(engine, &path) };
        match loaded {
            Ok(component) => Some(component),
            Err(err) => {
                tracing::warn!(path = %path.display(), "discarding unusable cached artifact: {err:#}");
                let _ = std::fs::remove_file(&path);
                None
            }
        }
    }

    /// Stores an artifact atomically (write to a temporary name, then rename).
    pub(crate) fn store(&self, content_hash: &str, artifact: &[u8]) -> io::Result<()> {
        let Some(path) = self.path(content_hash) else {
            return Ok(());
        };
        let tmp = path.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, artifact)?;
        std::fs::rename(&tmp, &path)
    }
}

#[cfg(unix)]
fn restrict_to_owner(dir: &Path) -> io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
}

#[cfg(not(unix))]
fn restrict_to_owner(_dir: &Path) -> io::Result<()> {
    Ok(())
}
