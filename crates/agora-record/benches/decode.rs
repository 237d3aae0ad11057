//! Cost of decoding Agora's documented success answers: typed model vs `serde_json::Value`.
//!
//! Every success fixture of `fixtures/agora/query/` (all of them are 2xx answers without a
//! service `code`) is benchmarked as `decode/agora/<stem>/{typed,typed_plain,value}`, decoded
//! into `QueryResponse`; what each measures is described in the shared
//! `crates/record-core/benches/support/decode.rs`.
//!
//! `decode/agora/<stem>/neutral` (no throughput) converts the already decoded largest
//! success fixture to the vendor-neutral view (`ToRecording::to_recording` in `web` mode).
//!
//! `fixtures/agora/errors/` holds only error bodies (`ErrorBody`) and is not benchmarked.
#![allow(
    missing_docs,
    reason = "criterion_group! generates an undocumented pub fn"
)]
#![allow(clippy::expect_used, reason = "a benchmark aborts on a broken fixture")]

#[path = "../../record-core/benches/support/decode.rs"]
mod support;

use agora_record::{QueryResponse, TaskRef, ToRecording as _};
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use support::{Fixtures, Naming};

fn benches_all(c: &mut Criterion) {
    let fixtures = Fixtures::<QueryResponse>::load("agora", "query", Naming::Stem, |_| true);
    fixtures.bench_decode(c);
    let task = TaskRef::Agora {
        app_id: "app".to_owned(),
        resource_id: "resource".to_owned(),
        sid: "sid".to_owned(),
        mode: "web".to_owned(),
        cname: None,
        uid: None,
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
