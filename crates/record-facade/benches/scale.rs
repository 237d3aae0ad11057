//! Listing 1 000 and 10 000 tasks through the lazy list streams, one item at a time:
//! ZEGO `describe_tasks_stream` (DescribeTasks, 50 tasks per page) and QingCloud
//! `list_recordings_stream` (`GET /v1/cloudRecord`, 100 per page).
//!
//! A local axum server on `127.0.0.1` (its own thread and single-threaded runtime, in this
//! process) serves pages generated before anything is measured, each answer a clone of a
//! prepared `Bytes`. ZEGO pages are chosen by the `PageOffset` of the JSON body, QingCloud
//! pages by the `offset` query parameter. Every task has a distinct id, so the stream's
//! repeated-page guard never fires, and each item is dropped as soon as it arrives, like a
//! real caller's loop.
//!
//! Figures:
//!
//! * criterion, ids `scale/<vendor>/<n>` (throughput in tasks): one whole walk;
//! * time per task from a fixed loop of walks (median of 5, 2 with `RECORD_BENCH_QUICK=1`);
//! * peak heap of one walk, counted by the global allocator of this binary,
//!   [`peakmem_alloc`]'s `PeakMemAlloc<System>` (no `unsafe` here: the workspace forbids
//!   it). For each `(vendor, n)`, after the pages are built, the client exists and a
//!   warm-up walk of that client has run, the allocator's peak is reset and one walk runs;
//!   the figure is the highest heap level during the walk above the level at the reset, in
//!   bytes as requested from the allocator (`Layout::size`, without the allocator's own
//!   slack). It is exact, not page-granular; the median of 5 walks is reported. The counter
//!   is process-wide, so the server thread's allocations count too: it parses each request
//!   (the ZEGO body as JSON) and answers with a clone of a prepared `Bytes`, so what it
//!   allocates per request is bounded and does not depend on `n`. The crate counts bytes,
//!   not allocations, so no allocation count is reported. Goal: the 10 000-task walk's
//!   peak heap at most 1.2 × the 1 000-task walk's.
//!
//! The counting allocator costs every allocation of this binary (the walks included) a few
//! atomic operations, so its times are slightly higher than without it.
//!
//! Writes `target/bench-report/scale.json` (under `CARGO_TARGET_DIR` when set). Without
//! `--bench` (as under `cargo test --benches`) each walk runs once and nothing is written.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a benchmark aborts on a broken setup"
)]

mod support;

use axum::body::Bytes;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use criterion::{Criterion, Throughput};
use futures::StreamExt as _;
use peakmem_alloc::{INSTRUMENTED_SYSTEM, PeakMemAlloc, PeakMemAllocTrait as _};
use record_facade::{UnixMillis, qingcloud, zego};
use std::alloc::System;
use std::collections::HashMap;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Counts the heap of the whole process (every thread) for the peak-heap figures.
#[global_allocator]
static GLOBAL: &PeakMemAlloc<System> = &INSTRUMENTED_SYSTEM;

/// The list sizes measured.
const SIZES: [usize; 2] = [1_000, 10_000];
/// ZEGO's largest page.
const ZEGO_PAGE: usize = 50;
/// QingCloud's largest page.
const QING_PAGE: usize = 100;
/// The goal: peak heap of the larger walk at most this multiple of the smaller one's.
const GOAL_RATIO: f64 = 1.2;
/// Walks whose peak heap is measured for each `(vendor, n)` (the median is reported).
const HEAP_WALKS: usize = 5;
/// The pause before each peak-heap walk, for the server thread to go idle.
const SETTLE: Duration = Duration::from_millis(20);

const VENDORS: [&str; 2] = ["zego", "qingcloud"];

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .expect("clock after 1970")
        .as_millis() as u64
}

/// The pages of every list served: `(vendor, n)` → page bodies in order.
type Pages = HashMap<(String, usize), Vec<Bytes>>;

