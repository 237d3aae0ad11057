//! Cost of Agora's HTTP Basic `Authorization` header.
//!
//! * `signing/agora`: [`signing::sign`] of the vendor-facts §4.2 example credentials
//!   (`test-customer-id` / `test-customer-secret`): `id:secret`, its base64 and
//!   `Basic <token>`, each kept in a `SecretString`. Basic authentication depends on
//!   nothing but the credentials, so the client does this once, in `ClientBuilder::build`.
//! * `signing/agora_header`: what `build` does with it: [`signing::sign_with_clock`] and the
//!   sensitive `HeaderValue` sent.
//! * `signing/agora_attempt`: what the client does on every attempt: clone that
//!   `HeaderValue` (`build_query_attempt` in `src/client.rs`).
//!
//! Before measuring, the output is checked against the documented header value, so the
//! benchmark fails rather than timing a broken encoder.
#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented pub fn"
)]
#![allow(clippy::expect_used, reason = "a benchmark aborts on a broken setup")]

use agora_record::{Credentials, signing};
use criterion::{Criterion, criterion_group, criterion_main};
use record_core::{FixedClock, UnixMillis};
use reqwest::header::HeaderValue;
use std::hint::black_box;

const HEADER_VALUE: &str = "Basic dGVzdC1jdXN0b21lci1pZDp0ZXN0LWN1c3RvbWVyLXNlY3JldA==";

fn header(creds: &Credentials, clock: &FixedClock) -> HeaderValue {
    let auth = signing::sign_with_clock(creds, clock);
    let mut value = HeaderValue::from_str(auth.expose_header_value()).expect("a valid header");
    value.set_sensitive(true);
    value
}

fn bench_signing(c: &mut Criterion) {
    let creds =
        Credentials::new("test-customer-id", "test-customer-secret").expect("documented example");
    let clock = FixedClock::new(UnixMillis(1_718_781_186_000));
    assert_eq!(
        signing::sign(&creds).expose_header_value(),
        HEADER_VALUE,
        "encoder output differs from the documented header"
    );
    let value = header(&creds, &clock);
    assert_eq!(value.as_bytes(), HEADER_VALUE.as_bytes());

    let mut group = c.benchmark_group("signing");
    group.bench_function("agora", |b| b.iter(|| signing::sign(black_box(&creds))));
    group.bench_function("agora_header", |b| {
        b.iter(|| header(black_box(&creds), &clock));
    });
    group.bench_function("agora_attempt", |b| b.iter(|| black_box(&value).clone()));
    group.finish();
}

criterion_group!(benches, bench_signing);
criterion_main!(benches);
