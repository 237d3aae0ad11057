//! Request builders: valid requests serialize to the documented body, and every documented
//! limit violation is refused locally with `InvalidRequest` naming the parameter.

use record_core::{DurationMillis, Error, ErrorKind, FixedClock, UnixMillis, Vendor};
use serde_json::{Value, json};
use zego_record::{
    DescribeRecordStatusRequest, DescribeTasksRequest, DescribeTasksRequestBuilder, TaskStatus,
};

type TestResult = Result<(), Box<dyn std::error::Error>>;

/// "Now" for every DescribeTasks test: the EndTime of ZEGO's request example.
const NOW: UnixMillis = UnixMillis(1_628_475_402_000);
const THREE_DAYS: DurationMillis = DurationMillis(3 * 86_400_000);

fn clock() -> FixedClock {
    FixedClock::new(NOW)
}

fn body<T: serde::Serialize>(request: &T) -> Result<Value, serde_json::Error> {
    serde_json::to_value(request)
}

/// Asserts `result` is a local `InvalidRequest` error naming `parameter`.
fn assert_refused<T: std::fmt::Debug>(result: Result<T, Error>, parameter: &str, action: &str) {
    match result {
        Ok(v) => panic!("expected `{parameter}` to be refused, got {v:?}"),
        Err(e) => {
            assert_eq!(e.kind(), ErrorKind::InvalidRequest, "{e}");
            assert_eq!(e.parameter(), Some(parameter), "{e}");
            assert_eq!(e.vendor(), Some(Vendor::Zego), "{e}");
            assert_eq!(e.action(), Some(action), "{e}");
            assert_eq!(e.attempts(), 0, "refused before sending: {e}");
        }
    }
}

// ---------------------------------------------------------------------------------------
// DescribeRecordStatus
// ---------------------------------------------------------------------------------------

fn refuse_record_status(result: Result<DescribeRecordStatusRequest, Error>) {
    assert_refused(result, "TaskId", "DescribeRecordStatus");
}

#[test]
fn record_status_doc_example_body() -> TestResult {
    let request = DescribeRecordStatusRequest::builder()
        .task_id("X3CgNeE4I1qAAABN")
        .build()?;
    // vendor-docs/000 §请求示例, request body.
    let documented: Value = serde_json::from_str(r#"{ "TaskId": "X3CgNeE4I1qAAABN" }"#)?;
    assert_eq!(body(&request)?, documented);
    assert_eq!(
        serde_json::to_string(&request)?,
        r#"{"TaskId":"X3CgNeE4I1qAAABN"}"#
    );
    assert_eq!(request.task_id(), "X3CgNeE4I1qAAABN");
    assert_eq!(request.path(), "/");
    assert_eq!(
        DescribeRecordStatusRequest::ENDPOINT.action,
        Some("DescribeRecordStatus")
    );
    assert_eq!(DescribeRecordStatusRequest::ENDPOINT.method, "POST");
    assert_eq!(
        DescribeRecordStatusRequest::ENDPOINT.rate_limit_per_sec,
        Some(10)
    );
    Ok(())
}

#[test]
fn record_status_task_id_with_dash_is_valid() -> TestResult {
    // DescribeTasks' example ids contain '-': still 16 bytes.
    let request = DescribeRecordStatusRequest::builder()
        .task_id("YRHu6-E4IyvEAAAD")
        .build()?;
    assert_eq!(body(&request)?, json!({"TaskId": "YRHu6-E4IyvEAAAD"}));
    Ok(())
}

#[test]
fn record_status_length_is_counted_in_bytes_not_chars() -> TestResult {
    // 2 CJK chars (3 bytes each) + 10 ASCII = 16 bytes in 12 chars.
    let id = "任务ABCDEFGHIJ";
    assert_eq!((id.len(), id.chars().count()), (16, 12));
    let request = DescribeRecordStatusRequest::builder().task_id(id).build()?;
    assert_eq!(request.task_id(), id);
    Ok(())
}

#[test]
fn record_status_requires_task_id() {
    refuse_record_status(DescribeRecordStatusRequest::builder().build());
}

#[test]
fn record_status_refuses_empty_task_id() {
    refuse_record_status(DescribeRecordStatusRequest::builder().task_id("").build());
}

#[test]
fn record_status_refuses_15_byte_task_id() {
    refuse_record_status(
        DescribeRecordStatusRequest::builder()
            .task_id("X3CgNeE4I1qAAAB")
            .build(),
    );
}

#[test]
fn record_status_refuses_17_byte_task_id() {
    refuse_record_status(
        DescribeRecordStatusRequest::builder()
            .task_id("X3CgNeE4I1qAAABNx")
            .build(),
    );
}

#[test]
fn record_status_refuses_16_chars_of_more_than_16_bytes() {
    // 16 chars, 18 bytes.
    let id = "任X3CgNeE4I1qAAAB";
    assert_eq!((id.len(), id.chars().count()), (18, 16));
    refuse_record_status(DescribeRecordStatusRequest::builder().task_id(id).build());
}

// ---------------------------------------------------------------------------------------
// DescribeTasks
// ---------------------------------------------------------------------------------------

/// A valid request: recording tasks of the last hour.
fn tasks() -> DescribeTasksRequestBuilder {
    DescribeTasksRequest::builder()
        .status(TaskStatus::Recording)
        .start_time(NOW.saturating_sub(DurationMillis::HOUR))
        .end_time(NOW)
}

fn refuse_tasks(builder: DescribeTasksRequestBuilder, parameter: &str) {
    assert_refused(
        builder.build_with_clock(&clock()),
        parameter,
        "DescribeTasks",
    );
}

#[test]
fn tasks_doc_example_body() -> TestResult {
    let request = DescribeTasksRequest::builder()
        .status(TaskStatus::Recording)
        .room_id("1230")
        .start_time(UnixMillis(1_628_474_401_000))
        .end_time(UnixMillis(1_628_475_402_000))
        .page_offset(1)
        .page_size(50)
        .build_with_clock(&clock())?;
    // vendor-docs/002 §请求示例, request body, verbatim.
    let documented: Value = serde_json::from_str(
        r#"{
        "Status":2,
        "RoomId":"1230",
        "StartTime": 1628474401000,
        "EndTime": 1628475402000,
        "PageOffset": 1,
        "PageSize": 50
    }"#,
    )?;
    assert_eq!(body(&request)?, documented);
    assert_eq!(request.status(), TaskStatus::Recording);
    assert_eq!(request.room_id(), Some("1230"));
    assert_eq!(request.page_offset(), Some(1));
    assert_eq!(request.page_size(), Some(50));
    assert_eq!(request.start_time(), UnixMillis(1_628_474_401_000));
    assert_eq!(request.end_time(), UnixMillis(1_628_475_402_000));
    assert_eq!(request.path(), "/");
    assert_eq!(DescribeTasksRequest::ENDPOINT.action, Some("DescribeTasks"));
    Ok(())
}

