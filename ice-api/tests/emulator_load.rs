//! Load: 10,000 jobs submitted from 64 concurrent tasks through one client, with 5% injected
//! throttling. Every job is created exactly once (ClientToken + emulator counters) and is
//! readable afterwards. Prints requests per second; run with `--release -- --nocapture` for the
//! meaningful figure.
#![cfg(feature = "emulator")]

mod emulator_support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use emulator_support::*;
use ice_api::emulator::{Emulator, Faults, Timing};
use ice_api::{Location, RetryPolicy, WireParams};

const JOBS: usize = 10_000;
const TASKS: usize = 64;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_jobs_from_64_tasks_with_5_percent_throttling() {
    let emu = Emulator::builder()
        .seed(2024)
        .timing(Timing::instant())
        .faults(Faults::none().throttle(0.05))
        .credentials(AK, SECRET)
        .start()
        .await
        .unwrap();
    // 5% throttling per attempt: allow enough attempts that a run of throttles is negligible.
    let client = client_for(&emu, SECRET, RetryPolicy::default().with_max_attempts(10));

    let started = Instant::now();
    let mut tasks = Vec::new();
    for t in 0..TASKS {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            let mut out = Vec::new();
            for i in (t..JOBS).step_by(TASKS) {
                let token = format!("load-{i}");
                let id = submit(
                    &client,
                    "SubmitBatchMediaProducingJob",
                    batch_params(Some(&token), 1),
                )
                .await;
                out.push((i, id));
            }
            for (_, id) in &out {
                let mut p = WireParams::new();
                p.push(Location::Query, "JobId", id.as_str());
                let v = call(&client, "GetBatchMediaProducingJob", p).await.unwrap();
                assert_eq!(v["EditingBatchJob"]["JobId"].as_str(), Some(id.as_str()));
            }
            out
        }));
    }
    let mut ids = HashSet::new();
    let mut indices = HashSet::new();
    for t in tasks {
        for (i, id) in t.await.unwrap() {
            indices.insert(i);
            ids.insert(id);
        }
    }
    let elapsed = started.elapsed();
    let stats = emu.stats();
    assert_eq!(indices.len(), JOBS);
    assert_eq!(ids.len(), JOBS, "one distinct job per submit");
    assert_eq!(
        stats.jobs_created, JOBS as u64,
        "every job created exactly once"
    );
    assert_eq!(stats.jobs_stored, JOBS as u64);
    assert!(stats.injected_throttles > 0);
    let rps = stats.requests as f64 / elapsed.as_secs_f64().max(1e-9);
    println!(
        "load: {} HTTP requests ({} throttled) for {JOBS} submits + {JOBS} gets in {:.2?}: {rps:.0} requests/s",
        stats.requests, stats.injected_throttles, elapsed
    );
    assert!(elapsed < Duration::from_secs(300));
}
