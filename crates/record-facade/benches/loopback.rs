//! End-to-end cost of one query on loopback: our full client path (build the request, sign
//! it, send it, read the body, classify and decode it) against a raw `reqwest::Client`
//! sending the same bytes to the same local server and only reading the body.
//!
//! A local axum server on `127.0.0.1` (ephemeral port, its own single-threaded tokio
//! runtime on its own thread) answers every request with the vendor's documented success
//! example, `fixtures/<vendor>/<api>/doc_example.json`:
//!
//! | vendor | call | path on the server |
//! |---|---|---|
//! | zego | `describe_record_status` (POST `DescribeRecordStatus`) | `/zego/?Action=…` |
//! | qingcloud | `list_recordings` (GET `/v1/cloudRecord`) | `/qingcloud/v1/cloudRecord?…` |
//! | volc | `get_record_task` (GET `GetRecordTask`) | `/volc/?Action=…` |
//! | agora | `query` (GET `…/query`) | `/agora/v1/apps/…/query` |
//!
//! The raw baseline sends what the client's `prepare_*` dry run shows (method, URL with the
//! signed query string, headers, body), prepared once, with the client's `User-Agent`;
//! Agora's redacted `Authorization` is recomputed from the benchmark's test credentials.
//! Every SDK client has its rate limiter off (`.rate_limit(None)`); retries stay at their
//! default (nothing fails). Both sides share one single-threaded tokio runtime.
//!
//! Two measurements, in the same run:
//!
//! * criterion, ids `loopback/<vendor>/{sdk,raw}_{seq,c64}`: `seq` times one request,
//!   `c64` one batch of 64 concurrent requests (throughput in elements, so criterion
//!   reports requests/s);
//! * a fixed-size loop (20 000 requests per side and case, 2 000 with
//!   `RECORD_BENCH_QUICK=1`) in short rounds (200 requests per side sequentially, 640 with
//!   64 in flight continuously) that run the SDK, raw, and raw plus a plain `serde_json`
//!   typed decode (a minimal hand-written client) in rotating order, to cancel drift. It
//!   records every request's latency and writes requests/s, p50, p99 and the ratio SDK/raw
//!   (the median over the rounds of the per-round ratio, robust to bursts of other work on
//!   a shared machine) to `target/bench-report/loopback.json` (under `CARGO_TARGET_DIR`
//!   when set). Goal: ratio ≥ 0.9 in both modes.
//!
//! Run with `cargo bench -p record-facade --bench loopback`. Without `--bench` (as under
//! `cargo test --benches`) everything runs once, briefly, and no report is written.
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
use futures::future::join_all;
use record_facade::{agora, qingcloud, volc, zego};
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Requests in flight in the concurrent mode.
const CONCURRENCY: usize = 64;
/// The goal: SDK requests/s at least this fraction of the raw baseline's.
const GOAL_RATIO: f64 = 0.9;
/// Requests per side in one round of the fixed-size loop, sequential mode (about 10 ms).
const CHUNK_SEQ: usize = 200;
/// Requests per side in one round, concurrent mode (ten batches' worth).
const CHUNK_C64: usize = 640;

const ZEGO_APP_ID: u32 = 1_234_567_890;
const ZEGO_SECRET: &str = "bench-zego-server-secret-0000000";
const QING_KEY_ID: &str = "QYACCESSKEYIDEXAMPLE";
const QING_SECRET: &str = "bench-qingcloud-secret-access-key";
const VOLC_AK: &str = "AKLTbenchaccesskey";
const VOLC_SK: &str = "bench-volc-secret-key";
const AGORA_ID: &str = "bench-customer-id";
const AGORA_SECRET: &str = "bench-customer-secret";

/// The workspace's `fixtures/` directory.
fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures")
}

/// The documented success example of each vendor, as served.
struct Bodies {
    zego: Bytes,
    qingcloud: Bytes,
    volc: Bytes,
    agora: Bytes,
}

impl Bodies {
    fn load() -> Self {
        let read = |p: &str| Bytes::from(std::fs::read(fixtures_dir().join(p)).expect(p));
        Self {
            zego: read("zego/describe_record_status/doc_example.json"),
            qingcloud: read("qingcloud/list_recordings/doc_example.json"),
            volc: read("volc/get_record_task/doc_example.json"),
            agora: read("agora/query/doc_example.json"),
        }
    }
}

