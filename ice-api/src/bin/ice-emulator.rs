//! `ice-emulator`: the ICE emulator as a standalone server, for the official SDKs of every
//! language (and anything else that speaks the ICE RPC protocol).
//!
//! Prints `ICE emulator listening on http://HOST:PORT` as its first stdout line, serves until
//! SIGINT or SIGTERM, then exits 0. Argument errors print the usage and exit 2. The arguments
//! are parsed by hand: a dozen flat flags do not justify an argument-parser dependency.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use ice_api::emulator::{
    CallbackPolicy, Emulator, EmulatorBuilder, Faults, Limits, Timing, DEFAULT_ACCESS_KEY_ID,
};

const USAGE: &str = "\
usage: ice-emulator [--bind ADDR] [--seed N] [--access-key ID:SECRET]... [--sts-key ID:SECRET:TOKEN]...
                    [timing] [faults] [limits] [callbacks]

  --bind ADDR                  listen address (default 127.0.0.1:0, an ephemeral port)
  --seed N                     seed for IDs, results and random faults (default 0)
  --access-key ID:SECRET       accept this AccessKey pair (repeatable; default: the pair
                               ice_api::emulator::DEFAULT_ACCESS_KEY_ID/_SECRET)
  --sts-key ID:SECRET:TOKEN    accept this STS key; requests must carry the token (repeatable)
timing:
  --queue-ms MS                time a job stays Init (default 200)
  --processing-ms MS           time a job stays Processing (default 1000)
  --job-failure-rate P         probability that a job fails (default 0)
  --sub-job-failure-rate P     probability that a sub-job fails (default 0)
faults (random, seeded):
  --throttle P                 rate of Throttling.User answers
  --throttle-status CODE       their HTTP status (default 400)
  --unavailable P              rate of 503 ServiceUnavailable
  --drop P                     rate of dropped connections
  --latency P:MS               add MS milliseconds to a fraction P of requests
  --fault-actions A,B          apply random faults only to these actions
limits:
  --max-jobs N                 jobs kept (default 200000)
  --max-job-bytes N            byte budget for kept jobs (default 268435456)
  --max-body N                 largest request body (default 4194304)
  --max-head N                 largest request line + headers (default 65536)
  --header-read-timeout-ms MS  time to receive a request head (default 10000)
  --body-read-timeout-ms MS    time to receive a request body (default 30000)
  --idle-timeout-ms MS         idle connection timeout (default 60000)
callbacks:
  --callback-attempts N        attempts per HTTP callback (default 3)
  --callback-retry-ms MS       pause between attempts (default 1000)
  --callback-timeout-ms MS     time a receiver has to answer (default 3000)
";

/// A command-line mistake, printed above the usage.
#[derive(Debug)]
struct ArgError(String);

fn parse<T: std::str::FromStr>(flag: &str, value: &str) -> Result<T, ArgError> {
    value
        .parse()
        .map_err(|_| ArgError(format!("{flag}: cannot parse \"{value}\"")))
}

fn rate(flag: &str, value: &str) -> Result<f64, ArgError> {
    let p: f64 = parse(flag, value)?;
    if (0.0..=1.0).contains(&p) {
        Ok(p)
    } else {
        Err(ArgError(format!(
            "{flag}: expected a probability from 0 to 1, got {value}"
        )))
    }
}

fn millis(flag: &str, value: &str) -> Result<Duration, ArgError> {
    parse::<u64>(flag, value).map(Duration::from_millis)
}

struct Options {
    bind: SocketAddr,
    default_keys: bool,
    builder: EmulatorBuilder,
}

