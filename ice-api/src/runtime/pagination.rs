//! What a paginated operation knows about its pages. Generated code implements [`Paginated`] for
//! every request whose operation pages (auto-detected from the spec, fixed up by the overlay);
//! a paginator (stream) drives it with [`Paginated::next_request`] and
//! [`Paginated::take_items`] and needs no per-operation code.
//!
//! Two flavours exist in ICE ([`PageKind`]):
//! - **Token**: the request carries `NextToken` (sometimes `NextPageToken`) and a page size
//!   (`MaxResults`, sometimes `PageSize`); the response returns the token of the next page, empty or
//!   absent on the last page.
//! - **PageNumber**: the request carries `PageNo`/`PageNumber` (1-based) and `PageSize`; the
//!   response may report a total (`TotalCount`/`Total`). The last page is reached when a page is
//!   empty, shorter than the requested size, or when `page × size ≥ total`.
//!
//! ```
//! use ice_api::runtime::pagination::Paginated;
//!
//! /// Collects every item by following pages; `send` performs one call.
//! fn collect_all<R: Paginated>(
//!     mut req: R,
//!     mut send: impl FnMut(&R) -> R::Response,
//! ) -> Vec<R::Item> {
//!     let mut all = Vec::new();
//!     loop {
//!         let mut resp = send(&req);
//!         let items = R::take_items(&mut resp);
//!         let n = items.len();
//!         all.extend(items);
//!         match req.next_request(&resp, n) {
//!             Some(next) => req = next,
//!             None => return all,
//!         }
//!     }
//! }
//! ```

use super::operation::Operation;

/// How an operation pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PageKind {
    /// `NextToken` + `MaxResults`: follow the token the response returns.
    Token,
    /// `PageNo` + `PageSize`: count pages from 1.
    PageNumber,
}

/// A request whose operation returns its results in pages. Implemented by generated code.
///
/// Accessors that do not apply to the flavour ([`KIND`](Paginated::KIND)) keep their default
/// (`None` / no-op). All methods are cheap; none performs I/O.
pub trait Paginated: Operation + Clone {
    /// One element of the page's item list.
    type Item;

    /// The flavour.
    const KIND: PageKind;

    /// Token flavour: the token this request asks for (`None` on the first page).
    fn token(&self) -> Option<&str> {
        None
    }

    /// Token flavour: the token of the next page in `response` (`None`/empty on the last page).
    fn next_token(response: &Self::Response) -> Option<&str> {
        let _ = response;
        None
    }

    /// Token flavour: sets the token of the page to fetch.
    fn set_next_token(&mut self, token: &str) {
        let _ = token;
    }

    /// PageNumber flavour: the 1-based page this request asks for (`None` = server default, 1).
    fn page_number(&self) -> Option<i64> {
        None
    }

    /// PageNumber flavour: sets the page to fetch.
    fn set_page_number(&mut self, page: i64) {
        let _ = page;
    }

    /// The requested page size, when set.
    fn page_size(&self) -> Option<i64> {
        None
    }

    /// The total number of items the server reports, when it does.
    fn total_count(response: &Self::Response) -> Option<u64> {
        let _ = response;
        None
    }

    /// Moves the page's items out of `response` (empty when the list is absent).
    fn take_items(response: &mut Self::Response) -> Vec<Self::Item>;

    /// The request for the page after `response`, or `None` when `response` was the last page.
    /// `items_on_page` is how many items `response` held (call [`take_items`](Self::take_items)
    /// first and pass its length).
    fn next_request(&self, response: &Self::Response, items_on_page: usize) -> Option<Self> {
        match Self::KIND {
            PageKind::Token => {
                let token = Self::next_token(response).filter(|t| !t.is_empty())?;
                // A server that repeats the token would otherwise loop forever.
                if self.token() == Some(token) {
                    return None;
                }
                let mut next = self.clone();
                next.set_next_token(token);
                Some(next)
            }
            PageKind::PageNumber => {
                if items_on_page == 0 {
                    return None;
                }
                let current = self.page_number().unwrap_or(1).max(1);
                let size = self.page_size().filter(|s| *s > 0);
                if let Some(size) = size {
                    if (items_on_page as u64) < size as u64 {
                        return None;
                    }
                }
                if let Some(total) = Self::total_count(response) {
                    let per_page = size.map(|s| s as u64).unwrap_or(items_on_page as u64);
                    if (current as u64).saturating_mul(per_page) >= total {
                        return None;
                    }
                }
                let mut next = self.clone();
                next.set_page_number(current.checked_add(1)?);
                Some(next)
            }
        }
    }
}