/// Answers by the first path segment; the request body, if any, is read first.
async fn answer(
    axum::extract::State(bodies): axum::extract::State<Arc<Bodies>>,
    uri: Uri,
    _body: Bytes,
) -> Response {
    let path = uri.path();
    let body = if path.starts_with("/zego/") {
        &bodies.zego
    } else if path.starts_with("/qingcloud/") {
        &bodies.qingcloud
    } else if path.starts_with("/volc/") {
        &bodies.volc
    } else if path.starts_with("/agora/") {
        &bodies.agora
    } else {
        return StatusCode::NOT_FOUND.into_response();
    };
    ([(header::CONTENT_TYPE, "application/json")], body.clone()).into_response()
}

/// Starts the server on its own thread and runtime; returns `http://127.0.0.1:PORT`.
fn start_server(bodies: Bodies) -> String {
    let app = axum::Router::new()
        .fallback(answer)
        .with_state(Arc::new(bodies));
    support::start_server("loopback-server", app)
}

/// One vendor's SDK client and the request it repeats.
enum Sdk {
    Zego(zego::Client, zego::DescribeRecordStatusRequest),
    QingCloud(qingcloud::Client, qingcloud::ListRecordingsRequest),
    Volc(volc::Client, volc::GetRecordTaskRequest),
    Agora(agora::Client, agora::QueryRequest),
}

impl Sdk {
    /// One full call; returns a figure from the decoded answer so nothing is optimised away.
    async fn call(&self) -> usize {
        match self {
            Self::Zego(c, r) => {
                let resp = c.describe_record_status(r).await.expect("zego call");
                resp.data
                    .and_then(|d| d.record_files)
                    .map_or(0, |f| f.len())
            }
            Self::QingCloud(c, r) => {
                let resp = c.list_recordings(r).await.expect("qingcloud call");
                resp.recinfos.map_or(0, |v| v.len())
            }
            Self::Volc(c, r) => {
                let resp = c.get_record_task(r).await.expect("volc call");
                resp.record_task()
                    .and_then(|t| t.record_file_list.as_ref())
                    .map_or(0, Vec::len)
            }
            Self::Agora(c, r) => {
                let resp = c.query(r).await.expect("agora call");
                resp.server_response
                    .extension_service_state
                    .map_or(0, |v| v.len())
            }
        }
    }

    /// The first attempt's request as the client would send it (dry run).
    fn prepared(&self) -> record_facade::client::PreparedRequest {
        match self {
            Self::Zego(c, r) => c.prepare_describe_record_status(r),
            Self::QingCloud(c, r) => c.prepare_list_recordings(r),
            Self::Volc(c, r) => c.prepare_get_record_task(r),
            Self::Agora(c, r) => c.prepare_query(r),
        }
        .expect("dry run")
    }
}

/// The raw baseline: the same bytes through a bare `reqwest::Client`.
struct Raw {
    /// Decodes a body into the vendor's typed response with plain `serde_json` (the
    /// "hand-written client" side); returns a figure from it.
    typed: fn(&[u8]) -> usize,
    http: reqwest::Client,
    method: reqwest::Method,
    url: reqwest::Url,
    headers: reqwest::header::HeaderMap,
    body: Option<Bytes>,
}

impl Raw {
    fn from_prepared(
        prepared: &record_facade::client::PreparedRequest,
        typed: fn(&[u8]) -> usize,
    ) -> Self {
        let user_agent = record_facade::transport::TransportConfig::new(None).user_agent;
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .connect_timeout(Duration::from_secs(5))
            .build()
            .expect("raw client");
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &prepared.headers {
            let value = if name == "authorization" && value.starts_with("Basic [redacted]") {
                // Agora: the dry run hides the Basic credentials; the test ones are rebuilt.
                use base64::Engine as _;
                let token = base64::engine::general_purpose::STANDARD
                    .encode(format!("{AGORA_ID}:{AGORA_SECRET}"));
                format!("Basic {token}")
            } else {
                value.clone()
            };
            assert!(
                !value.contains(record_facade::client::PreparedRequest::REDACTED),
                "header {name} still redacted"
            );
            headers.append(
                reqwest::header::HeaderName::from_bytes(name.as_bytes()).expect("header name"),
                reqwest::header::HeaderValue::from_str(&value).expect("header value"),
            );
        }
        Self {
            typed,
            http,
            method: reqwest::Method::from_bytes(prepared.method.as_bytes()).expect("method"),
            url: reqwest::Url::parse(&prepared.url).expect("url"),
            headers,
            body: prepared.body.clone().map(Bytes::from),
        }
    }

    /// Sends the request and reads the whole body; returns its length.
    async fn call(&self) -> usize {
        self.send().await.len()
    }

    /// Sends the request, reads the body and decodes it like a hand-written client would.
    async fn call_typed(&self) -> usize {
        (self.typed)(&self.send().await)
    }

