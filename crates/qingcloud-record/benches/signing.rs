//! Cost of signing one QingCloud RTC request, as the client does on every attempt.
//!
//! `signing/qingcloud`: [`signing::sign_with_clock`] of the documented
//! `GET /v1/cloudRecord` example (vendor-facts §2.2: the doc's app and channel, QingCloud's
//! example key pair) at a fixed clock, with the query as the client passes it
//! (`&[(&'static str, String)]`, `build_list_recordings` in `src/client.rs`). The result
//! holds every step: `time_stamp`, body MD5 (`null`), sorted canonical query, string to
//! sign, HMAC-SHA256 signature (base64), its percent-encoding and the query string sent.
//!
//! Before measuring, the output is checked against the documented query string, so the
//! benchmark fails rather than timing a broken signer.
#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented pub fn"
)]
#![allow(clippy::expect_used, reason = "a benchmark aborts on a broken setup")]

use criterion::{Criterion, criterion_group, criterion_main};
use qingcloud_record::{Credentials, signing};
use record_core::{FixedClock, UnixMillis};
use std::hint::black_box;

const QUERY_STRING: &str = "access_key_id=QYACCESSKEYIDEXAMPLE\
&app_id=34723259bb8f4768bc7a9c7cbb126baa\
&channel=crIUxmwHA2&from_hour=3&limit=20&offset=0&signature_method=HmacSHA256\
&signature_version=1&time_stamp=2021-10-15T06%3A44%3A58Z&to_hour=0\
&signature=Qd%2BXbJNQ0VAqEnJaIYKL2NphPUtpg4a0T%2F%2BDErkexhE%3D";

fn bench_signing(c: &mut Criterion) {
    let creds =
        Credentials::new("QYACCESSKEYIDEXAMPLE", "SECRETACCESSKEY").expect("documented keys");
    // 2021-10-15T06:44:58Z, plus milliseconds the signer truncates.
    let clock = FixedClock::new(UnixMillis(1_634_280_298_500));
    let query: Vec<(&'static str, String)> = vec![
        ("app_id", "34723259bb8f4768bc7a9c7cbb126baa".to_owned()),
        ("channel", "crIUxmwHA2".to_owned()),
        ("from_hour", "3".to_owned()),
        ("to_hour", "0".to_owned()),
        ("offset", "0".to_owned()),
        ("limit", "20".to_owned()),
    ];
    let sign = |creds: &Credentials, query: &[(&'static str, String)]| {
        signing::sign_with_clock("GET", "/v1/cloudRecord", query, None, creds, &clock)
            .expect("the example signs")
    };
    assert_eq!(
        sign(&creds, &query).query_string,
        QUERY_STRING,
        "signer output differs from the documented vector"
    );

    let mut group = c.benchmark_group("signing");
    group.bench_function("qingcloud", |b| {
        b.iter(|| sign(black_box(&creds), black_box(&query)));
    });
    group.finish();
}

criterion_group!(benches, bench_signing);
criterion_main!(benches);
