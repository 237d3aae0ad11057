//! The GetRecordTask request builder: a valid request and every documented limit violation.

use record_core::{Error, ErrorKind, FixedClock, UnixMillis};
use volc_record::{GetRecordTaskRequest, GetRecordTaskRequestBuilder, endpoints};

fn valid() -> GetRecordTaskRequestBuilder {
    GetRecordTaskRequest::builder()
        .app_id("661e****543cf")
        .room_id("Room1")
        .task_id("Task1")
}

fn rejected(builder: GetRecordTaskRequestBuilder) -> Error {
    match builder.build() {
        Ok(request) => panic!("expected the builder to reject the request, got {request:?}"),
        Err(e) => e,
    }
}

fn assert_invalid(err: &Error, parameter: &str) {
    assert_eq!(err.kind(), ErrorKind::InvalidRequest, "{err}");
    assert_eq!(err.parameter(), Some(parameter), "{err}");
    assert!(!err.is_retryable(), "{err}");
    assert_eq!(err.vendor(), Some(record_core::Vendor::Volcengine));
    assert_eq!(err.action(), Some("GetRecordTask"));
}

#[test]
fn valid_request_has_the_documented_query_and_path() -> Result<(), Error> {
    // The request example of the vendor page:
    // GET https://rtc.volcengineapi.com?Action=GetRecordTask&Version=2023-11-01&AppId=661e****543cf&RoomId=Room1&TaskId=Task1
    let clock = FixedClock::new(UnixMillis(1_718_781_186_000));
    let request = valid().build_with_clock(&clock)?;
    assert_eq!(request.app_id(), "661e****543cf");
    assert_eq!(request.room_id(), "Room1");
    assert_eq!(request.task_id(), "Task1");
    assert_eq!(
        request.query_pairs(),
        vec![
            ("AppId", "661e****543cf".to_owned()),
            ("RoomId", "Room1".to_owned()),
            ("TaskId", "Task1".to_owned()),
        ]
    );
    assert_eq!(request.path(), "/");
    Ok(())
}

#[test]
fn endpoint_constants_are_the_documented_ones() {
    let e = GetRecordTaskRequest::ENDPOINT;
    assert_eq!(e, endpoints::GET_RECORD_TASK);
    assert_eq!(
        (
            e.name,
            e.method,
            e.path,
            e.action,
            e.version,
            e.rate_limit_per_sec
        ),
        (
            "GetRecordTask",
            "GET",
            "/",
            Some("GetRecordTask"),
            Some("2023-11-01"),
            Some(60)
        )
    );
    assert!(e.query_window.is_some_and(|w| w.starts_with("72 hours")));
    assert_eq!(volc_record::hosts::DEFAULT, "https://rtc.volcengineapi.com");
    assert_eq!(
        volc_record::hosts::by_name("ap-singapore-1"),
        Some("https://open-ap-singapore-1.volcengineapi.com")
    );
    assert_eq!(
        volc_record::hosts::by_name("cn-north-1"),
        Some("https://rtc.volcengineapi.com")
    );
}

#[test]
fn ids_are_kept_verbatim() -> Result<(), Error> {
    // Encoding is the signer's job: the request keeps what the caller set.
    let request = valid().room_id("room with space/and?query").build()?;
    assert_eq!(request.room_id(), "room with space/and?query");
    assert_eq!(
        request.query_pairs()[1],
        ("RoomId", "room with space/and?query".to_owned())
    );
    Ok(())
}

#[test]
fn missing_app_id_is_rejected() {
    let b = GetRecordTaskRequest::builder()
        .room_id("Room1")
        .task_id("Task1");
    assert_invalid(&rejected(b), "AppId");
}

#[test]
fn empty_app_id_is_rejected() {
    assert_invalid(&rejected(valid().app_id("")), "AppId");
}

#[test]
fn missing_room_id_is_rejected() {
    let b = GetRecordTaskRequest::builder()
        .app_id("661e****543cf")
        .task_id("Task1");
    assert_invalid(&rejected(b), "RoomId");
}

#[test]
fn empty_room_id_is_rejected() {
    assert_invalid(&rejected(valid().room_id("")), "RoomId");
}

#[test]
fn missing_task_id_is_rejected() {
    let b = GetRecordTaskRequest::builder()
        .app_id("661e****543cf")
        .room_id("Room1");
    assert_invalid(&rejected(b), "TaskId");
}

#[test]
fn empty_task_id_is_rejected() {
    assert_invalid(&rejected(valid().task_id("")), "TaskId");
}
