//! The part of the vendor `decode` benchmarks (`crates/<vendor>-record/benches/decode.rs`) that
//! does not depend on the vendor. Not a bench target of its own (cargo only discovers
//! `benches/*.rs` and `benches/*/main.rs`); each vendor bench includes it with
//! `#[path = "../../record-core/benches/support/decode.rs"] mod support;`.
//!
//! For every success fixture of `fixtures/<vendor>/<action>/` (kind other than `error` in the
//! folder's `cases.toml`, and accepted by the vendor's success test once decoded), read at
//! start-up, [`Fixtures::bench_decode`] registers in the `decode` group:
//!
//! * `decode/<vendor>/<fixture>/typed`: [`record_core::client::decode_json`] into the
//!   response model, the function the client's decode step ends in;
//! * `decode/<vendor>/<fixture>/typed_plain` (diagnostic): `serde_json::from_slice` into the
//!   same model, without the JSON-path tracking (`serde_path_to_error`) that `decode_json`
//!   adds for its error messages; `typed` minus `typed_plain` is what that tracking costs;
//! * `decode/<vendor>/<fixture>/value`: `serde_json::from_slice::<Value>` of the same bytes.
//!
//! All three report throughput in bytes (the fixture's size). Criterion stores them under
//! `target/criterion/decode/<vendor>_<fixture>/{typed,typed_plain,value}/`.
//!
//! [`Fixtures::bench_neutral`] registers `decode/<vendor>/<fixture>/neutral` (no throughput):
//! the vendor's conversion of the already decoded largest success fixture to the
//! vendor-neutral view.
#![allow(clippy::expect_used, reason = "a benchmark aborts on a broken fixture")]

use criterion::{BenchmarkId, Criterion, Throughput};
use record_core::client::decode_json;
use record_core::transport::RawResponse;
use serde::de::DeserializeOwned;
use std::hint::black_box;
use std::marker::PhantomData;
use std::path::{Path, PathBuf};

/// How a fixture is named in its benchmark ids.
#[allow(dead_code, reason = "each vendor bench uses one of the two")]
pub enum Naming {
    /// `<stem>`: the vendor has one benchmarked action.
    Stem,
    /// `<action>.<stem>`: the vendor has several actions, whose stems may clash.
    ActionDotStem,
}

/// One success fixture: its name in the ids and the answer as the client receives it.
struct Fixture {
    name: String,
    raw: RawResponse,
}

/// The success fixtures of one action of one vendor, sorted by file name, all of which decode
/// into `T`.
pub struct Fixtures<T> {
    vendor: &'static str,
    list: Vec<Fixture>,
    model: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned> Fixtures<T> {
    /// Reads `fixtures/<vendor>/<action>/`: the fixtures listed in `cases.toml` with a kind
    /// other than `error`, and accepted by `is_success` once decoded. Panics on a fixture
    /// without a case, on one that does not decode, and when none is left.
    pub fn load(
        vendor: &'static str,
        action: &str,
        naming: Naming,
        is_success: fn(&T) -> bool,
    ) -> Self {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../fixtures")
            .join(vendor)
            .join(action);
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
        let mut list = Vec::new();
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
            let name = match naming {
                Naming::Stem => stem,
                Naming::ActionDotStem => format!("{action}.{stem}"),
            };
            list.push(Fixture { name, raw });
        }
        eprintln!(
            "decode/{vendor}/{action}: {} success fixtures; not benchmarked (errors): {}",
            list.len(),
            if skipped.is_empty() {
                "none".to_owned()
            } else {
                skipped.join(", ")
            }
        );
        assert!(!list.is_empty(), "{action}: no success fixture");
        Self {
            vendor,
            list,
            model: PhantomData,
        }
    }

    /// `typed`, `typed_plain` and `value` of every fixture, in the `decode` group.
    pub fn bench_decode(&self, c: &mut Criterion) {
        let mut group = c.benchmark_group("decode");
        for f in &self.list {
            let len = u64::try_from(f.raw.body.len()).expect("small fixture");
            group.throughput(Throughput::Bytes(len));
            let id = format!("{}/{}", self.vendor, f.name);
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

    /// `neutral` of the largest fixture (by bytes): `convert` of its decoded model, timed
    /// without throughput, hence in a `decode` group of its own. `check` first sees the result
    /// of one untimed `convert`, to abort on a conversion that fails.
    pub fn bench_neutral<R>(
        &self,
        c: &mut Criterion,
        convert: impl Fn(&T) -> R,
        check: impl FnOnce(R),
    ) {
        let big = self
            .list
            .iter()
            .max_by_key(|f| f.raw.body.len())
            .expect("at least one fixture");
        let resp: T = decode_json(&big.raw).expect("decodes");
        check(convert(&resp));
        let mut group = c.benchmark_group("decode");
        group.bench_function(
            BenchmarkId::new(format!("{}/{}", self.vendor, big.name), "neutral"),
            |b| b.iter(|| convert(black_box(&resp))),
        );
        group.finish();
    }
}