    async fn send(&self) -> Bytes {
        let mut request = self
            .http
            .request(self.method.clone(), self.url.clone())
            .headers(self.headers.clone());
        if let Some(body) = &self.body {
            request = request.body(body.clone());
        }
        let response = request.send().await.expect("raw send");
        assert!(response.status().is_success(), "raw status");
        response.bytes().await.expect("raw body")
    }
}

/// One vendor's pair of callers.
struct Case {
    vendor: &'static str,
    action: &'static str,
    sdk: Sdk,
    raw: Raw,
}

fn cases(base: &str) -> Vec<Case> {
    let zego = zego::Client::builder(
        zego::Credentials::new(ZEGO_APP_ID, ZEGO_SECRET).expect("zego credentials"),
    )
    .base_url(format!("{base}/zego"))
    .rate_limit(None)
    .build()
    .expect("zego client");
    let zego_req = zego::DescribeRecordStatusRequest::builder()
        .task_id("X3CgNeE4I1qAAABN")
        .build()
        .expect("zego request");

    let qing = qingcloud::Client::builder(
        qingcloud::Credentials::new(QING_KEY_ID, QING_SECRET).expect("qingcloud credentials"),
    )
    .base_url(format!("{base}/qingcloud"))
    .rate_limit(None)
    .build()
    .expect("qingcloud client");
    let qing_req = qingcloud::ListRecordingsRequest::builder()
        .app_id("34723259bb8f4768bc7a9c7cbb126baa")
        .channel("crIUxmwHA2")
        .from_hour(6)
        .to_hour(0)
        .offset(0)
        .limit(20)
        .build()
        .expect("qingcloud request");

    let volc =
        volc::Client::builder(volc::Credentials::new(VOLC_AK, VOLC_SK).expect("volc credentials"))
            .base_url(format!("{base}/volc"))
            .rate_limit(None)
            .build()
            .expect("volc client");
    let volc_req = volc::GetRecordTaskRequest::builder()
        .app_id("661e543cf")
        .room_id("Room1")
        .task_id("Task1")
        .build()
        .expect("volc request");

    let agora = agora::Client::builder(
        agora::Credentials::new(AGORA_ID, AGORA_SECRET).expect("agora credentials"),
    )
    .base_url(format!("{base}/agora"))
    .rate_limit(None)
    .build()
    .expect("agora client");
    let agora_req = agora::QueryRequest::builder()
        .appid("appid")
        .resourceid("JyvK8nXHuV1BE64GDkAaBGEscvtHW7v8BrQoRPCHxmeVxwY22")
        .sid("38f8e3cfdc474cd56fc1ceba380d7e1a")
        .mode(agora::RecordingMode::Web)
        .build()
        .expect("agora request");

    let typed: [fn(&[u8]) -> usize; 4] = [
        |b| {
            let r: zego::DescribeRecordStatusResponse = serde_json::from_slice(b).expect("zego");
            r.data.and_then(|d| d.record_files).map_or(0, |f| f.len())
        },
        |b| {
            let r: qingcloud::ListRecordingsResponse = serde_json::from_slice(b).expect("qing");
            r.recinfos.map_or(0, |v| v.len())
        },
        |b| {
            let r: volc::GetRecordTaskResponse = serde_json::from_slice(b).expect("volc");
            r.record_task()
                .and_then(|t| t.record_file_list.as_ref())
                .map_or(0, Vec::len)
        },
        |b| {
            let r: agora::QueryResponse = serde_json::from_slice(b).expect("agora");
            r.server_response
                .extension_service_state
                .map_or(0, |v| v.len())
        },
    ];
    [
        ("zego", "DescribeRecordStatus", Sdk::Zego(zego, zego_req)),
        (
            "qingcloud",
            "DescribeCloudRecord",
            Sdk::QingCloud(qing, qing_req),
        ),
        ("volc", "GetRecordTask", Sdk::Volc(volc, volc_req)),
        ("agora", "query", Sdk::Agora(agora, agora_req)),
    ]
    .into_iter()
    .zip(typed)
    .map(|((vendor, action, sdk), typed)| {
        let raw = Raw::from_prepared(&sdk.prepared(), typed);
        Case {
            vendor,
            action,
            sdk,
            raw,
        }
    })
    .collect()
}

/// Which side of a case to run.
#[derive(Clone, Copy)]
enum Side {
    Sdk,
    Raw,
    /// Raw plus a plain typed decode: what a minimal hand-written client does.
    Hand,
}

impl Case {
    async fn call(&self, side: Side) -> usize {
        match side {
            Side::Sdk => self.sdk.call().await,
            Side::Raw => self.raw.call().await,
            Side::Hand => self.raw.call_typed().await,
        }
    }

