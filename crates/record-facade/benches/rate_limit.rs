//! The client-side rate limiter under load, against the clock on the wall: 1 000 concurrent
//! callers of ONE ZEGO client (default limit: 10 requests per second per action) call
//! `describe_record_status` for 3 seconds of real time against a local server on
//! `127.0.0.1` that records the instant each request arrives. At 3 s every caller still
//! waiting is cancelled (its task aborted).
//!
//! Figures, from the server's arrival instants:
//!
//! * the most arrivals in any one-second window, sliding over the arrivals (for each
//!   arrival `a`, the arrivals in `[a, a + 1 s)`), which must never exceed 10;
//! * the average rate: arrivals during the run divided by its 3 seconds (goal ≥ 9.5), and
//!   the rate between the first and the last arrival, `(n − 1) / (last − first)`;
//! * the smallest gap between two consecutive arrivals.
//!
//! Not a criterion benchmark (it runs once, in real time), but it runs under
//! `cargo bench -p record-facade --bench rate_limit` and writes
//! `target/bench-report/rate_limit.json` (under `CARGO_TARGET_DIR` when set). Without
//! `--bench` (as under `cargo test --benches`) it runs the same but writes nothing. It
//! exits with an error when a goal is missed.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a benchmark aborts on a broken setup"
)]

mod support;

use axum::body::Bytes;
use axum::http::header;
use axum::response::IntoResponse;
use record_facade::zego;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Concurrent callers.
const CALLERS: usize = 1_000;
/// How long the callers run.
const RUN: Duration = Duration::from_secs(3);
/// The sliding window.
const WINDOW: Duration = Duration::from_secs(1);
/// Goal: at most this many arrivals in any window.
const GOAL_MAX_IN_WINDOW: usize = 10;
/// Goal: at least this many arrivals per second on average.
const GOAL_MIN_AVERAGE: f64 = 9.5;

/// What the server shares with its handler.
struct ServerState {
    body: Bytes,
    arrivals: Mutex<Vec<Instant>>,
}

/// Records the arrival instant first, then answers with the documented example.
async fn answer(
    axum::extract::State(state): axum::extract::State<Arc<ServerState>>,
) -> axum::response::Response {
    let now = Instant::now();
    state
        .arrivals
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .push(now);
    (
        [(header::CONTENT_TYPE, "application/json")],
        state.body.clone(),
    )
        .into_response()
}

/// Starts the server on its own thread and runtime; returns its base URL.
fn start_server(state: Arc<ServerState>) -> String {
    let app = axum::Router::new().fallback(answer).with_state(state);
    support::start_server("rate-limit-server", app)
}

