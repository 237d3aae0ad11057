//! Cost of decoding ZEGO's documented success answers: typed model vs `serde_json::Value`.
//!
//! Every success fixture of `fixtures/zego/<action>/` (`Code` 0 once decoded) is benchmarked
//! as `decode/zego/<action>.<stem>/{typed,typed_plain,value}`; what each measures is described
//! in the shared `crates/record-core/benches/support/decode.rs`. The stem carries the action
//! because both ZEGO actions have a `doc_example`.
//!
//! `decode/zego/<action>.<stem>/neutral` (no throughput) converts the already decoded
//! largest success fixture of each action to the vendor-neutral view
//! (`ToRecording::to_recording`, `ToRecordings::to_recordings`).
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
use zego_record::{
    DescribeRecordStatusResponse, DescribeTasksRequest, DescribeTasksResponse, FixedClock, TaskRef,
    TaskStatus, ToRecording as _, ToRecordings as _, UnixMillis,
};

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
    let task = TaskRef::Zego {
        task_id: "task-1".to_owned(),
    };
    let now = UnixMillis(1_700_000_000_000);
    let request = DescribeTasksRequest::builder()
        .status(TaskStatus::Recording)
        .start_time(UnixMillis(now.0 - 3_600_000))
        .end_time(now)
        .build_with_clock(&FixedClock::new(now))
        .expect("the bench request builds");
    status.bench_decode(c);
    tasks.bench_decode(c);
    status.bench_neutral(
        c,
        |r| r.to_recording(black_box(&task)),
        |out| {
            out.expect("a success answer converts");
        },
    );
    tasks.bench_neutral(
        c,
        |r| r.to_recordings(black_box(&request)),
        |out| assert!(!out.expect("converts").is_empty()),
    );
}

criterion_group!(benches, benches_all);
criterion_main!(benches);
