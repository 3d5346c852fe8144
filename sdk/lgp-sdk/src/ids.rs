//! Deterministic identifiers plugins derive from what they are about (an alert from its check and
//! resource, an OCSF finding from its check and resource), so a redelivered event or a re-rendered
//! report gives the same ids.

/// 128-bit FNV-1a over `parts`, each prefixed with its length (so `["ab", "c"]` and `["a", "bc"]`
/// differ), as 32 lowercase hex digits. An identifier, not a secret and not collision-resistant
/// against an adversary: do not use it where someone could gain by forging a collision.
pub fn stable_id(parts: &[&str]) -> String {
    const OFFSET: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    const PRIME: u128 = 0x0000_0000_0100_0000_0000_0000_0000_013b;
    let mut h = OFFSET;
    for part in parts {
        let len = (part.len() as u64).to_be_bytes();
        for b in len.iter().chain(part.as_bytes()) {
            h ^= u128::from(*b);
            h = h.wrapping_mul(PRIME);
        }
    }
    format!("{h:032x}")
}

#[cfg(test)]
mod tests {
    use super::stable_id;

    #[test]
    fn ids_are_stable_and_separate_their_parts() {
        assert_eq!(stable_id(&["a", "b"]), stable_id(&["a", "b"]));
        assert_ne!(stable_id(&["ab", "c"]), stable_id(&["a", "bc"]));
        assert_eq!(stable_id(&[]).len(), 32);
        assert!(stable_id(&["x"]).chars().all(|c| c.is_ascii_hexdigit()));
    }
}
