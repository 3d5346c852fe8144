//! Paging with opaque cursors.

use serde::{Deserialize, Serialize};

/// An opaque position in a listing: pass it back to get the next page. Its content is the
/// store's business (clients must not build or parse it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Cursor(pub String);

/// Which page to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRequest {
    /// Maximum items (the store caps it at [`MAX_PAGE`]).
    pub limit: u32,
    /// Where to continue; `None` for the first page.
    pub cursor: Option<Cursor>,
}

/// Largest page any listing returns, whatever was asked: bounds memory per request.
pub const MAX_PAGE: u32 = 1_000;

impl PageRequest {
    /// The first page of `limit` items.
    pub fn first(limit: u32) -> Self {
        PageRequest {
            limit,
            cursor: None,
        }
    }

    /// The effective limit, between 1 and [`MAX_PAGE`].
    pub fn effective_limit(&self) -> u32 {
        self.limit.clamp(1, MAX_PAGE)
    }
}

/// One page of a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct Page<T> {
    /// The items, in the listing's order.
    pub items: Vec<T>,
    /// Where the next page starts; `None` on the last page.
    pub next: Option<Cursor>,
}
