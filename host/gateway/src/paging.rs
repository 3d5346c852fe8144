//! Paged listings: `?limit=&cursor=` in, `{"items": [...], "next": cursor | null}` out.

use crate::ApiError;
use lgp_store::{Cursor, MAX_PAGE, Page, PageRequest};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

/// Items per page when the client names no `limit`: a screenful of a table, and small enough
/// that the first page of any listing answers quickly.
pub const DEFAULT_LIMIT: u32 = 100;

/// One page of a listing.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(bound = "")]
pub struct PageBody<T> {
    /// The items, in the listing's order.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<T>,
    /// Pass it back as `cursor` for the next page; `null` on the last page.
    pub next: Option<String>,
}

impl<T> From<Page<T>> for PageBody<T> {
    fn from(page: Page<T>) -> Self {
        PageBody {
            items: page.items,
            next: page.next.map(|Cursor(c)| c),
        }
    }
}

impl<T> PageBody<T> {
    /// A listing that fits in one page.
    pub(crate) fn whole(items: Vec<T>) -> Self {
        PageBody { items, next: None }
    }
}

/// The paging parameters of a listing without filters.
#[derive(Debug, Clone, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    /// Items per page, 1 to 1000 (default 100).
    pub limit: Option<u32>,
    /// The `next` of the previous page.
    pub cursor: Option<String>,
}

impl PageQuery {
    /// The page asked for.
    pub(crate) fn page(&self) -> Result<PageRequest, ApiError> {
        request(self.limit, self.cursor.as_deref())
    }
}

/// The page a request asks for: `limit` between 1 and [`MAX_PAGE`] ([`DEFAULT_LIMIT`] when
/// absent), `cursor` as the previous page returned it (an empty one counts as absent).
pub(crate) fn request(limit: Option<u32>, cursor: Option<&str>) -> Result<PageRequest, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if !(1..=MAX_PAGE).contains(&limit) {
        return Err(ApiError::bad_request(
            "invalid_limit",
            format!("limit must be between 1 and {MAX_PAGE}"),
        ));
    }
    Ok(PageRequest {
        limit,
        cursor: cursor
            .filter(|c| !c.is_empty())
            .map(|c| Cursor(c.to_owned())),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_outside_the_store_page_are_refused() {
        assert_eq!(request(None, None).expect("default").limit, DEFAULT_LIMIT);
        for bad in [0, MAX_PAGE + 1] {
            assert_eq!(
                request(Some(bad), None).expect_err("refused").code(),
                "invalid_limit"
            );
        }
        assert_eq!(
            request(Some(5), Some("")).expect("empty cursor").cursor,
            None
        );
    }
}