fn options(args: impl IntoIterator<Item = String>) -> Result<Options, ArgError> {
    let mut bind = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut seed = 0;
    let mut keys: Vec<(String, String, Option<String>)> = Vec::new();
    let mut timing = Timing::default();
    let mut faults = Faults::none();
    let mut limits = Limits::default();
    let mut callbacks = CallbackPolicy::default();
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if flag == "-h" || flag == "--help" {
            return Err(ArgError(String::new()));
        }
        let value = args.next();
        let f = flag.as_str();
        let v = || {
            value
                .as_deref()
                .ok_or_else(|| ArgError(format!("{f}: missing value")))
        };
        match f {
            "--bind" => bind = parse(f, v()?)?,
            "--seed" => seed = parse(f, v()?)?,
            "--access-key" | "--sts-key" => {
                let mut parts = v()?.splitn(3, ':');
                let (id, secret, token) = (parts.next(), parts.next(), parts.next());
                match (f, id, secret, token) {
                    ("--access-key", Some(id), Some(secret), None)
                    | ("--sts-key", Some(id), Some(secret), Some(_))
                        if !id.is_empty() && !secret.is_empty() =>
                    {
                        keys.push((id.into(), secret.into(), token.map(str::to_string)))
                    }
                    // Never echo the value: it holds a secret.
                    ("--access-key", ..) => {
                        return Err(ArgError(format!("{f}: expected ID:SECRET")))
                    }
                    _ => return Err(ArgError(format!("{f}: expected ID:SECRET:TOKEN"))),
                }
            }
            "--queue-ms" => timing.queue = millis(f, v()?)?,
            "--processing-ms" => timing.processing = millis(f, v()?)?,
            "--job-failure-rate" => timing.job_failure_rate = rate(f, v()?)?,
            "--sub-job-failure-rate" => timing.sub_job_failure_rate = rate(f, v()?)?,
            "--throttle" => faults.throttle_rate = rate(f, v()?)?,
            "--throttle-status" => faults.throttle_status = parse(f, v()?)?,
            "--unavailable" => faults.unavailable_rate = rate(f, v()?)?,
            "--drop" => faults.drop_rate = rate(f, v()?)?,
            "--latency" => {
                let (p, ms) = v()?
                    .split_once(':')
                    .ok_or_else(|| ArgError(format!("{f}: expected P:MS")))?;
                faults = faults.latency(rate(f, p)?, millis(f, ms)?);
            }
            "--fault-actions" => {
                faults = faults.only_actions(v()?.split(',').filter(|a| !a.is_empty()))
            }
            "--max-jobs" => limits.max_jobs = parse(f, v()?)?,
            "--max-job-bytes" => limits.max_job_bytes = parse(f, v()?)?,
            "--max-body" => limits.max_body = parse(f, v()?)?,
            "--max-head" => limits.max_head = parse(f, v()?)?,
            "--header-read-timeout-ms" => limits.header_read_timeout = millis(f, v()?)?,
            "--body-read-timeout-ms" => limits.body_read_timeout = millis(f, v()?)?,
            "--idle-timeout-ms" => limits.idle_timeout = millis(f, v()?)?,
            "--callback-attempts" => callbacks.attempts = parse(f, v()?)?,
            "--callback-retry-ms" => callbacks.retry_delay = millis(f, v()?)?,
            "--callback-timeout-ms" => callbacks.timeout = millis(f, v()?)?,
            _ => return Err(ArgError(format!("unknown argument {f}"))),
        }
    }
    let default_keys = keys.is_empty();
    let mut builder = Emulator::builder()
        .bind(bind)
        .seed(seed)
        .timing(timing)
        .faults(faults)
        .limits(limits)
        .callbacks(callbacks);
    for (id, secret, token) in keys {
        builder = match token {
            Some(t) => builder.sts_credentials(id, secret, t),
            None => builder.credentials(id, secret),
        };
    }
    Ok(Options {
        bind,
        default_keys,
        builder,
    })
}

fn main() -> ExitCode {
    let opts = match options(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(ArgError(msg)) => {
            if !msg.is_empty() {
                eprintln!("ice-emulator: {msg}");
            }
            eprint!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("ice-emulator: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(opts))
}

async fn run(opts: Options) -> ExitCode {
    // Handlers first: a signal that arrives right after the listening line still ends in a
    // clean exit 0, not in the default action.
    let stop = match Shutdown::listen() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("ice-emulator: cannot wait for signals: {e}");
            return ExitCode::FAILURE;
        }
    };
    let emu = match opts.builder.start().await {
        Ok(emu) => emu,
        Err(e) => {
            eprintln!("ice-emulator: cannot listen on {}: {e}", opts.bind);
            return ExitCode::FAILURE;
        }
    };
    println!("ICE emulator listening on {}", emu.endpoint());
    if opts.default_keys {
        eprintln!("ice-emulator: accepting the default AccessKey ID {DEFAULT_ACCESS_KEY_ID}");
    }
    eprintln!("ice-emulator: serving ICE API 2020-11-09; stop with Ctrl-C or SIGTERM");
    stop.recv().await;
    emu.shutdown().await;
    ExitCode::SUCCESS
}

/// SIGINT and SIGTERM (Ctrl-C elsewhere), registered before the server starts.
#[cfg(unix)]
struct Shutdown {
    term: tokio::signal::unix::Signal,
    int: tokio::signal::unix::Signal,
}

#[cfg(unix)]
impl Shutdown {
    fn listen() -> std::io::Result<Self> {
        use tokio::signal::unix::{signal, SignalKind};
        Ok(Self {
            term: signal(SignalKind::terminate())?,
            int: signal(SignalKind::interrupt())?,
        })
    }

    async fn recv(mut self) {
        tokio::select! {
            _ = self.term.recv() => {}
            _ = self.int.recv() => {}
        }
    }
}

#[cfg(not(unix))]
struct Shutdown;

#[cfg(not(unix))]
impl Shutdown {
    fn listen() -> std::io::Result<Self> {
        Ok(Self)
    }

    async fn recv(self) {
        let _ = tokio::signal::ctrl_c().await;
    }
}
