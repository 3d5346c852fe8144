//! Building the plugin runtime the commands share: data directory, artifact cache, compile
//! sandbox, and the built-in plugins.

use crate::COMPILE_CHILD_COMMAND;
use crate::args::Global;
use anyhow::Context;
use lgp_runtime::{CompileSandbox, Plugin, Runtime, RuntimeConfig, Trust};
use std::path::PathBuf;

/// The data directory: `--data-dir`/`LGP_DATA_DIR`, else `$XDG_DATA_HOME/lg-protect`, else
/// `~/.local/share/lg-protect`.
pub fn data_dir(global: &Global) -> PathBuf {
    if let Some(dir) = &global.data_dir {
        return dir.clone();
    }
    if let Some(xdg) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return PathBuf::from(xdg).join("lg-protect");
    }
    match std::env::var_os("HOME").filter(|v| !v.is_empty()) {
        Some(home) => PathBuf::from(home).join(".local/share/lg-protect"),
        None => std::env::temp_dir().join("lg-protect"),
    }
}

/// The sandbox that compiles untrusted components: this very binary, capped.
pub fn compile_sandbox() -> anyhow::Result<CompileSandbox> {
    let exe = std::env::current_exe().context("cannot locate the lgp executable")?;
    Ok(CompileSandbox::new(exe, vec![COMPILE_CHILD_COMMAND.into()]))
}

/// The runtime with the artifact cache in the data directory.
pub fn runtime(global: &Global) -> anyhow::Result<Runtime> {
    let mut config = RuntimeConfig {
        cache_dir: Some(data_dir(global).join("artifacts")),
        ..RuntimeConfig::default()
    };
    config.limits.timeout_ms = global.plugins.plugin_timeout_ms.max(1);
    Runtime::new(config, Some(compile_sandbox()?)).context("cannot start the plugin runtime")
}

/// Loads every built-in plugin.
pub async fn builtins(runtime: &Runtime) -> anyhow::Result<Vec<Plugin>> {
    let mut plugins = Vec::with_capacity(lgp_builtins::BUILTINS.len());
    for b in lgp_builtins::BUILTINS {
        let plugin = runtime
            .load(b.name, b.wasm, Trust::Trusted)
            .await
            .with_context(|| format!("cannot load the built-in plugin {}", b.name))?;
        plugins.push(plugin);
    }
    Ok(plugins)
}

/// Loads a plugin named on the command line: a built-in by name, or a `.wasm` file (untrusted).
pub async fn plugin_by_name_or_path(runtime: &Runtime, spec: &str) -> anyhow::Result<Plugin> {
    if let Some(b) = lgp_builtins::find(spec) {
        return Ok(runtime.load(b.name, b.wasm, Trust::Trusted).await?);
    }
    let bytes = std::fs::read(spec)
        .with_context(|| format!("{spec:?} is neither a built-in plugin nor a readable file"))?;
    Ok(runtime.load(spec, &bytes, Trust::Untrusted).await?)
}
