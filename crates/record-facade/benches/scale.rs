//! Listing 1 000 and 10 000 tasks through the lazy list streams, one item at a time:
//! ZEGO `describe_tasks_stream` (DescribeTasks, 50 tasks per page) and QingCloud
//! `list_recordings_stream` (`GET /v1/cloudRecord`, 100 per page).
//!
//! A local axum server on `127.0.0.1` (its own thread and single-threaded runtime) serves
//! pages generated before anything is measured (so the server's memory is part of the
//! baseline), each answer a clone of a prepared `Bytes`. ZEGO pages are chosen by the
//! `PageOffset` of the JSON body, QingCloud pages by the `offset` query parameter. Every
//! task has a distinct id, so the stream's repeated-page guard never fires, and each item
//! is dropped as soon as it arrives, like a real caller's loop.
//!
//! Figures:
//!
//! * criterion, ids `scale/<vendor>/<n>` (throughput in tasks): one whole walk;
//! * time per task from a fixed loop of walks (median of 5, 2 with `RECORD_BENCH_QUICK=1`);
//! * peak memory growth during one walk, measured in a fresh child process per
//!   `(vendor, n)`: after the server's pages are built, the client exists and one short
//!   warm-up walk has run, the kernel's peak-RSS mark is reset (`5` written to
//!   `/proc/self/clear_refs`), the walk runs, and the growth is `VmHWM − VmRSS` at the reset.
//!   The median of 5 such children is reported. This is peak resident memory, not a byte count of the heap: the workspace forbids
//!   `unsafe` code (`unsafe_code = "forbid"`), which a counting `#[global_allocator]` needs.
//!   It is page-granular (4 KiB) and includes the allocator's own slack. Goal: the 10 000-task
//!   walk's growth at most 1.2 × the 1 000-task walk's.
//!
//! Writes `target/bench-report/scale.json` (under `CARGO_TARGET_DIR` when set). Without
//! `--bench` (as under `cargo test --benches`) each walk runs once and nothing is written.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    reason = "a benchmark aborts on a broken setup"
)]

use axum::body::Bytes;
use axum::http::{StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use criterion::{Criterion, Throughput};
use futures::StreamExt as _;
use record_facade::{UnixMillis, qingcloud, zego};
use std::collections::HashMap;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// The list sizes measured.
const SIZES: [usize; 2] = [1_000, 10_000];
/// The tasks of the warm-up walk (one ZEGO page, one QingCloud page).
const WARM_UP: usize = 50;
/// ZEGO's largest page.
const ZEGO_PAGE: usize = 50;
/// QingCloud's largest page.
const QING_PAGE: usize = 100;
/// The goal: peak growth of the larger walk at most this multiple of the smaller one's.
const GOAL_RATIO: f64 = 1.2;
/// Fresh child processes measuring the memory of each walk (the median is reported).
const MEMORY_RUNS: usize = 5;
/// The environment variable that makes the binary a memory-measuring child.
const CHILD_ENV: &str = "RECORD_SCALE_MEMORY_CHILD";

const VENDORS: [&str; 2] = ["zego", "qingcloud"];

/// `target/bench-report/` (under `CARGO_TARGET_DIR` when set).
fn report_dir() -> PathBuf {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|p| if p.is_absolute() { p } else { root.join(p) })
        .unwrap_or_else(|| root.join("target"));
    target.join("bench-report")
}

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
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::Builder::new()
        .name("scale-server".into())
        .spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
                    .await
                    .expect("bind 127.0.0.1");
                tx.send(listener.local_addr().expect("local addr"))
                    .expect("report the address");
                let app = axum::Router::new()
                    .fallback(answer)
                    .with_state(Arc::new(pages));
                axum::serve(listener, app).await.expect("serve");
            });
        })
        .expect("server thread");
    format!("http://{}", rx.recv().expect("server address"))
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

/// `VmRSS` and `VmHWM` of this process, in bytes.
fn rss_and_peak() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").expect("read /proc/self/status");
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map(|kb| kb * 1024)
            .expect(name)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// The child: measures one walk's peak memory growth and prints it as JSON.
