//! Load: 10,000 jobs submitted from 64 concurrent tasks through one client, with 5% injected
//! throttling, against the embedded emulator; and the same submits and reads against the
//! standalone `ice-emulator` process. Every job is created exactly once (ClientToken + emulator
//! counters) and is readable afterwards. Prints requests per second; run with
//! `--release -- --nocapture` for the meaningful figures.
#![cfg(feature = "emulator")]

mod emulator_support;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use emulator_support::*;
use ice_api::emulator::{Emulator, Faults, Timing};
use ice_api::{Client, Location, RetryPolicy, WireParams};

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
    let ids = submit_and_read(&client).await;
    let elapsed = started.elapsed();
    let stats = emu.stats();
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

/// Submits [`JOBS`] jobs (ClientToken `load-i`) from [`TASKS`] tasks, then reads each back;
/// returns the distinct job IDs.
async fn submit_and_read(client: &Client) -> HashSet<String> {
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
    assert_eq!(indices.len(), JOBS);
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_requests_per_second_against_the_standalone_binary() {
    let emu = EmulatorProcess::spawn(&[
        "--access-key",
        &format!("{AK}:{SECRET}"),
        "--queue-ms",
        "0",
        "--processing-ms",
        "0",
    ]);
    let client = client_at(&emu.endpoint, SECRET, RetryPolicy::disabled());
    let pid = emu.child.id();
    let cpu_before = (cpu_seconds("self"), cpu_seconds(&pid.to_string()));
    let started = Instant::now();
    let ids = submit_and_read(&client).await;
    let elapsed = started.elapsed();
    let cpu_after = (cpu_seconds("self"), cpu_seconds(&pid.to_string()));
    assert_eq!(ids.len(), JOBS, "one distinct job per submit");
    // No faults: exactly one HTTP request per call.
    let requests = 2 * JOBS;
    println!(
        "load (ice-emulator process, started in {:?}): {requests} signed requests in {elapsed:.2?}: {:.0} requests/s",
        emu.startup,
        requests as f64 / elapsed.as_secs_f64().max(1e-9)
    );
    if let ((Some(c0), Some(e0)), (Some(c1), Some(e1))) = (cpu_before, cpu_after) {
        // CPU time per request does not depend on what else the machine runs.
        let (client_us, emu_us) = (
            (c1 - c0) * 1e6 / requests as f64,
            (e1 - e0) * 1e6 / requests as f64,
        );
        println!(
            "CPU per request: client {client_us:.0} µs, ice-emulator {emu_us:.0} µs; the emulator alone on one core: {:.0} requests/s",
            1e6 / emu_us.max(1e-9)
        );
    }
}

/// User + system CPU seconds of a process (`self` or a PID), from `/proc/*/stat` (Linux, whose
/// `USER_HZ` is 100 ticks per second on every mainstream architecture).
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the parenthesised command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}
