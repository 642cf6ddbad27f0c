//! Delivery of completion events: a scheduler that wakes when a job reaches its terminal
//! status, HTTP `POST`s with bounded retries, and bounded in-memory MNS queues.
//!
//! ICE reports a job once, when it completes (`Finished`/`Failed`, or `Success`/`Failed` for
//! media producing jobs); the emulator does the same. The envelope
//! (`EventType`, `UserId`, `EventTime`, `MessageBody`) follows Alibaba's event list; the
//! `MessageBody` fields of the two production events are our choice (see
//! [`crate::callback`]). HTTP deliveries go only to loopback hosts (`127.0.0.0/8`, `::1`,
//! `localhost`): the emulator never calls out to the network; other URLs are counted in
//! [`EmulatorStats::callbacks_refused`](super::EmulatorStats::callbacks_refused) and dropped.
//! `https://` works when the receiver's certificate chains to Mozilla's roots (`webpki-roots`).

use std::collections::{BTreeSet, HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::json;
use tokio::sync::{watch, Notify, Semaphore};
use tokio::task::JoinSet;

use super::config::CallbackPolicy;
use super::events::{self, Destination};
use super::rng::fnv1a;
use super::verify::format_acs_date;
use super::{Shared, State};
use crate::callback::{signature, AuthKey, SIGNATURE_HEADER, TIMESTAMP_HEADER};

/// Most distinct MNS queues kept; events for further queues are dropped and counted.
const MAX_QUEUES: usize = 100;

/// Scheduled events and MNS queues, inside the emulator's state.
#[derive(Debug)]
pub(crate) struct Delivery {
    /// (due time, job sequence number) of every completion event not yet sent. One entry per
    /// unfinished job, so bounded by the job store.
    pending: BTreeSet<(Duration, u64)>,
    wake: Arc<Notify>,
    queues: HashMap<String, VecDeque<String>>,
    mns_capacity: usize,
}

/// One event ready to go.
struct Outgoing {
    destination: Destination,
    body: String,
}

impl Delivery {
    pub(crate) fn new(wake: Arc<Notify>, mns_capacity: usize) -> Self {
        Self {
            pending: BTreeSet::new(),
            wake,
            queues: HashMap::new(),
            mns_capacity: mns_capacity.max(1),
        }
    }

    /// Schedules the completion event of job `seq` at clock time `due`.
    pub(crate) fn schedule(&mut self, due: Duration, seq: u64) {
        self.pending.insert((due, seq));
        self.wake.notify_one();
    }

    /// Wakes the scheduler (after the clock moved).
    pub(crate) fn wake(&self) {
        self.wake.notify_one();
    }

    /// Removes and returns the messages of one MNS queue, oldest first.
    pub(crate) fn take_queue(&mut self, queue: &str) -> Vec<String> {
        self.queues.remove(queue).map(Vec::from).unwrap_or_default()
    }
}

/// A stable 16-digit `UserId` for an account (AccessKey), like the service's account IDs.
fn user_id(account: &str) -> u64 {
    1_000_000_000_000_000 + fnv1a(account.as_bytes()) % 9_000_000_000_000_000
}

/// Takes every event that is due and returns them with the clock time to wake up next
/// (`None`: nothing scheduled, or a manual clock that only moves by `advance`).
fn take_due(st: &mut State) -> (Vec<Outgoing>, Option<Duration>) {
    let now = st.clock.now();
    let mut out = Vec::new();
    while let Some(&(due, seq)) = st.delivery.pending.first() {
        if due > now {
            break;
        }
        st.delivery.pending.pop_first();
        let Some(job) = st.store.by_seq(seq) else {
            st.stats.callbacks_lost_evicted += 1;
            continue;
        };
        let done = job.done(&st.timing);
        let (event_type, body) = job.completion_event(&st.timing, done);
        let Some(destination) = events::destination(st, job, event_type) else {
            continue;
        };
        let envelope = json!({
            "EventType": event_type,
            "UserId": user_id(&job.account),
            "EventTime": format_acs_date(st.clock.wall(done)),
            "MessageBody": body,
        });
        out.push(Outgoing {
            destination,
            body: envelope.to_string(),
        });
    }
    let next = if st.clock.is_manual() {
        None
    } else {
        st.delivery
            .pending
            .first()
            .map(|(due, _)| due.saturating_sub(now))
    };
    (out, next)
}

/// Whether `url` is an `http(s)` URL on a loopback host.
fn loopback(url: &str) -> bool {
    let Ok(u) = reqwest::Url::parse(url) else {
        return false;
    };
    if !matches!(u.scheme(), "http" | "https") {
        return false;
    }
    u.host_str().is_some_and(|h| {
        h.eq_ignore_ascii_case("localhost")
            || h.trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<IpAddr>()
                .is_ok_and(|ip| ip.is_loopback())
    })
}

/// Runs until `stop`: sends due events, then sleeps until the next is due or a job is added.
pub(crate) async fn run(shared: Arc<Shared>, wake: Arc<Notify>, mut stop: watch::Receiver<bool>) {
    let policy = shared.callbacks.clone();
    let built = crate::runtime::tls::client_builder()
        .map_err(|e| e.to_string())
        .and_then(|b| {
            b.no_proxy()
                .redirect(reqwest::redirect::Policy::none())
                .timeout(policy.timeout)
                .build()
                .map_err(|e| e.to_string())
        });
    let client = match built {
        Ok(c) => c,
        Err(e) => {
            tracing::error!(error = %e, "emulator: cannot build the callback HTTP client; callbacks disabled");
            return;
        }
    };
    let slots = Arc::new(Semaphore::new(policy.max_in_flight.max(1)));
    let mut sends = JoinSet::new();
    loop {
        let (due, next) = take_due(&mut shared.lock());
        for Outgoing { destination, body } in due {
            match destination {
                Destination::Mns { queue } => push_mns(&mut shared.lock(), queue, body),
                Destination::Http { url, key } => {
                    if !loopback(&url) {
                        shared.lock().stats.callbacks_refused += 1;
                        tracing::warn!(%url, "emulator: callback URL is not on loopback; not delivered");
                    } else if sends.len() >= policy.max_queued.saturating_add(policy.max_in_flight)
                    {
                        shared.lock().stats.callbacks_dropped += 1;
                    } else {
                        let (shared, client, slots, policy) = (
                            shared.clone(),
                            client.clone(),
                            slots.clone(),
                            policy.clone(),
                        );
                        sends.spawn(async move {
                            let Ok(_slot) = slots.acquire_owned().await else {
                                return;
                            };
                            post(&shared, &client, &policy, &url, key.as_ref(), body).await;
                        });
                    }
                }
            }
        }
        let sleep = async {
            match next {
                Some(d) => tokio::time::sleep(d).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            _ = stop.changed() => break,
            _ = wake.notified() => {}
            _ = sleep => {}
            Some(_) = sends.join_next(), if !sends.is_empty() => {}
        }
    }
    sends.abort_all();
}

fn push_mns(st: &mut State, queue: String, body: String) {
    let d = &mut st.delivery;
    if !d.queues.contains_key(&queue) && d.queues.len() >= MAX_QUEUES {
        st.stats.mns_dropped += 1;
        return;
    }
    let q = d.queues.entry(queue).or_default();
    if q.len() >= d.mns_capacity {
        q.pop_front();
        st.stats.mns_dropped += 1;
    }
    q.push_back(body);
    st.stats.mns_messages += 1;
}

/// One HTTP delivery: up to `policy.attempts` POSTs; success is HTTP 200.
async fn post(
    shared: &Shared,
    client: &reqwest::Client,
    policy: &CallbackPolicy,
    url: &str,
    key: Option<&AuthKey>,
    body: String,
) {
    for attempt in 1..=policy.attempts.max(1) {
        let mut request = client
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .body(body.clone());
        if let Some(key) = key {
            let ts = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map(|d| d.as_secs())
                .unwrap_or(0)
                .to_string();
            let sig = signature(url, &ts, key);
            request = request
                .header(TIMESTAMP_HEADER, ts)
                .header(SIGNATURE_HEADER, sig);
        }
        let status = request.send().await.map(|r| r.status().as_u16()).ok();
        shared.lock().stats.callback_attempts += 1;
        if status == Some(200) {
            shared.lock().stats.callbacks_delivered += 1;
            return;
        }
        tracing::debug!(%url, attempt, ?status, "emulator: callback attempt failed");
        if attempt < policy.attempts {
            tokio::time::sleep(policy.retry_delay).await;
        }
    }
    shared.lock().stats.callbacks_failed += 1;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_loopback_http_urls_are_delivered() {
        for ok in [
            "http://127.0.0.1:8080/cb",
            "https://127.0.0.5/cb",
            "http://[::1]:9/cb",
            "http://LOCALHOST/cb",
        ] {
            assert!(loopback(ok), "{ok}");
        }
        for no in [
            "http://example.com/cb",
            "http://10.0.0.1/cb",
            "ftp://127.0.0.1/cb",
            "http://127.0.0.1.nip.io/cb",
            "not a url",
        ] {
            assert!(!loopback(no), "{no}");
        }
    }

    #[test]
    fn user_ids_are_stable_16_digit_numbers() {
        let id = user_id("ak");
        assert_eq!(id, user_id("ak"));
        assert_eq!(id.to_string().len(), 16);
        assert_ne!(id, user_id("other"));
    }
}
