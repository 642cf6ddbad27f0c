//! `ice_api::blocking::BlockingClient` against the emulator: send, wait with options and a progress hook,
//! pagination as iterators, errors (service, validation, failed job), calls from any thread (an
//! async task, `spawn_blocking`, its own progress hook), and clean shutdown of its runtime thread
//! when the last holder is dropped.
//!
//! The emulator is a server and needs a runtime: it runs on a multi-thread runtime's worker of its
//! own, so the test threads themselves run none, as in a CLI tool.
#![cfg(all(feature = "blocking", feature = "emulator"))]
#![cfg(all(
    ice_op = "SubmitSceneMediaSelectionJob",
    ice_op = "GetBatchMediaProducingJob",
    ice_op = "ListBatchMediaProducingJobs"
))]

use std::collections::BTreeSet;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use ice_api::blocking::BlockingClient;
use ice_api::emulator::{Emulator, EmulatorHandle, Timing};
use ice_api::media_production::{
    GetBatchMediaProducingJobRequest, ListBatchMediaProducingJobsRequest, OutputConfig,
    SceneMediaSelection, SmartMixInputConfig, SubmitSceneMediaSelectionJobRequest,
};
use ice_api::runtime::credentials::Credentials;
use ice_api::{Config, ErrorKind, JobState, Progress, WaitOptions, WaitOutcome};

const AK: &str = "blocking-test-ak";
const SECRET: &str = "blocking-test-secret-value";

/// Tests here count this process's runtime threads, so they run one at a time.
fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|e| e.into_inner())
}

/// The emulator on a runtime whose worker thread is not the test's.
struct Background {
    runtime: tokio::runtime::Runtime,
    emulator: Option<EmulatorHandle>,
}

impl Background {
    fn start() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let emulator = runtime
            .block_on(
                Emulator::builder()
                    .seed(7)
                    .timing(
                        Timing::default()
                            .durations(Duration::from_millis(150), Duration::from_millis(400)),
                    )
                    .credentials(AK, SECRET)
                    .start(),
            )
            .unwrap();
        Self {
            runtime,
            emulator: Some(emulator),
        }
    }

    fn emulator(&self) -> &EmulatorHandle {
        self.emulator.as_ref().unwrap()
    }

    fn client(&self, secret: &str) -> BlockingClient {
        let config = Config::builder()
            .endpoint(self.emulator().endpoint())
            .credentials(Credentials::new(AK, secret))
            .build()
            .unwrap();
        BlockingClient::new(config).unwrap()
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(emulator) = self.emulator.take() {
            self.runtime.block_on(emulator.shutdown());
        }
    }
}

fn selection(media: &str) -> SubmitSceneMediaSelectionJobRequest {
    SubmitSceneMediaSelectionJobRequest::new(SceneMediaSelection::smart_mix(
        SmartMixInputConfig::from_media_array([media])
            .with_speech_text_array(["Summer is here.", "Pack light."]),
        OutputConfig::new("https://bucket.oss-cn-shanghai.aliyuncs.com/out_{index}.mp4"),
    ))
}

fn fast() -> WaitOptions {
    WaitOptions::default()
        .initial_delay(Duration::from_millis(20))
        .max_delay(Duration::from_millis(60))
        .timeout(Duration::from_secs(20))
}

/// Threads of this process running a blocking client's runtime (Linux names them in
/// `/proc/self/task/*/comm`, cut to 15 bytes).
#[cfg(target_os = "linux")]
fn runtime_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| "ice-api-blocking".starts_with(name.trim_end()))
        .count()
}

/// `f`'s result, or a failure when it takes longer than `limit` (the thread is left behind).
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|e| panic!("no result within {limit:?}: {e}"))
}

#[test]
fn send_wait_with_progress_and_pages_without_a_runtime() {
    let _serial = serial();
    let bg = Background::start();
    let client = bg.client(SECRET);

    let submitted = client.send(&selection("beach.mp4")).unwrap();
    assert!(!submitted.job_id.is_empty());

    let caller = std::thread::current().id();
    let mut seen: Vec<Progress> = Vec::new();
    let outcome = client
        .wait(submitted.poll_request())
        .options(fast())
        .on_progress(|p| {
            // The hook runs on the caller's thread and may borrow from it.
            assert_eq!(std::thread::current().id(), caller);
            seen.push(p.clone());
        })
        .run()
        .unwrap();
    let WaitOutcome::Succeeded(done) = outcome else {
        panic!("expected success, got {outcome:?}")
    };
    assert_eq!(
        done.editing_batch_job.job_id.as_deref(),
        Some(submitted.job_id.as_str())
    );
    assert!(
        done.editing_batch_job
            .parse_extend_output()
            .unwrap()
            .is_some(),
        "a finished selection job carries its result"
    );
    // The timing keeps the job running for several polls: the schedule applied and the hook saw
    // every poll, in order, ending terminal.
    assert!(seen.len() >= 3, "{seen:?}");
    assert!(seen.windows(2).all(|w| w[0].polls < w[1].polls));
    assert_eq!(seen.last().map(|p| p.state), Some(JobState::Succeeded));

    // Five more jobs, then every job through both paginators, two per page.
    let mut ids = BTreeSet::from([submitted.job_id.clone()]);
    for i in 0..5 {
        ids.insert(
            client
                .send(&selection(&format!("m{i}.mp4")))
                .unwrap()
                .job_id,
        );
    }
    let list = ListBatchMediaProducingJobsRequest::new().with_max_results(2);
    let pages: Vec<_> = client
        .paginate(list.clone())
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(pages.len(), 3, "6 jobs in pages of 2");
    assert!(pages.iter().all(|p| p.items.len() == 2));
    let listed: BTreeSet<String> = client
        .paginate_items(list)
        .map(|job| job.unwrap().job_id.unwrap())
        .collect();
    assert_eq!(listed, ids);
}

