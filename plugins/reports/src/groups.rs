//! Grouping a stream of results ordered by check into one group per check, without holding the
//! group: the JSON and HTML failure sections open a group at its check's first failure and close
//! it when the next check's begins.

/// Where the stream is relative to the current group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// The item belongs to the open group.
    Same,
    /// The item starts a new group; `after` says whether another group was open (and must be
    /// closed first).
    Opens {
        /// Another group was open before this one.
        after: bool,
    },
}

/// The check of the group currently open.
#[derive(Debug, Clone, Default)]
pub struct ByCheck {
    open: Option<String>,
}

impl ByCheck {
    /// Places the next item, of `check_id`.
    pub fn step(&mut self, check_id: &str) -> Step {
        match &self.open {
            Some(open) if open == check_id => Step::Same,
            _ => Step::Opens {
                after: self.open.replace(check_id.to_owned()).is_some(),
            },
        }
    }

    /// Whether a group is open (and must be closed at the end).
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }
}