fn memory_child(spec: &str) {
    let (vendor, n) = spec.split_once(':').expect("vendor:n");
    let n: usize = n.parse().expect("n");
    let base = start_server(build_pages(&[WARM_UP, n]));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    // One client per list, as the server routes by base URL; the warm-up walk's client is
    // a separate one so that the measured client starts without a pooled connection only
    // if a real first walk would. Both are built before the baseline.
    let warm = Lister::new(vendor, &base, WARM_UP);
    let lister = Lister::new(vendor, &base, n);
    rt.block_on(async {
        assert_eq!(warm.walk().await, WARM_UP);
    });
    std::thread::sleep(Duration::from_millis(50));
    std::fs::write("/proc/self/clear_refs", "5").expect("reset the peak RSS mark");
    let (baseline, _) = rss_and_peak();
    let started = Instant::now();
    let count = rt.block_on(lister.walk());
    let walk = started.elapsed();
    let (after, peak) = rss_and_peak();
    assert_eq!(count, n, "{vendor}: walked {count} of {n} tasks");
    let growth = peak.saturating_sub(baseline);
    println!(
        "{}",
        serde_json::json!({
            "vendor": vendor,
            "tasks": n,
            "baseline_rss_bytes": baseline,
            "peak_rss_bytes": peak,
            "rss_after_bytes": after,
            "peak_growth_bytes": growth,
            "walk_ns": walk.as_nanos() as u64,
        })
    );
}

/// Runs the child for `(vendor, n)` and parses its report.
fn measure_memory(vendor: &str, n: usize) -> serde_json::Value {
    let exe = std::env::current_exe().expect("current exe");
    let output = std::process::Command::new(exe)
        .env(CHILD_ENV, format!("{vendor}:{n}"))
        .output()
        .expect("run the memory child");
    assert!(
        output.status.success(),
        "memory child {vendor}:{n} failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .rev()
        .find(|l| l.starts_with('{'))
        .expect("a JSON line from the child");
    serde_json::from_str(line).expect("child JSON")
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        memory_child(&spec);
        return;
    }
    let bench_mode = std::env::args().any(|a| a == "--bench");
    let profiling = std::env::args().any(|a| a.starts_with("--profile-time"));
    let quick = std::env::var_os("RECORD_BENCH_QUICK").is_some_and(|v| v != "0");
    let timed_walks = match (bench_mode, quick) {
        (false, _) => 1,
        (true, true) => 2,
        (true, false) => 5,
    };

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
            // Page-granular figures of a few KiB vary by a page or two from run to run:
            // the median of several fresh children is reported.
            let children: Vec<serde_json::Value> = if bench_mode {
                (0..MEMORY_RUNS)
                    .map(|_| measure_memory(vendor, *n))
                    .collect()
            } else {
                Vec::new()
            };
            let mut growths: Vec<u64> = children
                .iter()
                .filter_map(|m| m["peak_growth_bytes"].as_u64())
                .collect();
            growths.sort_unstable();
            let growth = growths.get(growths.len() / 2).copied();
            let memory = serde_json::json!({
                "runs": children.len(),
                "peak_growth_bytes_each": growths,
                "children": children,
            });
            peaks.push(growth);
            let per_task_ns = median.as_nanos() as f64 / *n as f64;
            eprintln!(
                "scale {vendor}/{n}: {per_task_ns:.0} ns per task (median of {timed_walks} walks), \
                 peak RSS growth {}",
                growth.map_or("not measured".to_owned(), |g| format!(
                    "{:.1} KiB",
                    g as f64 / 1024.0
                ))
            );
            results.push(serde_json::json!({
                "vendor": vendor,
                "tasks": n,
                "page_size": if vendor == "zego" { ZEGO_PAGE } else { QING_PAGE },
                "walks": timed_walks,
                "median_walk_ns": median.as_nanos() as u64,
                "time_per_task_ns": per_task_ns,
                "peak_growth_bytes": growth,
                "memory": memory,
            }));
        }
        if let [Some(small), Some(large)] = peaks[..] {
            let ratio = large as f64 / (small.max(1)) as f64;
            eprintln!(
                "scale {vendor}: 10 000 / 1 000 peak growth ratio {ratio:.2} (goal ≤ {GOAL_RATIO})"
            );
        }
    }

    if bench_mode {
        let report = serde_json::json!({
            "bench": "scale",
            "sizes": SIZES,
            "goal_peak_ratio": GOAL_RATIO,
            "memory_method": "peak RSS growth (VmHWM after resetting it through /proc/self/clear_refs, minus VmRSS at the reset) of one walk in a fresh child process, after a warm-up walk; not a counting allocator (unsafe_code is forbidden in the workspace)",
            "results": results,
        });
        let dir = report_dir();
        std::fs::create_dir_all(&dir).expect("create the report directory");
        let path = dir.join("scale.json");
        std::fs::write(&path, serde_json::to_vec_pretty(&report).expect("json"))
            .expect("write the report");
        eprintln!("wrote {}", path.display());
    }
}