#[test]
fn errors_are_the_one_error_type() {
    let _serial = serial();
    let bg = Background::start();

    // A service error, with the secret nowhere in it.
    let wrong = bg.client("not-the-secret");
    let e = wrong.send(&selection("beach.mp4")).unwrap_err();
    let service = e.service().expect("a service error");
    assert_eq!(service.code.as_deref(), Some("SignatureDoesNotMatch"));
    assert!(!format!("{e} {e:?}").contains("not-the-secret"));

    // A paginator yields the error once, then ends.
    let mut items = wrong.paginate_items(ListBatchMediaProducingJobsRequest::new());
    assert!(items.next().unwrap().unwrap_err().service().is_some());
    assert!(items.next().is_none());

    // An invalid request is refused before anything is sent.
    let client = bg.client(SECRET);
    assert!(!format!("{client:?}").contains(SECRET), "{client:?}");
    let before = bg.emulator().stats().requests;
    let invalid = SubmitSceneMediaSelectionJobRequest::new(SceneMediaSelection::smart_mix(
        SmartMixInputConfig::from_media_array(Vec::<String>::new()),
        OutputConfig::new("ftp://nowhere"),
    ));
    assert!(client.send(&invalid).unwrap_err().validation().is_some());
    assert_eq!(bg.emulator().stats().requests, before);

    // A job that fails is an outcome, and `require_success` makes it an error.
    let failing = client.send(&selection("not-found.mp4")).unwrap();
    let outcome = client
        .wait(GetBatchMediaProducingJobRequest::new(&failing.job_id))
        .options(fast())
        .run()
        .unwrap();
    assert!(matches!(outcome, WaitOutcome::Failed { .. }), "{outcome:?}");
    let e = outcome.require_success().unwrap_err();
    assert!(matches!(e.kind(), ErrorKind::Wait(_)), "{e}");
}

#[test]
fn works_from_any_thread_even_inside_an_async_runtime() {
    let _serial = serial();
    let bg = Background::start();
    let client = bg.client(SECRET);
    let list = ListBatchMediaProducingJobsRequest::new().with_max_results(1);

    // Inside a current-thread runtime, the call blocks that runtime's only thread and still
    // completes: nothing it waits for runs there. The wait polls far more often than Tokio's
    // per-task budget (128 operations) allows, so it also shows the budget is not in the way
    // (were it, every operation would yield forever: the watchdog turns that into a failure).
    let c = client.clone();
    let polls = within(Duration::from_secs(60), move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let submitted = c.send(&selection("beach.mp4")).unwrap();
            let mut polls = 0;
            let outcome = c
                .wait(submitted.poll_request())
                .options(
                    WaitOptions::default()
                        .initial_delay(Duration::from_millis(2))
                        .max_delay(Duration::from_millis(4))
                        .timeout(Duration::from_secs(20)),
                )
                .on_progress(|p| polls = p.polls)
                .run()
                .unwrap();
            assert!(matches!(outcome, WaitOutcome::Succeeded(_)), "{outcome:?}");
            polls
        })
    });
    assert!(polls > 40, "{polls} polls");

    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();

    // In a spawned task, and on a `spawn_blocking` thread (which carries the runtime's context).
    let c = client.clone();
    let l = list.clone();
    let in_task = rt
        .block_on(rt.spawn(async move { c.paginate_items(l).count() }))
        .unwrap();
    assert_eq!(in_task, 1);
    let c = client.clone();
    let l = list.clone();
    let in_blocking = rt
        .block_on(rt.spawn_blocking(move || c.paginate(l).count()))
        .unwrap();
    assert_eq!(in_blocking, 1);

    // A call from the client's own progress hook (re-entrant, on the same thread).
    let submitted = client.send(&selection("cafe.mp4")).unwrap();
    let mut nested = Vec::new();
    client
        .wait(submitted.poll_request())
        .options(fast())
        .on_progress(|_| nested.push(client.send(&list).map(|r| r.request_id)))
        .run()
        .unwrap();
    assert!(!nested.is_empty());
    assert!(
        nested.iter().all(|r| matches!(r, Ok(Some(_)))),
        "{nested:?}"
    );

    // Created and dropped inside an async task: no panic (the runtime is dropped on its thread).
    rt.block_on(async {
        let other = bg.client(SECRET);
        other.send(&list).unwrap();
        drop(other);
    });
}

#[test]
fn dropping_the_last_clone_stops_its_runtime_thread() {
    let _serial = serial();
    let bg = Background::start();
    #[cfg(target_os = "linux")]
    let base = runtime_threads();

    let client = bg.client(SECRET);
    let clone = client.clone();
    // A pooled connection, and a paginator holding a clone: the thread goes with the last holder.
    clone.send(&selection("beach.mp4")).unwrap();
    let mut pages = clone.paginate(ListBatchMediaProducingJobsRequest::new().with_max_results(1));
    assert!(pages.next().unwrap().is_ok());
    #[cfg(target_os = "linux")]
    assert_eq!(
        runtime_threads(),
        base + 1,
        "one thread per client, shared by clones"
    );

    drop(client);
    drop(clone);
    #[cfg(target_os = "linux")]
    assert_eq!(runtime_threads(), base + 1, "the iterator keeps it");
    drop(pages);
    #[cfg(target_os = "linux")]
    assert_eq!(runtime_threads(), base, "joined on the last drop");

    // The emulator is unaffected: a new client works.
    bg.client(SECRET).send(&selection("cafe.mp4")).unwrap();
}