/// DescribeTasks pages of `n` tasks, 50 per page, as ZEGO documents them.
fn zego_pages(n: usize) -> Vec<Bytes> {
    let begin = now_ms() - 3_600_000;
    (0..n.div_ceil(ZEGO_PAGE))
        .map(|page| {
            let tasks: Vec<serde_json::Value> = (page * ZEGO_PAGE..n.min((page + 1) * ZEGO_PAGE))
                .map(|i| {
                    serde_json::json!({
                        "RecordBeginTimestamp": begin + i as u64,
                        "TaskId": format!("T{n:05}x{i:010}"),
                        "RoomId": format!("room-{}", i % 97),
                        "Status": 2,
                    })
                })
                .collect();
            let body = serde_json::json!({
                "Code": 0,
                "Message": "succeed",
                "RequestId": format!("req-{page}"),
                "Data": {
                    "PageOffset": page + 1,
                    "PageSize": ZEGO_PAGE,
                    "TotalCount": n,
                    "TaskList": tasks,
                },
            });
            Bytes::from(serde_json::to_vec(&body).expect("json"))
        })
        .collect()
}

/// `GET /v1/cloudRecord` pages of `n` tasks, 100 per page, in the documented shape.
fn qingcloud_pages(n: usize) -> Vec<Bytes> {
    (0..n.div_ceil(QING_PAGE))
        .map(|page| {
            let tasks: Vec<serde_json::Value> = (page * QING_PAGE..n.min((page + 1) * QING_PAGE))
                .map(|i| {
                    serde_json::json!({
                        "id": 1_000_000 + i,
                        "project_id": "PHbrnM2Ff",
                        "app_id": "34723259bb8f4768bc7a9c7cbb126baa",
                        "channel": "crIUxmwHA2",
                        "pid": 15045 + i,
                        "host": "13rtc-rec-gw-bj13103.235.85.758020",
                        "status": 2,
                        "size": 0,
                        "is_mix": 1,
                        "url_prefix": "",
                        "files": "",
                        "acc_key_id": "POAWWUCKNHNGNTHYJTXL",
                        "rec_bucket": "sunny-video-recorde",
                        "rec_zone": "pek3b",
                        "rec_path": "CloudRecordMedia/",
                        "created": "2021-11-18 14:56:43",
                        "updated": "2021-11-18 14:56:43",
                    })
                })
                .collect();
            let body = serde_json::json!({
                "code": "success",
                "offset": page * QING_PAGE,
                "limit": QING_PAGE,
                "recinfos": tasks,
                "total_count": n,
            });
            Bytes::from(serde_json::to_vec(&body).expect("json"))
        })
        .collect()
}

fn build_pages(sizes: &[usize]) -> Pages {
    let mut pages = Pages::new();
    for &n in sizes {
        pages.insert(("zego".to_owned(), n), zego_pages(n));
        pages.insert(("qingcloud".to_owned(), n), qingcloud_pages(n));
    }
    pages
}

