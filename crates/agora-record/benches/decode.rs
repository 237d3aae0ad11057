//! Cost of decoding Agora's documented success answers: typed model vs `serde_json::Value`.
//!
//! For every success fixture of `fixtures/agora/query/` (kind other than `error` in
//! `cases.toml`; all of them are 2xx answers without a service `code`), read at start-up:
//!
//! * `decode/agora/<stem>/typed`: [`record_core::client::decode_json`] into
//!   `QueryResponse`, the function the client's decode step ends in;
//! * `decode/agora/<stem>/value`: `serde_json::from_slice::<Value>` of the same bytes.
//! * `decode/agora/<stem>/typed_plain` (diagnostic): `serde_json::from_slice` into the
//!   same model, without the JSON-path tracking (`serde_path_to_error`) that `decode_json`
//!   adds for its error messages; `typed` minus `typed_plain` is what that tracking costs.
//!
//! All three report throughput in bytes (the fixture's size). Criterion stores them under
//! `target/criterion/decode/agora_<stem>/{typed,typed_plain,value}/`.
//!
//! `decode/agora/<stem>/neutral` (no throughput) converts the already decoded largest
//! success fixture to the vendor-neutral view (`QueryResponse::to_recording` in `web` mode).
//!
//! `fixtures/agora/errors/` holds only error bodies (`ErrorBody`) and is not benchmarked.
#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented pub fn"
)]
#![allow(clippy::expect_used, reason = "a benchmark aborts on a broken fixture")]

use agora_record::{QueryResponse, RecordingMode};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use record_core::client::decode_json;
use record_core::transport::RawResponse;
use serde::de::DeserializeOwned;
use std::hint::black_box;
use std::path::{Path, PathBuf};

const VENDOR: &str = "agora";

/// One success fixture: its file stem and the answer as the client receives it.
struct Fixture {
    name: String,
    raw: RawResponse,
}

fn fixture_dir(action: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../fixtures")
        .join(VENDOR)
        .join(action)
}

/// The success fixtures of `action`, sorted by name: listed in `cases.toml` with a kind other
/// than `error`, and accepted by `is_success` once decoded. Panics on a fixture without a
/// case, or one that does not decode.
fn success_fixtures<T: DeserializeOwned>(action: &str, is_success: fn(&T) -> bool) -> Vec<Fixture> {
    let dir = fixture_dir(action);
    let cases: toml::Table = std::fs::read_to_string(dir.join("cases.toml"))
        .expect("cases.toml")
        .parse()
        .expect("cases.toml is TOML");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("fixture folder")
        .map(|e| e.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .expect("UTF-8 file name")
            .to_owned();
        let kind = cases
            .get(&stem)
            .and_then(|c| c.get("kind"))
            .and_then(|k| k.as_str())
            .unwrap_or_else(|| panic!("{action}/{stem}: no kind in cases.toml"));
        let raw = RawResponse {
            status: 200,
            headers: reqwest::header::HeaderMap::new(),
            body: std::fs::read(&path).expect("fixture bytes"),
        };
        let typed: T = decode_json(&raw).unwrap_or_else(|e| panic!("{action}/{stem}: {e}"));
        if kind == "error" || !is_success(&typed) {
            skipped.push(stem);
            continue;
        }
        serde_json::from_slice::<serde_json::Value>(&raw.body).expect("fixture is JSON");
        out.push(Fixture { name: stem, raw });
    }
    eprintln!(
        "decode/{VENDOR}/{action}: {} success fixtures; not benchmarked (errors): {}",
        out.len(),
        if skipped.is_empty() {
            "none".to_owned()
        } else {
            skipped.join(", ")
        }
    );
    assert!(!out.is_empty(), "{action}: no success fixture");
    out
}

/// `typed`, `typed_plain` and `value` of every fixture, in the `decode` group.
fn bench_decode<T: DeserializeOwned>(c: &mut Criterion, fixtures: &[Fixture]) {
    let mut group = c.benchmark_group("decode");
    for f in fixtures {
        let len = u64::try_from(f.raw.body.len()).expect("small fixture");
        group.throughput(Throughput::Bytes(len));
        let id = format!("{VENDOR}/{}", f.name);
        group.bench_function(BenchmarkId::new(id.as_str(), "typed"), |b| {
            b.iter(|| decode_json::<T>(black_box(&f.raw)));
        });
        group.bench_function(BenchmarkId::new(id.as_str(), "typed_plain"), |b| {
            b.iter(|| serde_json::from_slice::<T>(black_box(&f.raw.body)));
        });
        group.bench_function(BenchmarkId::new(id.as_str(), "value"), |b| {
            b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&f.raw.body)));
        });
    }
    group.finish();
}

/// The largest fixture (by bytes).
fn largest(fixtures: &[Fixture]) -> &Fixture {
    fixtures
        .iter()
        .max_by_key(|f| f.raw.body.len())
        .expect("at least one fixture")
}

fn benches_all(c: &mut Criterion) {
    let fixtures = success_fixtures::<QueryResponse>("query", |_| true);
    bench_decode::<QueryResponse>(c, &fixtures);

    // The neutral conversion: no throughput, hence its own group (same name).
    let mut group = c.benchmark_group("decode");
    let big = largest(&fixtures);
    let resp: QueryResponse = decode_json(&big.raw).expect("decodes");
    resp.to_recording("app", &RecordingMode::Web)
        .expect("a success answer converts");
    group.bench_function(
        BenchmarkId::new(format!("{VENDOR}/{}", big.name), "neutral"),
        |b| b.iter(|| black_box(&resp).to_recording(black_box("app"), &RecordingMode::Web)),
    );
    group.finish();
}

criterion_group!(benches, benches_all);
criterion_main!(benches);