/// The most instants in any half-open window `[a, a + window)` starting at an instant
/// (the maximum over all windows is always reached at one that starts on an arrival).
fn max_in_window(sorted: &[Instant], window: Duration) -> usize {
    let mut best = 0;
    let mut end = 0;
    for (start, &a) in sorted.iter().enumerate() {
        end = end.max(start);
        while end < sorted.len() && sorted[end].duration_since(a) < window {
            end += 1;
        }
        best = best.max(end - start);
    }
    best
}

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let body = std::fs::read(
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures/zego/describe_record_status/doc_example.json"),
    )
    .expect("ZEGO fixture");
    let state = Arc::new(ServerState {
        body: Bytes::from(body),
        arrivals: Mutex::new(Vec::new()),
    });
    let base = start_server(Arc::clone(&state));

    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("client runtime");
    let client = zego::Client::builder(
        zego::Credentials::new(1_234_567_890, "bench-zego-server-secret-0000000")
            .expect("credentials"),
    )
    .base_url(base)
    .build()
    .expect("client");
    let limit = client.transport_config().rate_limit_per_sec;
    assert_eq!(
        limit,
        Some(GOAL_MAX_IN_WINDOW as u32),
        "ZEGO's default limit"
    );
    let request = zego::DescribeRecordStatusRequest::builder()
        .task_id("X3CgNeE4I1qAAABN")
        .build()
        .expect("request");

    let (completed, started, ended) = rt.block_on(async {
        let mut callers = tokio::task::JoinSet::new();
        let started = Instant::now();
        for _ in 0..CALLERS {
            let client = client.clone();
            let request = request.clone();
            callers.spawn(async move { client.describe_record_status(&request).await });
        }
        let deadline = tokio::time::Instant::from_std(started + RUN);
        let mut completed = 0usize;
        let mut failed = 0usize;
        loop {
            match tokio::time::timeout_at(deadline, callers.join_next()).await {
                Ok(Some(Ok(Ok(_)))) => completed += 1,
                Ok(Some(_)) => failed += 1,
                Ok(None) | Err(_) => break,
            }
        }
        // Cancel the callers still waiting for their turn.
        callers.abort_all();
        while callers.join_next().await.is_some() {}
        let ended = Instant::now();
        assert_eq!(failed, 0, "calls failed");
        (completed, started, ended)
    });

    let mut arrivals = state
        .arrivals
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    arrivals.sort_unstable();
    let in_run: Vec<Instant> = arrivals
        .iter()
        .copied()
        .filter(|a| a.duration_since(started) <= RUN)
        .collect();
    let max_window = max_in_window(&arrivals, WINDOW);
    let average = in_run.len() as f64 / RUN.as_secs_f64();
    let span_rate = match (in_run.first(), in_run.last()) {
        (Some(first), Some(last)) if in_run.len() > 1 => {
            (in_run.len() - 1) as f64 / last.duration_since(*first).as_secs_f64()
        }
        _ => f64::NAN,
    };
    let min_gap_ms = arrivals
        .windows(2)
        .map(|w| w[1].duration_since(w[0]).as_secs_f64() * 1000.0)
        .fold(f64::INFINITY, f64::min);
    let offsets_ms: Vec<f64> = arrivals
        .iter()
        .map(|a| (a.saturating_duration_since(started)).as_secs_f64() * 1000.0)
        .collect();
    let max_met = max_window <= GOAL_MAX_IN_WINDOW;
    let average_met = average >= GOAL_MIN_AVERAGE;

    eprintln!(
        "rate limit: {CALLERS} callers, {} s: {} arrivals ({} in the run, {completed} calls \
         completed), max {max_window} in any 1 s window (goal ≤ {GOAL_MAX_IN_WINDOW}: {}), \
         average {average:.2}/s (goal ≥ {GOAL_MIN_AVERAGE}: {}), first-to-last {span_rate:.2}/s, \
         smallest gap {min_gap_ms:.1} ms, cancelled after {:.0} ms",
        RUN.as_secs(),
        arrivals.len(),
        in_run.len(),
        if max_met { "met" } else { "NOT met" },
        if average_met { "met" } else { "NOT met" },
        ended.duration_since(started).as_secs_f64() * 1000.0,
    );

    if bench_mode {
        let report = serde_json::json!({
            "bench": "rate_limit",
            "vendor": "zego",
            "action": "DescribeRecordStatus",
            "limit_per_sec": limit,
            "callers": CALLERS,
            "run_s": RUN.as_secs_f64(),
            "window_s": WINDOW.as_secs_f64(),
            "window_definition": "for each arrival a, the arrivals in [a, a + 1 s), at the server",
            "arrivals": arrivals.len(),
            "arrivals_in_run": in_run.len(),
            "completed_calls": completed,
            "max_in_window": max_window,
            "goal_max_in_window": GOAL_MAX_IN_WINDOW,
            "max_met": max_met,
            "average_per_sec": average,
            "first_to_last_per_sec": span_rate,
            "goal_min_average": GOAL_MIN_AVERAGE,
            "average_met": average_met,
            "min_gap_ms": min_gap_ms,
            "arrival_offsets_ms": offsets_ms,
        });
        support::write_report("rate_limit", &report);
    }
    if !(max_met && average_met) {
        eprintln!(
            "error: rate limiter goals missed: max {max_window} in a window, average {average:.2}/s"
        );
        std::process::exit(1);
    }
}
