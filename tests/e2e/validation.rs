//! Validation refuses what is not a plugin, before anything compiles it, and says why.

use crate::support::{read, small_config, small_runtime};
use lgp_model::PluginKind;
use lgp_runtime::{LoadError, Runtime, RuntimeConfig, Trust, ValidationError};

#[test]
fn garbage_is_not_wasm() {
    let err = small_runtime()
        .validate(b"#!/bin/sh\nrm -rf /\n")
        .expect_err("garbage is refused");
    assert_eq!(err, ValidationError::NotWasm);
    assert!(
        err.to_string().contains("not a WebAssembly binary"),
        "{err}"
    );
}

#[test]
fn a_core_module_is_not_a_component() {
    let module = wat::parse_str("(module)").expect("wat");
    let err = small_runtime()
        .validate(&module)
        .expect_err("core module is refused");
    assert_eq!(err, ValidationError::CoreModule);
    let text = err.to_string();
    assert!(
        text.contains("core WebAssembly module, not a component"),
        "{text}"
    );
    assert!(
        text.contains("wasm32-wasip2"),
        "the message says how to fix it: {text}"
    );
}

#[test]
fn a_component_of_no_world_is_refused() {
    let empty = wat::parse_str("(component)").expect("wat");
    let err = small_runtime().validate(&empty).expect_err("no world");
    assert!(
        matches!(err, ValidationError::NoKnownWorld { .. }),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("lg-protect:plugin/evaluate"),
        "{err}"
    );
}

#[test]
fn a_truncated_component_is_malformed() {
    let bytes = read(crate::guests::HOSTILE_RULE);
    let err = small_runtime()
        .validate(&bytes[..bytes.len() / 2])
        .expect_err("truncated");
    assert!(matches!(err, ValidationError::Malformed(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("malformed component: "),
        "{err}"
    );
}

#[test]
fn a_filesystem_import_is_forbidden_and_named() {
    let bytes = read(crate::guests::FORBIDDEN_IMPORT);
    let err = small_runtime()
        .validate(&bytes)
        .expect_err("filesystem access is refused");
    let ValidationError::ForbiddenImport { name, reason } = &err else {
        panic!("expected a forbidden import: {err:?}");
    };
    assert!(
        name.starts_with("wasi:filesystem/"),
        "names the filesystem import: {name}"
    );
    assert_eq!(reason, "plugins have no filesystem access");
    assert!(err.to_string().contains("wasi:filesystem/"), "{err}");
}

#[tokio::test]
async fn loading_a_forbidden_component_fails_before_compiling() {
    let bytes = read(crate::guests::FORBIDDEN_IMPORT);
    // Untrusted with no compile sandbox configured: had validation passed, this would fail as a
    // compile error instead.
    let err = small_runtime()
        .load("snoop.wasm", &bytes, Trust::Untrusted)
        .await
        .expect_err("refused");
    let LoadError::Invalid { plugin, source } = &err else {
        panic!("expected a validation failure: {err:?}");
    };
    assert_eq!(plugin, "snoop.wasm");
    assert!(
        matches!(source, ValidationError::ForbiddenImport { .. }),
        "{source:?}"
    );
    assert!(err.to_string().contains("snoop.wasm"), "{err}");
    assert!(source.to_string().contains("wasi:filesystem/"), "{source}");
}

#[test]
fn an_oversized_component_is_refused_by_size() {
    let bytes = read(crate::guests::HOSTILE_RULE);
    let limit = bytes.len() - 1;
    let runtime = Runtime::new(
        RuntimeConfig {
            max_component_bytes: limit,
            ..small_config()
        },
        None,
    )
    .expect("runtime starts");
    let err = runtime.validate(&bytes).expect_err("too large");
    assert_eq!(
        err,
        ValidationError::TooLarge {
            size: bytes.len(),
            limit
        }
    );
    assert_eq!(
        err.to_string(),
        format!(
            "component is {} bytes, over the limit of {limit} bytes",
            bytes.len()
        )
    );
}

#[test]
fn the_hostile_guests_are_valid_components_of_their_worlds() {
    let runtime = small_runtime();
    let rule = runtime
        .validate(&read(crate::guests::HOSTILE_RULE))
        .expect("valid rule");
    assert_eq!(rule.kind, PluginKind::Rule);
    assert!(
        rule.imports
            .iter()
            .any(|i| i == "lg-protect:plugin/log@0.1.0"),
        "{:?}",
        rule.imports
    );
    let handler = runtime
        .validate(&read(crate::guests::HOSTILE_HANDLER))
        .expect("valid handler");
    assert_eq!(handler.kind, PluginKind::Handler);
    assert!(
        handler
            .imports
            .iter()
            .any(|i| i == "lg-protect:plugin/emit@0.1.0"),
        "{:?}",
        handler.imports
    );
}
