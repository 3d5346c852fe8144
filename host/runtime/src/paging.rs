//! Query pages cut to a byte budget, with guest cursors that continue where a cut fell.
//!
//! A service pages with its own opaque cursors, which only it can make. When the runtime cuts a
//! page short (the guest's limit, the byte cap), the guest's next cursor is the cursor the cut
//! page was fetched with plus how many of its items the guest already has; the next call fetches
//! that page again and skips them. The guest sees `<skip>` (first page) or `<skip>:<cursor>`.

use crate::services::{MAX_QUERY_PAGE_ITEMS, QueryPage};

/// Where a guest's page starts: the service cursor its underlying page was fetched with (`None`
/// for the first) and how many of that page's items the guest already has.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GuestCursor {
    /// The service's cursor.
    pub(crate) inner: Option<String>,
    /// Items of the underlying page already returned.
    skip: u32,
}

impl GuestCursor {
    /// Reads a cursor the guest passed back; `None` is the first page.
    pub(crate) fn parse(text: Option<&str>) -> Result<Self, String> {
        let Some(text) = text else {
            return Ok(GuestCursor {
                inner: None,
                skip: 0,
            });
        };
        let (skip, inner) = match text.split_once(':') {
            Some((skip, inner)) => (skip, Some(inner.to_owned())),
            None => (text, None),
        };
        match skip.parse::<u32>() {
            Ok(skip) if skip < MAX_QUERY_PAGE_ITEMS => Ok(GuestCursor { inner, skip }),
            _ => Err(format!(
                "the cursor {text:?} was not issued by this listing"
            )),
        }
    }

    fn encode(&self) -> String {
        match &self.inner {
            Some(inner) => format!("{}:{inner}", self.skip),
            None => self.skip.to_string(),
        }
    }

    /// How many items to fetch for a guest page of `limit`: the skipped ones again, plus the
    /// page, within the page bound.
    pub(crate) fn fetch_limit(&self, limit: u32) -> u32 {
        limit
            .clamp(1, MAX_QUERY_PAGE_ITEMS)
            .saturating_add(self.skip)
            .min(MAX_QUERY_PAGE_ITEMS)
    }

    /// Turns the page fetched with this cursor into the guest's page: drops the items the guest
    /// already has, keeps at most `limit` items and `max_bytes` bytes as measured by `size` (but
    /// always one item, so paging progresses), and says where the next page starts.
    pub(crate) fn cut<T>(
        self,
        page: QueryPage<T>,
        limit: u32,
        max_bytes: usize,
        size: impl Fn(&T) -> usize,
    ) -> QueryPage<T> {
        let limit = limit.clamp(1, MAX_QUERY_PAGE_ITEMS) as usize;
        let skip = self.skip as usize;
        // A service that returned more than the page bound is cut to it.
        let available = page.items.len().min(MAX_QUERY_PAGE_ITEMS as usize);
        let mut items = Vec::new();
        let mut bytes = 0usize;
        for item in page.items.into_iter().take(available).skip(skip) {
            let n = size(&item);
            if items.len() == limit || (!items.is_empty() && bytes.saturating_add(n) > max_bytes) {
                break;
            }
            bytes = bytes.saturating_add(n);
            items.push(item);
        }
        let consumed = skip + items.len();
        let next = if consumed < available {
            Some(
                GuestCursor {
                    inner: self.inner,
                    // `consumed < available <= MAX_QUERY_PAGE_ITEMS`, so it fits.
                    skip: consumed as u32,
                }
                .encode(),
            )
        } else {
            page.next.map(|inner| {
                GuestCursor {
                    inner: Some(inner),
                    skip: 0,
                }
                .encode()
            })
        };
        QueryPage { items, next }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(items: std::ops::Range<u32>, next: Option<&str>) -> QueryPage<u32> {
        QueryPage {
            items: items.collect(),
            next: next.map(str::to_owned),
        }
    }

    /// Pages a 0..n listing served in pages of `service_page` items, through guest pages of
    /// `limit` items and `max_bytes` bytes (each item `size` bytes).
    fn read_all(n: u32, service_page: u32, limit: u32, max_bytes: usize, size: usize) -> Vec<u32> {
        let mut out = Vec::new();
        let mut cursor: Option<String> = None;
        for _ in 0..10_000 {
            let c = GuestCursor::parse(cursor.as_deref()).expect("own cursor parses");
            let start: u32 = c.inner.as_deref().map_or(0, |s| s.parse().expect("inner"));
            let fetch = c.fetch_limit(limit).min(service_page);
            let end = (start + fetch).min(n);
            let next = (end < n).then(|| end.to_string());
            let got = c.cut(page(start..end, next.as_deref()), limit, max_bytes, |_| {
                size
            });
            assert!(!got.items.is_empty() || got.next.is_none(), "progress");
            out.extend(got.items);
            cursor = got.next;
            if cursor.is_none() {
                return out;
            }
        }
        panic!("paging does not end");
    }

    #[test]
    fn pages_cut_by_limit_or_bytes_continue_where_they_were_cut() {
        let all: Vec<u32> = (0..2_500).collect();
        assert_eq!(read_all(2_500, 1_000, 1_000, usize::MAX, 1), all);
        assert_eq!(read_all(2_500, 1_000, 7, usize::MAX, 1), all);
        assert_eq!(read_all(2_500, 1_000, 1_000, 300, 1), all);
        assert_eq!(read_all(2_500, 100, 333, 50, 1), all);
        // An item larger than the byte cap still comes, alone.
        assert_eq!(
            read_all(10, 1_000, 1_000, 5, 100),
            (0..10).collect::<Vec<_>>()
        );
    }

    #[test]
    fn a_cut_page_says_so_in_its_cursor() {
        let c = GuestCursor::parse(None).expect("first page");
        let got = c.cut(page(0..10, Some("k9")), 4, usize::MAX, |_| 1);
        assert_eq!(got.items, vec![0, 1, 2, 3]);
        assert_eq!(got.next.as_deref(), Some("4"));
        let c = GuestCursor::parse(Some("4")).expect("own cursor");
        assert_eq!(c.fetch_limit(4), 8);
        let got = c.cut(page(0..10, Some("k9")), 100, usize::MAX, |_| 1);
        assert_eq!(got.items, (4..10).collect::<Vec<_>>());
        assert_eq!(got.next.as_deref(), Some("0:k9"));
        let c = GuestCursor::parse(Some("0:k9")).expect("own cursor");
        assert_eq!(c.inner.as_deref(), Some("k9"));
    }

    #[test]
    fn foreign_cursors_are_refused() {
        for bad in ["", "x", "-1", "1000", "abc:def", "99999999999"] {
            assert!(GuestCursor::parse(Some(bad)).is_err(), "{bad:?}");
        }
        // A service cursor may itself hold colons.
        let c = GuestCursor::parse(Some("2:a:b")).expect("parses");
        assert_eq!(c.inner.as_deref(), Some("a:b"));
    }
}
