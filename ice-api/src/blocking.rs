//! A blocking client (feature `blocking`), for CLI tools and sync services that run no async
//! runtime: [`BlockingClient`] has the async [`crate::Client`]'s surface — [`send`](BlockingClient::send),
//! [`wait`](BlockingClient::wait) (with [`WaitOptions`] and a progress hook), and
//! [`paginate`](BlockingClient::paginate) / [`paginate_items`](BlockingClient::paginate_items) as
//! [`Iterator`]s — built from the same [`Config`], returning the same [`Error`].
//!
//! ```no_run
//! # #[cfg(ice_op = "SubmitSceneMediaSelectionJob")]
//! # fn demo() -> Result<(), ice_api::Error> {
//! use ice_api::blocking::BlockingClient;
//! use ice_api::prelude::*;
//!
//! let client = BlockingClient::new(Config::from_env()?)?; // no #[tokio::main] anywhere
//! let job = SceneMediaSelection::smart_mix(
//!     SmartMixInputConfig::from_media_array(["https://bucket.oss-cn-shanghai.aliyuncs.com/a.mp4"])
//!         .with_speech_text_array(["第一句文案。"]),
//!     OutputConfig::new("https://bucket.oss-cn-shanghai.aliyuncs.com/out_{index}.mp4"),
//! );
//! let submitted = client.send(&SubmitSceneMediaSelectionJobRequest::new(job))?;
//! let done = client
//!     .wait(submitted.poll_request())
//!     .on_progress(|p| println!("{} {:.0}%", p.status, p.fraction() * 100.0))
//!     .run()?
//!     .require_success()?;
//! println!("{:?}", done.editing_batch_job.status);
//! for job in client.paginate_items(ListBatchMediaProducingJobsRequest::new().with_max_results(20)) {
//!     println!("{:?}", job?.job_id);
//! }
//! # Ok(()) }
//! ```
//!
//! # Design
//!
//! Each client owns a thread (`ice-api-blocking`) running a current-thread Tokio runtime, parked
//! in `Runtime::block_on` for the client's whole life: it serves the runtime's I/O and timers and
//! runs the HTTP connection tasks. A call polls its future on the caller's own thread, inside that
//! runtime's context and outside Tokio's cooperative budget, with `pollster` (not
//! `futures::executor::block_on`, which panics when nested, as a call from a progress hook is).
//! Why not the alternatives:
//!
//! - `Runtime::block_on` or `Handle::block_on` on the caller's thread: Tokio panics when that
//!   thread is already running a runtime (an async task, or this client's own progress hook
//!   calling it again), so the client would have to refuse such calls; and with
//!   `Runtime::block_on` I/O would be served only while some call is in flight, concurrent
//!   callers taking turns on the one runtime core.
//! - Sending each call to the runtime thread over a channel (how `reqwest::blocking` works):
//!   every request, response and progress hook would have to be `'static`, so `send(&request)`
//!   would clone the request and the hook would run on another thread. Here the hook runs on the
//!   caller's thread and borrows what it likes.
//!
//! So a call works from any thread: a plain one, `spawn_blocking`, a progress hook (re-entrant
//! calls), even an async task — where, like any blocking I/O, it stalls that executor thread
//! until it returns (prefer [`crate::Client`] and `.await` there); it cannot deadlock on that
//! executor, since everything it waits for runs on the client's own runtime (unless a custom
//! credentials provider itself waits for a task of the blocked executor). Creating and dropping a
//! client work anywhere: dropping the last clone (or the last paginator holding one) stops the
//! runtime thread and joins it, and the runtime is dropped on that thread, never inside a caller's
//! async context (where Tokio panics on dropping a runtime).

use std::fmt;
use std::future::{Future, IntoFuture};
use std::iter::FusedIterator;
use std::pin::Pin;
use std::sync::Arc;
use std::thread::JoinHandle;

use futures_util::{Stream, StreamExt};
use tokio::runtime::Handle;
use tokio::sync::oneshot;

use crate::runtime::pagination::Paginated;
use crate::runtime::paginator::Page;
use crate::runtime::waiter::{self, Progress, WaitOptions, WaitOutcome, Waitable};
use crate::{Config, ConfigError, Error, Operation};

/// Name of the thread each client runs its runtime on.
const THREAD_NAME: &str = "ice-api-blocking";

/// The blocking counterpart of [`crate::Client`]: same calls, no `.await`. Cheap to clone; the
/// clones share one connection pool, rate limiter and runtime thread.
#[derive(Clone)]
pub struct BlockingClient {
    inner: Arc<Inner>,
}

struct Inner {
    client: crate::Client,
    runtime: Handle,
    _worker: Worker,
}

/// The runtime thread: stopped and joined on drop (after the async client, declared before it in
/// `Inner`, has released its connections).
struct Worker {
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Worker {
    fn drop(&mut self) {
        drop(self.stop.take());
        if let Some(thread) = self.thread.take() {
            // The thread only waits for `stop`; it cannot have panicked with anything to report.
            let _ = thread.join();
        }
    }
}

impl fmt::Debug for BlockingClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingClient")
            .field("config", self.config())
            .finish_non_exhaustive()
    }
}