    /// `n` requests one after another; appends each latency (ns) and returns the wall time.
    async fn run_seq(&self, side: Side, n: usize, lat: &mut Vec<u64>) -> Duration {
        let start = Instant::now();
        for _ in 0..n {
            let t = Instant::now();
            black_box(self.call(side).await);
            lat.push(t.elapsed().as_nanos() as u64);
        }
        start.elapsed()
    }

    /// `n` requests with `CONCURRENCY` in flight at all times.
    async fn run_concurrent(&self, side: Side, n: usize, lat: &mut Vec<u64>) -> Duration {
        let start = Instant::now();
        let mut in_flight = futures::stream::iter(0..n)
            .map(|_| async move {
                let t = Instant::now();
                black_box(self.call(side).await);
                t.elapsed().as_nanos() as u64
            })
            .buffer_unordered(CONCURRENCY);
        while let Some(ns) = in_flight.next().await {
            lat.push(ns);
        }
        start.elapsed()
    }
}

/// The figures of one side of one case.
struct SideFigures {
    requests: usize,
    wall: Duration,
    latencies: Vec<u64>,
}

impl SideFigures {
    fn new() -> Self {
        Self {
            requests: 0,
            wall: Duration::ZERO,
            latencies: Vec::new(),
        }
    }

    fn rps(&self) -> f64 {
        self.requests as f64 / self.wall.as_secs_f64()
    }

    /// The `q` quantile (nearest rank) in microseconds.
    fn quantile_us(&mut self, q: f64) -> f64 {
        self.latencies.sort_unstable();
        let n = self.latencies.len();
        if n == 0 {
            return f64::NAN;
        }
        let rank = ((q * n as f64).ceil() as usize).clamp(1, n);
        self.latencies[rank - 1] as f64 / 1000.0
    }

