//! What plugin names and versions may look like.

/// Longest plugin name.
const MAX_NAME: usize = 64;

/// Whether `name` is a plugin name: 1 to 64 lowercase letters, digits and single dashes,
/// starting with a letter (the same rule as `lgp plugin new`).
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= MAX_NAME
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `version` is a semantic version (`1.2.3`, `1.2.3-beta.1`), at most 64 characters.
pub fn valid_version(version: &str) -> bool {
    version.len() <= MAX_NAME && semver::Version::parse(version).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_follow_the_scaffold_rule() {
        for good in ["acme", "acme-bucket-rules", "r2d2"] {
            assert!(valid_name(good), "{good}");
        }
        for bad in [
            "",
            "Acme",
            "2fast",
            "a--b",
            "a-",
            "a_b",
            "a/b",
            &"a".repeat(65),
        ] {
            assert!(!valid_name(bad), "{bad}");
        }
    }

    #[test]
    fn versions_are_semantic() {
        assert!(valid_version("1.2.3"));
        assert!(valid_version("0.1.0-rc.1"));
        assert!(!valid_version("1.2"));
        assert!(!valid_version("latest"));
    }
}