#[test]
fn tasks_minimal_body_leaves_optional_params_out() -> TestResult {
    let request = DescribeTasksRequest::builder()
        .status(TaskStatus::Ended)
        .start_time(UnixMillis(1_628_400_000_000))
        .end_time(UnixMillis(1_628_475_000_000))
        .build_with_clock(&clock())?;
    assert_eq!(
        serde_json::to_string(&request)?,
        r#"{"Status":3,"StartTime":1628400000000,"EndTime":1628475000000}"#
    );
    assert_eq!(
        (
            request.room_id(),
            request.page_offset(),
            request.page_size()
        ),
        (None, None, None)
    );
    Ok(())
}

#[test]
fn tasks_accepts_the_limits_themselves() -> TestResult {
    // PageOffset 1, PageSize 1 and 50, StartTime exactly 3 days ago, a span of exactly 3 days.
    let start = NOW.saturating_sub(THREE_DAYS);
    for page_size in [1, 50] {
        let request = DescribeTasksRequest::builder()
            .status(TaskStatus::Ended)
            .page_offset(1)
            .page_size(page_size)
            .start_time(start)
            .end_time(start.saturating_add(THREE_DAYS))
            .build_with_clock(&clock())?;
        assert_eq!(request.page_size(), Some(page_size));
        assert_eq!(request.end_time().since(request.start_time()), THREE_DAYS);
    }
    let far_page = tasks().page_offset(u32::MAX).build_with_clock(&clock())?;
    assert_eq!(far_page.page_offset(), Some(u32::MAX));
    Ok(())
}

#[test]
fn tasks_window_may_end_in_the_future() -> TestResult {
    // Only the start is bounded by "now"; the docs put no limit on EndTime beyond the span.
    let request = tasks()
        .end_time(NOW.saturating_add(DurationMillis::DAY))
        .build_with_clock(&clock())?;
    assert_eq!(request.end_time(), UnixMillis(NOW.0 + 86_400_000));
    Ok(())
}

#[test]
fn tasks_requires_status() {
    let builder = DescribeTasksRequest::builder()
        .start_time(NOW.saturating_sub(DurationMillis::HOUR))
        .end_time(NOW);
    refuse_tasks(builder, "Status");
}

#[test]
fn tasks_refuses_status_initializing() {
    refuse_tasks(tasks().status(TaskStatus::Initializing), "Status");
}

#[test]
fn tasks_refuses_status_ended_abnormally() {
    refuse_tasks(tasks().status(TaskStatus::EndedAbnormally), "Status");
}

#[test]
fn tasks_refuses_status_paused() {
    refuse_tasks(tasks().status(TaskStatus::Paused), "Status");
}

#[test]
fn tasks_refuses_undocumented_status() {
    refuse_tasks(tasks().status(TaskStatus::from_raw(0)), "Status");
}

