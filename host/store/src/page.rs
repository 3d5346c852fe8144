//! Paging with opaque cursors.

use crate::StoreError;
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

/// A listing's cursors, for the store implementations: hex of the JSON array
/// `[listing, scope, key...]`. The listing tag and the scope (the tenant, or tenant and plugin)
/// bind a cursor to where it was issued; anything else is [`StoreError::BadCursor`], never a
/// window into other rows. The key is that of the last item returned, from which the listing
/// rebuilds where to continue itself, so a cursor never carries raw keys a client could point
/// at other rows.
pub struct Listing {
    name: &'static str,
    scope: String,
}

impl Listing {
    /// The listing `name` (`tenants`, `scans`, `inventory`…) within `scope`.
    pub fn new(name: &'static str, scope: impl Into<String>) -> Self {
        Listing {
            name,
            scope: scope.into(),
        }
    }

    /// The key of the last item of the previous page, with `arity` parts (`None` on the first
    /// page).
    pub fn after(
        &self,
        page: &PageRequest,
        arity: usize,
    ) -> Result<Option<Vec<String>>, StoreError> {
        let Some(Cursor(text)) = &page.cursor else {
            return Ok(None);
        };
        let bytes = hex::decode(text).map_err(|_| StoreError::BadCursor)?;
        let parts: Vec<String> =
            serde_json::from_slice(&bytes).map_err(|_| StoreError::BadCursor)?;
        match parts.as_slice() {
            [name, scope, key @ ..]
                if name == self.name && *scope == self.scope && key.len() == arity =>
            {
                Ok(Some(key.to_vec()))
            }
            _ => Err(StoreError::BadCursor),
        }
    }

    /// The page of `items` (read with up to one more than the limit): the extra item only says
    /// there is more; the cursor is the key of the last item returned.
    pub fn page<T>(
        &self,
        page: &PageRequest,
        mut items: Vec<T>,
        key: impl Fn(&T) -> Vec<String>,
    ) -> Page<T> {
        let limit = page.effective_limit() as usize;
        let next = if items.len() > limit {
            items.truncate(limit);
            items.last().map(|last| self.cursor(key(last)))
        } else {
            None
        };
        Page { items, next }
    }

    fn cursor(&self, key: Vec<String>) -> Cursor {
        let mut parts = vec![self.name.to_owned(), self.scope.clone()];
        parts.extend(key);
        // A Vec<String> always serializes.
        Cursor(hex::encode(serde_json::to_vec(&parts).unwrap_or_default()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_are_bound_to_listing_and_scope() {
        let listing = Listing::new("scans", "acme");
        let page = listing.page(&PageRequest::first(1), vec!["a", "b"], |k| {
            vec![(*k).to_owned()]
        });
        let next = PageRequest {
            limit: 1,
            cursor: page.next,
        };
        assert_eq!(
            listing.after(&next, 1).expect("own cursor"),
            Some(vec!["a".to_owned()])
        );
        for other in [
            Listing::new("alerts", "acme"),
            Listing::new("scans", "bravo"),
        ] {
            assert!(matches!(other.after(&next, 1), Err(StoreError::BadCursor)));
        }
        assert!(matches!(
            listing.after(&next, 2),
            Err(StoreError::BadCursor)
        ));
    }
}