impl BlockingClient {
    /// A client for `config`, with its runtime thread started. Fails if the HTTP stack, the
    /// runtime or the thread cannot be created.
    pub fn new(config: Config) -> Result<Self, Error> {
        let client = crate::Client::new(config)?;
        let (stop, stopped) = oneshot::channel::<()>();
        let (ready, runtime) = std::sync::mpsc::sync_channel(1);
        // The runtime is built and dropped on its own thread, so neither can happen inside a
        // caller's async context (where Tokio panics on dropping a runtime).
        let thread = std::thread::Builder::new()
            .name(THREAD_NAME.into())
            .spawn(move || {
                let built = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build();
                match built {
                    Ok(rt) => {
                        // The receiver waits for this message; it cannot be gone.
                        let _ = ready.send(Ok(rt.handle().clone()));
                        rt.block_on(async {
                            // Resolves when the client drops the sender.
                            let _ = stopped.await;
                        });
                    }
                    Err(e) => {
                        let _ = ready.send(Err(e));
                    }
                }
            })?;
        let worker = Worker {
            stop: Some(stop),
            thread: Some(thread),
        };
        let runtime = match runtime.recv() {
            Ok(Ok(handle)) => handle,
            Ok(Err(e)) => return Err(e.into()),
            Err(_) => {
                return Err(ConfigError::new(
                    "ice_api::blocking::BlockingClient",
                    "the runtime thread ended before it started",
                )
                .into())
            }
        };
        Ok(Self {
            inner: Arc::new(Inner {
                client,
                runtime,
                _worker: worker,
            }),
        })
    }

    /// A client from [`Config::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        Self::new(Config::from_env()?)
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        self.inner.client.config()
    }

    /// Sends a typed request, as [`crate::Client::send`] does, and blocks until its answer.
    pub fn send<O: Operation>(&self, request: &O) -> Result<O::Response, Error> {
        self.block_on(self.inner.client.send(request))
    }

    /// Waits for the job `request` polls, as [`crate::Client::wait`] does: set
    /// [`options`](BlockingWait::options) and [`on_progress`](BlockingWait::on_progress) if needed, then
    /// [`run`](BlockingWait::run) it.
    pub fn wait<P: Waitable>(&self, request: P) -> BlockingWait<'_, P> {
        BlockingWait {
            client: self,
            inner: self.inner.client.wait(request),
        }
    }

    /// The pages of a paginated operation, starting with `request`, fetched one at a time as the
    /// iterator advances (see [`crate::Client::paginate`]). It ends after the last page or after
    /// yielding the first error.
    pub fn paginate<R>(&self, request: R) -> Pages<R>
    where
        R: Paginated + Send + Sync + 'static,
        R::Response: Send + 'static,
        R::Item: Send + 'static,
    {
        self.iter(self.inner.client.paginate(request))
    }

    /// The items of every page, in order (see [`crate::Client::paginate_items`]).
    pub fn paginate_items<R>(&self, request: R) -> Items<R>
    where
        R: Paginated + Send + Sync + 'static,
        R::Response: Send + 'static,
        R::Item: Send + 'static,
    {
        self.iter(self.inner.client.paginate_items(request))
    }

    fn iter<T>(&self, stream: BoxStream<T>) -> Iter<T> {
        Iter {
            stream: Some(stream),
            client: self.clone(),
        }
    }

    /// Runs `future` to completion on the caller's thread (see [Design](self#design)).
    fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _context = self.inner.runtime.enter();
        // Unconstrained: inside a caller's task, Tokio's budget for that task would run out and,
        // never reset while this call blocks, make every resource of the call yield forever.
        pollster::block_on(tokio::task::unconstrained(future))
    }
}

/// A wait in preparation (see [`BlockingClient::wait`]): set [`options`](Self::options) and
/// [`on_progress`](Self::on_progress) if needed, then [`run`](Self::run) it.
#[must_use = "a wait does nothing until it is run"]
pub struct BlockingWait<'a, P: Waitable> {
    client: &'a BlockingClient,
    inner: waiter::Wait<'a, P>,
}

impl<'a, P: Waitable> BlockingWait<'a, P> {
    /// The polling schedule (default [`WaitOptions::default`]).
    pub fn options(self, options: WaitOptions) -> Self {
        Self {
            inner: self.inner.options(options),
            ..self
        }
    }

    /// Calls `hook` after every successful poll, on the thread that called [`run`](Self::run).
    pub fn on_progress(self, hook: impl FnMut(&Progress) + Send + 'a) -> Self {
        Self {
            inner: self.inner.on_progress(hook),
            ..self
        }
    }

    /// Polls until the job ends (or the wait times out) and returns how it ended.
    pub fn run(self) -> Result<WaitOutcome<P::Response>, Error>
    where
        P: Send + Sync + 'a,
        P::Response: Send,
    {
        self.client.block_on(self.inner.into_future())
    }
}

impl<P: Waitable> fmt::Debug for BlockingWait<'_, P> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BlockingWait")
            .field("action", &P::ACTION)
            .finish_non_exhaustive()
    }
}

type BoxStream<T> = Pin<Box<dyn Stream<Item = Result<T, Error>> + Send>>;

/// A blocking paginator: each [`next`](Iterator::next) fetches the next page when the current
/// one is used up. It ends after the last page, or after yielding the first error.
pub struct Iter<T> {
    // Declared first, so dropped first: the stream's clone of the async client (and with it the
    // connection pool) goes before the runtime thread it may be the last holder of.
    stream: Option<BoxStream<T>>,
    client: BlockingClient,
}

/// The pages of [`BlockingClient::paginate`].
pub type Pages<R> = Iter<Page<R>>;

/// The items of [`BlockingClient::paginate_items`].
pub type Items<R> = Iter<<R as Paginated>::Item>;

impl<T> Iterator for Iter<T> {
    type Item = Result<T, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        let stream = self.stream.as_mut()?;
        let next = self.client.block_on(stream.next());
        if !matches!(next, Some(Ok(_))) {
            self.stream = None;
        }
        next
    }
}

impl<T> FusedIterator for Iter<T> {}

impl<T> fmt::Debug for Iter<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("blocking::Iter")
            .field("done", &self.stream.is_none())
            .finish_non_exhaustive()
    }
}