/// `/zego/<n>/` with the DescribeTasks body, or `/qingcloud/<n>/v1/cloudRecord?offset=..`.
async fn answer(
    axum::extract::State(pages): axum::extract::State<Arc<Pages>>,
    uri: Uri,
    body: Bytes,
) -> Response {
    let mut segments = uri.path().trim_start_matches('/').split('/');
    let vendor = segments.next().unwrap_or_default();
    let Some(n) = segments.next().and_then(|s| s.parse::<usize>().ok()) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let Some(list) = pages.get(&(vendor.to_owned(), n)) else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let index = match vendor {
        "zego" => serde_json::from_slice::<serde_json::Value>(&body)
            .ok()
            .and_then(|v| v.get("PageOffset").and_then(serde_json::Value::as_u64))
            .map_or(0, |p| p.saturating_sub(1) as usize),
        _ => uri
            .query()
            .unwrap_or_default()
            .split('&')
            .find_map(|kv| kv.strip_prefix("offset="))
            .and_then(|v| v.parse::<usize>().ok())
            .map_or(0, |o| o / QING_PAGE),
    };
    match list.get(index) {
        Some(page) => ([(header::CONTENT_TYPE, "application/json")], page.clone()).into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// Starts the server on its own thread and runtime; returns `http://127.0.0.1:PORT`.
fn start_server(pages: Pages) -> String {
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(Arc::new(pages));
    support::start_server("scale-server", app)
}

/// The clients of one vendor's lists (one per list size, each with its base URL).
enum Lister {
    Zego(zego::Client),
    QingCloud(qingcloud::Client),
}

impl Lister {
    fn new(vendor: &str, base: &str, n: usize) -> Self {
        let url = format!("{base}/{vendor}/{n}");
        match vendor {
            "zego" => Self::Zego(
                zego::Client::builder(
                    zego::Credentials::new(1_234_567_890, "bench-zego-server-secret-0000000")
                        .expect("zego credentials"),
                )
                .base_url(url)
                .rate_limit(None)
                .build()
                .expect("zego client"),
            ),
            _ => Self::QingCloud(
                qingcloud::Client::builder(
                    qingcloud::Credentials::new(
                        "QYACCESSKEYIDEXAMPLE",
                        "bench-qingcloud-secret-access-key",
                    )
                    .expect("qingcloud credentials"),
                )
                .base_url(url)
                .rate_limit(None)
                .build()
                .expect("qingcloud client"),
            ),
        }
    }

    /// Walks the whole list, dropping each task as it comes; returns the count.
    async fn walk(&self) -> usize {
        let mut count = 0;
        match self {
            Self::Zego(client) => {
                let now = now_ms();
                let request = zego::DescribeTasksRequest::builder()
                    .status(zego::TaskStatus::Recording)
                    .start_time(UnixMillis((now - 2 * 3_600_000) as i64))
                    .end_time(UnixMillis(now as i64))
                    .page_size(ZEGO_PAGE as u32)
                    .build()
                    .expect("zego request");
                let mut stream = client.describe_tasks_stream(request);
                while let Some(task) = stream.next().await {
                    let task = task.expect("zego page");
                    black_box(&task);
                    drop(task);
                    count += 1;
                }
            }
            Self::QingCloud(client) => {
                let request = qingcloud::ListRecordingsRequest::builder()
                    .app_id("34723259bb8f4768bc7a9c7cbb126baa")
                    .channel("crIUxmwHA2")
                    .from_hour(6)
                    .to_hour(0)
                    .limit(QING_PAGE as u32)
                    .build()
                    .expect("qingcloud request");
                let mut stream = client.list_recordings_stream(request);
                while let Some(task) = stream.next().await {
                    let task = task.expect("qingcloud page");
                    black_box(&task);
                    drop(task);
                    count += 1;
                }
            }
        }
        count
    }
}

/// One walk's peak heap, in bytes above the heap's level when the walk starts.
///
/// The caller has walked the same list with the same client before (warm-up), so the
/// pooled connection and every lazily built part of the client already exist.
fn heap_peak_of_walk(rt: &tokio::runtime::Runtime, lister: &Lister, n: usize) -> usize {
    // Let the server thread finish with the previous answer, so that its buffers are not
    // freed during the walk (a free of memory allocated before the reset lowers the level).
    std::thread::sleep(SETTLE);
    // `reset_peak_memory` stores the peak and then the running level in two steps; an
    // allocation on another thread between them would record a peak relative to the level
    // of the previous reset (or of the process start). A second reset, taken when the
    // running level is already close to 0, leaves only a negligible error.
    GLOBAL.reset_peak_memory();
    GLOBAL.reset_peak_memory();
    let count = rt.block_on(lister.walk());
    let peak = GLOBAL.get_peak_memory();
    assert_eq!(count, n, "incomplete walk of {n} tasks");
    peak
}

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let profiling = std::env::args().any(|a| a.starts_with("--profile-time"));
    let quick = std::env::var_os("RECORD_BENCH_QUICK").is_some_and(|v| v != "0");
    let timed_walks = match (bench_mode, quick) {
        (false, _) => 1,
        (true, true) => 2,
        (true, false) => 5,
    };
    let heap_walks = if bench_mode { HEAP_WALKS } else { 1 };

    let base = start_server(build_pages(&SIZES));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let listers: Vec<(&str, usize, Lister)> = VENDORS
        .iter()
        .flat_map(|&v| SIZES.iter().map(move |&n| (v, n)))
        .map(|(v, n)| (v, n, Lister::new(v, &base, n)))
        .collect();

    // Every walk must see every task before anything is timed.
    rt.block_on(async {
        for (vendor, n, lister) in &listers {
            assert_eq!(lister.walk().await, *n, "{vendor}: incomplete walk");
        }
    });

    let mut criterion = Criterion::default().configure_from_args();
    for vendor in VENDORS {
        let mut group = criterion.benchmark_group(format!("scale/{vendor}"));
        group.sample_size(10);
        for (_, n, lister) in listers.iter().filter(|(v, _, _)| *v == vendor) {
            group.throughput(Throughput::Elements(*n as u64));
            group.bench_function(n.to_string(), |b| {
                b.to_async(&rt).iter(|| lister.walk());
            });
        }
        group.finish();
    }
    criterion.final_summary();
    if profiling {
        return;
    }

    let mut results = Vec::new();
    for vendor in VENDORS {
        let mut peaks = Vec::new();
        for (_, n, lister) in listers.iter().filter(|(v, _, _)| *v == vendor) {
            let mut walks: Vec<Duration> = (0..timed_walks)
                .map(|_| {
                    let t = Instant::now();
                    let count = rt.block_on(lister.walk());
                    assert_eq!(count, *n);
                    t.elapsed()
                })
                .collect();
            walks.sort_unstable();
            let median = walks[walks.len() / 2];

            // The warm-up walk, right before the measured ones whatever ran earlier.
            assert_eq!(rt.block_on(lister.walk()), *n, "{vendor}: warm-up walk");
            let mut heap: Vec<usize> = (0..heap_walks)
                .map(|_| heap_peak_of_walk(&rt, lister, *n))
                .collect();
            heap.sort_unstable();
            let peak = heap[heap.len() / 2];
            peaks.push(peak);

            let per_task_ns = median.as_nanos() as f64 / *n as f64;
            eprintln!(
                "scale {vendor}/{n}: {per_task_ns:.0} ns per task (median of {timed_walks} walks), \
                 peak heap {:.1} KiB (median of {heap_walks} walks, each {:?} bytes)",
                peak as f64 / 1024.0,
                heap,
            );
            results.push(serde_json::json!({
                "vendor": vendor,
                "tasks": n,
                "page_size": if vendor == "zego" { ZEGO_PAGE } else { QING_PAGE },
                "walks": timed_walks,
                "median_walk_ns": median.as_nanos() as u64,
                "time_per_task_ns": per_task_ns,
                "peak_heap_bytes": peak,
                "heap_walks": heap_walks,
                "peak_heap_bytes_each": heap,
            }));
        }
        if let [small, large] = peaks[..] {
            let ratio = large as f64 / (small.max(1)) as f64;
            eprintln!(
                "scale {vendor}: 10 000 / 1 000 peak heap ratio {ratio:.2} (goal ≤ {GOAL_RATIO})"
            );
        }
    }

    if bench_mode {
        let report = serde_json::json!({
            "bench": "scale",
            "sizes": SIZES,
            "goal_peak_ratio": GOAL_RATIO,
            "memory_method": format!(
                "peak heap bytes of one walk above the heap level at its start (peakmem-alloc \
                 counting global allocator, requested sizes, whole process including the \
                 in-process local server), after a warm-up walk of the same client; median of \
                 {HEAP_WALKS} walks"
            ),
            "results": results,
        });
        support::write_report("scale", &report);
    }
}
