//! The standalone `ice-emulator`: its listening line, signed requests from the Rust client,
//! exit 0 on SIGTERM/SIGINT, exit 2 with the usage on bad arguments, and stored jobs held to
//! their byte budget in the process's resident memory.
#![cfg(all(feature = "emulator", unix))]

mod emulator_support;

use std::process::{Command, Stdio};

use emulator_support::*;
use ice_api::{Location, RetryPolicy, WireParams};
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serves_the_rust_client_and_exits_0_on_sigterm_and_sigint() {
    for signal in ["TERM", "INT"] {
        let mut emu = EmulatorProcess::spawn(&[
            "--bind",
            "127.0.0.1:0",
            "--seed",
            "3",
            "--access-key",
            &format!("{AK}:{SECRET}"),
            "--queue-ms",
            "0",
            "--processing-ms",
            "0",
        ]);
        println!("ice-emulator start-up (debug build): {:?}", emu.startup);
        assert!(
            emu.endpoint.starts_with("http://127.0.0.1:"),
            "{}",
            emu.endpoint
        );
        let client = client_at(&emu.endpoint, SECRET, RetryPolicy::disabled());
        let id = submit(
            &client,
            "SubmitSceneMediaSelectionJob",
            selection_params(&["One. Two."], &["****media-1****"]),
        )
        .await;
        let mut p = WireParams::new();
        p.push(Location::Query, "JobId", id.as_str());
        let job = call(&client, "GetBatchMediaProducingJob", p).await.unwrap();
        assert_eq!(job["EditingBatchJob"]["Status"], "Finished");
        // A key the process was not given is refused.
        let stranger = client_at(&emu.endpoint, "wrong-secret", RetryPolicy::disabled());
        let err = call(&stranger, "ListBatchMediaProducingJobs", WireParams::new())
            .await
            .unwrap_err();
        assert_eq!(err.code(), Some("SignatureDoesNotMatch"));

        let status = emu.signal_and_wait(signal);
        assert_eq!(status.code(), Some(0), "SIG{signal}");
    }
}

#[test]
fn a_signal_right_after_the_listening_line_still_exits_0() {
    for _ in 0..20 {
        let mut emu = EmulatorProcess::spawn(&["--bind", "127.0.0.1:0"]);
        assert_eq!(emu.signal_and_wait("TERM").code(), Some(0));
    }
}

#[test]
fn argument_errors_print_the_usage_and_exit_2() {
    for args in [
        &["--seed", "many"][..],
        &["--bogus"],
        &["--bind"],
        &["--throttle", "1.5"],
        &["--access-key", "no-colon-TopSecretValue"],
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_ice-emulator"))
            .args(args)
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert!(stderr.contains("usage: ice-emulator"), "{stderr}");
        assert!(stderr.contains(args[0]), "names the flag: {stderr}");
        assert!(!stderr.contains("TopSecretValue"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}

/// Resident memory of a process, from `/proc/PID/status`.
#[cfg(target_os = "linux")]
fn rss_bytes(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    let kb: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap();
    kb * 1024
}

#[cfg(target_os = "linux")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resident_memory_stays_within_the_job_byte_budget() {
    const BUDGET: u64 = 16 << 20;
    const SLACK: u64 = 48 << 20;
    const JOBS: usize = 48;
    let emu = EmulatorProcess::spawn(&[
        "--access-key",
        &format!("{AK}:{SECRET}"),
        "--queue-ms",
        "0",
        "--processing-ms",
        "0",
        "--max-job-bytes",
        &BUDGET.to_string(),
    ]);
    let client = client_at(&emu.endpoint, SECRET, RetryPolicy::disabled());
    // 2 MiB each: 96 MiB if every one were kept, more than budget and slack together.
    let text = "x".repeat(2 << 20);
    let mut peak = 0;
    for i in 0..JOBS {
        let mut p = batch_params(None, 1);
        p.push(
            Location::Form,
            "InputConfig",
            json!({"MediaArray": ["****media-1****"], "SpeechTextArray": [text]}).to_string(),
        );
        submit(&client, "SubmitBatchMediaProducingJob", p).await;
        if i % 8 == 7 {
            peak = peak.max(rss_bytes(emu.child.id()));
        }
    }
    println!(
        "ice-emulator RSS after {JOBS} x 2 MiB jobs with a {} MiB budget: peak {:.1} MiB",
        BUDGET >> 20,
        peak as f64 / (1 << 20) as f64
    );
    assert!(peak < BUDGET + SLACK, "peak RSS {peak} bytes");
}