    fn summary(&mut self) -> serde_json::Value {
        serde_json::json!({
            "requests": self.requests,
            "wall_s": self.wall.as_secs_f64(),
            "rps": self.rps(),
            "p50_us": self.quantile_us(0.50),
            "p99_us": self.quantile_us(0.99),
        })
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The fixed-size alternating loop of one case and mode.
async fn measure(case: &Case, concurrent: bool, per_side: usize) -> serde_json::Value {
    let chunk = if concurrent { CHUNK_C64 } else { CHUNK_SEQ }.min(per_side);
    let rounds = per_side.div_ceil(chunk);
    let mut sdk = SideFigures::new();
    let mut raw = SideFigures::new();
    let mut hand = SideFigures::new();
    // Per round, raw wall time / SDK wall time (= SDK req/s / raw req/s), and the same
    // against raw+serde: adjacent chunks see the same machine load, and the median over
    // the rounds ignores bursts of other work on a shared machine.
    let mut round_ratios = Vec::with_capacity(rounds);
    let mut round_ratios_hand = Vec::with_capacity(rounds);
    let sides = [Side::Sdk, Side::Raw, Side::Hand];
    for round in 0..rounds {
        // Every order of the three sides in turn, so none always runs first.
        let order = [
            [0, 1, 2],
            [1, 2, 0],
            [2, 0, 1],
            [2, 1, 0],
            [1, 0, 2],
            [0, 2, 1],
        ][round % 6];
        let mut walls = [Duration::ZERO; 3];
        for index in order {
            let side = sides[index];
            let figures = match side {
                Side::Sdk => &mut sdk,
                Side::Raw => &mut raw,
                Side::Hand => &mut hand,
            };
            let wall = if concurrent {
                case.run_concurrent(side, chunk, &mut figures.latencies)
                    .await
            } else {
                case.run_seq(side, chunk, &mut figures.latencies).await
            };
            figures.requests += chunk;
            figures.wall += wall;
            walls[index] = wall;
        }
        round_ratios.push(walls[1].as_secs_f64() / walls[0].as_secs_f64());
        round_ratios_hand.push(walls[2].as_secs_f64() / walls[0].as_secs_f64());
    }
    let ratio = median(&mut round_ratios);
    let ratio_hand = median(&mut round_ratios_hand);
    let mode = if concurrent { "c64" } else { "seq" };
    let (sdk_json, raw_json, hand_json) = (sdk.summary(), raw.summary(), hand.summary());
    let ratio_p50 = raw_json["p50_us"].as_f64().unwrap_or(f64::NAN)
        / sdk_json["p50_us"].as_f64().unwrap_or(f64::NAN);
    let result = serde_json::json!({
        "vendor": case.vendor,
        "action": case.action,
        "mode": mode,
        "concurrency": if concurrent { CONCURRENCY } else { 1 },
        "sdk": sdk_json,
        "raw": raw_json,
        "hand": hand_json,
        "rounds": rounds,
        "requests_per_round": chunk,
        "ratio": ratio,
        "ratio_of_totals": sdk.rps() / raw.rps(),
        "ratio_p50": ratio_p50,
        "ratio_vs_hand": ratio_hand,
        "goal_ratio": GOAL_RATIO,
        "met": ratio >= GOAL_RATIO,
    });
    eprintln!(
        "loopback {}/{mode}: sdk {:.0} req/s (p50 {:.1} µs, p99 {:.1} µs), raw {:.0} req/s \
         (p50 {:.1} µs, p99 {:.1} µs), ratio {ratio:.3}; raw+typed decode {:.0} req/s, \
         ratio {ratio_hand:.3}",
        case.vendor,
        result["sdk"]["rps"].as_f64().unwrap_or(f64::NAN),
        result["sdk"]["p50_us"].as_f64().unwrap_or(f64::NAN),
        result["sdk"]["p99_us"].as_f64().unwrap_or(f64::NAN),
        result["raw"]["rps"].as_f64().unwrap_or(f64::NAN),
        result["raw"]["p50_us"].as_f64().unwrap_or(f64::NAN),
        result["raw"]["p99_us"].as_f64().unwrap_or(f64::NAN),
        result["hand"]["rps"].as_f64().unwrap_or(f64::NAN),
    );
    result
}

fn criterion_benches(c: &mut Criterion, rt: &tokio::runtime::Runtime, cases: &[Case]) {
    for case in cases {
        let mut group = c.benchmark_group(format!("loopback/{}", case.vendor));
        for (side, name) in [(Side::Sdk, "sdk"), (Side::Raw, "raw")] {
            group.throughput(Throughput::Elements(1));
            group.bench_function(format!("{name}_seq"), |b| {
                b.to_async(rt).iter(|| case.call(side));
            });
            group.throughput(Throughput::Elements(CONCURRENCY as u64));
            group.bench_function(format!("{name}_c64"), |b| {
                b.to_async(rt)
                    .iter(|| join_all((0..CONCURRENCY).map(|_| case.call(side))));
            });
        }
        group.finish();
    }
}

fn main() {
    let bench_mode = std::env::args().any(|a| a == "--bench");
    // `--profile-time` (criterion's profiling mode) runs only the criterion part.
    let profiling = std::env::args().any(|a| a.starts_with("--profile-time"));
    let quick = std::env::var_os("RECORD_BENCH_QUICK").is_some_and(|v| v != "0");
    let per_side = match (bench_mode, quick) {
        (false, _) => 200,
        (true, true) => 2_000,
        (true, false) => 20_000,
    };

    let base = start_server(Bodies::load());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let cases = cases(&base);

    // Each side must get the documented answer before anything is timed, and the
    // connection pools are warmed to the concurrency used below.
    rt.block_on(async {
        for case in &cases {
            let files = case.sdk.call().await;
            let bytes = case.raw.call().await;
            assert!(bytes > 0, "{}: empty raw answer", case.vendor);
            eprintln!(
                "{}: the SDK decoded the answer ({files} file/service entries), raw read {bytes} bytes",
                case.vendor
            );
            join_all((0..CONCURRENCY).map(|_| case.call(Side::Sdk))).await;
            join_all((0..CONCURRENCY).map(|_| case.call(Side::Raw))).await;
        }
    });

    let mut criterion = Criterion::default().configure_from_args();
    criterion_benches(&mut criterion, &rt, &cases);

    if profiling {
        return;
    }

    let mut results = Vec::new();
    rt.block_on(async {
        for case in &cases {
            for concurrent in [false, true] {
                results.push(measure(case, concurrent, per_side).await);
            }
        }
    });
    criterion.final_summary();

    if bench_mode {
        let report = serde_json::json!({
            "bench": "loopback",
            "requests_per_side": per_side,
            "concurrency": CONCURRENCY,
            "goal_ratio": GOAL_RATIO,
            "ratio_definition": "median over the rounds of SDK requests/s divided by raw reqwest requests/s (body read, not decoded) in the same round; ratio_of_totals divides the totals; ratio_p50 is raw p50 latency / SDK p50 latency",
            "ratio_vs_hand_definition": "the same against raw reqwest + plain serde_json typed decode (a minimal hand-written client)",
            "runtime": "client: tokio current_thread; server: axum on its own current_thread runtime and thread",
            "results": results,
        });
        support::write_report("loopback", &report);
    }
}
