//! Cost of signing one ZEGO request, as the client does on every attempt.
//!
//! `signing/zego`: [`signing::sign`] of ZEGO's own worked example (AppId 12345, nonce
//! `4fd24687296dd9f3`, timestamp 1615186943: fixed, so every iteration does the same work)
//! plus [`SignedRequest::query_string`], i.e. the MD5 signature and the six common query
//! parameters the client puts on the URL (`Inner::build_request` in `src/client.rs`).
//!
//! `signing/zego_with_nonce`: the same with a fresh random nonce drawn by
//! [`signing::generate_nonce`], the client's default nonce source.
//!
//! Before measuring, the output is checked against the documented signature, so the
//! benchmark fails rather than timing a broken signer.
#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented pub fn"
)]
#![allow(clippy::expect_used, reason = "a benchmark aborts on a broken setup")]

use criterion::{Criterion, criterion_group, criterion_main};
use record_core::UnixSeconds;
use std::hint::black_box;
use zego_record::{Credentials, SignedRequest, signing};

const APP_ID: u32 = 12345;
const SECRET: &str = "9193cc662a4c0ec135ec71fb57194b38";
const ACTION: &str = "DescribeRecordStatus";
const NONCE: &str = "4fd24687296dd9f3";
const TIMESTAMP: UnixSeconds = UnixSeconds(1_615_186_943);
const QUERY_STRING: &str = "Action=DescribeRecordStatus&AppId=12345&SignatureNonce=4fd24687296dd9f3\
&Timestamp=1615186943&Signature=43e5cfcca828314675f91b001390566a&SignatureVersion=2.0";

/// One attempt's signing work: the signature and the query string sent.
fn sign_attempt(creds: &Credentials, nonce: &str) -> (SignedRequest, String) {
    let signed = signing::sign(creds, ACTION, nonce, TIMESTAMP).expect("the example signs");
    let query = signed.query_string();
    (signed, query)
}

fn bench_signing(c: &mut Criterion) {
    let creds = Credentials::new(APP_ID, SECRET).expect("documented credentials");
    let (_, query) = sign_attempt(&creds, NONCE);
    assert_eq!(
        query, QUERY_STRING,
        "signer output differs from ZEGO's example"
    );

    let mut group = c.benchmark_group("signing");
    group.bench_function("zego", |b| {
        b.iter(|| sign_attempt(black_box(&creds), black_box(NONCE)));
    });
    group.bench_function("zego_with_nonce", |b| {
        b.iter(|| {
            let nonce = signing::generate_nonce();
            sign_attempt(black_box(&creds), &nonce)
        });
    });
    group.finish();
}

criterion_group!(benches, bench_signing);
criterion_main!(benches);
