//! Cost of signing one Volcengine OpenAPI request (V4, HMAC-SHA256), as the client does on
//! every attempt.
//!
//! The request is the documented RTC example (`GET /?Action=GetRecordTask&Version=2023-11-01
//! &AppId=661e****543cf&RoomId=Room1&TaskId=Task1` to `rtc.volcengineapi.com`, the doc's
//! key pair, 2024-06-19T07:13:06Z, standard header set; golden vector
//! `fixtures/volc/signing/official_rtc_standard`). Every figure covers the whole output:
//! `X-Date`, body hash, canonical request and its hash, string to sign, signature,
//! `Authorization` and the header list.
//!
//! * `signing/volc` (**warm cache**, the steady state): [`Signer::sign_now`] on one shared
//!   [`Signer`] at a fixed clock, as `Client::signed_request` does. The signing key was
//!   derived before measuring, so each iteration is a cache hit (one mutex lock, a key
//!   comparison and a key copy instead of four HMACs).
//! * `signing/volc_cold` (**no cache**): the free function [`signing::sign`], which derives
//!   the signing key (four chained HMAC-SHA256) on every call: the cost of the first request
//!   of a day, or of a signer that caches nothing.
//!
//! Before measuring, the output is checked against the golden vector (and the warm run
//! against the cache's derivation count), so the benchmark fails rather than timing a
//! broken signer.
#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented pub fn"
)]
#![allow(clippy::expect_used, reason = "a benchmark aborts on a broken setup")]

use criterion::{Criterion, criterion_group, criterion_main};
use record_core::{FixedClock, UnixMillis, UnixSeconds};
use std::hint::black_box;
use volc_record::signing::{self, DEFAULT_REGION, DEFAULT_SERVICE};
use volc_record::{Credentials, RequestToSign, SignedHeaderSet, Signer};

const ACCESS_KEY_ID: &str = "AKLTYWViMTVmZGYzM2E0NDI5Mzk2MDZjNjFmMjc2MjRjMzg";
const SECRET_ACCESS_KEY: &str = "WkRZeE1EQmxPVGhsWWpWak5HVmtNbUUxTXpZeU9UVXlOMlE1TmpZeVlqTQ==";
const TIME: UnixSeconds = UnixSeconds(1_718_781_186);
const AUTHORIZATION: &str = "HMAC-SHA256 \
Credential=AKLTYWViMTVmZGYzM2E0NDI5Mzk2MDZjNjFmMjc2MjRjMzg/20240619/cn-north-1/rtc/request, \
SignedHeaders=host;x-content-sha256;x-date, \
Signature=2a0b33e00761c5d302afb2599b73e07e896ea105ef777d89a3d5ebe2f64fd5b4";

fn bench_signing(c: &mut Criterion) {
    let creds = Credentials::new(ACCESS_KEY_ID, SECRET_ACCESS_KEY).expect("documented keys");
    let request = RequestToSign::get("rtc.volcengineapi.com")
        .with_query("Action", "GetRecordTask")
        .with_query("Version", "2023-11-01")
        .with_query("AppId", "661e****543cf")
        .with_query("RoomId", "Room1")
        .with_query("TaskId", "Task1");
    // The signer truncates the milliseconds.
    let clock = FixedClock::new(UnixMillis(TIME.0 * 1000 + 500));
    let signer = Signer::rtc(creds.clone());
    let standard = SignedHeaderSet::Standard;

    let cold = || {
        signing::sign(
            black_box(&request),
            DEFAULT_REGION,
            DEFAULT_SERVICE,
            black_box(&creds),
            black_box(TIME),
            &standard,
        )
        .expect("the example signs")
    };
    let warm = || {
        signer
            .sign_now(black_box(&request), &clock)
            .expect("the example signs")
    };
    assert_eq!(cold().authorization, AUTHORIZATION, "cold signer differs");
    assert_eq!(warm().authorization, AUTHORIZATION, "warm signer differs");
    assert_eq!(warm().authorization, AUTHORIZATION, "cached key differs");
    assert_eq!(
        signer.key_cache().derivations(),
        1,
        "the key must be cached"
    );

    let mut group = c.benchmark_group("signing");
    group.bench_function("volc", |b| b.iter(warm));
    group.bench_function("volc_cold", |b| b.iter(cold));
    group.finish();
    assert_eq!(
        signer.key_cache().derivations(),
        1,
        "the warm benchmark derived a key: it measured cache misses"
    );
}

criterion_group!(benches, bench_signing);
criterion_main!(benches);
