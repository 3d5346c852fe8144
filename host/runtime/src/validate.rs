//! Validation of a component before anything compiles it: the one function every loader and
//! `lgp plugin validate` use. It reads the binary's structure only (no compilation), so it is
//! cheap and safe on hostile input.

use lgp_model::PluginKind;
use wasmparser::{Parser, Payload, Validator, WasmFeatures};

/// Why a component was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValidationError {
    /// Larger than the configured limit.
    #[error("component is {size} bytes, over the limit of {limit} bytes")]
    TooLarge {
        /// The component's size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// Not WebAssembly at all.
    #[error("not a WebAssembly binary (missing the \\0asm header)")]
    NotWasm,
    /// A core module, not a component.
    #[error(
        "this is a core WebAssembly module, not a component: build for wasm32-wasip2 \
         (or run `wasm-tools component new`)"
    )]
    CoreModule,
    /// Structurally invalid.
    #[error("malformed component: {0}")]
    Malformed(String),
    /// Exports none of the contract's plugin interfaces.
    #[error(
        "component targets no lg-protect plugin world: it must export one of \
         lg-protect:plugin/evaluate, collect or handle @{version} (it exports: {exports})",
        version = lgp_world::VERSION
    )]
    NoKnownWorld {
        /// What it exports instead.
        exports: String,
    },
    /// Exports another interface of the contract than its world's (e.g. two plugin interfaces).
    /// Exports outside the contract (componentize-py's build-time `exports`, a command's
    /// `wasi:cli/run`) are allowed: the host never calls them.
    #[error("component exports {name:?}, which is not part of the {world} world")]
    UnexpectedExport {
        /// The export.
        name: String,
        /// The world it otherwise targets.
        world: PluginKind,
    },
    /// Imports something the contract does not offer to its world.
    #[error("component imports {name:?}: {reason}")]
    ForbiddenImport {
        /// The import.
        name: String,
        /// Why it is refused.
        reason: String,
    },
}

/// What validation learned about an accepted component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ComponentSummary {
    /// The world it targets.
    pub kind: PluginKind,
    /// Its top-level imports.
    pub imports: Vec<String>,
    /// Its top-level exports.
    pub exports: Vec<String>,
    /// Its size in bytes.
    pub size: usize,
}

/// Interfaces of the contract each world may import.
fn contract_imports(kind: PluginKind) -> &'static [&'static str] {
    match kind {
        PluginKind::Rule => &["types", "log"],
        PluginKind::Collector => &["types", "log", "aws", "discovery"],
        PluginKind::Handler => &[
            "types", "log", "emit", "state", "query", "notify", "reports",
        ],
    }
}

/// WASI interfaces the host links to inert implementations (no files, sockets, environment or
/// stdio), because rustc's wasm32-wasip2 std imports them even when unused.
const INERT_WASI: &[&str] = &[
    "wasi:io/error",
    "wasi:io/poll",
    "wasi:io/streams",
    "wasi:cli/environment",
    "wasi:cli/exit",
    "wasi:cli/stdin",
    "wasi:cli/stdout",
    "wasi:cli/stderr",
    "wasi:cli/terminal-input",
    "wasi:cli/terminal-output",
    "wasi:cli/terminal-stdin",
    "wasi:cli/terminal-stdout",
    "wasi:cli/terminal-stderr",
    "wasi:random/random",
    "wasi:random/insecure",
    "wasi:random/insecure-seed",
];

/// Splits `ns:pkg/iface@version` into (`ns:pkg/iface`, version).
fn split_version(name: &str) -> (&str, Option<&str>) {
    match name.split_once('@') {
        Some((base, v)) => (base, Some(v)),
        None => (name, None),
    }
}

fn plugin_export_kind(name: &str) -> Option<PluginKind> {
    let (base, version) = split_version(name);
    if version != Some(lgp_world::VERSION) {
        return None;
    }
    match base.strip_prefix("lg-protect:plugin/")? {
        "evaluate" => Some(PluginKind::Rule),
        "collect" => Some(PluginKind::Collector),
        "handle" => Some(PluginKind::Handler),
        _ => None,
    }
}

fn check_import(name: &str, kind: PluginKind) -> Result<(), ValidationError> {
    let forbid = |reason: String| {
        Err(ValidationError::ForbiddenImport {
            name: name.to_owned(),
            reason,
        })
    };
    let (base, version) = split_version(name);
    if let Some(iface) = base.strip_prefix("lg-protect:plugin/") {
        if version != Some(lgp_world::VERSION) {
            return forbid(format!(
                "this host serves lg-protect:plugin@{} only",
                lgp_world::VERSION
            ));
        }
        if contract_imports(kind).contains(&iface) {
            return Ok(());
        }
        return forbid(format!(
            "the {kind} world does not grant the {iface} capability"
        ));
    }
    if INERT_WASI.contains(&base) && version.is_some_and(|v| v.starts_with("0.2.")) {
        return Ok(());
    }
    let reason = match base.split('/').next().unwrap_or(base) {
        "wasi:filesystem" => "plugins have no filesystem access".to_owned(),
        "wasi:sockets" | "wasi:http" => "plugins have no network access".to_owned(),
        "wasi:clocks" => {
            "plugins have no ambient clock; rules get the time in their evaluation context"
                .to_owned()
        }
        _ => format!(
            "not part of the lg-protect:plugin@{} contract or its inert WASI",
            lgp_world::VERSION
        ),
    };
    forbid(reason)
}

