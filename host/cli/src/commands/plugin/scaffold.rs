//! `lgp plugin new`: writes a plugin crate that builds and tests out of the box.
//!
//! The SDK and the WIT contract are not published anywhere a plugin could fetch them from, so
//! the crate gets a copy of both, the ones this binary was built with (packed by the build
//! script): `sdk/lgp-sdk/` and `wit/`, referenced by path. A copy inside the crate, rather than
//! one shared copy in the data directory, keeps the crate whole: it builds on a CI runner or a
//! colleague's machine without lgp, and its SDK version changes only when its author says so.

use crate::args::ScaffoldKind;
use anyhow::{Context, bail};
use std::path::{Path, PathBuf};

mod packed {
    include!(concat!(env!("OUT_DIR"), "/sdk.rs"));
}

/// The longest plugin name: it also names the crate, the directory and a check id prefix.
const MAX_NAME_LEN: usize = 48;

/// A file of a scaffold: its path in the crate and its template.
type Template = (&'static str, &'static str);

/// The files every kind gets.
const COMMON: &[Template] = &[
    (
        "Cargo.toml",
        include_str!("../../../templates/common/Cargo.toml"),
    ),
    (
        "README.md",
        include_str!("../../../templates/common/README.md"),
    ),
    (
        ".gitignore",
        include_str!("../../../templates/common/gitignore"),
    ),
];

/// The files of a rule plugin.
const RULE: &[Template] = &[
    (
        "src/lib.rs",
        include_str!("../../../templates/rule/src/lib.rs"),
    ),
    (
        "fixtures/resources.json",
        include_str!("../../../templates/rule/fixtures/resources.json"),
    ),
    (
        "fixtures/resources.expected.json",
        include_str!("../../../templates/rule/fixtures/resources.expected.json"),
    ),
];

/// The files of a handler plugin.
const HANDLER: &[Template] = &[(
    "src/lib.rs",
    include_str!("../../../templates/handler/src/lib.rs"),
)];

/// The files of a collector plugin.
const COLLECTOR: &[Template] = &[(
    "src/lib.rs",
    include_str!("../../../templates/collector/src/lib.rs"),
)];

/// Checks that `name` is lowercase letters and digits in dash-separated words, starting with a
/// letter: a valid crate, plugin and directory name, and a check id prefix once dashes become
/// underscores.
pub fn check_name(name: &str) -> anyhow::Result<()> {
    let well_formed = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.split('-').all(|word| {
            !word.is_empty()
                && word
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !well_formed || name.len() > MAX_NAME_LEN {
        bail!(
            "invalid plugin name {name:?}: use lowercase letters and digits in words joined by \
             single dashes, starting with a letter, at most {MAX_NAME_LEN} characters \
             (e.g. acme-bucket-rules)"
        );
    }
    if name == "lgp-sdk" {
        bail!("invalid plugin name {name:?}: it is the SDK's own name, which the crate depends on");
    }
    Ok(())
}

/// Writes the `kind` plugin `name` into the new directory `parent/name` and returns it. Refuses
/// a malformed name and an existing directory; on failure, removes what it wrote.
pub fn create(parent: &Path, name: &str, kind: ScaffoldKind) -> anyhow::Result<PathBuf> {
    check_name(name)?;
    let dir = parent.join(name);
    if dir.symlink_metadata().is_ok() {
        bail!(
            "{} already exists: choose another name or move it away",
            dir.display()
        );
    }
    std::fs::create_dir_all(parent)
        .with_context(|| format!("cannot create {}", parent.display()))?;
    // `create_dir`, not `_all`: of two concurrent runs, only one gets the directory.
    std::fs::create_dir(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let written = write_all(&dir, name, kind);
    if written.is_err() {
        // Best effort: leave no half-written crate behind to trip the next attempt.
        let _ = std::fs::remove_dir_all(&dir);
    }
    written.map(|()| dir)
}

fn write_all(dir: &Path, name: &str, kind: ScaffoldKind) -> anyhow::Result<()> {
    let (files, kind_name, description, test_command) = match kind {
        ScaffoldKind::Rule => (
            RULE,
            "rule",
            "Checks that S3 buckets classified confidential are encrypted with a KMS key.",
            "lgp plugin test . --fixtures fixtures     # the component in the host, on the fixtures",
        ),
        ScaffoldKind::Handler => (
            HANDLER,
            "handler",
            "Raises an alert for every critical compliance violation.",
            "# no resource fixtures for a handler: cargo test covers `react`",
        ),
        ScaffoldKind::Collector => (
            COLLECTOR,
            "collector",
            "Collects the VPC subnets of each scanned region.",
            "# no resource fixtures for a collector: cargo test covers `subnets`",
        ),
    };
    let fill = |template: &str| {
        template
            .replace("{{name}}", name)
            .replace("{{ident}}", &name.replace('-', "_"))
            .replace("{{kind}}", kind_name)
            .replace("{{description}}", description)
            .replace("{{test_command}}", test_command)
            .replace("{{lgp_version}}", env!("CARGO_PKG_VERSION"))
    };
    for (path, template) in COMMON.iter().chain(files) {
        write(dir, path, &fill(template))?;
    }
    for (path, contents) in packed::FILES {
        write(dir, path, contents)?;
    }
    write(dir, "sdk/lgp-sdk/Cargo.toml", packed::SDK_MANIFEST)
}

fn write(dir: &Path, relative: &str, contents: &str) -> anyhow::Result<()> {
    let path = dir.join(relative);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)
            .with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(&path, contents).with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_lowercase_words_joined_by_dashes() {
        for good in ["acme", "acme-bucket-rules", "team2-s3", "a1"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Acme",
            "acme_rules",
            "acme--rules",
            "-acme",
            "acme-",
            "1acme",
            "acme rules",
            "acme/rules",
            "../acme",
            "lgp-sdk",
            &"a".repeat(49),
        ] {
            let err = check_name(bad).expect_err(bad).to_string();
            assert!(err.contains("invalid plugin name"), "{bad}: {err}");
        }
    }

    #[test]
    fn every_kind_is_written_with_the_sdk_and_the_contract_and_no_placeholder_left() {
        let tmp = tempfile::tempdir().expect("temp dir");
        for kind in [
            ScaffoldKind::Rule,
            ScaffoldKind::Handler,
            ScaffoldKind::Collector,
        ] {
            let name = format!("acme-{kind:?}").to_lowercase();
            let dir = create(tmp.path(), &name, kind).expect("scaffolded");
            let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).expect("manifest");
            assert!(
                manifest.contains(&format!("name = \"{name}\"")),
                "{manifest}"
            );
            let lib = std::fs::read_to_string(dir.join("src/lib.rs")).expect("lib.rs");
            assert!(lib.contains(&format!("\"{name}\"")));
            for text in [&manifest, &lib] {
                assert!(!text.contains("{{"), "a placeholder is left in {name}");
            }
            let sdk = std::fs::read_to_string(dir.join("sdk/lgp-sdk/Cargo.toml")).expect("sdk");
            assert!(!sdk.contains("workspace"), "{sdk}");
            assert!(sdk.contains("wit-bindgen = "), "{sdk}");
            assert!(dir.join("sdk/lgp-sdk/src/lib.rs").is_file());
            assert!(dir.join("wit/worlds.wit").is_file());
            let err = create(tmp.path(), &name, kind).expect_err("exists");
            assert!(err.to_string().contains("already exists"), "{err}");
        }
        let rule = tmp.path().join("acme-rule");
        assert!(rule.join("fixtures/resources.expected.json").is_file());
    }
}
