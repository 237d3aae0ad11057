//! Cost of decoding QingCloud RTC's documented success answers: typed model vs `serde_json::Value`.
//!
//! Every success fixture of `fixtures/qingcloud/list_recordings/` (`code` `"success"` once
//! decoded) is benchmarked as `decode/qingcloud/<stem>/{typed,typed_plain,value}`, decoded into
//! `ListRecordingsResponse`; what each measures is described in the shared
//! `crates/record-core/benches/support/decode.rs`.
//!
//! `decode/qingcloud/<stem>/neutral` (no throughput) converts the already decoded largest
//! success fixture to the vendor-neutral view (`ToRecordings::to_recordings`).
#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented pub fn"
)]
#![allow(clippy::expect_used, reason = "a benchmark aborts on a broken fixture")]

#[path = "../../record-core/benches/support/decode.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use qingcloud_record::{ListRecordingsRequest, ListRecordingsResponse, ToRecordings as _};
use std::hint::black_box;
use support::{Fixtures, Naming};

fn benches_all(c: &mut Criterion) {
    let fixtures = Fixtures::<ListRecordingsResponse>::load(
        "qingcloud",
        "list_recordings",
        Naming::Stem,
        ListRecordingsResponse::is_success,
    );
    fixtures.bench_decode(c);
    let request = ListRecordingsRequest::builder()
        .app_id("app")
        .channel("channel")
        .build();
    let Ok(request) = request else {
        panic!("the bench's request builds");
    };
    fixtures.bench_neutral(
        c,
        |r| r.to_recordings(black_box(&request)),
        |out| assert!(out.as_ref().is_ok_and(|v| !v.is_empty())),
    );
}

criterion_group!(benches, benches_all);
criterion_main!(benches);
