//! Paginators: every request implementing [`Paginated`] becomes a [`Stream`] of pages
//! ([`Client::paginate`]) or of items ([`Client::paginate_items`]). One page is fetched at a time,
//! only when the stream is polled; the stream ends after the last page (empty or absent
//! `NextToken`; or, for `PageNo` operations, a short/empty page or the reported total reached) or
//! after the first error, which it yields.
//!
//! ```no_run
//! # async fn demo<R>(client: ice_api::Client, request: R) -> Result<(), ice_api::Error>
//! # where R: ice_api::runtime::pagination::Paginated + Send + Sync + 'static,
//! #       R::Response: Send + 'static, R::Item: Send + std::fmt::Debug + 'static {
//! use futures_util::StreamExt;
//!
//! let mut items = client.paginate_items(request);
//! while let Some(item) = items.next().await {
//!     println!("{:?}", item?);
//! }
//! # Ok(()) }
//! ```

use std::collections::VecDeque;
use std::pin::Pin;

use futures_util::stream::{self, Stream};

use super::client::Client;
use super::error::Error;
use super::pagination::Paginated;

/// One fetched page: its items, moved out of the response, and the rest of the response
/// (token, totals, request id…), whose item list is now empty.
#[derive(Debug)]
pub struct Page<R: Paginated> {
    /// The page's items, in server order.
    pub items: Vec<R::Item>,
    /// The response without its items.
    pub response: R::Response,
}

/// The stream returned by [`Client::paginate`] (boxed, so it is `Unpin`: call `.next()` on it
/// directly).
pub type PageStream<R> = Pin<Box<dyn Stream<Item = Result<Page<R>, Error>> + Send>>;

/// The stream returned by [`Client::paginate_items`].
pub type ItemStream<R> = Pin<Box<dyn Stream<Item = Result<<R as Paginated>::Item, Error>> + Send>>;

enum Cursor<R> {
    Next(R),
    Done,
}

impl Client {
    /// A stream of pages, starting with `request` as the first page's request.
    pub fn paginate<R>(&self, request: R) -> PageStream<R>
    where
        R: Paginated + Send + Sync + 'static,
        R::Response: Send + 'static,
        R::Item: Send + 'static,
    {
        let client = self.clone();
        Box::pin(stream::unfold(Cursor::Next(request), move |cursor| {
            let client = client.clone();
            async move {
                let request = match cursor {
                    Cursor::Next(r) => r,
                    Cursor::Done => return None,
                };
                match client.send(&request).await {
                    Ok(mut response) => {
                        let items = R::take_items(&mut response);
                        let next = match request.next_request(&response, items.len()) {
                            Some(next) => Cursor::Next(next),
                            None => Cursor::Done,
                        };
                        Some((Ok(Page { items, response }), next))
                    }
                    Err(e) => Some((Err(e), Cursor::Done)),
                }
            }
        }))
    }

    /// A stream of the items of every page, in order.
    pub fn paginate_items<R>(&self, request: R) -> ItemStream<R>
    where
        R: Paginated + Send + Sync + 'static,
        R::Response: Send + 'static,
        R::Item: Send + 'static,
    {
        let pages = self.paginate(request);
        // The page stream ends after yielding an error, so the buffer is empty by then.
        Box::pin(stream::unfold(
            (pages, VecDeque::new()),
            |(mut pages, mut buffer)| async move {
                use futures_util::StreamExt;
                loop {
                    if let Some(item) = buffer.pop_front() {
                        return Some((Ok(item), (pages, buffer)));
                    }
                    match pages.next().await? {
                        Ok(page) => buffer.extend(page.items),
                        Err(e) => return Some((Err(e), (pages, buffer))),
                    }
                }
            },
        ))
    }
}
