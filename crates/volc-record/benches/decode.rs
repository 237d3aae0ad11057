//! Cost of decoding Volcengine's documented success answers: typed model vs `serde_json::Value`.
//!
//! Every success fixture of `fixtures/volc/get_record_task/` (no `ResponseMetadata.Error` once
//! decoded) is benchmarked as `decode/volc/<stem>/{typed,typed_plain,value}`, decoded into
//! `GetRecordTaskResponse`; what each measures is described in the shared
//! `crates/record-core/benches/support/decode.rs`.
//!
//! `decode/volc/<stem>/neutral` (no throughput) converts the already decoded largest
//! success fixture to the vendor-neutral view (`ToRecording::to_recording`).
#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented pub fn"
)]
#![allow(clippy::expect_used, reason = "a benchmark aborts on a broken fixture")]

#[path = "../../record-core/benches/support/decode.rs"]
mod support;

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use support::{Fixtures, Naming};
use volc_record::{GetRecordTaskResponse, TaskRef, ToRecording as _};

fn benches_all(c: &mut Criterion) {
    let fixtures =
        Fixtures::<GetRecordTaskResponse>::load("volc", "get_record_task", Naming::Stem, |r| {
            r.to_error(None).is_none()
        });
    fixtures.bench_decode(c);
    let task = TaskRef::Volcengine {
        app_id: "app".to_owned(),
        room_id: "room".to_owned(),
        task_id: "task".to_owned(),
    };
    fixtures.bench_neutral(
        c,
        |r| r.to_recording(black_box(&task)),
        |out| {
            out.expect("a success answer converts");
        },
    );
}

criterion_group!(benches, benches_all);
criterion_main!(benches);