/// Validates `bytes` as a plugin component no larger than `max_bytes`.
pub fn validate_component(
    bytes: &[u8],
    max_bytes: usize,
) -> Result<ComponentSummary, ValidationError> {
    if bytes.len() > max_bytes {
        return Err(ValidationError::TooLarge {
            size: bytes.len(),
            limit: max_bytes,
        });
    }
    if !bytes.starts_with(b"\0asm") {
        return Err(ValidationError::NotWasm);
    }
    if Parser::is_core_wasm(bytes) {
        return Err(ValidationError::CoreModule);
    }
    if !Parser::is_component(bytes) {
        return Err(ValidationError::Malformed(
            "unknown WebAssembly binary version".to_owned(),
        ));
    }
    Validator::new_with_features(WasmFeatures::all())
        .validate_all(bytes)
        .map_err(|e| ValidationError::Malformed(e.to_string()))?;

    let (imports, exports) = top_level_names(bytes)?;
    let mut kinds = exports.iter().filter_map(|e| plugin_export_kind(e));
    let Some(kind) = kinds.next() else {
        return Err(ValidationError::NoKnownWorld {
            exports: if exports.is_empty() {
                "nothing".to_owned()
            } else {
                exports.join(", ")
            },
        });
    };
    if let Some(name) = exports.iter().find(|e| {
        e.starts_with("lg-protect:") && plugin_export_kind(e) != Some(kind) && !is_types_export(e)
    }) {
        return Err(ValidationError::UnexpectedExport {
            name: name.clone(),
            world: kind,
        });
    }
    // Report the most telling refusal first: a component that reads files also imports
    // wasi:clocks/wall-clock (file timestamps), and "no filesystem access" is what its author
    // needs to hear. The sort is stable, so the import order decides among equals.
    let mut refused: Vec<ValidationError> = imports
        .iter()
        .filter_map(|import| check_import(import, kind).err())
        .collect();
    refused.sort_by_key(|e| match e {
        ValidationError::ForbiddenImport { name, .. } if name.starts_with("wasi:clocks/") => 1,
        _ => 0,
    });
    if let Some(first) = refused.into_iter().next() {
        return Err(first);
    }
    Ok(ComponentSummary {
        kind,
        imports,
        exports,
        size: bytes.len(),
    })
}

fn is_types_export(name: &str) -> bool {
    split_version(name).0 == "lg-protect:plugin/types"
}

/// The import and export names of the outermost component (nested modules and components are
/// its implementation, not its interface).
fn top_level_names(bytes: &[u8]) -> Result<(Vec<String>, Vec<String>), ValidationError> {
    let malformed = |e: wasmparser::BinaryReaderError| ValidationError::Malformed(e.to_string());
    let mut depth = 0usize;
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    for payload in Parser::new(0).parse_all(bytes) {
        match payload.map_err(malformed)? {
            Payload::ModuleSection { .. } | Payload::ComponentSection { .. } => depth += 1,
            Payload::End(_) => depth = depth.saturating_sub(1),
            Payload::ComponentImportSection(reader) if depth == 0 => {
                for import in reader {
                    imports.push(import.map_err(malformed)?.name.name.to_owned());
                }
            }
            Payload::ComponentExportSection(reader) if depth == 0 => {
                for export in reader {
                    exports.push(export.map_err(malformed)?.name.name.to_owned());
                }
            }
            _ => {}
        }
    }
    Ok((imports, exports))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_oversized_input_before_parsing() {
        let err = validate_component(&[0u8; 100], 10).expect_err("too large");
        assert_eq!(
            err,
            ValidationError::TooLarge {
                size: 100,
                limit: 10
            }
        );
    }

    #[test]
    fn refuses_garbage_and_core_modules() {
        assert_eq!(
            validate_component(b"hello world", 1 << 20),
            Err(ValidationError::NotWasm)
        );
        let module = wat::parse_str("(module)").expect("wat");
        assert_eq!(
            validate_component(&module, 1 << 20),
            Err(ValidationError::CoreModule)
        );
        let truncated = &wat::parse_str("(component (core module))").expect("wat")[..10];
        assert!(matches!(
            validate_component(truncated, 1 << 20),
            Err(ValidationError::Malformed(_))
        ));
    }

    #[test]
    fn refuses_components_of_no_world() {
        let empty = wat::parse_str("(component)").expect("wat");
        let err = validate_component(&empty, 1 << 20).expect_err("no world");
        assert!(
            err.to_string()
                .contains("targets no lg-protect plugin world"),
            "{err}"
        );
    }

    #[test]
    fn import_policy_per_world() {
        assert!(check_import("lg-protect:plugin/log@0.1.0", PluginKind::Rule).is_ok());
        assert!(check_import("wasi:io/streams@0.2.6", PluginKind::Rule).is_ok());
        let aws = check_import("lg-protect:plugin/aws@0.1.0", PluginKind::Rule).expect_err("aws");
        assert!(
            aws.to_string()
                .contains("does not grant the aws capability"),
            "{aws}"
        );
        assert!(check_import("lg-protect:plugin/aws@0.1.0", PluginKind::Collector).is_ok());
        let fs = check_import("wasi:filesystem/preopens@0.2.0", PluginKind::Handler)
            .expect_err("filesystem");
        assert!(fs.to_string().contains("no filesystem access"), "{fs}");
        let clock =
            check_import("wasi:clocks/wall-clock@0.2.0", PluginKind::Rule).expect_err("clock");
        assert!(clock.to_string().contains("no ambient clock"), "{clock}");
        let old =
            check_import("lg-protect:plugin/log@0.0.9", PluginKind::Rule).expect_err("version");
        assert!(
            old.to_string()
                .contains("serves lg-protect:plugin@0.1.0 only"),
            "{old}"
        );
    }
}