#[test]
fn tasks_accepts_status_2_and_3_only() {
    let accepted: Vec<i64> = (-1..=10)
        .filter(|raw| {
            tasks()
                .status(TaskStatus::from_raw(*raw))
                .build_with_clock(&clock())
                .is_ok()
        })
        .collect();
    assert_eq!(accepted, [2, 3]);
}

#[test]
fn tasks_requires_start_time() {
    let builder = DescribeTasksRequest::builder()
        .status(TaskStatus::Recording)
        .end_time(NOW);
    refuse_tasks(builder, "StartTime");
}

#[test]
fn tasks_requires_end_time() {
    let builder = DescribeTasksRequest::builder()
        .status(TaskStatus::Recording)
        .start_time(NOW.saturating_sub(DurationMillis::HOUR));
    refuse_tasks(builder, "EndTime");
}

#[test]
fn tasks_refuses_page_offset_0() {
    refuse_tasks(tasks().page_offset(0), "PageOffset");
}

#[test]
fn tasks_refuses_page_size_0() {
    refuse_tasks(tasks().page_size(0), "PageSize");
}

#[test]
fn tasks_refuses_page_size_51() {
    refuse_tasks(tasks().page_size(51), "PageSize");
}

#[test]
fn tasks_refuses_start_time_more_than_3_days_ago() {
    let start = NOW
        .saturating_sub(THREE_DAYS)
        .saturating_sub(DurationMillis(1));
    refuse_tasks(tasks().start_time(start).end_time(NOW), "StartTime");
}

#[test]
fn tasks_refuses_end_time_equal_to_start_time() {
    let start = NOW.saturating_sub(DurationMillis::HOUR);
    refuse_tasks(tasks().start_time(start).end_time(start), "EndTime");
}

#[test]
fn tasks_refuses_end_time_before_start_time() {
    let start = NOW.saturating_sub(DurationMillis::HOUR);
    refuse_tasks(
        tasks()
            .start_time(start)
            .end_time(start.saturating_sub(DurationMillis(1))),
        "EndTime",
    );
}

#[test]
fn tasks_refuses_span_over_3_days() {
    let start = NOW.saturating_sub(DurationMillis::DAY);
    let end = start
        .saturating_add(THREE_DAYS)
        .saturating_add(DurationMillis(1));
    refuse_tasks(tasks().start_time(start).end_time(end), "EndTime");
}

#[test]
fn tasks_window_check_follows_the_clock() -> TestResult {
    let start = NOW.saturating_sub(THREE_DAYS);
    let clock = clock();
    let builder = tasks().start_time(start).end_time(NOW);
    builder.clone().build_with_clock(&clock)?;
    clock.advance(DurationMillis(1));
    assert_refused(
        builder.build_with_clock(&clock),
        "StartTime",
        "DescribeTasks",
    );
    Ok(())
}

#[test]
fn tasks_extreme_times_are_refused_without_panicking() {
    refuse_tasks(
        tasks()
            .start_time(UnixMillis(i64::MIN))
            .end_time(UnixMillis(i64::MAX)),
        "StartTime",
    );
    refuse_tasks(
        tasks().start_time(NOW).end_time(UnixMillis(i64::MAX)),
        "EndTime",
    );
    refuse_tasks(
        tasks()
            .start_time(UnixMillis(i64::MAX))
            .end_time(UnixMillis(i64::MIN)),
        "EndTime",
    );
    let at_min = FixedClock::new(UnixMillis(i64::MIN));
    assert!(
        tasks()
            .start_time(UnixMillis(i64::MIN))
            .end_time(UnixMillis(i64::MIN + 1))
            .build_with_clock(&at_min)
            .is_ok()
    );
}

#[test]
fn validation_function_is_usable_directly() -> TestResult {
    let request = tasks().build_with_clock(&clock())?;
    zego_record::validation::describe_tasks_request(&request, &clock())?;
    let later = FixedClock::new(NOW.saturating_add(THREE_DAYS));
    let err = zego_record::validation::describe_tasks_request(&request, &later)
        .err()
        .ok_or("a window that is now over 3 days old must be refused")?;
    assert_eq!(
        (err.kind(), err.parameter()),
        (ErrorKind::InvalidRequest, Some("StartTime"))
    );
    assert_eq!(
        zego_record::validation::DESCRIBE_TASKS_MAX_WINDOW,
        THREE_DAYS
    );
    Ok(())
}

#[test]
fn window_errors_give_times_in_rfc_3339_not_raw_milliseconds() {
    let start = NOW
        .saturating_sub(THREE_DAYS)
        .saturating_sub(DurationMillis(1));
    let Err(err) = tasks()
        .start_time(start)
        .end_time(NOW)
        .build_with_clock(&clock())
    else {
        panic!("a window reaching back over 3 days was accepted");
    };
    let text = err.to_string();
    assert!(
        text.contains(&format!(
            "(earliest {}), got {}",
            NOW.saturating_sub(THREE_DAYS).to_rfc3339(),
            start.to_rfc3339()
        )),
        "{text}"
    );
    assert!(!text.contains(&start.as_millis().to_string()), "{text}");
}
