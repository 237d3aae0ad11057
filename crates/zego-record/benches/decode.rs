//! Cost of decoding ZEGO's documented success answers: typed model vs `serde_json::Value`.
//!
//! Every success fixture of `fixtures/zego/<action>/` (`Code` 0 once decoded) is benchmarked
//! as `decode/zego/<action>.<stem>/{typed,typed_plain,value}`; what each measures is described
//! in the shared `crates/record-core/benches/support/decode.rs`. The stem carries the action
//! because both ZEGO actions have a `doc_example`.
//!
//! `decode/zego/<action>.<stem>/neutral` (no throughput) converts the already decoded
//! largest success fixture of each action to the vendor-neutral view
//! (`DescribeRecordStatusResponse::to_recording`, `DescribeTasksResponse::to_recordings`).
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
use zego_record::{DescribeRecordStatusResponse, DescribeTasksResponse};

const VENDOR: &str = "zego";

fn benches_all(c: &mut Criterion) {
    let status = Fixtures::<DescribeRecordStatusResponse>::load(
        VENDOR,
        "describe_record_status",
        Naming::ActionDotStem,
        |r| r.code == 0,
    );
    let tasks = Fixtures::<DescribeTasksResponse>::load(
        VENDOR,
        "describe_tasks",
        Naming::ActionDotStem,
        |r| r.code == 0,
    );
    status.bench_decode(c);
    tasks.bench_decode(c);
    status.bench_neutral(
        c,
        |r| r.to_recording(black_box("task-1")),
        |out| {
            out.expect("a success answer converts");
        },
    );
    tasks.bench_neutral(c, DescribeTasksResponse::to_recordings, |out| {
        assert!(!out.expect("converts").is_empty())
    });
}

criterion_group!(benches, benches_all);
criterion_main!(benches);
