use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;
use std::sync::Mutex;
use ulid::{Generator, Ulid};

/// A unique, sortable event id: a ULID from a process-wide monotonic generator, so ids made in
/// the same millisecond still sort in creation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct EventId(Ulid);

static GENERATOR: Mutex<Option<Generator>> = Mutex::new(None);

impl EventId {
    /// A new id, greater than every id this process made before.
    pub fn new() -> Self {
        let mut guard = GENERATOR
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let generator = guard.get_or_insert_with(Generator::new);
        // Overflow needs 2^80 ids in one millisecond; fall back to a fresh random id then.
        EventId(generator.generate().unwrap_or_else(|_| Ulid::new()))
    }

    /// A deterministic id for an event derived from other data, so that deriving it again (a
    /// redelivered input) gives the same id and consumers can drop the duplicate. It sorts by
    /// `at` (millisecond precision); `key` (hashed to the 80 random bits) makes it unique.
    pub fn derived(at: time::OffsetDateTime, key: &[u8]) -> Self {
        // FNV-1a over 128 bits, truncated to 80: not cryptographic, only well spread.
        let mut h: u128 = 0x6c62272e07bb014262b821756295c58d;
        for b in key {
            h ^= u128::from(*b);
            h = h.wrapping_mul(0x0000000001000000000000000000013B);
        }
        let ms = u64::try_from(at.unix_timestamp_nanos() / 1_000_000).unwrap_or(0);
        EventId(Ulid::from_parts(ms, h & ((1u128 << 80) - 1)))
    }

    /// The underlying ULID.
    pub fn ulid(self) -> Ulid {
        self.0
    }
}

impl Default for EventId {
    fn default() -> Self {
        EventId::new()
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl FromStr for EventId {
    type Err = ulid::DecodeError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ulid::from_string(s).map(EventId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_increasing_across_100k() {
        let ids: Vec<EventId> = (0..100_000).map(|_| EventId::new()).collect();
        assert!(
            ids.windows(2).all(|w| w[0] < w[1]),
            "ids are not strictly increasing"
        );
        let texts: Vec<String> = ids.iter().map(ToString::to_string).collect();
        assert!(
            texts.windows(2).all(|w| w[0] < w[1]),
            "string forms do not sort like ids"
        );
        let parsed: EventId = texts[42].parse().expect("parse");
        assert_eq!(parsed, ids[42]);
    }

    #[test]
    fn derived_ids_are_stable_and_distinct() {
        let at = time::macros::datetime!(2026-11-27 12:00:00 UTC);
        let a = EventId::derived(at, b"scan-1/violation/r1");
        assert_eq!(a, EventId::derived(at, b"scan-1/violation/r1"));
        assert_ne!(a, EventId::derived(at, b"scan-1/violation/r2"));
        let later = EventId::derived(at + time::Duration::milliseconds(1), b"scan-1/violation/r1");
        assert!(a < later, "derived ids sort by time");
    }
}
