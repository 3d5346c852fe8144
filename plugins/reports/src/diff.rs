//! What changed since the previous scan: failures that are new, resolved or still there, as
//! (check, resource) pairs. The only part of a report held in memory that grows with the
//! results: one ARN per changed or still-failing result, its check id stored once per run of
//! results of the same check.

use crate::catalog::Row;
use lgp_sdk::Status;
use lgp_sdk::handler::query::ScanResult;
use serde::ser::{Serialize, SerializeSeq, Serializer};

/// Why a failure no longer counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// It passes now.
    Passed,
    /// A mute covers it now.
    Muted,
    /// Its resource disappeared.
    ResourceRemoved,
    /// It is an error or needs a person now, or its check no longer runs.
    Other,
}

impl Reason {
    /// The reason's name in the reports.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Passed => "passed",
            Reason::Muted => "muted",
            Reason::ResourceRemoved => "resource_removed",
            Reason::Other => "other",
        }
    }
}

/// (check, resource) pairs with a tag each, in the order they were added.
#[derive(Debug, Clone)]
pub struct Pairs<T> {
    checks: Vec<String>,
    items: Vec<(usize, String, T)>,
}

impl<T> Default for Pairs<T> {
    fn default() -> Self {
        Pairs {
            checks: Vec::new(),
            items: Vec::new(),
        }
    }
}

impl<T: Copy> Pairs<T> {
    fn push(&mut self, check_id: &str, resource_arn: &str, tag: T) {
        if self.checks.last().is_none_or(|c| c != check_id) {
            self.checks.push(check_id.to_owned());
        }
        let check = self.checks.len() - 1;
        self.items.push((check, resource_arn.to_owned(), tag));
    }

    /// How many pairs.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// The pairs as (check id, resource ARN, tag).
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, T)> {
        self.items
            .iter()
            .map(|(c, arn, tag)| (self.checks[*c].as_str(), arn.as_str(), *tag))
    }
}

/// One pair as the JSON report writes it.
#[derive(serde::Serialize)]
struct Entry<'a> {
    check_id: &'a str,
    resource_arn: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<Reason>,
}

/// A tag that may be written with its pair: the resolution's reason.
pub trait Tag: Copy {
    /// The reason to write, if the tag is one.
    fn reason(self) -> Option<Reason>;
}

impl Tag for () {
    fn reason(self) -> Option<Reason> {
        None
    }
}

impl Tag for Reason {
    fn reason(self) -> Option<Reason> {
        Some(self)
    }
}

impl<T: Tag> Serialize for Pairs<T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.len()))?;
        for (check_id, resource_arn, tag) in self.iter() {
            seq.serialize_element(&Entry {
                check_id,
                resource_arn,
                reason: tag.reason(),
            })?;
        }
        seq.end()
    }
}

/// The diff of a scan against the previous one.
#[derive(Debug, Clone, Default)]
pub struct Diff {
    /// Fail unmuted now, did not before (or there is no previous scan).
    pub new_failures: Pairs<()>,
    /// Failed unmuted before, do not now.
    pub resolved: Pairs<Reason>,
    /// Failed unmuted both times.
    pub still_failing: Pairs<()>,
}

fn failed(status: Status, muted: bool) -> bool {
    status == Status::Fail && !muted
}

impl Diff {
    /// Places one result of the scan. `with_previous` says whether there is a previous scan
    /// (without one, every failure is new).
    pub fn add(&mut self, row: &Row<'_>, with_previous: bool) {
        let r = row.result;
        let before = with_previous && r.previous.is_some_and(|p| failed(p.status, p.muted));
        match (row.fails(), before) {
            (true, false) => self.new_failures.push(&r.check_id, &r.resource_arn, ()),
            (true, true) => self.still_failing.push(&r.check_id, &r.resource_arn, ()),
            (false, true) => {
                let reason = match (r.status, r.muted) {
                    (Status::Pass, _) => Reason::Passed,
                    (_, true) => Reason::Muted,
                    _ => Reason::Other,
                };
                self.resolved.push(&r.check_id, &r.resource_arn, reason);
            }
            (false, false) => {}
        }
    }

    /// Places a result only the previous scan saw: if it was failing, it is resolved because
    /// its resource disappeared (or, when the host does not mark it removed, because its check
    /// no longer runs).
    pub fn add_gone(&mut self, r: &ScanResult) {
        if failed(r.status, r.muted) {
            let reason = if r.resource_removed {
                Reason::ResourceRemoved
            } else {
                Reason::Other
            };
            self.resolved.push(&r.check_id, &r.resource_arn, reason);
        }
    }
}
